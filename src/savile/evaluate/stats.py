"""Paired statistics for base-vs-tuned comparisons on the same held-out items.

`paired_bootstrap` gives, per metric, the mean delta with a percentile confidence interval and
win/tie/loss counts; `mcnemar_exact` tests a yes/no metric on its discordant pairs. Both take
two per-item score sequences in the same item order and drop pairs with a NaN on either side.

    >>> d = paired_bootstrap("attribute_coverage", [0.2, 0.4, 0.6], [1.0, 1.0, 0.8])
    >>> round(d.delta, 3), d.wins, d.improved()
    (0.533, 3, True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

__all__ = [
    "PairedDelta",
    "paired_bootstrap",
    "bootstrap_means",
    "McNemar",
    "mcnemar_exact",
    "sign_flip_p",
    "holm",
    "mean_ci",
    "proportion_ci",
    "finite_mean",
    "finite_or_worst",
]

# Cap on the size of one resampled index matrix (int64 entries, so 32 MB): keeps memory flat
# for large eval sets while staying vectorised.
_MAX_CHUNK_ELEMENTS = 4_000_000


@dataclass(frozen=True)
class PairedDelta:
    """Mean difference of a metric between two systems scored on the same items."""

    metric: str
    n: int  # pairs where both values are finite
    base_mean: float
    tuned_mean: float
    delta: float  # tuned_mean - base_mean
    ci_low: float  # paired bootstrap percentile CI of the mean delta
    ci_high: float
    wins: int  # pairs where tuned is better (given higher_is_better)
    ties: int
    losses: int
    higher_is_better: bool

    @property
    def all_tied(self) -> bool:
        """Every pair scored the same: there is no difference to put an interval on."""
        return self.n > 0 and self.ties == self.n

    def excludes_zero(self) -> bool:
        """True if the CI lies wholly above or wholly below zero (False when it is NaN)."""
        return self.ci_low > 0 or self.ci_high < 0

    def improved(self) -> bool:
        """True if the CI excludes zero on the good side for this metric's direction."""
        return self.ci_low > 0 if self.higher_is_better else self.ci_high < 0

    def to_dict(self) -> dict:
        """The fields as a plain dict (NaN stays float NaN, which Python's json round-trips)."""
        return asdict(self)


def _finite_pairs(base: Sequence[float], tuned: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    b = np.asarray(base, dtype=float)
    t = np.asarray(tuned, dtype=float)
    if b.ndim != 1 or b.shape != t.shape:
        raise ValueError(
            f"base and tuned must be 1-D score lists over the same items, got shapes "
            f"{b.shape} and {t.shape}; score both systems on the same eval set, in the same order."
        )
    keep = np.isfinite(b) & np.isfinite(t)
    return b[keep], t[keep]


def bootstrap_means(deltas: np.ndarray, n_resamples: int, seed: int | np.random.Generator) -> np.ndarray:
    """Mean of deltas over n_resamples resamples of item indices, drawn with replacement; `seed` may
    be a Generator, so several samples can draw from one stream."""
    rng = np.random.default_rng(seed)
    n = len(deltas)
    rows = max(1, _MAX_CHUNK_ELEMENTS // n)
    means = np.empty(n_resamples)
    for start in range(0, n_resamples, rows):
        stop = min(start + rows, n_resamples)
        idx = rng.integers(0, n, size=(stop - start, n))
        means[start:stop] = deltas[idx].mean(axis=1)
    return means


def paired_bootstrap(
    metric: str,
    base: Sequence[float],
    tuned: Sequence[float],
    *,
    higher_is_better: bool = True,
    n_resamples: int = 10_000,
    confidence: float = 0.95,
    seed: int = 0,
) -> PairedDelta:
    """Paired bootstrap CI of the mean per-item delta (tuned - base) for one metric.

    Pairs with a NaN (or inf) on either side are dropped. n == 0 gives NaN means and CI and zero
    counts; n == 1 gives a CI equal to the delta. Same inputs and seed give the same CI.
    """
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be >= 1, got {n_resamples}; 10_000 is usual.")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}; use e.g. 0.95.")
    b, t = _finite_pairs(base, tuned)
    n = len(b)
    if n == 0:
        nan = math.nan
        return PairedDelta(metric, 0, nan, nan, nan, nan, nan, 0, 0, 0, higher_is_better)

    # Paired bootstrap (Efron & Tibshirani 1993, An Introduction to the Bootstrap; percentile
    # interval, ch. 13): resample items, not the two systems separately, so each item keeps its
    # pairing and the CI reflects only the per-item differences.
    deltas = t - b
    means = bootstrap_means(deltas, n_resamples, seed)
    alpha = 1 - confidence
    low, high = np.quantile(means, [alpha / 2, 1 - alpha / 2])
    # A resample mean cannot leave [min, max] of the deltas; clipping only removes float
    # rounding, so a constant delta gives exactly [delta, delta].
    low, high = np.clip([low, high], deltas.min(), deltas.max())

    better = deltas > 0 if higher_is_better else deltas < 0
    worse = deltas < 0 if higher_is_better else deltas > 0
    return PairedDelta(
        metric=metric,
        n=n,
        base_mean=float(b.mean()),
        tuned_mean=float(t.mean()),
        delta=float(t.mean() - b.mean()),
        ci_low=float(low),
        ci_high=float(high),
        wins=int(better.sum()),
        ties=int((deltas == 0).sum()),
        losses=int(worse.sum()),
        higher_is_better=higher_is_better,
    )


@dataclass(frozen=True)
class McNemar:
    """Exact McNemar test on a yes/no metric: only pairs where the two systems disagree count."""

    metric: str
    n: int  # pairs where both values are finite
    base_only: int  # items where base scores 1 and tuned 0
    tuned_only: int  # items where tuned scores 1 and base 0
    p_value: float  # two-sided exact binomial p on the discordant pairs; 1.0 when there are none

    def to_dict(self) -> dict:
        """The fields as a plain dict."""
        return asdict(self)


def mcnemar_exact(metric: str, base: Sequence[float], tuned: Sequence[float]) -> McNemar:
    """Exact (binomial) McNemar test for a 0/1 metric such as `any_hallucination`.

    Under no difference, each discordant pair is equally likely to favour either system, so the
    smaller count is Binomial(b + c, 1/2) (McNemar 1947; exact form as in Fagerland et al. 2013).
    """
    b, t = _finite_pairs(base, tuned)
    if not np.isin(b, (0.0, 1.0)).all() or not np.isin(t, (0.0, 1.0)).all():
        raise ValueError(
            f"McNemar needs 0/1 scores, but {metric!r} has other values; use paired_bootstrap for graded metrics."
        )
    base_only = int(((b == 1) & (t == 0)).sum())
    tuned_only = int(((b == 0) & (t == 1)).sum())
    discordant = base_only + tuned_only
    k = min(base_only, tuned_only)
    # Exact integers, then one division: no underflow of 0.5 ** n for large n.
    tail = sum(math.comb(discordant, i) for i in range(k + 1))
    p_value = min(1.0, 2 * tail / 2**discordant)
    return McNemar(metric, len(b), base_only, tuned_only, p_value)


def sign_flip_p(base: Sequence[float], tuned: Sequence[float], n_resamples: int = 10_000, seed: int = 0) -> float:
    """Two-sided p-value of a paired sign-flip permutation test on the mean delta.

    Under no difference, each item's delta is as likely to be +d as -d; the p-value is the share
    of random sign patterns whose mean is at least as far from zero as the observed one (with the
    observed pattern counted, so p is never 0). 1.0 when there are no pairs or all deltas are 0.
    """
    b, t = _finite_pairs(base, tuned)
    deltas = t - b
    if len(deltas) == 0 or not deltas.any():
        return 1.0
    observed = abs(deltas.mean())
    rng = np.random.default_rng(seed)
    rows = max(1, _MAX_CHUNK_ELEMENTS // len(deltas))
    hits = 0
    for start in range(0, n_resamples, rows):
        signs = rng.choice((-1.0, 1.0), size=(min(rows, n_resamples - start), len(deltas)))
        hits += int((np.abs((signs * deltas).mean(axis=1)) >= observed - 1e-12).sum())
    return (hits + 1) / (n_resamples + 1)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values (Holm 1979), in the input order.

    Controls the family-wise error rate across one task's metrics: the k-th smallest p is
    multiplied by (m - k + 1), and adjusted values are made monotone. NaN stays NaN and does not
    count towards m.
    """
    finite = [(p, i) for i, p in enumerate(p_values) if p is not None and math.isfinite(p)]
    m = len(finite)
    out = [math.nan] * len(p_values)
    running = 0.0
    for k, (p, i) in enumerate(sorted(finite)):
        running = max(running, min(1.0, (m - k) * p))
        out[i] = running
    return out


def mean_ci(
    values: Sequence[float], n_resamples: int = 10_000, confidence: float = 0.95, seed: int = 0, binary: bool = False
) -> tuple[float, float, float, int]:
    """(mean, CI low, CI high, n) of one system's scores; NaNs dropped.

    A yes/no metric gets the exact (Clopper-Pearson) binomial interval, so 0 of 16 reads [0, 0.21]
    rather than a bootstrap's [0, 0]. A graded score in [0, 1] whose every value sits at one end gets
    the same interval (the Bernoulli is the widest-spread variable on [0, 1] with that mean): a
    bootstrap can never leave the values it saw. Anything else: the percentile bootstrap.
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) == 0:
        return math.nan, math.nan, math.nan, 0
    at_an_end = bool(np.all(v == 0.0) or np.all(v == 1.0))
    if binary or at_an_end:
        low, high = proportion_ci(int(round(float(v.sum()))), len(v), confidence)
        return float(v.mean()), low, high, len(v)
    means = bootstrap_means(v, n_resamples, seed)
    alpha = 1 - confidence
    low, high = np.clip(np.quantile(means, [alpha / 2, 1 - alpha / 2]), v.min(), v.max())
    return float(v.mean()), float(low), float(high), len(v)


def proportion_ci(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact Clopper-Pearson interval of a proportion (scipy.stats.binomtest)."""
    from scipy.stats import binomtest

    ci = binomtest(successes, n).proportion_ci(confidence_level=confidence, method="exact")
    return float(ci.low), float(ci.high)


def finite_mean(values: Sequence[float | None]) -> float:
    """The plain mean of the finite values (None and NaN dropped); NaN when none is left."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    return sum(finite) / len(finite) if finite else math.nan


def finite_or_worst(x: float | None) -> float:
    """`x`, or -inf where it is None or not finite: a sort key that ranks a missing score last."""
    return x if x is not None and math.isfinite(x) else -math.inf
