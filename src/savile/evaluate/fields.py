"""Extraction scores over a whole evaluation set: per attribute, micro- and macro-averaged.

`extract_scores` gives each answer per-attribute counts (`tp:<attribute>`, `fp:<attribute>`,
`fn:<attribute>`); `field_table` totals them over the answers of one system:

- per attribute: precision = tp / (tp + fp) (NaN if the attribute was never predicted), recall =
  tp / (tp + fn) (NaN if it never occurs in the gold), F1 = 2tp / (2tp + fp + fn), and `support`,
  the number of gold values (tp + fn).
- micro: the same three from the counts summed over all attributes, so frequent attributes weigh
  more. NaN where the denominator is 0.
- macro: the unweighted mean over the attributes with gold support (support > 0) of their
  precision, recall and F1, so a rare attribute weighs as much as a common one. An attribute with
  support that was never predicted has precision NaN in its row but counts as 0 in the macro
  precision (the model missed all of it); attributes without support (only ever predicted,
  wrongly) are left out of the macro means but still lower the micro precision. Macro F1 is the
  mean of the per-attribute F1, not the F1 of macro precision and recall. NaN when no attribute
  has support.

    >>> from savile.evaluate.metrics import extract_scores
    >>> table = field_table([extract_scores('{"colour": "Noir"}', {"colour": "Noir", "origin": "Italy"})])
    >>> table.micro.recall, table.per_attribute["origin"].precision
    (0.5, nan)
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from savile.evaluate.stats import finite_mean
from savile.records.evaluation import FieldAverage, FieldScores, FieldTable

__all__ = ["field_table"]

_COUNTS = ("tp", "fp", "fn")


def field_table(scores: Iterable[dict[str, float]]) -> FieldTable:
    """Per-attribute, micro and macro precision, recall and F1 from `extract_scores` dicts.

    Attributes in alphabetical order, counts as ints. Only the `tp:`/`fp:`/`fn:` keys are read; an
    attribute missing from an item counts 0 there.
    """
    totals: dict[str, dict[str, int]] = {}
    for item in scores:
        for key, value in item.items():
            count, sep, attribute = key.partition(":")
            if sep and count in _COUNTS:
                totals.setdefault(attribute, dict.fromkeys(_COUNTS, 0))[count] += int(value)

    per_attribute = {a: _row(**totals[a], support=totals[a]["tp"] + totals[a]["fn"]) for a in sorted(totals)}
    summed = {c: sum(t[c] for t in totals.values()) for c in _COUNTS}
    supported = [row for row in per_attribute.values() if row.support]
    # Supported rows have tp + fn > 0, so their recall and F1 are finite and finite_mean drops nothing.
    macro = FieldAverage(
        precision=finite_mean([0.0 if math.isnan(r.precision) else r.precision for r in supported]),
        recall=finite_mean([r.recall for r in supported]),
        f1=finite_mean([r.f1 for r in supported]),
    )
    return FieldTable(micro=_row(**summed), macro=macro, per_attribute=per_attribute)


def _row(tp: int, fp: int, fn: int, support: int | None = None) -> FieldScores:
    return FieldScores(
        precision=tp / (tp + fp) if tp + fp else math.nan,
        recall=tp / (tp + fn) if tp + fn else math.nan,
        f1=2 * tp / (2 * tp + fp + fn) if tp + fp + fn else math.nan,
        tp=tp,
        fp=fp,
        fn=fn,
        support=support,
    )
