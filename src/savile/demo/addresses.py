"""Postal addresses of the demo's fictional customers, in each country's own form."""

from __future__ import annotations

import random
from collections.abc import Callable

__all__ = ["digits", "pick", "address_fr", "address_uk", "address_us", "address_local", "address_jp"]


def digits(rng: random.Random, n: int) -> str:
    """`n` random decimal digits."""
    return "".join(str(rng.randint(0, 9)) for _ in range(n))


def pick(rng: random.Random, table: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    """One row of `table`, drawn with `rng`."""
    return table[rng.randrange(len(table))]


def address_fr(rng: random.Random) -> tuple[str, str]:
    """A Paris, Lyon or Bordeaux address: '12 rue de Rivoli, 75001 Paris'; and its city."""
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
    city, postcode = pick(
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


def address_uk(rng: random.Random) -> tuple[str, str]:
    """A British address with its postcode: '221B Baker Street, London NW1 6XE'; and its city."""
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    inward = f"{rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    street, city, district = pick(
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


def address_us(rng: random.Random) -> tuple[str, str]:
    """An American address: '350 Fifth Avenue, New York, NY 10118'; and its city."""
    street, city, state, zip_prefix = pick(
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
    return (f"{rng.randint(10, 999)} {street}, {city}, {state} {zip_prefix}{digits(rng, 2)}", city)


def address_local(table: tuple[tuple[str, str, str], ...]) -> Callable:
    """A draw of street-number-last addresses from `table` (street, postcode, city): 'Via dei Condotti 8, 00187 Roma'."""

    def draw(rng: random.Random) -> tuple[str, str]:
        street, postcode, city = pick(rng, table)
        return f"{street} {rng.randint(1, 120)}, {postcode} {city}", city

    return draw


def address_jp(rng: random.Random) -> tuple[str, str]:
    """A Tokyo address: '4-2-8 Ginza, Chuo-ku, Tokyo 104-0061'; and its city."""
    district, ward, postcode = pick(
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
