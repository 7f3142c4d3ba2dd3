"""Paired bootstrap and exact McNemar on small hand-made score lists."""

import json
import math

import numpy as np
import pytest

from savile.evaluate.stats import PairedDelta, mcnemar_exact, paired_bootstrap


def test_constant_improvement_gives_exact_delta_and_degenerate_ci():
    d = paired_bootstrap("m", [0.0, 1.0, 2.0, 3.0], [1.0, 2.0, 3.0, 4.0], n_resamples=500)
    assert (d.delta, d.ci_low, d.ci_high) == (1.0, 1.0, 1.0)
    assert (d.wins, d.ties, d.losses) == (4, 0, 0)
    assert d.excludes_zero() and d.improved()


def test_constant_fractional_improvement_ci_equals_delta_despite_rounding():
    base = [0.1, 0.7, 0.2]
    d = paired_bootstrap("m", base, [b + 0.3 for b in base], n_resamples=500)
    assert d.ci_low <= d.delta <= d.ci_high
    assert d.ci_high - d.ci_low < 1e-12


def test_identical_inputs_give_zero_delta_and_all_ties():
    scores = [0.2, 0.5, 0.9, 1.0]
    d = paired_bootstrap("m", scores, scores, n_resamples=500)
    assert (d.delta, d.ci_low, d.ci_high) == (0.0, 0.0, 0.0)
    assert (d.wins, d.ties, d.losses) == (0, 4, 0)
    assert not d.excludes_zero() and not d.improved()


def test_ci_brackets_true_delta_on_a_known_example():
    rng = np.random.default_rng(123)
    base = rng.normal(0.5, 0.1, size=200)
    tuned = base + rng.normal(0.1, 0.05, size=200)  # true mean delta 0.1
    d = paired_bootstrap("m", base, tuned, n_resamples=2000, seed=1)
    assert d.ci_low < 0.1 < d.ci_high
    assert d.ci_low < d.delta < d.ci_high
    assert d.ci_high - d.ci_low < 0.03  # standard error ~0.0035, so width ~0.014
    assert d.improved()


def test_mixed_small_example_ci_includes_zero():
    d = paired_bootstrap("m", [1, 0, 1, 0, 1, 0], [0, 1, 1, 0, 1, 1], n_resamples=2000)
    assert d.delta == pytest.approx(1 / 6)
    assert d.ci_low < 0 < d.ci_high
    assert (d.wins, d.ties, d.losses) == (2, 3, 1)
    assert not d.improved()


def test_nan_pairs_are_dropped():
    d = paired_bootstrap("m", [1.0, math.nan, 0.0, 2.0], [2.0, 5.0, math.nan, 3.0], n_resamples=200)
    assert d.n == 2
    assert (d.base_mean, d.tuned_mean, d.delta) == (1.5, 2.5, 1.0)


def test_no_finite_pairs_gives_nans_and_zero_counts():
    d = paired_bootstrap("m", [math.nan], [1.0])
    assert d.n == 0 and (d.wins, d.ties, d.losses) == (0, 0, 0)
    assert all(math.isnan(x) for x in (d.base_mean, d.tuned_mean, d.delta, d.ci_low, d.ci_high))
    assert not d.excludes_zero() and not d.improved()


def test_single_pair_ci_equals_delta():
    d = paired_bootstrap("m", [0.25], [0.75], n_resamples=100)
    assert (d.n, d.delta, d.ci_low, d.ci_high) == (1, 0.5, 0.5, 0.5)


def test_same_seed_same_ci_other_seed_other_ci():
    base, tuned = [0.1, 0.4, 0.3, 0.9, 0.5], [0.3, 0.2, 0.8, 0.9, 0.6]
    a = paired_bootstrap("m", base, tuned, n_resamples=300, seed=7)
    b = paired_bootstrap("m", base, tuned, n_resamples=300, seed=7)
    c = paired_bootstrap("m", base, tuned, n_resamples=300, seed=8)
    assert a == b
    assert (a.ci_low, a.ci_high) != (c.ci_low, c.ci_high)


def test_chunked_resampling_matches_requested_count(monkeypatch):
    import savile.evaluate.stats as stats

    monkeypatch.setattr(stats, "_MAX_CHUNK_ELEMENTS", 7)  # 1 row per chunk for n = 5
    d = paired_bootstrap("m", [0, 0, 0, 0, 0], [1, 1, 1, 1, 1], n_resamples=13)
    assert (d.ci_low, d.ci_high) == (1.0, 1.0)


def test_lower_is_better_flips_wins_losses_and_improved():
    base, tuned = [3.0, 2.0, 4.0, 1.0], [1.0, 0.0, 2.0, 1.0]  # hallucination counts fell
    up = paired_bootstrap("m", base, tuned, n_resamples=500)
    down = paired_bootstrap("m", base, tuned, higher_is_better=False, n_resamples=500)
    assert (up.wins, up.ties, up.losses) == (0, 1, 3)
    assert (down.wins, down.ties, down.losses) == (3, 1, 0)
    assert up.ci_high < 0 and up.excludes_zero() and not up.improved()
    assert down.improved()
    assert (down.ci_low, down.ci_high) == (up.ci_low, up.ci_high)


def test_to_dict_round_trips_through_json():
    d = paired_bootstrap("coverage", [0.0, 1.0], [1.0, 1.0], n_resamples=100)
    restored = PairedDelta(**json.loads(json.dumps(d.to_dict())))
    assert restored == d


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="same items"):
        paired_bootstrap("m", [1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="confidence"):
        paired_bootstrap("m", [1.0], [1.0], confidence=95)
    with pytest.raises(ValueError, match="n_resamples"):
        paired_bootstrap("m", [1.0], [1.0], n_resamples=0)


def test_mcnemar_exact_counts_discordant_pairs():
    base = [1, 1, 1, 1, 1, 1, 0, 0, math.nan]
    tuned = [0, 0, 0, 0, 0, 0, 0, 1, 1]
    m = mcnemar_exact("any_hallucination", base, tuned)
    assert (m.n, m.base_only, m.tuned_only) == (8, 6, 1)
    assert m.p_value == pytest.approx(2 * (1 + 7) / 2**7)  # 0.125
    assert mcnemar_exact("x", [1, 0], [1, 0]).p_value == 1.0
    with pytest.raises(ValueError, match="0/1"):
        mcnemar_exact("coverage", [0.5], [1.0])


def test_sign_flip_p_is_small_for_a_consistent_gain_and_one_for_no_change():
    from savile.evaluate.stats import sign_flip_p

    base = [0.0] * 20
    assert sign_flip_p(base, [1.0] * 20) < 0.001
    assert sign_flip_p(base, base) == 1.0
    mixed = [1.0, -1.0] * 10  # deltas cancel exactly
    assert sign_flip_p(base, mixed) == 1.0


def test_holm_multiplies_by_rank_and_keeps_order_and_nan():
    import math

    from savile.evaluate.stats import holm

    adjusted = holm([0.01, 0.04, math.nan, 0.03])
    # sorted: 0.01*3=0.03, 0.03*2=0.06, 0.04*1=0.04 -> monotone 0.06
    assert adjusted[0] == pytest.approx(0.03)
    assert adjusted[3] == pytest.approx(0.06)
    assert adjusted[1] == pytest.approx(0.06)
    assert math.isnan(adjusted[2])
    assert holm([0.9, 0.8]) == [1.0, 1.0]


def test_mean_ci_brackets_the_mean_and_collapses_for_constants():
    from savile.evaluate.stats import mean_ci

    mean, low, high, n = mean_ci([1.0, 0.0, 1.0, 1.0, float("nan")])
    assert n == 4 and mean == 0.75 and 0 <= low <= mean <= high <= 1
    assert mean_ci([0.5] * 7)[:3] == (0.5, 0.5, 0.5)
    assert mean_ci([])[3] == 0
