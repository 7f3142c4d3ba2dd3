"""Fictional customers of Maison Lirelle, with realistic personal data in local formats.

The conversations carry names, emails, telephone numbers, order numbers and postal addresses
so that the PII scrubbing stage has something real to find. Each customer comes from one
country profile, so the name, phone format, address format and email domain agree. Formats:

- phone: +33 6 12 34 56 78 | +44 7700 900123 | +1 (212) 555-0142 | +39 347 123 4567 |
  +81 90-1234-5678 | +49 151 23456789 | +34 612 345 678 | +41 79 123 45 67
- order number: LR- followed by 7 digits, e.g. LR-4839201
- address: the local form, e.g. "12 rue de Rivoli, 75001 Paris",
  "221B Baker Street, London NW1 6XE", "350 Fifth Avenue, New York, NY 10118"
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Customer", "draw_customer", "order_number", "ORDER_ID_PATTERN"]

# What the demo project configures as privacy.order_id_patterns.
ORDER_ID_PATTERN = r"\bLR-\d{7}\b"

# Share of conversations that carry each kind of personal data.
_RATES = {"name": 0.8, "email": 0.4, "phone": 0.3, "order": 0.5, "address": 0.2}


@dataclass(frozen=True)
class Customer:
    """A customer and the personal data they chose to give; None where they gave none."""

    first: str
    last: str
    city: str
    country: str
    named: bool
    email: str | None
    phone: str | None
    order: str | None
    address: str | None

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


@dataclass(frozen=True)
class _Profile:
    country: str
    firsts: tuple[str, ...]
    lasts: tuple[str, ...]
    domains: tuple[str, ...]
    phone: Callable[[random.Random], str]
    address: Callable[[random.Random], tuple[str, str]]  # (address, city)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(n))


def _pick(rng: random.Random, table: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    return table[rng.randrange(len(table))]


def _address_fr(rng: random.Random) -> tuple[str, str]:
    street = rng.choice(
        (
            "rue de Rivoli",
            "avenue Montaigne",
            "boulevard Haussmann",
            "rue de Sèvres",
            "rue du Faubourg Saint-Honoré",
            "rue Oberkampf",
            "rue de la République",
            "cours Mirabeau",
            "quai des Chartrons",
        )
    )
    city, postcode = _pick(
        rng,
        (
            ("Paris", f"750{rng.randint(1, 20):02d}"),
            ("Lyon", f"6900{rng.randint(1, 9)}"),
            ("Bordeaux", "33000"),
            ("Marseille", f"1300{rng.randint(1, 9)}"),
            ("Lille", "59000"),
            ("Nantes", "44000"),
        ),
    )
    return f"{rng.randint(1, 180)} {street}, {postcode} {city}", city


def _address_uk(rng: random.Random) -> tuple[str, str]:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    inward = f"{rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    street, city, district = _pick(
        rng,
        (
            ("Baker Street", "London", "NW1"),
            ("King's Road", "London", "SW3"),
            ("Kensington Church Street", "London", "W8"),
            ("Portobello Road", "London", "W11"),
            ("Marylebone High Street", "London", "W1U"),
            ("Deansgate", "Manchester", "M3"),
            ("George Street", "Edinburgh", "EH2"),
            ("Royal Crescent", "Bath", "BA1"),
        ),
    )
    number = f"{rng.randint(1, 240)}{rng.choice(('', '', '', 'A', 'B'))}"
    return f"{number} {street}, {city} {district} {inward}", city


def _address_us(rng: random.Random) -> tuple[str, str]:
    street, city, state, zip_prefix = _pick(
        rng,
        (
            ("Fifth Avenue", "New York", "NY", "100"),
            ("Madison Avenue", "New York", "NY", "100"),
            ("Rodeo Drive", "Beverly Hills", "CA", "902"),
            ("Michigan Avenue", "Chicago", "IL", "606"),
            ("Newbury Street", "Boston", "MA", "021"),
            ("Collins Avenue", "Miami Beach", "FL", "331"),
            ("Fillmore Street", "San Francisco", "CA", "941"),
        ),
    )
    return (f"{rng.randint(10, 999)} {street}, {city}, {state} {zip_prefix}{_digits(rng, 2)}", city)


def _address_local(table: tuple[tuple[str, str, str], ...]) -> Callable:
    """Street-number-first addresses: 'Via dei Condotti 8, 00187 Roma'."""

    def draw(rng: random.Random) -> tuple[str, str]:
        street, postcode, city = _pick(rng, table)
        return f"{street} {rng.randint(1, 120)}, {postcode} {city}", city

    return draw


def _address_jp(rng: random.Random) -> tuple[str, str]:
    district, ward, postcode = _pick(
        rng,
        (
            ("Ginza", "Chuo-ku", "104-0061"),
            ("Minami-Aoyama", "Minato-ku", "107-0062"),
            ("Jingumae", "Shibuya-ku", "150-0001"),
            ("Roppongi", "Minato-ku", "106-0032"),
            ("Marunouchi", "Chiyoda-ku", "100-0005"),
        ),
    )
    block = f"{rng.randint(1, 7)}-{rng.randint(1, 20)}-{rng.randint(1, 15)}"
    return f"{block} {district}, {ward}, Tokyo {postcode}", "Tokyo"


_PROFILES: tuple[_Profile, ...] = (
    _Profile(
        "France",
        (
            "Claire",
            "Camille",
            "Louis",
            "Hugo",
            "Chloé",
            "Inès",
            "Mathilde",
            "Antoine",
            "Élise",
            "Julien",
            "Margaux",
            "Théo",
        ),
        (
            "Martin",
            "Dubois",
            "Lefèvre",
            "Moreau",
            "Laurent",
            "Girard",
            "Bonnet",
            "Fontaine",
            "Rousseau",
            "Mercier",
            "Chevalier",
            "Garnier",
        ),
        ("orange.fr", "free.fr", "gmail.com", "laposte.net"),
        lambda rng: f"+33 {rng.choice('67')} " + " ".join(_digits(rng, 2) for _ in range(4)),
        _address_fr,
    ),
    _Profile(
        "United Kingdom",
        (
            "Oliver",
            "Charlotte",
            "James",
            "Amelia",
            "Harry",
            "Sophie",
            "George",
            "Emily",
            "William",
            "Grace",
            "Thomas",
            "Isla",
        ),
        (
            "Smith",
            "Taylor",
            "Brown",
            "Wilson",
            "Evans",
            "Thompson",
            "Hughes",
            "Wright",
            "Walker",
            "Roberts",
            "Harrison",
            "Clarke",
        ),
        ("gmail.com", "outlook.com", "btinternet.com", "hotmail.co.uk"),
        lambda rng: f"+44 7{_digits(rng, 3)} {_digits(rng, 6)}",
        _address_uk,
    ),
    _Profile(
        "United States",
        (
            "Emma",
            "Olivia",
            "Michael",
            "Ava",
            "Daniel",
            "Madison",
            "Ethan",
            "Abigail",
            "Noah",
            "Harper",
            "Benjamin",
            "Lauren",
        ),
        (
            "Johnson",
            "Williams",
            "Miller",
            "Davis",
            "Anderson",
            "Jackson",
            "Harris",
            "Robinson",
            "Young",
            "Allen",
            "Nguyen",
            "Patel",
        ),
        ("gmail.com", "yahoo.com", "icloud.com", "outlook.com"),
        lambda rng: f"+1 ({rng.choice(('212', '646', '310', '415', '312', '305', '617'))}) 555-01{_digits(rng, 2)}",
        _address_us,
    ),
    _Profile(
        "Italy",
        (
            "Giulia",
            "Francesca",
            "Marco",
            "Alessandro",
            "Chiara",
            "Lorenzo",
            "Sofia",
            "Matteo",
            "Elena",
            "Davide",
            "Beatrice",
            "Federico",
        ),
        (
            "Rossi",
            "Russo",
            "Ferrari",
            "Esposito",
            "Bianchi",
            "Romano",
            "Colombo",
            "Ricci",
            "Marino",
            "Greco",
            "Bruno",
            "Gallo",
        ),
        ("libero.it", "gmail.com", "alice.it", "tiscali.it"),
        lambda rng: f"+39 3{_digits(rng, 2)} {_digits(rng, 3)} {_digits(rng, 4)}",
        _address_local(
            (
                ("Via Montenapoleone", "20121", "Milano"),
                ("Via della Spiga", "20121", "Milano"),
                ("Via dei Condotti", "00187", "Roma"),
                ("Via del Corso", "00186", "Roma"),
                ("Via de' Tornabuoni", "50123", "Firenze"),
                ("Via Toledo", "80134", "Napoli"),
            )
        ),
    ),
    _Profile(
        "Japan",
        ("Jun", "Yuki", "Haruto", "Sakura", "Ren", "Aoi", "Hina", "Sota", "Mei", "Kenji", "Emi", "Takumi"),
        (
            "Tanaka",
            "Suzuki",
            "Sato",
            "Takahashi",
            "Watanabe",
            "Ito",
            "Yamamoto",
            "Nakamura",
            "Kobayashi",
            "Kato",
            "Yoshida",
            "Yamada",
        ),
        ("gmail.com", "yahoo.co.jp", "docomo.ne.jp", "icloud.com"),
        lambda rng: f"+81 {rng.choice('987')}0-{_digits(rng, 4)}-{_digits(rng, 4)}",
        _address_jp,
    ),
    _Profile(
        "Germany",
        ("Anna", "Lena", "Felix", "Lukas", "Hannah", "Jonas", "Marie", "Paul", "Laura", "Maximilian", "Clara", "Leon"),
        (
            "Müller",
            "Schmidt",
            "Schneider",
            "Fischer",
            "Weber",
            "Wagner",
            "Becker",
            "Hoffmann",
            "Schulz",
            "Koch",
            "Richter",
            "Klein",
        ),
        ("web.de", "gmx.de", "t-online.de", "gmail.com"),
        lambda rng: f"+49 1{rng.choice(('51', '52', '60', '70', '76'))} {_digits(rng, 8)}",
        _address_local(
            (
                ("Maximilianstraße", "80539", "München"),
                ("Königsallee", "40212", "Düsseldorf"),
                ("Kurfürstendamm", "10719", "Berlin"),
                ("Neuer Wall", "20354", "Hamburg"),
                ("Goethestraße", "60313", "Frankfurt am Main"),
            )
        ),
    ),
    _Profile(
        "Spain",
        (
            "Lucía",
            "Carmen",
            "Javier",
            "Pablo",
            "Marta",
            "Alejandro",
            "Paula",
            "Sergio",
            "Nuria",
            "Diego",
            "Irene",
            "Álvaro",
        ),
        (
            "García",
            "Fernández",
            "López",
            "Martínez",
            "Sánchez",
            "Pérez",
            "Gómez",
            "Ruiz",
            "Díaz",
            "Moreno",
            "Álvarez",
            "Romero",
        ),
        ("gmail.com", "hotmail.es", "telefonica.net", "yahoo.es"),
        lambda rng: f"+34 6{_digits(rng, 2)} {_digits(rng, 3)} {_digits(rng, 3)}",
        _address_local(
            (
                ("Calle de Serrano", "28001", "Madrid"),
                ("Calle de Ortega y Gasset", "28006", "Madrid"),
                ("Passeig de Gràcia", "08007", "Barcelona"),
                ("Calle Larios", "29005", "Málaga"),
                ("Gran Vía", "28013", "Madrid"),
            )
        ),
    ),
    _Profile(
        "Switzerland",
        ("Luca", "Nina", "Noah", "Lea", "Jan", "Sara", "Elias", "Mia", "Nico", "Alina"),
        ("Meier", "Keller", "Brunner", "Baumann", "Frei", "Zimmermann", "Huber", "Gerber", "Widmer", "Moser"),
        ("bluewin.ch", "gmx.ch", "gmail.com", "sunrise.ch"),
        lambda rng: f"+41 7{rng.choice('5689')} {_digits(rng, 3)} {_digits(rng, 2)} {_digits(rng, 2)}",
        _address_local(
            (
                ("Bahnhofstrasse", "8001", "Zürich"),
                ("Rue du Rhône", "1204", "Genève"),
                ("Marktgasse", "3011", "Bern"),
                ("Freie Strasse", "4001", "Basel"),
            )
        ),
    ),
)


def order_number(rng: random.Random) -> str:
    """An order number as the house issues them: LR- and seven digits."""
    return f"LR-{rng.randint(1_000_000, 9_999_999)}"


def draw_customer(rng: random.Random) -> Customer:
    """A customer from a random country, giving each kind of personal data at `_RATES`."""
    profile = rng.choice(_PROFILES)
    first, last = rng.choice(profile.firsts), rng.choice(profile.lasts)
    address, city = profile.address(rng)
    given = {kind: rng.random() < rate for kind, rate in _RATES.items()}
    return Customer(
        first=first,
        last=last,
        city=city,
        country=profile.country,
        named=given["name"],
        email=_email(rng, first, last, profile.domains) if given["email"] else None,
        phone=profile.phone(rng) if given["phone"] else None,
        order=order_number(rng) if given["order"] else None,
        address=address if given["address"] else None,
    )


def _email(rng: random.Random, first: str, last: str, domains: tuple[str, ...]) -> str:
    first, last = _ascii(first), _ascii(last)
    local = rng.choice(
        (
            f"{first}.{last}",
            f"{first[0]}{last}",
            f"{first}{last}{rng.randint(70, 99)}",
            f"{last}.{first}",
            f"{first}_{last}",
            f"{first}.{last[0]}",
            f"{first[0]}.{last}",
        )
    )
    return f"{local}@{rng.choice(domains)}"


def _ascii(name: str) -> str:
    # Email local parts are ASCII in practice: Müller -> muller, Élise -> elise.
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum()).lower()
