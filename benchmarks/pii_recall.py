"""Recall and precision of the PII detector (savile.data.pii_detect) per kind, on generated data.

    .venv/bin/python benchmarks/pii_recall.py [--per-kind 600] [--seed 0] [--held-out] [--misses 5]

Plants --per-kind values of each kind (emails; phones in 36 national and international formats;
Luhn-valid cards of 7 schemes in several groupings; IBANs of 16 countries, a third of them with a
wrong check digit (a typo or a test value is still someone's account); order ids
of the default pattern and of a loyalty pattern passed in; street addresses in 17 formats of 11
countries; person names in greetings, sign-offs, introductions and free positions), each in a
customer-service sentence drawn from many templates, plus as many sentences with no personal data
but with look-alikes (prices, sizes, dates, SKUs, tracking numbers, VAT ids and account-like
references that lack an IBAN's registered length or structure, product and collection names).
Names, streets and towns are not taken from the detector's own word lists, so the numbers measure
generalisation rather than recall of the lists.

    recall    = planted values whose characters a finding of the right kind covers entirely / planted
    precision = findings that overlap a planted value of their kind / findings of that kind

Exits 1 if any kind but person_name has recall < 0.95 (names are reported as measured: without a
language model only names in recognisable positions are found). --held-out draws the sentences
from a second set of templates that was kept out of sight while the detector was tuned.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
import unicodedata
from collections import Counter

from savile.data.pii_detect import KINDS, detect
from savile.demo.people import ORDER_ID_PATTERN

LOYALTY_PATTERN = r"\bLC-\d{4}-\d{4}\b"
PATTERNS = (ORDER_ID_PATTERN, LOYALTY_PATTERN)
NOT_NAMES = ("Maison Lirelle", "Lirelle", "Quai Voltaire", "Rue Royale", "Saint-Germain", "Belle Epoque")
TARGET = 0.95

FIRSTS = (
    "Ingrid Rafael Aurelia Tobias Leocadia Bartholomew Oluwaseun Mireille Casimir Henrike Ignacio Solveig "
    "Anouk Evander Philippa Radomir Ximena Dorothea Emeric Ysolde Jovana Leopold Apolline Cornelius Paloma "
    "Wilhelmina Anselm Severin Ottilie Benedikt Rosalind Faustine Lysander Marisol Quirin Seraphine Vasco "
    "Aurélien Clémentine Hamish Perpetua Gwendolyn Ambrose Nkechi Tadeusz Inès Thibault Bettina Cyprien "
    "Yevgenia Mattias Kasimira Raimund Ondine Delphine Achille Hortense Zygmunt Isaura Florian"
).split()
LASTS = (
    "Okafor|Lindqvist|Vasquez-Oyelaran|Hartmann|Delacroix|Abernathy|Ferraro|Nakashima|Kowalczyk|Ostrowski|"
    "van der Berg|Achterberg|Montgomery|Beauchamp|Castellanos|Fitzgerald|Wójcik|Thorvaldsen|Albrecht|D'Souza|"
    "O'Connell|Mastroianni|Villeneuve|Haddad|Eriksen|Takahashi|Boateng|Szabó|Moreira|Rasmussen|Cavendish|"
    "Lefort|Grimaldi|Ishikawa|Nwosu|Marchetti|de la Fuente|Kristiansen|Bergström|Aguilar|Pellegrini|Vuković|"
    "Zimmerli|Desrosiers|Kamiński|Achebe|Lombardi|Sørensen|MacAllister|Giordano"
).split("|")
TITLES = ("Mr", "Mrs", "Ms", "Dr", "Mr.", "Mrs.", "Ms.", "Madame", "Monsieur", "Frau", "Herr", "Signora")
WORDS = (
    "Linden Chestnut Harbour Meadow Willow Cedar Orchard Kingfisher Foxglove Lavender Hawthorn Marlborough "
    "Juniper Sycamore Wexley Granville Ashcombe Rosemont Fairlie Thornbury"
).split()
TOWNS = (
    "Harrowgate",
    "Lindenfeld",
    "Castelmora",
    "Villaroux",
    "Ostbrook",
    "Belmonte",
    "Kirkwall",
    "Aldermoor",
    "Fontevrault",
    "Monteverde",
    "Sankt Ilgen",
    "Vieux-Marché",
    "Bad Harzburg",
    "Porto Santo",
    "Saint-Rémy",
)

# One template a line; "|" is a line break; {v} is the planted value ({first}, {full}, {title} {last} for names).
TEMPLATES = {
    "email": """Please send the invoice to {v} rather than to my work address.
You can reach me at {v} at any time.|Thank you.
My email changed: it is now {v}.
Could you update my account? New address: {v}
I never received the confirmation at {v}, could you resend it?
Write to me on {v} when the bag is ready.
Email: {v}
The gift receipt should go to my husband ({v}), not to me.
Reply to {v} please, I no longer use the old one.
Hello, I registered with {v} but cannot log in.
Send the repair quote to <{v}>.
Contact: {v} / preferred in the afternoon.""",
    "phone": """You can call me on {v} after 6 pm.
My mobile is {v}.
Please ring {v} when the courier is on the way.
Tel: {v}
Reach me at {v} or by email.
I tried to call the boutique from {v} but nobody answered.
The courier needs a phone number: {v}.
Call my assistant on {v} to arrange the fitting.
Best number to reach me is {v} (evenings).
Could the boutique text me at {v}?
My new number is {v}, the old one is disconnected.
WhatsApp: {v}""",
    "card": """I paid with my card {v} and was charged twice.
The card ending in the number {v} was declined at checkout.
Card number: {v}, expiry 09/27.
Please refund the amount to {v}.
I used card {v} for the deposit of EUR 450.00.
Why was {v} charged CHF 1,250.00 twice?
My Amex {v} was billed for an order I cancelled.
The payment with {v} failed three times.
Could you check the charge on card {v} from 12 March?
Refund to the original card ({v}) please.""",
    "iban": """Please refund to IBAN {v} by Friday.
My bank details: {v}
IBAN: {v} (account holder is me).
For the refund of EUR 2,400.00 please use {v}.
Could you wire the deposit back to {v}?
The transfer came from {v}, reference LR-HB-000123.
My account number {v} has changed, please update it.
Bank: {v}, BIC not needed I think.
Please send the money to this account: {v}.
Refund the 30% deposit to {v} please.""",
    "order_id": """My order {v} has not arrived after 10 days.
Where is {v}? The tracking has not moved.
I would like to return order {v}.
Order number: {v}
Could you cancel {v} please? I ordered twice by mistake.
The invoice for {v} shows the wrong amount.
My loyalty card is {v}, can you add the points?
Re: {v} - damaged on arrival
I was told {v} would ship within 2 days.
Please exchange the scarf from order {v} for the navy one.
Membership number {v}, please check my tier.""",
    "address": """Please deliver to {v} instead.
My new address is {v}.
Ship it to {v}, the concierge will sign for it.
Could you send the repaired bag to {v}?
Billing address: {v}
I moved last month; please use {v} from now on.
The courier left it at {v} but that is not my flat.
Send the invoice to my office at {v}.
Address:|{v}
Can I collect it near {v}? Otherwise post it there.
It should go to {v}, not to my old home.""",
    "person_name": """Dear {title} {last},|thank you for your patience while we looked into this.
Hello {first},|your repair is ready for collection at the boutique.
Hi {first}! The belt you asked about is back in stock in 85 cm.
Good afternoon {full}, we have received your return.
Bonjour {first}, votre commande est prête.
Dear {full},|please find the invoice attached.
The stitching on the handle came loose after two weeks.||Kind regards,|{full}
Could you tell me when the 28 cm version is available?|Thanks,|{first}
I would like to exchange the scarf for the navy one. Best, {full}
Thank you so much for your help.||Warm regards|{full}
Is gift wrapping free? Cheers, {first}
Please cancel the second item.||{full}
Where is my parcel? It has been 12 days.||-- {first}
My name is {full} and I bought a wallet in your Geneva boutique.
Hello, my name is {full}, I am writing about a refund.
I'm {full} and I have a question about the warranty.
This is {full}, calling back about the engraving.
{full} here. Has my order shipped yet?
Hi, I'm {first}. Could you check the stock of the mini tote?
Thank you for getting back to me, {first}.
It was a pleasure to help you, {title} {last}.
I spoke with {first} at your Milan boutique last week and she said the strap could be replaced.
My husband {first} bought this bag for me in March.
Could {first} from the Ginza store call me back?
The parcel should be addressed to {full}, not to me.
I was helped by {first} at the counter and she was wonderful.
Please hand the package to my assistant, {full}.
{title} {last} will collect the watch on Friday.
Ask for {full} at reception; he has the receipt.
My daughter {first} would like the same bracelet in a smaller size.
{full} placed the order on my account, is that a problem?
Is the Alma tote a good gift for {first}? She loves green.
Tell {first} the bag arrived safely.
{first} and I loved the new boutique.""",
}
# Kept out of sight while tuning the detector: read once, at the end.
HELD_OUT = {
    "email": "Forwarding this from {v} as the other inbox is full.\nIs {v} still on your mailing list? Remove it.",
    "phone": "If the line is busy try {v} instead.\nHere is the number for the driver - {v}.",
    "card": "Someone used {v} without my consent on your site.\nTwo charges appeared on {v} yesterday.",
    "iban": "Kindly transfer the refund to the following IBAN {v} thanks.\nRefund account - {v}",
    "order_id": "Regarding purchase {v}, the box was crushed.\nFollowing up on {v} again.",
    "address": "Our villa is at {v} and the gate code is 4512.\nDeliveries go to {v} (reception desk).",
    "person_name": (
        "Signed,|{full}\nOur driver {first} will pick it up.\nGood evening {title} {last}, "
        "your order is ready.\nHi {first},|sorry for the delay.\nMany thanks|{first} {last}"
    ),
}
NEGATIVE_TEMPLATES = """The {product} is {price} and measures {dims}.
Our VAT number is {vat}; the invoice ref is {acct_ref}.
Quote {acct_ref} on the transfer, our VAT id is {vat}.
Returns are accepted within {days} of delivery.
Your parcel left our warehouse on {date}; tracking number {track}.
The {collection} collection arrives in boutiques on {date}.
SKU {sku} is back in stock in {size}.
Repairs take {days}; the fee is {price}.
Hello again,|is the {product} available in black?
Dear Client Services,|the {product} I ordered on {date} is lovely.
Thank you, Maison Lirelle, for the beautiful {product}.
Our boutique on Avenue Montaigne opens at {time}.
The {collection} {product} ({dims}) costs {price}.
Please quote reference {sku} when you write.
Delivery in {days}, free above {price}.
Hi there! Do you still make the {product} in {size}?
The invoice INV-2024-{n5} lists {price} for the {product}.
Model {n4}/{n1}A, serial {hex4}-{hex4}, bought on {date}.
We are open {time} to 19:00, Monday to Saturday, at the Rue Royale boutique.
Cheers, and see you at the {collection} launch!
Your {product} was shipped with {carrier} on {date} ({track}).
Best regards,|Client Services team
I bought 2 {product}s and 1 scarf for {price} in total.
The strap is {n2} cm long and {n1}.{n1} cm wide; the case is 18k gold and 925 silver.
Good morning, I would like to book a fitting on {date} at {time}.
Can you confirm the {collection} edition number {n3} of 500?
It weighs {n3} g and holds a 13-inch laptop.""".split("\n")
PRODUCTS = (
    "Alma tote",
    "Victoria clutch",
    "Saint-Germain bag",
    "Quai Voltaire Handbag 28",
    "Capucine belt",
    "Odeon wallet",
    "Florentine scarf",
    "Riviera sandal",
    "Montaigne pouch",
    "Georgia cardholder",
)
COLLECTIONS = ("Quai Voltaire", "Rue Royale", "Belle Epoque", "Riviera", "Saint-Germain", "Odeon")
CARRIERS = ("DHL Express", "UPS", "FedEx", "La Poste", "Royal Mail")


def _d(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _nz(rng: random.Random) -> str:
    return rng.choice("123456789")


def _ascii(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name.lower().replace("ø", "o").replace("ł", "l"))
    return "".join(c for c in plain if c.isascii() and c.isalnum())


# --- values ---------------------------------------------------------------------------------------


def email(rng: random.Random) -> str:
    first, last = _ascii(rng.choice(FIRSTS)), _ascii(rng.choice(LASTS))
    local = rng.choice(
        (
            f"{first}.{last}",
            f"{first[0]}{last}",
            f"{first}{last}{_d(rng, 2)}",
            f"{last}.{first}",
            f"{first}_{last}",
            f"{first}+orders",
            f"{first}.{last}.{_d(rng, 4)}",
            _d(rng, 9),
            f"{first[0]}.{last}-{_d(rng, 1)}",
            f"{first.capitalize()}.{last.capitalize()}",
        )
    )
    domain = rng.choice(
        (
            "gmail.com",
            "outlook.fr",
            "yahoo.co.uk",
            "web.de",
            "libero.it",
            "icloud.com",
            "qq.com",
            "hotmail.es",
            "orange.fr",
            "bluewin.ch",
            "proton.me",
            "atelier-moreau.fr",
            "naver.com",
            "studio.kobayashi.co.jp",
            "xs4all.nl",
            "bigpond.com.au",
            "mail.example-firm.com",
        )
    )
    return f"{local}@{domain}"


def phone(rng: random.Random) -> str:
    d, nz = (lambda n: _d(rng, n)), (lambda: _nz(rng))
    return rng.choice(
        (
            lambda: f"+33 {rng.choice('67')} {d(2)} {d(2)} {d(2)} {d(2)}",
            lambda: f"0{rng.choice('67')} {d(2)} {d(2)} {d(2)} {d(2)}",
            lambda: f"0{rng.choice('1234567')}.{d(2)}.{d(2)}.{d(2)}.{d(2)}",
            lambda: f"+33 (0)1 {d(2)} {d(2)} {d(2)} {d(2)}",
            lambda: f"+44 7{d(3)} {d(6)}",
            lambda: f"07{d(3)} {d(6)}",
            lambda: f"+44 (0)20 {d(4)} {d(4)}",
            lambda: f"020 {d(4)} {d(4)}",
            lambda: f"+1 ({nz()}{d(2)}) {nz()}{d(2)}-{d(4)}",
            lambda: f"({nz()}{d(2)}) {nz()}{d(2)}-{d(4)}",
            lambda: f"{nz()}{d(2)}-{nz()}{d(2)}-{d(4)}",
            lambda: f"{nz()}{d(2)}.{nz()}{d(2)}.{d(4)}",
            lambda: f"+1 {nz()}{d(2)} {nz()}{d(2)} {d(4)}",
            lambda: f"+1-{nz()}{d(2)}-{nz()}{d(2)}-{d(4)}",
            lambda: f"+39 3{d(2)} {d(3)} {d(4)}",
            lambda: f"3{d(2)} {d(7)}",
            lambda: f"+49 1{rng.choice('567')}{d(1)} {d(8)}",
            lambda: f"01{rng.choice('567')}{d(1)} {d(8)}",
            lambda: f"+49 (0)30 {d(8)}",
            lambda: f"+81 {rng.choice('789')}0-{d(4)}-{d(4)}",
            lambda: f"0{rng.choice('789')}0-{d(4)}-{d(4)}",
            lambda: f"03-{d(4)}-{d(4)}",
            lambda: f"+34 6{d(2)} {d(3)} {d(3)}",
            lambda: f"+41 7{rng.choice('5689')} {d(3)} {d(2)} {d(2)}",
            lambda: f"0041 7{rng.choice('5689')} {d(3)} {d(2)} {d(2)}",
            lambda: f"+86 1{d(2)} {d(4)} {d(4)}",
            lambda: f"+61 4 {d(4)} {d(4)}",
            lambda: f"04{d(2)} {d(3)} {d(3)}",
            lambda: f"+852 {rng.choice('5689')}{d(3)} {d(4)}",
            lambda: f"+971 5{d(1)} {d(3)} {d(4)}",
            lambda: f"+55 11 9{d(4)}-{d(4)}",
            lambda: f"+31 6 {d(8)}",
            lambda: f"06-{d(8)}",
            lambda: f"+82 10-{d(4)}-{d(4)}",
        )
    )()


def _luhn_complete(body: str) -> str:
    total = sum(x - 9 if x > 9 else x for x in (int(c) * (1 if i % 2 else 2) for i, c in enumerate(reversed(body))))
    return body + str(-total % 10)


def card(rng: random.Random) -> str:
    prefix, length, groups = rng.choice(
        (
            ("4", 16, (4, 4, 4, 4)),
            (rng.choice(("51", "53", "55", "2221", "2720")), 16, (4, 4, 4, 4)),
            (rng.choice(("34", "37")), 15, (4, 6, 5)),
            ("6011", 16, (4, 4, 4, 4)),
            ("35", 16, (4, 4, 4, 4)),
            ("36", 14, (4, 6, 4)),
            ("62", 19, (4, 4, 4, 4, 3)),
            ("4", 13, (4, 4, 5)),
        )
    )
    digits = _luhn_complete(prefix + _d(rng, length - len(prefix) - 1))
    sep = rng.choice((" ", " ", "-", ""))
    parts, i = [], 0
    for g in groups:
        parts.append(digits[i : i + g])
        i += g
    return sep.join(parts)


_IBAN_SPECS = {
    "FR": "n10c11n2",
    "MC": "n10c11n2",
    "DE": "n18",
    "GB": "a4n14",
    "IE": "a4n14",
    "IT": "a1n10c12",
    "ES": "n20",
    "NL": "a4n10",
    "BE": "n12",
    "CH": "n5c12",
    "AT": "n16",
    "PT": "n21",
    "LU": "n3c13",
    "SE": "n20",
    "DK": "n14",
    "PL": "n24",
}


def iban(rng: random.Random) -> str:
    country = rng.choice(sorted(_IBAN_SPECS))
    bban = ""
    for kind, count in ((m[0], int(m[1:])) for m in re.findall(r"[nac]\d+", _IBAN_SPECS[country])):
        pool = {"n": "0123456789", "a": "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "c": "0123456789" * 3 + "ABCDEFGHJKLMNPRSTUVWXYZ"}
        bban += "".join(rng.choice(pool[kind]) for _ in range(count))
    check = 98 - int("".join(str(int(c, 36)) for c in bban + country + "00")) % 97
    if rng.random() < 1 / 3:  # a customer's typo or a test value: a wrong check digit is still someone's account
        check = rng.choice([c for c in range(2, 99) if c != check])
    value = f"{country}{check:02d}{bban}"
    style = rng.random()
    if style < 0.6:
        value = " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    return value.lower() if style > 0.95 else value


def order_id(rng: random.Random) -> str:
    return f"LR-{_d(rng, 7)}" if rng.random() < 0.6 else f"LC-{_d(rng, 4)}-{_d(rng, 4)}"


def address(rng: random.Random) -> str:
    w, t, n = rng.choice(WORDS), rng.choice(TOWNS), str(rng.randint(1, 240))
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    uk_post = f"{rng.choice(('SW', 'NW', 'EH', 'M', 'BS', 'W'))}{rng.randint(1, 19)} {_nz(rng)}{rng.choice(letters)}{rng.choice(letters)}"
    return rng.choice(
        (
            lambda: (
                f"{n} {rng.choice(('rue', 'avenue', 'boulevard', 'allée', 'impasse'))} {rng.choice(('des', 'du', 'de la'))} {w}, {_nz(rng)}{_d(rng, 4)} {t}"
            ),
            lambda: f"{n} bis rue {w}, {_nz(rng)}{_d(rng, 4)} {t}",
            lambda: (
                f"{n} {w} {rng.choice(('Road', 'Lane', 'Close', 'Gardens', 'Crescent', 'Mews', 'Terrace'))}, {t} {uk_post}"
            ),
            lambda: f"Flat {rng.randint(1, 30)}, {n} {w} Road, {t} {uk_post}",
            lambda: (
                f"{n} {w} {rng.choice(('Street', 'Avenue', 'Blvd', 'Drive', 'Lane', 'Court'))}, {t}, {rng.choice(('NY', 'CA', 'IL', 'TX', 'MA'))} {_d(rng, 5)}"
            ),
            lambda: (
                f"{n} W {rng.randint(10, 89)}th St, Apt {rng.randint(1, 40)}{rng.choice('ABCD')}, New York, NY 100{_d(rng, 2)}"
            ),
            lambda: f"{n} {w} Ave, Suite {rng.randint(100, 900)}, {t}, {rng.choice(('WA', 'FL', 'GA'))} {_d(rng, 5)}",
            lambda: (
                f"{w}{rng.choice(('straße', 'strasse', 'weg', 'allee', 'gasse', 'platz'))} {n}{rng.choice(('', '', 'a', 'b'))}, {_nz(rng)}{_d(rng, 4)} {t}"
            ),
            lambda: f"Am {w}hof {n}, {_nz(rng)}{_d(rng, 4)} {t}",
            lambda: (
                f"{rng.choice(('Via', 'Corso', 'Piazza', 'Viale', 'Vicolo'))} {rng.choice(('', 'dei ', 'della '))}{w} {n}, {_d(rng, 5)} {t}"
            ),
            lambda: f"{rng.choice(('Calle', 'Avenida', 'Paseo', 'Plaza'))} de {w} {n}, {_d(rng, 5)} {t}",
            lambda: (
                f"{w}{rng.choice(('straat', 'gracht', 'laan', 'kade'))} {n}, {_nz(rng)}{_d(rng, 3)} {rng.choice(letters)}{rng.choice(letters)} {t}"
            ),
            lambda: f"{w}strasse {n}, {_nz(rng)}{_d(rng, 3)} {t}",
            lambda: f"{rng.choice(('Rue', 'Chemin', 'Avenue'))} de {w} {n}, {_nz(rng)}{_d(rng, 3)} {t}",
            lambda: (
                f"{rng.randint(1, 7)}-{rng.randint(1, 20)}-{rng.randint(1, 30)} {w}, {w[:4]}-ku, Tokyo {_d(rng, 3)}-{_d(rng, 4)}"
            ),
            lambda: f"{n} {w} St W, {t}, ON M{_nz(rng)}{rng.choice(letters)} {_nz(rng)}{rng.choice(letters)}{_nz(rng)}",
            lambda: f"{n} {w} Street, {t} NSW {_nz(rng)}{_d(rng, 3)}",
        )
    )()


def person(rng: random.Random, template: str) -> tuple[str, dict[str, str]]:
    first, last = rng.choice(FIRSTS), rng.choice(LASTS)
    fills = {"first": first, "last": last, "full": f"{first} {last}", "title": rng.choice(TITLES)}
    planted = "last" if "{last}" in template and "{title}" in template else "full" if "{full}" in template else "first"
    if "{first}" in template and "{last}" in template:
        planted = "full"
    return fills[planted], fills


GENERATORS = {"email": email, "phone": phone, "card": card, "iban": iban, "order_id": order_id, "address": address}


def lookalike(rng: random.Random, key: str) -> str:
    x = rng.randint(90, 12000)
    return {
        "price": lambda: rng.choice(
            (
                f"EUR {x:,}.00",
                f"€{x:,}",
                f"{x:,} €",
                f"CHF {x:,}.-",
                f"USD {x:,}.50",
                f"£{x}",
                f"¥{x * 100:,}",
                f"EUR {x}",
            )
        ),
        "dims": lambda: rng.choice(
            (
                f"{x % 40 + 10} x {x % 25 + 8} x {x % 12 + 4} cm",
                f"{x % 40 + 10} × {x % 30 + 5} cm",
                f"H {x % 40 + 10} cm",
                f"{x % 40 + 10}x{x % 25 + 8}x{x % 12 + 4}cm",
            )
        ),
        "days": lambda: rng.choice(
            ("30 days", "2 to 3 weeks", "14 days", "8 to 10 weeks", "48 hours", "5-7 working days")
        ),
        "date": lambda: rng.choice(
            (
                f"{x % 28 + 1:02d}/{x % 12 + 1:02d}/2024",
                f"{x % 28 + 1:02d}.{x % 12 + 1:02d}.2023",
                f"2024-{x % 12 + 1:02d}-{x % 28 + 1:02d}",
                f"{x % 28 + 1} May 2024",
                "March 3rd",
                f"{x % 28 + 1:02d}-{x % 12 + 1:02d}-2024",
            )
        ),
        "track": lambda: rng.choice(
            (
                f"1Z 999 AA1 {_d(rng, 2)} {_d(rng, 4)} {_d(rng, 4)}",
                f"JD{_d(rng, 18)}",
                f"RR{_d(rng, 9)}FR",
                f"{_nz(rng)}{_d(rng, 3)} {_d(rng, 4)} {_d(rng, 4)}",
                f"6A{_d(rng, 11)}",
                f"AB {_d(rng, 4)} {_d(rng, 4)} {_nz(rng)}GB",
                _d(rng, 10),
            )
        ),
        "sku": lambda: rng.choice(
            (f"LR-HB-{_d(rng, 6)}", f"LR-SC-{_d(rng, 6)}", f"{_d(rng, 6)}-{_d(rng, 3)}", f"HB{x % 40}-NOIR-GHW")
        ),
        # EU VAT ids and references that start like an IBAN but lack a country's registered length or structure
        "vat": lambda: rng.choice(
            (
                f"FR{_d(rng, 11)}",
                f"DE{_d(rng, 9)}",
                f"GB{_d(rng, 9)}",
                f"IT{_d(rng, 11)}",
                f"NL{_d(rng, 9)}B{_d(rng, 2)}",
                f"ES{rng.choice('ABX')}{_d(rng, 8)}",
                f"BE0{_d(rng, 9)}",
            )
        ),
        "acct_ref": lambda: rng.choice(
            (
                f"GB{_d(rng, 2)} WEST {_d(rng, 4)} {_d(rng, 2)}",
                f"DE{_d(rng, 2)}-{_d(rng, 4)}-{_d(rng, 6)}",
                f"FR{_d(rng, 2)} ABCD {_d(rng, 4)}",
                f"NL{_d(rng, 2)} {_d(rng, 4)} {_d(rng, 4)} {_d(rng, 2)}",
                f"ES{_d(rng, 2)}{_d(rng, 8)}",
                f"IT{_d(rng, 2)} X{_d(rng, 3)} {_d(rng, 4)}",
            )
        ),
        "size": lambda: rng.choice(("EU 38", "size M", "85 cm", "6.5", "a 90 cm belt")),
        "time": lambda: rng.choice(("10:00", "9 am", "14:30", "11.30")),
        "product": lambda: rng.choice(PRODUCTS),
        "collection": lambda: rng.choice(COLLECTIONS),
        "carrier": lambda: rng.choice(CARRIERS),
        "hex4": lambda: f"{rng.getrandbits(16):04X}",
        "n1": lambda: _nz(rng),
        "n2": lambda: _nz(rng) + _d(rng, 1),
        "n3": lambda: _nz(rng) + _d(rng, 2),
        "n4": lambda: _nz(rng) + _d(rng, 3),
        "n5": lambda: _d(rng, 5),
    }[key]()


def negative(rng: random.Random) -> str:
    template = rng.choice(NEGATIVE_TEMPLATES).replace("|", "\n")
    return re.sub(r"\{(\w+)\}", lambda m: lookalike(rng, m.group(1)), template)


def planted(rng: random.Random, kind: str, templates: list[str]) -> tuple[str, tuple[int, int]]:
    """A sentence holding one value of `kind`, sometimes between look-alike sentences, and the value's span."""
    template = rng.choice(templates).replace("|", "\n")
    if kind == "person_name":
        value, fills = person(rng, template)
        text = template.format(**fills)
        start = text.index(value, text.index(fills["title"]) + len(fills["title"]) if "{title}" in template else 0)
    else:
        value = GENERATORS[kind](rng)
        text = template.format(v=value)
        start = text.index(value)
    if rng.random() < 0.3:
        prefix = negative(rng) + rng.choice((" ", "\n"))
        text, start = prefix + text, start + len(prefix)
    if rng.random() < 0.3 and not template.rstrip().endswith("}"):
        text += " " + negative(rng)
    return text, (start, start + len(value))


def measure(per_kind: int, seed: int, held_out: bool) -> tuple[dict, dict]:
    rng = random.Random(seed)
    source = HELD_OUT if held_out else TEMPLATES
    cases = [(kind, *planted(rng, kind, source[kind].split("\n"))) for kind in KINDS for _ in range(per_kind)]
    cases += [(None, negative(rng), None) for _ in range(per_kind)]
    found, covered, true_pos, misses = Counter(), Counter(), Counter(), {k: [] for k in KINDS}
    for kind, text, span in cases:
        findings = detect(text, PATTERNS, not_names=NOT_NAMES)
        if kind is not None:
            hit = any(f.kind == kind and f.start <= span[0] and f.end >= span[1] for f in findings)
            covered[kind] += hit
            if not hit:
                misses[kind].append(
                    f"{text[span[0] : span[1]]!r} in {text!r} -> {[(f.kind, f.text) for f in findings]}"
                )
        for f in findings:
            found[f.kind] += 1
            if span is not None and f.kind == kind and f.start < span[1] and f.end > span[0]:
                true_pos[f.kind] += 1
            elif len(misses.setdefault("false:" + f.kind, [])) < 50:
                misses["false:" + f.kind].append(f"{f.text!r} in {text!r}")
    table = {k: (per_kind, covered[k] / per_kind, found[k], true_pos[k] / found[k] if found[k] else 1.0) for k in KINDS}
    return table, misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=600, help="planted values per kind, and negative sentences")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--held-out", action="store_true", help="use the held-out templates")
    parser.add_argument("--misses", type=int, default=0, help="print this many misses and false findings per kind")
    args = parser.parse_args()
    start = time.perf_counter()
    table, misses = measure(args.per_kind, args.seed, args.held_out)
    print(f"{'kind':<12} {'planted':>7} {'recall':>7} {'findings':>8} {'precision':>9}")
    for kind, (n, recall, n_found, precision) in table.items():
        flag = "" if kind == "person_name" or recall >= TARGET else f"  < {TARGET}"
        print(f"{kind:<12} {n:>7} {recall:>7.3f} {n_found:>8} {precision:>9.3f}{flag}")
    print(
        f"{args.per_kind} negative sentences with look-alikes; "
        f"{'held-out' if args.held_out else 'tuning'} templates; seed {args.seed}; {time.perf_counter() - start:.1f} s"
    )
    for kind, lines in misses.items():
        for line in lines[: args.misses]:
            print(f"[{kind}] {line}")
    return int(any(recall < TARGET for kind, (_, recall, _, _) in table.items() if kind != "person_name"))


if __name__ == "__main__":
    sys.exit(main())
