"""Find personal data in customer-service text: emails, phones, payment cards, IBANs, order ids,
street addresses and person names.

Regular expressions plus checksums (Luhn for cards; for IBANs ISO 7064 mod-97, or else the
country's registered length and structure), no model, so it is fast and predictable. Names are found only in context: greetings ("Dear Mr Martin"),
introductions ("my name is", "I'm X Y", "X Y here", "Hi, I'm Julia."), titles ("Mrs de la
Fuente"), thanks ("Thank you, George."), sign-offs ("Kind regards,\nAna Souza"), a name alone on a
message's last line, "Name:" fields, relatives and helpers ("my husband Paul", "I spoke with
Julia", "addressed to Ana Souza", "Julia from the Paris boutique"). A name in any other position
is missed: `benchmarks/pii_recall.py` measures how often. Keyed replacement, and the bare later
mentions of a name found once ("Claire" after "Claire Martin"), live in `savile.data.privacy`.

    >>> [(f.kind, f.text) for f in detect("Hi Claire, card 4111 1111 1111 1111 was declined.")]
    [('person_name', 'Claire'), ('card', '4111 1111 1111 1111')]

The shapes `savile.data.privacy` writes (addresses at example.com, phones starting "+00 ",
"[CARD-...]", "[IBAN-...]", "<n> Example Street, <City>") are not personal data and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from savile.data.iban import ibans
from savile.data.pii_addresses import addresses
from savile.data.pii_names import follows_title, name_parts, names
from savile.errors import DataError

__all__ = [
    "KINDS",
    "DEFAULT_ORDER_ID_PATTERNS",
    "PSEUDONYM_SHAPES",
    "Finding",
    "detect",
    "resolve_overlaps",
    "name_parts",
    "follows_title",
]

KINDS = ("email", "phone", "card", "iban", "order_id", "address", "person_name")
# No house's order-id format is a default: each brand sets its own (privacy.order_id_patterns).
DEFAULT_ORDER_ID_PATTERNS: tuple[str, ...] = ()

# Among equally long overlapping spans the more specific kind wins: checksummed and configured
# formats before context-dependent guesses.
_PRIORITY = {"email": 0, "iban": 1, "card": 2, "order_id": 3, "phone": 4, "address": 5, "person_name": 6}


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: `text == source[start:end]`."""

    kind: str  # one of KINDS
    start: int
    end: int
    text: str


# --- email, phone, card, IBAN -------------------------------------------------------------------
_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-][\w.%+'-]*@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,24}(?![\w-])")
_PHONE = re.compile(
    r"""
    (?<![\w+/.,-])
    (?: \+[1-9]\d{0,2}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]?\d{1,5}){1,6}   # +33 6 12 34 56 78, +1 (212) 555-0142
      | \(\d{2,4}\)[ ]?\d{3,4}[ .-]?\d{3,4}                          # (212) 555-0142
      | 00[1-9]\d{0,2}(?:[ .-]?\d{1,5}){2,6}                          # 0033 6 12 34 56 78
      | 0\d{1,4}(?:[ .-]?\d{2,4}){2,5}                               # 06 12 34 56 78, 020 7946 0958
      | (?:1[-. ])?\d{3}([-. ])\d{3}\1\d{4}                           # 212-555-0142, 1-800-555-0199
      | 3\d{2}[ ]\d{6,7}                                              # 347 1234567 (Italian mobile)
    )
    (?![\w-]|[.,]\d)
""",
    re.X,
)
_DATE = re.compile(r"\d{1,2}[.-]\d{1,2}[.-]\d{2,4}")
# A phone-shaped run is part of a longer code when a token mixing letters and digits touches it
# ("1Z 999 AA1 09 0746 8829", "AB 0665 5565 6GB"), or when what precedes it in the sentence names
# something else ("tracking number 0381062349", "SKU 019514-933", "shipped with FedEx ... (0653729022)").
_CODE_TOKEN = r"(?:[A-Za-z]+\d|\d+[A-Za-z])[A-Za-z\d]*"
_CODE_BEFORE = re.compile(rf"{_CODE_TOKEN}[ ]$")
_CODE_AFTER = re.compile(rf"[ ]{_CODE_TOKEN}")
_OTHER_NUMBER = re.compile(
    r"(?i)\b(?:tracking|track|shipment|waybill|awb|consignment|parcel|sku|ref|reference|invoice|serial|model|"
    r"article|receipt|iban|account|dhl|ups|fedex|tnt|gls|usps|colissimo|chronopost|la[ ]poste|royal[ ]mail)\b"
    r"(?![^.!?\n]*\b(?:call|phone|mobile|cell|tel|telephone|ring|reach|text|whatsapp|sms|dial)\b)"
    r"(?:[^.!?\n]|(?<=\d)\.(?=\d)){0,40}$"
)  # a sentence ends at ".", but not at the dots of "12.12.2023"
_DIGIT_RUN = re.compile(r"(?<![\w-])\d+(?:[ -]\d+)*(?![\w-])")
# What `savile.data.privacy` writes; matches overlapping these are dropped.
_PSEUDONYM_SHAPES = re.compile(
    r"(?<![\w.%+-])[\w.%+-]+@example\.(?:com|org|net)\b|\+00 [\d()\- .]*\d|\[(?:CARD|IBAN)-[0-9a-f]{6}\]"
    r"|\b\d{1,3} Example Street, [A-Z][a-z]+\b"
)
PSEUDONYM_SHAPES = _PSEUDONYM_SHAPES  # what savile.data.privacy writes; evaluation looks for it in answers


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _phones(text: str) -> Iterable[tuple[int, int]]:
    for m in _PHONE.finditer(text):
        n_digits = sum(c.isdigit() for c in m.group())
        if not 8 <= n_digits <= 15 or _DATE.fullmatch(m.group()):
            continue
        before = text[max(0, m.start() - 60) : m.start()]
        if _CODE_BEFORE.search(before) or _CODE_AFTER.match(text, m.end()):
            continue
        if not m.group().startswith("+") and _OTHER_NUMBER.search(before):
            continue
        yield m.span()


def _cards(text: str) -> Iterable[tuple[int, int]]:
    """13-19 digit Luhn-valid windows of digit runs, so '4111 1111 1111 1111 12 27' still yields the card."""
    for run in _DIGIT_RUN.finditer(text):
        groups = list(re.finditer(r"\d+", run.group()))
        i = 0
        while i < len(groups):
            best, digits = None, ""
            for j in range(i, len(groups)):
                digits += groups[j].group()
                if len(digits) > 19:
                    break
                if len(digits) >= 13 and _luhn_ok(digits):
                    best = j
            if best is None or groups[i].group().startswith("0"):  # no card scheme starts with 0; "0041 ..." is a phone
                i += 1
                continue
            yield run.start() + groups[i].start(), run.start() + groups[best].end()
            i = best + 1


@lru_cache(maxsize=32)
def _compile_order_patterns(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for p in patterns:
        try:
            rx = re.compile(p)
        except re.error as err:
            raise DataError(
                f"order id pattern {p!r} is not a valid regular expression ({err}). "
                "Fix it in privacy.order_id_patterns."
            ) from None
        if rx.fullmatch(""):
            raise DataError(
                f"order id pattern {p!r} matches the empty string. "
                "Make it require at least one character in privacy.order_id_patterns."
            )
        compiled.append(rx)
    return tuple(compiled)


def resolve_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """Keep the longest of overlapping findings (ties: the more specific kind); sort by start."""
    kept: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for f in sorted(set(findings), key=lambda f: (f.start - f.end, _PRIORITY[f.kind], f.start)):
        if all(f.end <= s or f.start >= e for s, e in taken):
            kept.append(f)
            taken.append((f.start, f.end))
    return sorted(kept, key=lambda f: f.start)


def detect(
    text: str, order_id_patterns: Sequence[str] = DEFAULT_ORDER_ID_PATTERNS, *, not_names: Collection[str] = ()
) -> list[Finding]:
    """Non-overlapping findings in `text`, sorted by start; of overlapping spans the longer wins.

    `order_id_patterns` are the brand's order/loyalty id regexes; `not_names` are capitalised
    phrases never taken as a person's name (the brand's own name, e.g. "Maison Lirelle").
    """
    spans: list[tuple[str, int, int]] = [("email", *m.span()) for m in _EMAIL.finditer(text)]
    spans += [("phone", s, e) for s, e in _phones(text)]
    spans += [("card", s, e) for s, e in _cards(text)]
    spans += [("iban", s, e) for s, e in ibans(text)]
    for rx in _compile_order_patterns(tuple(order_id_patterns)):
        spans += [("order_id", *m.span()) for m in rx.finditer(text) if m.end() > m.start()]
    stop_phrases = {tuple(p.casefold().split()) for p in not_names if p.strip()}
    spans += [("address", s, e) for s, e in addresses(text, stop_phrases)]
    spans += [("person_name", s, e) for s, e in names(text, stop_phrases)]
    protected = [m.span() for m in _PSEUDONYM_SHAPES.finditer(text)]
    return resolve_overlaps(
        Finding(kind, s, e, text[s:e]) for kind, s, e in spans if not any(s < pe and e > ps for ps, pe in protected)
    )
