"""Policy facts stated in a support reply, read with numbers in words or digits, and the fact F1.

    >>> stated_facts("You have fourteen days and a £250 credit.", ["14 days", "250 GBP", "6 weeks"])
    ['14 days', '250 GBP']

A fact is stated when its words appear as a whole phrase after both sides are canonicalised
(`normalise`, number words read as digits by the `number-parser` package: "fourteen days" ==
"14 days", "thirty-day" == "30-day"), or when it is a quantity and every one of its quantities
(`quantities_in`: number and unit, currencies by sign or code) is stated: "£250" == "250 GBP".

The fact F1 of a reply counts as true positives the asked policies' facts it states; as false
positives the facts of the brand's other policies it states (reciting every policy is not an
answer) and a contradiction (the asked policy's unit with another number); as false negatives
the asked facts it leaves out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache

from savile.data.text import match_text, phrase_pattern
from savile.evaluate.quantities import quantities_in

__all__ = ["canonical", "stated_facts", "fact_scores"]

# number-parser writes "thirty-day" as "30 - day"; the hyphenated form is what `quantities_in` reads.
_SPACED_HYPHEN = re.compile(r"(\d) - (?=\w)")


@lru_cache(maxsize=4096)
def canonical(text: str) -> str:
    """Text with number words read as digits ("fourteen" -> "14"), for matching facts only."""
    from number_parser import parse

    return _SPACED_HYPHEN.sub(r"\1-", parse(text))


def _is_stated(fact: str, reply: str, reply_quantities: set[tuple[str, str]]) -> bool:
    needle = match_text(canonical(fact))
    if needle and phrase_pattern(needle).search(match_text(reply)):
        return True
    wanted = quantities_in(canonical(fact))
    return bool(wanted) and wanted <= reply_quantities


def stated_facts(output: str, facts: Sequence[str]) -> list[str]:
    """The facts (as given) that the output states, in their order."""
    reply = canonical(output)
    quantities = quantities_in(reply)
    return [f for f in facts if f.strip() and _is_stated(f, reply, quantities)]


def _key(fact: str) -> str:
    return match_text(canonical(fact))


def fact_scores(
    output: str, facts: Sequence[str], other_facts: Sequence[str], contradiction: float
) -> dict[str, float]:
    """`fact_precision`, `fact_recall`, `fact_f1` of a reply (NaN when the item asks no fact).

    `facts` are the asked policies' facts; `other_facts` every other policy's (those equal to an
    asked fact are not counted against the reply); `contradiction` is 1.0 when the reply gives the
    asked policy's unit another number.
    """
    asked = list(dict.fromkeys(f for f in facts if f.strip()))
    if not asked:
        return {"fact_precision": math.nan, "fact_recall": math.nan, "fact_f1": math.nan}
    asked_keys = {_key(f) for f in asked}
    others = [f for f in dict.fromkeys(other_facts) if f.strip() and _key(f) not in asked_keys]
    tp = len(stated_facts(output, asked))
    fp = len(stated_facts(output, others)) + (1 if contradiction == 1.0 else 0)
    fn = len(asked) - tp
    return {
        "fact_precision": tp / (tp + fp) if tp + fp else 0.0,
        "fact_recall": tp / len(asked),
        "fact_f1": 2 * tp / (2 * tp + fp + fn),
    }
