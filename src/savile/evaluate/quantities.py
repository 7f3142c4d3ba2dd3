"""Numbers and quantities stated in text, compared by value: what the numeric metrics read.

A number is a run of digits, read after `normalise` (so non-breaking and thin spaces are plain
spaces, full-width digits are ASCII). Separators inside a run are read like this:

- "," or " " followed by groups of exactly three digits are thousands separators:
  "1,250" == "1 250" == "1250", "1,250,000" == "1250000", "1 250,50" == "1250.5".
- "." followed by digits is a decimal point: "2.5", "2.50" == "2.5". A run with two or more dots
  ("12.12.2023", "1.2.3") is a date or version, read as separate whole numbers (12, 12, 2023);
  "." is never a thousands separator ("1.250" is 1.25).
- "," followed by one or two digits cannot be a thousands separator, so it is a decimal comma:
  "2,5" == "2.5", "19,90" == "19.9" (so "sizes 36,38" reads 36.38). Not so inside a comma list
  without spaces: "36,38,40" is three numbers. "1,250" stays 1250: three digits after a comma are
  read as thousands, as in English, never as a decimal.
- Anything else splits numbers: "30-45" is 30 and 45, "10:30" is 10 and 30, "LR-0571936" is
  571936 (codes count: an order id is a number too). Signs are ignored; leading zeros are not
  part of the value ("007" == "7"). Numbers written in words ("thirty") are not read.

Both sides of a comparison go through the same reading, so an ambiguous string ("1 250" meaning
1 and 250) is read the same way wherever it occurs.

A quantity is a number with a unit: a unit word after it ("30 days", "30-day", "5 working days",
"48h"), "%" or "percent" after it, or a currency before or after it ("€25", "25 EUR").
Ranges share their unit: "30-45 days", "30 to 45 days", "€25-30" give both numbers the unit.

    >>> sorted(numbers_in("From €1,250 (or 1 250,00), 2.5 cm; 30-day returns."))
    ['1250', '2.5', '30']
    >>> sorted(quantities_in("Returns within 30 to 45 working days, 10% off, €25."))
    [('%', '10'), ('eur', '25'), ('working day', '30'), ('working day', '45')]
"""

from __future__ import annotations

import re
from decimal import Decimal

from savile.data.text import normalise

__all__ = ["numbers_in", "quantities_in", "UNITS"]

_NUMBER = re.compile(
    r"""
    (?<!\d)
    (?: (?P<comma>\d{1,3}(?:,\d{3})+(?:\.\d+)?)(?!\d|,\d)             # 1,250  1,250.50
      | (?P<space>\d{1,3}(?:[ ]\d{3})+(?:[.,]\d{1,2})?)(?!\d|[.,]\d)  # 1 250  1 250,50
      | (?P<dotted>\d+(?:\.\d+){2,})                                  # 12.12.2023, 1.2.3
      | (?P<decimal>\d+\.\d+)                                         # 2.5
      | (?<!\d,)(?P<decimal_comma>\d+,\d{1,2})(?!\d|,\d)               # 2,5  19,90
      | (?P<whole>\d+)
    )
    """,
    re.X,
)

# Unit words after a number, each to its canonical (singular) name. "business day" and "working
# day" are one unit; a "day" is not a "working day", and no unit is converted into another
# ("48 hours" and "2 days" are different units, not the same duration).
UNITS: dict[str, str] = {
    "working day": "working day",
    "business day": "working day",
    "minute": "minute",
    "min": "minute",
    "hour": "hour",
    "hr": "hour",
    "h": "hour",
    "day": "day",
    "week": "week",
    "month": "month",
    "year": "year",
    "yr": "year",
    "%": "%",
    "percent": "%",
    "per cent": "%",
    "€": "eur",
    "eur": "eur",
    "euro": "eur",
    "usd": "usd",
    "dollar": "usd",
    "£": "gbp",
    "gbp": "gbp",
    "pound": "gbp",
    "chf": "chf",
    "jpy": "jpy",
    "yen": "jpy",
    "cm": "cm",
    "mm": "mm",
    "kg": "kg",
    "g": "g",
    "ml": "ml",
}
# Currencies written before the number: "€25", "CHF 25".
_SIGNS = {"€": "eur", "$": "usd", "£": "gbp", "¥": "jpy", "eur": "eur", "usd": "usd", "gbp": "gbp", "chf": "chf"}
# Longest first, so "working day" wins over "day" and "hour" over "h". A trailing "s" is a plural
# ("days", "working days", "euros", "hrs").
_UNIT_AFTER = re.compile(
    r"[ -]?("
    + "|".join(re.escape(u).replace(r"\ ", "[ -]") for u in sorted(UNITS, key=len, reverse=True))
    + r")s?(?![\w%])"
)
_SIGN_BEFORE = re.compile(r"(?<![a-z])(" + "|".join(re.escape(s) for s in _SIGNS) + r")[ ]?$")
_RANGE = re.compile(r"[ ]?(?:-|to|or)[ ]?|[ ]and[ ]")
_BETWEEN = re.compile(r"between[ ]$")


def _values(match: re.Match[str]) -> list[str]:
    """Canonical values of one number match ("1,250.50" -> ["1250.5"], "12.12.2023" -> three)."""
    kind, text = match.lastgroup, match.group()
    if kind == "dotted":
        return [_canonical(part) for part in text.split(".")]
    if kind == "comma":
        return [_canonical(text.replace(",", ""))]
    if kind == "space":
        parts = re.fullmatch(r"([\d ]+)(?:[.,](\d{1,2}))?", text)
        assert parts is not None, text  # the "space" alternative of the number pattern has this shape
        whole, fraction = parts.group(1, 2)
        return [_canonical(whole.replace(" ", "") + (f".{fraction}" if fraction else ""))]
    return [_canonical(text.replace(",", "."))]  # decimal, decimal comma, whole


def _canonical(number: str) -> str:
    """The value as a plain decimal string: '0250' -> '250', '2.50' -> '2.5', '3.0' -> '3'."""
    return format(Decimal(number).normalize(), "f")


def _numbers(text: str) -> list[tuple[str, int, int]]:
    """(canonical value, start, end) of each number in already normalised text, in order."""
    return [(value, m.start(), m.end()) for m in _NUMBER.finditer(text) for value in _values(m)]


def numbers_in(text: str) -> set[str]:
    """The distinct numbers stated in text, as canonical value strings (see the module docstring).

    >>> sorted(numbers_in("1,250 or 1 250 or 1250; 2,5 and 2.50; sizes 36,38,40"))
    ['1250', '2.5', '36', '38', '40']
    """
    return {value for value, _, _ in _numbers(normalise(text))}


def quantities_in(text: str) -> set[tuple[str, str]]:
    """The distinct (unit, canonical value) quantities stated in text; units as in `UNITS`.

    >>> sorted(quantities_in("A 30-day window, 2 years of repairs, 12 bags."))
    [('day', '30'), ('year', '2')]
    """
    text = normalise(text)
    found = _numbers(text)
    units: list[str | None] = []
    for _, start, end in found:
        after = _UNIT_AFTER.match(text, end)
        before = _SIGN_BEFORE.search(text, max(0, start - 4), start)
        units.append(UNITS[after.group(1).replace("-", " ")] if after else _SIGNS[before.group(1)] if before else None)
    # A range shares its unit: "30 to 45 days" and "between 30 and 45 days" give 30 the unit
    # after 45; "€25-30" gives 30 the currency before 25.
    ranges = [i for i in range(len(found) - 1) if _is_range(text, found[i], found[i + 1])]
    for i in reversed(ranges):
        units[i] = units[i] or units[i + 1]
    for i in ranges:
        units[i + 1] = units[i + 1] or units[i]
    return {(unit, value) for (value, _, _), unit in zip(found, units, strict=False) if unit}


def _is_range(text: str, first: tuple[str, int, int], second: tuple[str, int, int]) -> bool:
    gap = text[first[2] : second[1]]
    if gap.strip() == "and":  # only "between 30 and 45": "order 2 and get 10% off" is no range
        return _BETWEEN.search(text, max(0, first[1] - 8), first[1]) is not None
    return _RANGE.fullmatch(gap) is not None
