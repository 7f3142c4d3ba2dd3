"""Text matching shared by data preparation and evaluation: normalised whole-word mentions.

>>> mentions("Burnished REDWOOD trim", "red"), mentions("in Rouge  Grenat", "rouge grenat")
(False, True)
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise", "mentions", "count_words", "match_text", "phrase_pattern"]

# Typographic variants a model (or a brand book) may use interchangeably with ASCII ones.
_QUOTES = str.maketrans({c: "'" for c in "\u2018\u2019\u201a\u201b\u2032\u00b4`"}) | str.maketrans(
    {c: '"' for c in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"}
)
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"})
# A word is a run of letters/digits, optionally joined by an apostrophe or hyphen:
# "hand-stitched" and "l'atelier" are one word each.
_WORD = re.compile(r"\w+(?:['-]\w+)*")


def normalise(text: str) -> str:
    """Casefold, strip accents (NFKD, drop combining marks), unify quotes/dashes, squash spaces.

    >>> normalise("  Crème  BRÛLÉE — “Maison”\\n")
    'creme brulee - "maison"'
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    unified = stripped.translate(_QUOTES).translate(_DASHES)
    return " ".join(unified.split())


def match_text(text: str) -> str:
    """`normalise`d text with hyphens read as spaces, as phrase matching compares it."""
    # Phrase matching reads hyphens as spaces: "aged-gold hardware" states "aged gold", and
    # "30-day" states "30 day". Word counts keep hyphenated words whole (see count_words).
    return " ".join(normalise(text).replace("-", " ").split())


def phrase_pattern(normalised_value: str) -> re.Pattern[str]:
    """A regex for a `match_text`-normalised value as whole words."""
    # Lookarounds rather than \b so values that start or end with punctuation still work.
    return re.compile(rf"(?<!\w){re.escape(normalised_value)}(?!\w)")


def mentions(text: str, value: str) -> bool:
    """True if value occurs in text as whole words after normalise() ('red' not in 'redwood').

    Multi-word values are allowed, and hyphens read as spaces ("must-have" == "must have");
    an empty value is never mentioned.

    >>> mentions("Burnished REDWOOD trim", "red"), mentions("in Rouge  Grenat", "rouge grenat")
    (False, True)
    """
    needle = match_text(value)
    return bool(needle) and phrase_pattern(needle).search(match_text(text)) is not None


def count_words(text: str) -> int:
    """Number of words: runs of letters/digits, where a hyphen or apostrophe joins, not splits."""
    return len(_WORD.findall(normalise(text)))
