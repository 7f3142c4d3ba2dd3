"""Which catalogue values a describe answer names: the product's own, and the others it invents.

>>> named_values("A Rouge Grenat bag.", {"colour": "rouge grenat"}, {"colour": ["Rouge Grenat", "Noir"]})
NamedValues(recall=1.0, precision=1.0, f1=1.0, hallucinated=0, named=1)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import NamedTuple

from savile.data.text import match_text, phrase_pattern

__all__ = ["NamedValues", "named_values", "match_longest_first", "attribute_values"]

NAN = math.nan


def attribute_values(fields: dict[str, str | list[str]]) -> Iterable[str]:
    """Every value of a record, multi-valued fields (lists) item by item."""
    for value in fields.values():
        yield from (value if isinstance(value, list) else [value])


def match_longest_first(text: str, values: Iterable[str], first: set[str]) -> set[str]:
    """Normalised values found as whole words in normalised text, longest first, masking matches.

    Masking stops a shorter value inside a longer one ("noir" in "noir minuit") from matching
    again. Ties in length go to `first` (the product's own values), then alphabetical order.
    """
    found: set[str] = set()
    for value in sorted(set(values), key=lambda v: (-len(v), v not in first, v)):
        spans = [m.span() for m in phrase_pattern(value).finditer(text)]
        if not spans:
            continue
        found.add(value)
        for start, end in spans:
            # Spaces keep offsets and can only add boundaries where whole words already ended.
            text = text[:start] + " " * (end - start) + text[end:]
    return found


class NamedValues(NamedTuple):
    """The catalogue values a description names, against the product's own."""

    recall: float  # own values named / own values given; NaN when none is given
    precision: float  # own values named / values named; 0 when none is named
    f1: float
    hallucinated: int  # distinct values named that are none of the product's own
    named: int  # distinct values named, own or not


def named_values(output: str, attributes: dict[str, str | list[str]], vocabulary: dict[str, list[str]]) -> NamedValues:
    """The product's own values (`attributes`) and the catalogue's (`vocabulary`) that `output` names.

    Own values and vocabulary values are matched (as in `mentions`) together, longest first,
    with matched spans masked: a shorter value inside a longer mentioned one is not a separate
    mention. This cuts both ways: own colour "Noir" inside a mentioned "Noir Minuit" is neither
    covered nor hallucinated; "Noir Minuit" itself is the hallucination. A value in several fields'
    vocabularies (say "gold" for colour and hardware) counts once, and not at all if it is one of
    the product's own values for any field.
    """
    text = match_text(output)
    own = {match_text(v) for v in attribute_values(attributes) if v and match_text(v)}
    candidates = own | {match_text(v) for values in vocabulary.values() for v in values}
    candidates.discard("")
    found = match_longest_first(text, candidates, own)

    covered = [v in found for v in own]
    hallucinated = len(found - own)
    named = hallucinated + sum(covered)
    recall = sum(covered) / len(covered) if covered else NAN
    # Precision 0 when nothing is named: an answer that names no value has described nothing.
    precision = sum(covered) / named if named else 0.0
    f1 = (
        2 * precision * recall / (precision + recall)
        if covered and precision + recall > 0
        else (NAN if not covered else 0.0)
    )
    return NamedValues(recall, precision, f1, hallucinated, named)
