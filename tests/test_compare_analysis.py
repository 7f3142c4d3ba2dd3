"""Tests for savile.compare.analysis (two-way ANOVA, domain scores, stratified bootstrap) and
savile.report.plots.heatmap_png."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from savile.compare.analysis import domain_score, stratified_paired_bootstrap, two_way_anova
from savile.report.plots import heatmap_png

MODELS = ["m1", "m2"]
TECHNIQUES = ["lora", "qlora", "full"]
# 2 models x 3 techniques x 3 items, chosen unevenly so every effect is non-zero.
SMALL = {
    ("m1", "lora"): [0.2, 0.4, 0.3],
    ("m1", "qlora"): [0.5, 0.1, 0.3],
    ("m1", "full"): [0.9, 0.7, 0.8],
    ("m2", "lora"): [0.6, 0.6, 0.9],
    ("m2", "qlora"): [0.2, 0.0, 0.1],
    ("m2", "full"): [0.4, 0.8, 0.5],
}


def _mean(xs):
    return sum(xs) / len(xs)


def _hand_sums_of_squares(cells, models, techniques):
    """Textbook two-way sums of squares with explicit loops, independent of the numpy code."""
    everything = [x for m in models for t in techniques for x in cells[(m, t)]]
    grand = _mean(everything)
    n = len(cells[(models[0], techniques[0])])
    row = {m: _mean([x for t in techniques for x in cells[(m, t)]]) for m in models}
    col = {t: _mean([x for m in models for x in cells[(m, t)]]) for t in techniques}
    ss_model = ss_tech = ss_inter = ss_resid = 0.0
    for m in models:
        ss_model += len(techniques) * n * (row[m] - grand) ** 2
    for t in techniques:
        ss_tech += len(models) * n * (col[t] - grand) ** 2
    for m in models:
        for t in techniques:
            cell = _mean(cells[(m, t)])
            ss_inter += n * (cell - row[m] - col[t] + grand) ** 2
            for x in cells[(m, t)]:
                ss_resid += (x - cell) ** 2
    ss_total = sum((x - grand) ** 2 for x in everything)
    return ss_model, ss_tech, ss_inter, ss_resid, ss_total


def test_anova_matches_hand_computed_sums_of_squares_and_degrees_of_freedom():
    table = two_way_anova(SMALL)
    ss_model, ss_tech, ss_inter, ss_resid, ss_total = _hand_sums_of_squares(SMALL, MODELS, TECHNIQUES)
    assert table["model"]["ss"] == pytest.approx(ss_model)
    assert table["technique"]["ss"] == pytest.approx(ss_tech)
    assert table["interaction"]["ss"] == pytest.approx(ss_inter)
    assert table["residual"]["ss"] == pytest.approx(ss_resid)
    assert table["total"]["ss"] == pytest.approx(ss_total)
    assert min(ss_model, ss_tech, ss_inter, ss_resid) > 0  # the example exercises every term

    a, b, n = 2, 3, 3
    assert table["model"]["df"] == a - 1
    assert table["technique"]["df"] == b - 1
    assert table["interaction"]["df"] == (a - 1) * (b - 1)
    assert table["residual"]["df"] == a * b * (n - 1)
    assert table["total"]["df"] == a * b * n - 1

    ms_resid = ss_resid / 12
    assert table["residual"]["ms"] == pytest.approx(ms_resid)
    for effect, ss, df in [("model", ss_model, 1), ("technique", ss_tech, 2), ("interaction", ss_inter, 2)]:
        f = (ss / df) / ms_resid
        assert table[effect]["ms"] == pytest.approx(ss / df)
        assert table[effect]["f"] == pytest.approx(f)
        assert table[effect]["p"] == pytest.approx(stats.f.sf(f, df, 12))
        assert table[effect]["share"] == pytest.approx(ss / ss_total)

    shares = [table[k]["share"] for k in ("model", "technique", "interaction", "residual")]
    assert sum(shares) == pytest.approx(1.0)


def test_anova_literal_values_for_a_pure_technique_effect():
    # lora cells mean 0.15, full cells 0.55, grand mean 0.35, each item 0.05 from its cell mean.
    cells = {
        ("m1", "lora"): [0.1, 0.2],
        ("m1", "full"): [0.5, 0.6],
        ("m2", "lora"): [0.1, 0.2],
        ("m2", "full"): [0.5, 0.6],
    }
    table = two_way_anova(cells)
    assert table["technique"]["ss"] == pytest.approx(0.32)
    assert table["residual"]["ss"] == pytest.approx(0.02)
    assert table["total"]["ss"] == pytest.approx(0.34)
    assert table["model"]["ss"] == 0.0
    assert table["interaction"]["ss"] == 0.0
    assert table["technique"]["f"] == pytest.approx(0.32 / (0.02 / 4))


def test_anova_attributes_a_technique_only_effect_to_technique():
    rng = np.random.default_rng(1)
    shift = {"lora": 0.1, "qlora": 0.4, "full": 0.8}
    cells = {(m, t): shift[t] + rng.normal(0, 1e-3, size=20) for m in ["a", "b", "c"] for t in shift}
    table = two_way_anova(cells)
    assert table["technique"]["share"] > 0.95
    assert table["model"]["share"] < 0.01
    assert table["interaction"]["share"] < 0.01
    assert table["technique"]["p"] < 1e-10


def test_swapping_factors_swaps_model_and_technique_rows():
    swapped = {(t, m): v for (m, t), v in SMALL.items()}
    table, other = two_way_anova(SMALL), two_way_anova(swapped)
    assert other["model"]["ss"] == pytest.approx(table["technique"]["ss"])
    assert other["technique"]["ss"] == pytest.approx(table["model"]["ss"])
    assert other["interaction"]["f"] == pytest.approx(table["interaction"]["f"])


def test_one_model_reduces_to_one_way_anova():
    # With a single model the model and interaction terms have df 0, the residual has
    # b(n-1) df and the technique F is exactly the one-way F across techniques.
    cells = {("m1", t): SMALL[("m1", t)] for t in TECHNIQUES}
    table = two_way_anova(cells)
    expected = stats.f_oneway(*[cells[("m1", t)] for t in TECHNIQUES])
    assert table["technique"]["f"] == pytest.approx(expected.statistic)
    assert table["technique"]["p"] == pytest.approx(expected.pvalue)
    for effect in ("model", "interaction"):
        assert table[effect]["df"] == 0
        assert table[effect]["ss"] == 0.0
        assert math.isnan(table[effect]["f"]) and math.isnan(table[effect]["p"])
    assert table["residual"]["df"] == 3 * 2


def test_noiseless_cells_give_infinite_f_for_real_effects_and_nan_otherwise():
    # Every cell is constant, so the residual is zero; only the technique differs.
    cells = {(m, t): [v, v] for m in MODELS for t, v in zip(TECHNIQUES, [0.1, 0.2, 0.7], strict=False)}
    table = two_way_anova(cells)
    assert table["residual"]["ss"] == 0.0
    assert table["technique"]["f"] == math.inf and table["technique"]["p"] == 0.0
    assert math.isnan(table["model"]["f"]) and math.isnan(table["model"]["p"])
    assert table["technique"]["share"] == pytest.approx(1.0)


def test_all_equal_scores_give_nan_shares():
    cells = {(m, t): [0.3, 0.3, 0.3] for m in MODELS for t in TECHNIQUES}
    table = two_way_anova(cells)
    assert table["total"]["ss"] == 0.0
    for key in ("model", "technique", "interaction", "residual"):
        assert math.isnan(table[key]["share"])


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda c: c.pop(("m2", "qlora")), r"cell \('m2', 'qlora'\) is missing"),
        (lambda c: c.__setitem__(("m1", "full"), [0.1, 0.2]), "balanced"),
        (lambda c: c.__setitem__(("m2", "lora"), [0.1, math.nan, 0.2]), "non-finite score"),
        (lambda c: c.clear(), "cells is empty"),
    ],
    ids=["missing-cell", "unequal-n", "nan", "empty"],
)
def test_bad_layouts_raise_value_error(change, message):
    cells = {k: list(v) for k, v in SMALL.items()}
    change(cells)
    with pytest.raises(ValueError, match=message):
        two_way_anova(cells)


def test_one_item_per_cell_raises_value_error():
    cells = {k: v[:1] for k, v in SMALL.items()}
    with pytest.raises(ValueError, match="n >= 2"):
        two_way_anova(cells)


def test_domain_score_weighs_every_stratum_equally():
    # Item mean would be 0.75; the domain score averages task means 1.0 and 0.0.
    assert domain_score([1.0, 1.0, 1.0, 0.0], ["a", "a", "a", "b"]) == pytest.approx(0.5)


def test_bootstrap_of_identical_systems_is_zero():
    a = [0.1, 0.5, 0.9, 0.3, 0.7]
    assert stratified_paired_bootstrap(a, list(a), ["x", "x", "y", "y", "y"]) == (0.0, 0.0, 0.0)


def test_bootstrap_of_a_constant_shift_is_that_shift_exactly():
    rng = np.random.default_rng(2)
    a = rng.uniform(0, 0.8, size=40)
    strata = ["t1"] * 10 + ["t2"] * 25 + ["t3"] * 5
    delta, low, high = stratified_paired_bootstrap(a, a + 0.2, strata, n_resamples=2_000)
    assert delta == pytest.approx(0.2)
    assert low == pytest.approx(0.2) and high == pytest.approx(0.2)


def test_bootstrap_delta_is_the_domain_score_difference_with_unequal_strata():
    rng = np.random.default_rng(3)
    a, b = rng.uniform(size=30), rng.uniform(size=30)
    strata = ["big"] * 24 + ["small"] * 6
    delta, low, high = stratified_paired_bootstrap(a, b, strata, n_resamples=2_000, seed=4)
    assert delta == pytest.approx(domain_score(b, strata) - domain_score(a, strata))
    assert delta != pytest.approx(float(np.mean(b - a)))  # equal task weights, not item weights
    assert low < delta < high
    assert stratified_paired_bootstrap(a, b, strata, n_resamples=2_000, seed=4) == (delta, low, high)
    assert stratified_paired_bootstrap(a, b, strata, n_resamples=2_000, seed=5) != (delta, low, high)


def test_bootstrap_resamples_within_strata():
    # A one-item task is drawn in every resample, and the other task's deltas are all zero, so
    # every resampled domain delta is exactly 0.5; resampling across tasks would vary it.
    a = [0.0] * 20
    b = [1.0] + [0.0] * 19
    strata = ["rare"] + ["common"] * 19
    assert stratified_paired_bootstrap(a, b, strata, n_resamples=500) == (0.5, 0.5, 0.5)


@pytest.mark.parametrize(
    "a, b, strata, message",
    [
        ([0.1, 0.2], [0.1], ["x", "x"], "same items"),
        ([0.1, 0.2], [0.1, 0.3], ["x"], "one task name per item"),
        ([], [], [], "empty"),
        ([0.1, math.nan], [0.1, 0.3], ["x", "y"], "non-finite"),
    ],
    ids=["unequal-scores", "unequal-strata", "empty", "nan"],
)
def test_bootstrap_bad_input_raises_value_error(a, b, strata, message):
    with pytest.raises(ValueError, match=message):
        stratified_paired_bootstrap(a, b, strata)


def test_heatmap_png_draws_a_grid_with_missing_and_nan_cells():
    rows = ["m1", "m2"]
    columns = ["lora", "qlora", "dora", "full", "prefix", "ia3"]
    values = {(r, c): 0.1 * i + 0.05 * j for i, r in enumerate(rows) for j, c in enumerate(columns)}
    values[("m1", "dora")] = math.nan
    del values[("m2", "ia3")]
    png = heatmap_png(rows, columns, values, title="accuracy", label="mean score")
    assert png.startswith(b"\x89PNG")
    assert len(png) > 1_000


def test_heatmap_png_survives_an_all_missing_grid():
    assert heatmap_png(["m1"], ["lora"], {}, title="empty", label="score").startswith(b"\x89PNG")


def _null_grid(rng, models=2, techniques=6, per_task=16, tasks=3):
    """No true model or technique effect; items differ, and each item favours techniques at random."""
    items = per_task * tasks
    item = rng.normal(0.5, 0.05, items)
    item_by_technique = rng.normal(0, 0.2, (techniques, items))
    noise = rng.normal(0, 0.05, (models, techniques, items))
    return item[None, None, :] + item_by_technique[None] + noise, [t for t in "dse" for _ in range(per_task)]


def test_technique_test_blocks_on_items_and_holds_its_level():
    from savile.compare.effects import factor_effects

    rng = np.random.default_rng(0)
    runs, rejected, anova_rejected = 200, 0, 0
    for _ in range(runs):
        y, strata = _null_grid(rng)
        effects = factor_effects(y, strata, n_permutations=400, n_resamples=20, seed=int(rng.integers(1 << 30)))
        rejected += effects["technique"]["p"] < 0.05
        cells = {(f"m{i}", f"t{j}"): y[i, j] for i in range(y.shape[0]) for j in range(y.shape[1])}
        anova_rejected += two_way_anova(cells)["technique"]["p"] < 0.05
    assert rejected / runs <= 0.07, rejected / runs
    assert anova_rejected / runs > 0.2  # items as replicates: what the grid reported before


def test_factor_effects_find_a_real_technique_effect_on_one_scale():
    from savile.compare.effects import factor_effects

    rng = np.random.default_rng(1)
    y, strata = _null_grid(rng)
    y[:, 2, :] += 0.3  # one technique is better on every item
    y[1] += 0.06  # the second model a little better
    effects = factor_effects(y, strata, seed=1)
    assert effects["technique"]["p"] < 0.01 and effects["technique"]["ci_low"] > 0
    assert effects["technique"]["effect"] > effects["model"]["effect"]
    assert effects["model"]["effect"] == pytest.approx(0.06, abs=0.02)
