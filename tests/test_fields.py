"""Extraction scores aggregated over items: per attribute, micro and macro, on hand-computed cases."""

import math

import pytest

from savile.evaluate.fields import field_table
from savile.evaluate.metrics import extract_scores

SCHEMA = ["colour", "material", "origin", "hardware", "size"]


def scored(output, gold):
    return extract_scores(output, gold, schema=SCHEMA, multi_valued=["material"])


def mixed_items():
    return [
        # colour right; origin wrong (fp and fn)
        scored('{"colour": "Noir", "origin": "France"}', {"colour": "Noir", "origin": "Italy"}),
        # colour right; one of two materials; a size that is not in the gold (fp)
        scored(
            '{"colour": "Bleu", "material": ["calfskin"], "size": "PM"}',
            {"colour": "Bleu", "material": ["calfskin", "silk twill"]},
        ),
        # invalid JSON: both gold fields missed; hardware is never predicted anywhere
        scored('{"origin": "Italy", hardware: gold}', {"origin": "Italy", "hardware": "gold"}),
    ]


def test_per_attribute_rows_from_hand_counts():
    rows = {a: row.to_dict() for a, row in field_table(mixed_items()).per_attribute.items()}
    assert list(rows) == ["colour", "hardware", "material", "origin", "size"]
    assert rows["colour"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "tp": 2, "fp": 0, "fn": 0, "support": 2}
    assert rows["material"] == pytest.approx(
        {"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "tp": 1, "fp": 0, "fn": 1, "support": 2}
    )
    assert rows["origin"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "fp": 1, "fn": 2, "support": 2}
    # never predicted: precision undefined in its own row
    assert math.isnan(rows["hardware"]["precision"])
    assert (rows["hardware"]["recall"], rows["hardware"]["f1"], rows["hardware"]["support"]) == (0.0, 0.0, 1)
    # predicted, never in the gold: recall undefined, no support
    assert math.isnan(rows["size"]["recall"])
    assert (rows["size"]["precision"], rows["size"]["f1"], rows["size"]["support"]) == (0.0, 0.0, 0)


def test_micro_sums_counts_over_attributes():
    items = mixed_items()
    micro = field_table(items).micro
    assert (micro.tp, micro.fp, micro.fn) == (3, 2, 4)
    assert (micro.tp, micro.fp, micro.fn) == tuple(sum(s[c] for s in items) for c in ("tp", "fp", "fn"))
    assert micro.precision == pytest.approx(3 / 5)
    assert micro.recall == pytest.approx(3 / 7)
    assert micro.f1 == pytest.approx(2 * 3 / (2 * 3 + 2 + 4))
    assert micro.support is None and "support" not in micro.to_dict()


def test_macro_averages_supported_attributes_with_unpredicted_precision_as_zero():
    macro = field_table(mixed_items()).macro
    # colour, hardware, material, origin have support; size has none and is left out.
    assert macro.precision == pytest.approx((1 + 0 + 1 + 0) / 4)  # hardware's NaN counts as 0
    assert macro.recall == pytest.approx((1 + 0 + 0.5 + 0) / 4)
    assert macro.f1 == pytest.approx((1 + 0 + 2 / 3 + 0) / 4)


def test_perfect_answers_score_one_and_all_wrong_score_zero():
    gold = {"colour": "Noir", "origin": "Italy"}
    perfect = field_table([scored('{"colour": "noir", "origin": "ITALY"}', gold)] * 3)
    levels = ("micro", "macro")
    assert all(perfect.to_dict()[level][m] == 1.0 for level in levels for m in ("precision", "recall", "f1"))
    wrong = field_table([scored('{"colour": "Bleu", "origin": "France"}', gold)] * 3)
    assert all(wrong.to_dict()[level][m] == 0.0 for level in levels for m in ("precision", "recall", "f1"))
    assert wrong.micro.fp == wrong.micro.fn == 6


def test_empty_and_old_score_dicts_give_nan():
    for scores in ([], [{"tp": 3.0, "fp": 0.0, "fn": 1.0, "field_f1": 0.8}]):
        table = field_table(scores)
        assert table.per_attribute == {}
        assert (table.micro.tp, table.micro.fp, table.micro.fn) == (0, 0, 0)
        assert math.isnan(table.micro.f1) and math.isnan(table.macro.f1)
