"""The verdict rule on hand-made data with known answers, and its false-"justified" rate with no true difference."""

from __future__ import annotations

import numpy as np
import pytest

from savile.evaluate.stats import mean_ci, paired_bootstrap
from savile.evaluate.verdict import verdict

TUNED, UNTUNED = ["tuned", "tuned_rag"], ["base", "few_shot", "rag"]


def _systems(rng, n, shifts):
    item = rng.normal(0.5, 0.15, n)  # items differ in difficulty, shared by every system
    return {s: np.clip(item + shift + rng.normal(0, 0.15, n), 0, 1) for s, shift in shifts.items()}


def test_a_tuned_system_clearly_better_than_every_rung_is_justified():
    rng = np.random.default_rng(1)
    scores = _systems(rng, 48, {"base": 0.0, "few_shot": 0.05, "rag": 0.0, "tuned": 0.3, "tuned_rag": 0.1})
    v = verdict(scores, TUNED, UNTUNED, n_resamples=2000)
    assert v.justified and v.tuned == "tuned" and v.untuned == "few_shot"
    assert v.confidence == pytest.approx(0.975)
    assert {(p.tuned, p.untuned) for p in v.pairs} == {(t, u) for t in TUNED for u in UNTUNED}


def test_beating_the_base_but_not_few_shot_is_not_justified():
    rng = np.random.default_rng(2)
    scores = _systems(rng, 48, {"base": 0.0, "few_shot": 0.3, "rag": 0.0, "tuned": 0.3, "tuned_rag": 0.3})
    v = verdict(scores, TUNED, UNTUNED, n_resamples=2000)
    assert not v.justified and v.untuned == "few_shot"
    assert any(p.improved for p in v.pairs if p.untuned == "base")


def test_no_true_difference_gives_a_justified_verdict_at_most_five_percent_of_the_time():
    """The old rule (best tuned against best untuned, both picked on the same items) is shown beside it."""
    rng = np.random.default_rng(0)
    runs, new, old = 400, 0, 0
    for _ in range(runs):
        scores = _systems(rng, 48, dict.fromkeys(TUNED + UNTUNED, 0.0))
        new += verdict(scores, TUNED, UNTUNED, n_resamples=1000, seed=int(rng.integers(1 << 30))).justified
        best_t = max(TUNED, key=lambda s: scores[s].mean())
        best_u = max(UNTUNED, key=lambda s: scores[s].mean())
        old += paired_bootstrap("m", scores[best_u], scores[best_t], n_resamples=1000).improved()
    assert new / runs <= 0.05, new / runs
    assert new <= old  # selection on the same items can only inflate the rate


def test_intervals_at_the_edges():
    mean, low, high, n = mean_ci([0.0] * 16, binary=True)
    assert (mean, low, n) == (0.0, 0.0, 16) and high == pytest.approx(0.206, abs=0.001)
    mean, low, high, _ = mean_ci([1.0] * 16)  # a graded score at its top
    assert high == 1.0 and low == pytest.approx(0.794, abs=0.001)
    tied = paired_bootstrap("m", [0.5, 0.2, 0.0], [0.5, 0.2, 0.0])
    assert tied.all_tied
    assert not paired_bootstrap("m", [0.5, 0.2, 0.0], [0.5, 0.2, 0.1]).all_tied
