"""The countries the demo's customers come from: names, email domains, phone and address formats."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from savile.demo.addresses import address_fr, address_jp, address_local, address_uk, address_us, digits

__all__ = ["CountryProfile", "PROFILES"]


@dataclass(frozen=True)
class CountryProfile:
    """One country: its first and last names, email domains, and phone and address drawers."""

    country: str
    firsts: tuple[str, ...]
    lasts: tuple[str, ...]
    domains: tuple[str, ...]
    phone: Callable[[random.Random], str]
    address: Callable[[random.Random], tuple[str, str]]  # (address, city)


PROFILES: tuple[CountryProfile, ...] = (
    CountryProfile(
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
        lambda rng: f"+33 {rng.choice('67')} " + " ".join(digits(rng, 2) for _ in range(4)),
        address_fr,
    ),
    CountryProfile(
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
        lambda rng: f"+44 7{digits(rng, 3)} {digits(rng, 6)}",
        address_uk,
    ),
    CountryProfile(
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
        lambda rng: f"+1 ({rng.choice(('212', '646', '310', '415', '312', '305', '617'))}) 555-01{digits(rng, 2)}",
        address_us,
    ),
    CountryProfile(
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
        lambda rng: f"+39 3{digits(rng, 2)} {digits(rng, 3)} {digits(rng, 4)}",
        address_local(
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
    CountryProfile(
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
        lambda rng: f"+81 {rng.choice('987')}0-{digits(rng, 4)}-{digits(rng, 4)}",
        address_jp,
    ),
    CountryProfile(
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
        lambda rng: f"+49 1{rng.choice(('51', '52', '60', '70', '76'))} {digits(rng, 8)}",
        address_local(
            (
                ("Maximilianstraße", "80539", "München"),
                ("Königsallee", "40212", "Düsseldorf"),
                ("Kurfürstendamm", "10719", "Berlin"),
                ("Neuer Wall", "20354", "Hamburg"),
                ("Goethestraße", "60313", "Frankfurt am Main"),
            )
        ),
    ),
    CountryProfile(
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
        lambda rng: f"+34 6{digits(rng, 2)} {digits(rng, 3)} {digits(rng, 3)}",
        address_local(
            (
                ("Calle de Serrano", "28001", "Madrid"),
                ("Calle de Ortega y Gasset", "28006", "Madrid"),
                ("Passeig de Gràcia", "08007", "Barcelona"),
                ("Calle Larios", "29005", "Málaga"),
                ("Gran Vía", "28013", "Madrid"),
            )
        ),
    ),
    CountryProfile(
        "Switzerland",
        ("Luca", "Nina", "Noah", "Lea", "Jan", "Sara", "Elias", "Mia", "Nico", "Alina"),
        ("Meier", "Keller", "Brunner", "Baumann", "Frei", "Zimmermann", "Huber", "Gerber", "Widmer", "Moser"),
        ("bluewin.ch", "gmx.ch", "gmail.com", "sunrise.ch"),
        lambda rng: f"+41 7{rng.choice('5689')} {digits(rng, 3)} {digits(rng, 2)} {digits(rng, 2)}",
        address_local(
            (
                ("Bahnhofstrasse", "8001", "Zürich"),
                ("Rue du Rhône", "1204", "Genève"),
                ("Marktgasse", "3011", "Bern"),
                ("Freie Strasse", "4001", "Basel"),
            )
        ),
    ),
)
