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
from dataclasses import dataclass

from savile.demo.countries import PROFILES

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
        """First and last name."""
        return f"{self.first} {self.last}"


def order_number(rng: random.Random) -> str:
    """An order number as the house issues them: LR- and seven digits."""
    return f"LR-{rng.randint(1_000_000, 9_999_999)}"


def draw_customer(rng: random.Random) -> Customer:
    """A customer from a random country, giving each kind of personal data at `_RATES`."""
    profile = rng.choice(PROFILES)
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
