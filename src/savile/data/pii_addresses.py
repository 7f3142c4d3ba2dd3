"""Street addresses in customer-service text: house numbers, street types in several languages,
postcodes, units and post-office boxes.

    >>> text = "Send it to 12 rue de Rivoli, 75001 Paris."
    >>> [text[s:e] for s, e in addresses(text, stop_phrases=set())]
    ['12 rue de Rivoli, 75001 Paris']
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from savile.data.pii_names import LOWER, UPPER

__all__ = ["addresses"]

_HOUSE = r"\d{1,5}[A-Za-z]?(?:[-/](?:\d{1,5}[A-Za-z]?|[A-Za-z]\b))?(?:[ ]?(?:bis|ter)\b)?"
# A street or city word: "Rivoli", "d'Alsace", "dell'Orso", "St.", "5th".
_SW = rf"(?:(?:St|Ste|Mt|Ft)\.|(?:(?:[dlDL]|[dDnNsS][aeu]ll)['’])?[{UPPER}][\w'’-]*|\d{{1,3}}(?:st|nd|rd|th))"
_CONN = (
    r"(?:de['’]|de|du|des|de[ ]la|la|le|les|di|del|della|dei|degli|delle|da|do|dos|das|of|the|von|van|der|"
    r"den|am|an|im|y)"
)
_WORDS = rf"(?:{_CONN}[ ]+)*{_SW}(?:[ ]+(?:{_CONN}[ ]+)*{_SW}){{0,4}}"
_EN_TYPE = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Boulevard|Blvd|Drive|Court|Ct|Place|Pl|Square|Sq|"
    r"Terrace|Way|Close|Crescent|Gardens|Row|Mews|Parkway|Pkwy|Highway|Hwy)\.?"
    r"(?:[ ](?:N|S|E|W|NE|NW|SE|SW)\b)?"
)
_NUM_FIRST_TYPE = r"(?i:rue|avenue|av\.|boulevard|bd|place|quai|all[ée]e|impasse|chemin|cours|passage|square|route)"
_TYPE_FIRST = (
    r"(?:Via|C/|(?i:avda\.|viale|piazza|piazzale|corso|largo|vicolo|"
    r"calle|carrer|avenida|plaza|pla[çc]a|paseo|passeig|ronda|rua|pra[çc]a|travessa|strada))"
)
# French-style names also name products ("Quai Voltaire Handbag 28"): only with a postal line.
_FR_TYPE_FIRST = r"(?:Rue|Avenue|Boulevard|Place|Quai|Chemin|Route)"
_DE_SUFFIX = r"(?:straße|strasse|str\.|platz|allee|weg|gasse|damm|ufer|gracht|straat|laan|plein|kade|steig)"
_DE_TYPE = r"(?:Straße|Strasse|Str\.|Platz|Allee|Gasse|Damm)"
_POSTCODE = (
    r"(?:\d{4,5}(?:-\d{4})?|\d{3}-\d{4}|[A-Z]{1,2}\d[A-Z\d]?[ ]?\d[A-Z]{2}|\d{2}-\d{3}|[A-Z]-?\d{4,5}"
    r"|[A-Z]\d[A-Z][ ]?\d[A-Z]\d|\d{4}-\d{3})"
)  # ... Canada: M5H 2N2, Portugal: 1100-053
_CITY = rf"{_SW}(?:[ -](?:{_CONN}[ ]+)?{_SW}){{0,2}}"
# state or province and code: "NY 10118", "NSW 2000", "ON M5H 2N2"
_POSTAL = (
    rf"(?:{_POSTCODE}[ ]+{_CITY}|{_CITY}[ ]+{_POSTCODE}"
    rf"|[A-Z]{{2,3}}[ ](?:\d{{5}}(?:-\d{{4}})?|\d{{4}}|[A-Z]\d[A-Z][ ]?\d[A-Z]\d))"
)
# "Apt 4B", "Suite 200", "Flat 3", "#12", "3º B"
_UNIT = (
    r"(?:(?i:apt|apartment|suite|ste|unit|flat|floor|fl|room|bldg|building|bât|bat|escalier|piso|interno|int)"
    r"\.?[ ]*\#?[ ]*(?:\d{1,5}[A-Za-z]?|[A-Za-z]\d{0,4})(?![\w])|\#[ ]?\d{1,5}[A-Za-z]?|\d{1,2}[ºª°][ ]?[A-Za-z\d]{0,2})"
)
# ", 75001 Paris", ", New York, NY 10118", ", France"; a new line only when it holds a postcode.
_TAIL = rf"(?:,[ ]*(?:{_UNIT}|{_POSTAL}|{_CITY}|{_POSTCODE})(?![\w])){{0,4}}(?:[ ]*\n[ ]*{_POSTAL}(?![\w]))?"
_ADDRESSES = [
    re.compile(rf"(?<![\w-])(?:{_UNIT},?[ ]+)?{street}{_TAIL}")
    for street in (
        rf"{_HOUSE}[ ]+(?:{_SW}[ ]+){{1,4}}{_EN_TYPE}(?![\w])",  # 221B Baker Street
        rf"{_HOUSE},?[ ]+{_NUM_FIRST_TYPE}[ ]+{_WORDS}",  # 12 rue de Rivoli
        rf"{_TYPE_FIRST}[ ]+{_WORDS},?[ ]+{_HOUSE}(?![\w])",  # Via Montenapoleone 8
        rf"{_FR_TYPE_FIRST}[ ]+{_WORDS},?[ ]+{_HOUSE},[ ]*{_POSTAL}(?![\w])",  # Rue du Rhône 62, 1204 Genève
        rf"(?:[{UPPER}][{LOWER}]+(?:-[{UPPER}][{LOWER}]+)*{_DE_SUFFIX}|[{UPPER}][{LOWER}]+[ ]+{_DE_TYPE})[ ]+{_HOUSE}(?![\w])",
        # 3-13-4 Roppongi, Minato-ku
        rf"\d{{1,2}}-\d{{1,2}}-\d{{1,3}}[ ]+{_SW},[ ]*[{UPPER}][{LOWER}]+-(?:ku|shi|cho|machi|gun)\b",
        r"(?i:p\.?[ ]?o\.?[ ]?box|postfach|bo[iî]te[ ]postale|casella[ ]postale|apartado)[ ]?\d{1,6}(?![\w])",
        # no street type word, but a full postal line after it: "Neuer Wall 12, 20354 Hamburg"
        rf"(?:{_HOUSE}[ ]+{_WORDS}|{_WORDS}[ ]+{_HOUSE}),[ ]*{_POSTAL}(?![\w])",
    )
]


def addresses(text: str, stop_phrases: Collection[tuple[str, ...]]) -> Iterable[tuple[int, int]]:
    """(start, end) of each address-shaped span of `text` that does not name one of `stop_phrases`."""
    for rx in _ADDRESSES:
        for m in rx.finditer(text):
            if not _names_a_product(m.group(), stop_phrases):
                yield m.span()


def _names_a_product(address: str, stop_phrases: Collection[tuple[str, ...]]) -> bool:
    """ "2 Quai Voltaire Handbag" is an address in shape but holds the brand's collection name and no postal line."""
    words = " ".join(address.casefold().split())
    return "," not in address and any(" ".join(p) in words for p in stop_phrases)
