"""Detection and keyed pseudonymisation of personal data (savile.data.pii_detect, savile.data.privacy)."""

from __future__ import annotations

import os
import random
import re
import stat

import pytest

from savile.data.privacy import CITIES, FIRST_NAMES, KINDS, LAST_NAMES, Pseudonymiser, detect, load_key, read_mapping
from savile.errors import DataError

KEY = b"test-key"
# The demo house's order numbers: there is no default format, every brand sets its own.
ORDERS = [r"\bLR-\d{7}\b"]


def found(text: str, kind: str) -> list[str]:
    return [f.text for f in detect(text, ORDERS) if f.kind == kind]


# --- detectors: each on positives (exact span) and negatives --------------------------------------

POSITIVES = {
    "email": [
        ("write to claire.martin@gmail.com today", "claire.martin@gmail.com"),
        ("J.Tanaka+orders@mail.co.jp", "J.Tanaka+orders@mail.co.jp"),
        ("<zoe_obrien@outlook.fr>", "zoe_obrien@outlook.fr"),
        ("Email: ana.souza@empresa.com.br.", "ana.souza@empresa.com.br"),
        ("cc TOM-99@Example-Mail.org, thanks", "TOM-99@Example-Mail.org"),
        ("email: o'neil@example.ie", "o'neil@example.ie"),
        ("('claire@x.com')", "claire@x.com"),
    ],
    "phone": [
        ("call me on +33 6 12 34 56 78 please", "+33 6 12 34 56 78"),
        ("mobile +44 7700 900123.", "+44 7700 900123"),
        ("office +1 (212) 555-0142", "+1 (212) 555-0142"),
        ("+39 347 123 4567", "+39 347 123 4567"),
        ("tel. +81 90-1234-5678", "+81 90-1234-5678"),
        ("my number is 06 12 34 56 78", "06 12 34 56 78"),
        ("reach me at (212) 555-0142 after 6pm", "(212) 555-0142"),
        ("or 212-555-0142", "212-555-0142"),
        ("toll free 1-800-555-0199", "1-800-555-0199"),
        ("+41 79 123 45 67", "+41 79 123 45 67"),
        ("from abroad 0041 79 300 08 49", "0041 79 300 08 49"),  # Luhn-valid too: still a phone
        ("cell 347 1234567", "347 1234567"),
    ],
    "card": [
        ("card 4111 1111 1111 1111 was declined", "4111 1111 1111 1111"),
        ("5500-0000-0000-0004", "5500-0000-0000-0004"),
        ("amex 378282246310005", "378282246310005"),
        ("number 6011 1111 1111 1117 exp 12 27", "6011 1111 1111 1117"),
        ("visa 4012888888881881.", "4012888888881881"),
    ],
    "iban": [
        ("IBAN FR76 3000 6000 0112 3456 7890 189 please", "FR76 3000 6000 0112 3456 7890 189"),
        ("GB82 WEST 1234 5698 7654 32 EUR", "GB82 WEST 1234 5698 7654 32"),
        ("DE89370400440532013000", "DE89370400440532013000"),
        ("iban: it60 x054 2811 1010 0000 0123 456", "it60 x054 2811 1010 0000 0123 456"),
        ("ES91 2100 0418 4502 0005 1332.", "ES91 2100 0418 4502 0005 1332"),
        # a wrong check digit (a typo, a test value) is still someone's account
        ("Refund to FR76 3000 6000 0112 3456 7890 188 please", "FR76 3000 6000 0112 3456 7890 188"),
        ("Refund to GB00 WEST 1234 5698 7654 32 please", "GB00 WEST 1234 5698 7654 32"),
        ("iban de12345678901234567890", "de12345678901234567890"),
    ],
    "order_id": [
        ("order LR-4839201 has shipped", "LR-4839201"),
        ("LR-0000001", "LR-0000001"),
        ("(LR-1234567)", "LR-1234567"),
        ("orders LR-7654321, LR-1111111", "LR-7654321"),
        ("ref:LR-9999999.", "LR-9999999"),
    ],
    "address": [
        ("send it to 12 rue de Rivoli, 75001 Paris please", "12 rue de Rivoli, 75001 Paris"),
        ("I live at 221B Baker Street, London NW1 6XE.", "221B Baker Street, London NW1 6XE"),
        ("350 Fifth Avenue, New York, NY 10118", "350 Fifth Avenue, New York, NY 10118"),
        ("Via Montenapoleone 8, 20121 Milano.", "Via Montenapoleone 8, 20121 Milano"),
        ("Friedrichstraße 43, 10117 Berlin", "Friedrichstraße 43, 10117 Berlin"),
        ("Calle de Serrano 45, 28001 Madrid", "Calle de Serrano 45, 28001 Madrid"),
        ("5 avenue Montaigne", "5 avenue Montaigne"),
        ("Rue du Rhône 62, 1204 Genève", "Rue du Rhône 62, 1204 Genève"),
        ("Neuer Wall 12, 20354 Hamburg", "Neuer Wall 12, 20354 Hamburg"),
        ("I'm at 3-13-4 Roppongi, Minato-ku, Tokyo 106-0032.", "3-13-4 Roppongi, Minato-ku, Tokyo 106-0032"),
        ("Via de' Tornabuoni 77, 50123 Firenze", "Via de' Tornabuoni 77, 50123 Firenze"),
        ("12 King's Road, London SW3 4AB", "12 King's Road, London SW3 4AB"),
        ("to 106 W 70th St, Apt 22C, New York, NY 10073.", "106 W 70th St, Apt 22C, New York, NY 10073"),
        ("Flat 3, 22 Abbey Road, London NW8 9AY", "Flat 3, 22 Abbey Road, London NW8 9AY"),
        ("100 Queen St W, Toronto, ON M5H 2N2", "100 Queen St W, Toronto, ON M5H 2N2"),
        ("Via Verdi 12/A, 20121 Milano", "Via Verdi 12/A, 20121 Milano"),
    ],
    "person_name": [
        ("Hello Claire,\nthe bag arrived.", "Claire"),
        ("Dear Mr Martin, thank you.", "Martin"),
        ("Hi Jun Tanaka", "Jun Tanaka"),
        ("Good morning, my name is Zoë O'Brien and I ordered a bag.", "Zoë O'Brien"),
        ("This is Jean-Luc Picard, calling about a repair.", "Jean-Luc Picard"),
        ("I'm Ana de Souza and I have a question.", "Ana de Souza"),
        ("Best, Claire Martin", "Claire Martin"),
        ("Thanks,\nJun Tanaka", "Jun Tanaka"),
        ("Kind regards,\nAna Souza\nClient Services", "Ana Souza"),
        ("The strap broke. Cheers, Tom", "Tom"),
        ("Hi! Lauren Nguyen here. Is it in stock?", "Lauren Nguyen"),
        ("I am writing as Inès Lefèvre.", "Inès Lefèvre"),
        ("Thank you for writing, George.", "George"),
        ("Where is it?\n\n— Lena Schulz", "Lena Schulz"),
        ("Hola Álvaro, gracias.", "Álvaro"),
        ("My husband Rafael bought it.", "Rafael"),
        ("Please cancel it.\n\nIngrid Okafor", "Ingrid Okafor"),
        ("It was a pleasure, Mrs de la Fuente.", "de la Fuente"),
        ("Hi, I'm Ysolde. Is it in stock?", "Ysolde"),
        ("I spoke with Casimir at the counter.", "Casimir"),
        ("Could Ottilie from the Ginza store call me?", "Ottilie"),
        ("Regards, J. Smith", "J. Smith"),
    ],
}

NEGATIVES = {
    "email": ["claire at gmail dot com", "@maisonlirelle on Instagram", "user@localhost", "a@b", "email me"],
    "phone": [
        "The Alma bag is EUR 1,250.00",
        "It measures 28 x 20 x 11 cm",
        "returns within 30 days",
        "repairs take 8 to 10 weeks",
        "since 2019",
        "order LR-0123456",
        "SKU LR-HB-000123",
        "delivered on 01.02.2024",
        "4 1/2 inches, 12 pieces",
        "tracking 1Z 999 AA1 01 2345 6784",
        "tracking number 0381062349",
        "SKU 019514-933",
        "shipped with DHL on 12.12.2023 (0890268953)",
    ],
    "card": [
        "4111 1111 1111 1112",
        "1234 5678 9012 3456",
        "4111 1111 1111",
        "order LR-4839201",
        "+33 6 12 34 56 78",
        "12345678901234567890",
        "0041 79 300 08 49",
    ],
    "iban": [
        "SKU LR-HB-000123",
        "AB12",
        "DE89 3704",
        "DHL waybill JD712113052988886253",
        # the registered length without the country's structure (GB is 4 letters then 14 digits)
        "GB29 1234 5678 9012 3456 78",
        "VAT FR12345678901",
        "NL123456789B01",
        # no checksum, and not printed as an IBAN is (mixed case, odd grouping)
        "LV21 Please send it to me now",
        "Fr76 3000 6000 0112 3456 7890 188",
        "FR76 300060 00 0112 3456 7890 188",
    ],
    "order_id": ["SKU LR-HB-000123", "LR-123456", "LR-12345678", "XLR-1234567", "LR 1234567", "lr-1234567"],
    "address": [
        "One handbag, one idea: the Quai Voltaire Handbag 28.",
        "I waited 30 days",
        "It measures 28 x 20 x 11 cm",
        "we ship via DHL in 3 days",
        "Street style is back",
        "our boutique on Avenue Montaigne",
        "I bought 2 Large Totes",
        "12 items on the street",
        "in 2 places",
    ],
    "person_name": [
        "Hello there, I need help.",
        "Dear Sir or Madam,",
        "Hi team,",
        "Thanks again,\nsee you",
        "I'm Really Disappointed with the bag.",
        "Hello, Following my order I write.",
        "Thank you,\nThe Maison Lirelle Team",
        "I am Very Happy with it.",
        "Dear Customer,",
        "Photos here: see attached.",
        "Liebe Grüße,\nthe Paris team",
        "in size M. For the refund",
        "I saw the Alma at your boutique.",
        "Thanks!\n\nParis Boutique",
        "I'm French, and I love it.",
    ],
}


@pytest.mark.parametrize("kind,text,expected", [(k, t, e) for k, pairs in POSITIVES.items() for t, e in pairs])
def test_detector_finds(kind, text, expected):
    assert expected in found(text, kind), detect(text, ORDERS)


@pytest.mark.parametrize("kind,text", [(k, t) for k, texts in NEGATIVES.items() for t in texts])
def test_detector_ignores(kind, text):
    assert found(text, kind) == []


def test_every_kind_has_five_positives_and_five_negatives():
    assert set(POSITIVES) == set(NEGATIVES) == set(KINDS)
    assert all(len(POSITIVES[k]) >= 5 and len(NEGATIVES[k]) >= 5 for k in KINDS)


def test_findings_do_not_overlap_and_longer_wins():
    text = "Hello Claire,\nIBAN FR76 3000 6000 0112 3456 7890 189, phone +33 6 12 34 56 78, LR-4839201."
    findings = detect(text, ORDERS)
    assert [f.kind for f in findings] == ["person_name", "iban", "phone", "order_id"]
    assert all(a.end <= b.start for a, b in zip(findings, findings[1:], strict=False))
    assert all(text[f.start : f.end] == f.text for f in findings)


def test_configured_order_id_patterns_and_bad_pattern():
    assert [f.text for f in detect("loyalty ML-00123", [r"\bML-\d{5}\b"])] == ["ML-00123"]
    with pytest.raises(DataError, match="not a valid regular expression"):
        Pseudonymiser(KEY, [r"LR-(\d"])
    out, counts = Pseudonymiser(KEY, [r"\bORD-[A-Z]{6}\b"]).pseudonymise("ref ORD-QWERTY")
    assert re.fullmatch(r"ref ORD-[A-Z]{6}", out) and out != "ref ORD-QWERTY" and counts == {"order_id": 1}


def test_not_names_keeps_the_brand():
    assert found("Dear Maison Lirelle,", "person_name") == []
    assert detect("Hello Lirelle Paris,", not_names=["Lirelle Paris"]) == []
    assert detect("I bought 2 Quai Voltaire Handbag 28s", not_names=["Quai Voltaire"]) == []
    assert found("Ship to 12 Quai Voltaire, 75007 Paris", "address") == ["12 Quai Voltaire, 75007 Paris"]


# --- pseudonyms -----------------------------------------------------------------------------------

SAMPLE = (
    "Hello Claire Martin,\nCard 4111 1111 1111 1111, IBAN FR76 3000 6000 0112 3456 7890 189, "
    "call +33 6 12 34 56 78 or write to claire.martin@gmail.com about LR-4839201; "
    "ship to 12 rue de Rivoli, 75001 Paris.\nBest,\nClaire Martin"
)


def test_pseudonym_formats():
    out, counts = Pseudonymiser(KEY, ORDERS).pseudonymise(SAMPLE)
    assert re.search(r"\[CARD-[0-9a-f]{6}\]", out) and re.search(r"\[IBAN-[0-9a-f]{6}\]", out)
    assert re.search(r"\+00 \d\d \d \d\d \d\d \d\d \d\d\b", out)
    assert re.search(r"\b[a-z]+\.[a-z]+\.[0-9a-f]{4}@example\.com\b", out)
    assert re.search(r"\bLR-\d{7}\b", out) and "LR-4839201" not in out
    assert re.search(rf"\b\d{{1,3}} Example Street, (?:{'|'.join(CITIES)})\b", out)
    first, last = re.match(r"Hello (\w+) (\w+),", out).groups()
    assert first in FIRST_NAMES and last in LAST_NAMES
    assert out.endswith(f"Best,\n{first} {last}")
    assert counts == {"person_name": 2, "card": 1, "iban": 1, "phone": 1, "email": 1, "order_id": 1, "address": 1}


def test_deterministic_and_key_dependent():
    a1, _ = Pseudonymiser(KEY, ORDERS).pseudonymise(SAMPLE)
    a2, _ = Pseudonymiser(KEY, ORDERS).pseudonymise(SAMPLE)
    b, _ = Pseudonymiser(b"another key", ORDERS).pseudonymise(SAMPLE)
    assert a1 == a2
    assert a1 != b
    assert re.findall(r"\[CARD-\w+\]", a1) != re.findall(r"\[CARD-\w+\]", b)


def test_same_value_same_pseudonym_across_texts():
    p = Pseudonymiser(KEY, ORDERS)
    one, _ = p.pseudonymise("mail claire.martin@gmail.com or CLAIRE.MARTIN@gmail.com")
    two, _ = p.pseudonymise("Write to claire.martin@gmail.com.")
    emails = re.findall(r"\S+@example\.com", one + " " + two)
    assert len(emails) == 3 and len(set(emails)) == 1


def test_first_name_consistent_with_full_name():
    p = Pseudonymiser(KEY, ORDERS)
    out, counts = p.pseudonymise("Hello Claire Martin,\nyour bag is ready.\nClaire, Mr Martin may collect it.")
    first, last = re.match(r"Hello (\w+) (\w+),", out).groups()
    assert f"\n{first}, Mr {last} may collect it." in out
    assert not re.search(r"\b(?:Claire|Martin)\b", out)
    assert counts["person_name"] == 3
    later, _ = p.pseudonymise("Hi Claire, any news?")  # another conversation, same key
    assert later == f"Hi {first}, any news?"


def test_messages_share_names_and_keep_roles():
    msgs = [
        {"role": "user", "content": "Hi, I'm Jun Tanaka. Where is LR-1234567?"},
        {"role": "assistant", "content": "Dear Jun, LR-1234567 ships today.\nKind regards,\nSophie"},
        {"role": "user", "content": "Thanks Jun here again"},
    ]
    out, counts = Pseudonymiser(KEY, ORDERS).pseudonymise_messages(msgs)
    assert [m["role"] for m in out] == ["user", "assistant", "user"]
    text = " ".join(m["content"] for m in out)
    assert not re.search(r"\b(?:Jun|Tanaka|Sophie|LR-1234567)\b", text)
    first = re.search(r"I'm (\w+) \w+\.", out[0]["content"]).group(1)
    assert out[1]["content"].startswith(f"Dear {first},") and out[2]["content"] == f"Thanks {first} here again"
    assert counts == {"person_name": 4, "order_id": 2}
    assert msgs[0]["content"].startswith("Hi, I'm Jun Tanaka")  # input left untouched


def test_non_text_content_is_refused():
    with pytest.raises(DataError, match="content of type list"):
        Pseudonymiser(KEY, ORDERS).pseudonymise_messages([{"role": "user", "content": [{"type": "text"}]}])


@pytest.mark.parametrize("name", FIRST_NAMES[:10] + ("Zoë", "Jean-Luc"))
def test_pseudonym_never_equals_original(name):
    out, _ = Pseudonymiser(KEY, ORDERS).pseudonymise(f"Hello {name},")
    assert out != f"Hello {name}," and re.fullmatch(r"Hello \w+,", out)


def test_own_output_is_not_pseudonymised_again():
    p = Pseudonymiser(KEY, ORDERS)
    out, _ = p.pseudonymise(SAMPLE)
    assert p.pseudonymise(out) == (out, {})
    # a fresh instance still never takes the distinctive pseudonym shapes for personal data
    assert {f.kind for f in detect(out, ORDERS)} <= {"person_name", "order_id"}


def test_repr_hides_the_key():
    assert "test-key" not in repr(Pseudonymiser(KEY, ORDERS))


# --- the reversible mapping: opt-in, encrypted, apart from the data -------------------------------


def test_mapping_round_trip_encrypted_and_private(tmp_path):
    p = Pseudonymiser(KEY, ORDERS, record_mapping=True)
    out, _ = p.pseudonymise(SAMPLE)
    assert out == Pseudonymiser(KEY, ORDERS).pseudonymise(SAMPLE)[0]  # recording changes nothing written
    path = p.write_mapping(tmp_path / "apart" / "pii-mapping.json", KEY)
    mapping = read_mapping(path, KEY)
    restored = out
    for pseudonym in sorted(mapping, key=len, reverse=True):
        restored = restored.replace(pseudonym, mapping[pseudonym])
    assert restored == SAMPLE
    raw = path.read_bytes()
    for original in ("Claire", "Martin", "4111", "FR76", "+33 6 12", "gmail", "4839201", "Rivoli", "test-key"):
        assert original.encode() not in raw
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_mapping_wrong_key_missing_recording_and_bad_file_fail(tmp_path):
    p = Pseudonymiser(KEY, ORDERS, record_mapping=True)
    p.pseudonymise("Hello Hugo,\nJonas says hi.\nBest, Jonas")  # Hugo and Jonas share one pseudonym under KEY
    path = p.write_mapping(tmp_path / "m.json", KEY)
    assert "Hugo | Jonas" in read_mapping(path, KEY).values()
    with pytest.raises(DataError, match="wrong key"):
        read_mapping(path, b"another key")
    with pytest.raises(DataError, match="record_mapping=True"):
        Pseudonymiser(KEY, ORDERS).write_mapping(tmp_path / "n.json", KEY)
    (tmp_path / "junk.json").write_text("{}")
    with pytest.raises(DataError, match="not a readable Savile PII mapping"):
        read_mapping(tmp_path / "junk.json", KEY)


# --- canaries: plant 50 generated values of each kind, none may survive -------------------------


def _luhn_complete(body: str) -> str:
    """`body` plus the check digit that makes it Luhn-valid."""
    doubled = [int(c) * (1 if i % 2 else 2) for i, c in enumerate(reversed(body))]
    total = sum(x - 9 if x > 9 else x for x in doubled)
    return body + str(-total % 10)


def _iban(rng: random.Random) -> str:
    country, length = rng.choice([("FR", 27), ("DE", 22), ("IT", 27), ("ES", 24), ("NL", 18), ("BE", 16)])
    bban = "".join(rng.choice("0123456789") for _ in range(length - 4))
    if country in ("IT", "NL"):
        bban = rng.choice("ABCDEFGHJ") + bban[1:] if country == "IT" else "ABNA" + bban[4:]
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    iban = f"{country}{98 - int(numeric) % 97:02d}{bban}"
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)) if rng.random() < 0.6 else iban


def _canaries(rng: random.Random) -> dict[str, list[tuple[str, str]]]:
    """kind -> [(planted value, sentence holding it)]."""
    d = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    nz = lambda: rng.choice("123456789")  # noqa: E731
    firsts = [
        "Amelie",
        "Bastien",
        "Chiara",
        "Diego",
        "Elodie",
        "Farah",
        "Giulia",
        "Henrik",
        "Isabela",
        "Joaquin",
        "Kenji",
        "Lucia",
        "Mathis",
        "Noemie",
        "Olivier",
        "Priya",
        "Quentin",
        "Rania",
        "Sebastien",
        "Tomasz",
        "Ulla",
        "Valentina",
        "Wojciech",
        "Ximena",
        "Yusuf",
    ]
    lasts = [
        "Dubois",
        "Rossi",
        "Garcia",
        "Schneider",
        "Yamamoto",
        "Kowalski",
        "Lefebvre",
        "Moreau",
        "Bianchi",
        "Fernandez",
        "Nakamura",
        "Petrov",
        "Okafor",
        "Lindgren",
        "Haddad",
        "Ferreira",
        "Jansen",
        "Novak",
        "Laurent",
        "Costa",
        "Weber",
        "Andersson",
        "Bertrand",
        "Esposito",
        "Romero",
    ]
    phone_shapes = [
        lambda: f"+33 {nz()} {d(2)} {d(2)} {d(2)} {d(2)}",
        lambda: f"+44 7{d(3)} {d(6)}",
        lambda: f"+1 ({nz()}{d(2)}) {nz()}{d(2)}-{d(4)}",
        lambda: f"+39 3{d(2)} {d(3)} {d(4)}",
        lambda: f"+81 90-{d(4)}-{d(4)}",
        lambda: f"0{nz()} {d(2)} {d(2)} {d(2)} {d(2)}",
        lambda: f"({nz()}{d(2)}) {nz()}{d(2)}-{d(4)}",
        lambda: f"+49 30 {d(8)}",
    ]
    card_shapes = [
        lambda: " ".join(re.findall(".{4}", _luhn_complete("4" + d(14)))),
        lambda: "-".join(re.findall(".{4}", _luhn_complete("5" + nz() + d(13)))),
        lambda: _luhn_complete("37" + d(12)),
        lambda: _luhn_complete("4" + d(11)),
    ]
    streets = ["Rivoli", "Faubourg Saint-Honoré", "la Paix", "Grenelle", "Rennes"]
    address_shapes = [
        lambda: f"{nz()}{d(1)} rue de {rng.choice(streets)}, 750{d(2)} Paris",
        lambda: f"{nz()}{d(2)}B {rng.choice(['Baker', 'Sloane', 'Bond'])} Street, London W1 {nz()}AB",
        lambda: f"{nz()}{d(2)} {rng.choice(['Fifth', 'Madison', 'Park'])} Avenue, New York, NY 100{d(2)}",
        lambda: f"Via {rng.choice(['Montenapoleone', 'della Spiga'])} {nz()}, 201{d(2)} Milano",
        lambda: f"{rng.choice(['Friedrich', 'Linden', 'Goethe'])}straße {nz()}{d(1)}, 10{d(3)} Berlin",
        lambda: f"Calle de {rng.choice(['Serrano', 'Velázquez'])} {nz()}{d(1)}, 280{d(2)} Madrid",
    ]
    name_shapes = [
        "Hello {},\nmy bag arrived scratched.",
        "Dear Mrs {}, thank you for your patience.",
        "Good afternoon, my name is {} and I would like a repair.",
        "I'm {} and I bought a tote.",
        "The clasp is loose.\nKind regards,\n{}",
        "Where is my parcel? Best, {}",
        "Hi {} - the boutique will call you.",
        "This is {} from the Paris boutique.",
    ]
    planted: dict[str, list[tuple[str, str]]] = {k: [] for k in KINDS}
    for i in range(50):
        v = (
            f"{rng.choice(firsts).lower()}.{rng.choice(lasts).lower()}{d(2)}@"
            f"{rng.choice(['gmail.com', 'orange.fr', 'libero.it', 'web.de'])}"
        )
        planted["email"].append((v, f"Please reply to {v} as soon as possible."))
        v = rng.choice(phone_shapes)()
        planted["phone"].append((v, f"You can reach me on {v} after 6pm."))
        v = rng.choice(card_shapes)()
        planted["card"].append((v, f"I paid with card {v} and it was charged twice."))
        v = _iban(rng)
        planted["iban"].append((v, f"Please refund to IBAN {v} by Friday."))
        v = f"LR-{d(7)}"
        planted["order_id"].append((v, f"My order {v} has not arrived after 10 days."))
        v = rng.choice(address_shapes)()
        planted["address"].append((v, f"Please deliver to {v} instead."))
        v = f"{firsts[i % 25]} {lasts[(i * 7) % 25]}" if i % 3 else f"{firsts[i % 25]}"
        planted["person_name"].append((v, name_shapes[i % len(name_shapes)].format(v)))
    return planted


def test_canaries_do_not_survive():
    rng = random.Random(1234)
    p = Pseudonymiser(KEY, ORDERS)
    leaks = {}
    for kind, pairs in _canaries(rng).items():
        leaked = []
        for value, sentence in pairs:
            out, counts = p.pseudonymise(sentence)
            digits = re.sub(r"\D", "", value)
            survived = value in out or (len(digits) >= 8 and digits in re.sub(r"\D", "", out))
            if kind == "person_name":
                survived = any(re.search(rf"\b{re.escape(part)}\b", out) for part in value.split())
            if survived or counts[kind] == 0:
                leaked.append(f"{value!r} -> {out!r}")
        leaks[kind] = leaked
    report = "\n".join(f"{k}: {line}" for k, lines in leaks.items() for line in lines)
    print(report or "no canary survived")
    assert all(not leaks[k] for k in KINDS if k != "person_name"), report
    assert len(leaks["person_name"]) <= 5, report


def test_canaries_in_one_conversation():
    planted = {k: pairs[:20] for k, pairs in _canaries(random.Random(99)).items()}
    messages = [
        {"role": ("user", "assistant")[i % 2], "content": sentence}
        for i, pairs in enumerate(zip(*planted.values(), strict=False))
        for _, sentence in pairs
    ]
    out, counts = Pseudonymiser(KEY, ORDERS).pseudonymise_messages(messages)
    text = "\n".join(m["content"] for m in out)
    survivors = {
        k: [v for v, _ in pairs if re.search(rf"(?<!\w){re.escape(v)}(?!\w)", text)] for k, pairs in planted.items()
    }
    assert all(not survivors[k] for k in KINDS if k != "person_name"), survivors
    assert len(survivors["person_name"]) <= 2, survivors  # bare "I'm Diego" is out of scope
    assert set(counts) == set(KINDS)


# --- the key ----------------------------------------------------------------------------------------


def test_env_var_wins_over_file(tmp_path, monkeypatch):
    key_file = tmp_path / "pii.key"
    key_file.write_text("from-file\n")
    key_file.chmod(0o600)
    monkeypatch.setenv("SAVILE_PII_KEY", "from-env é")
    assert load_key(key_file=key_file) == "from-env é".encode()
    monkeypatch.delenv("SAVILE_PII_KEY")
    assert load_key(key_file=key_file) == b"from-file"


def test_key_file_is_created_private(tmp_path, monkeypatch):
    monkeypatch.delenv("MY_KEY", raising=False)
    key_file = tmp_path / "secrets" / "pii.key"
    key = load_key("MY_KEY", key_file)
    assert re.fullmatch(rb"[0-9a-f]{64}", key)
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert load_key("MY_KEY", key_file) == key  # read back, not regenerated


def test_empty_env_var_falls_back_to_file(tmp_path, monkeypatch):
    monkeypatch.setenv("MY_KEY", "")
    (tmp_path / "k").write_text("file-key")
    (tmp_path / "k").chmod(0o600)
    assert load_key("MY_KEY", tmp_path / "k") == b"file-key"


def test_no_key_names_both_ways(monkeypatch):
    monkeypatch.delenv("MY_KEY", raising=False)
    with pytest.raises(DataError, match="MY_KEY.*key_file"):
        load_key("MY_KEY", None)


def test_empty_key_file_is_an_error(tmp_path, monkeypatch):
    monkeypatch.delenv("MY_KEY", raising=False)
    (tmp_path / "k").write_text("  \n")
    (tmp_path / "k").chmod(0o600)
    with pytest.raises(DataError, match="empty"):
        load_key("MY_KEY", tmp_path / "k")


def test_key_file_readable_by_others_warns(tmp_path, monkeypatch):
    monkeypatch.delenv("MY_KEY", raising=False)
    (tmp_path / "k").write_text("shared")
    (tmp_path / "k").chmod(0o644)
    with pytest.warns(UserWarning, match="chmod 600"):
        assert load_key("MY_KEY", tmp_path / "k") == b"shared"
