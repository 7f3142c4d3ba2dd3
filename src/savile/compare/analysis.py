"""Statistics for comparing many (model, technique) systems scored on the same held-out items.

`two_way_anova` splits the variance of per-item scores into a model effect, a technique effect,
their interaction and residual (item-to-item) noise, and says what share of the total each holds.
`domain_score` is a system's score over a domain: the mean over tasks of each task's mean, so a
task with many items does not outweigh one with few. `stratified_paired_bootstrap` gives the
difference of two systems' domain scores with a percentile confidence interval.

    >>> cells = {("m1", "lora"): [0.1, 0.2], ("m1", "full"): [0.5, 0.6],
    ...          ("m2", "lora"): [0.1, 0.2], ("m2", "full"): [0.5, 0.6]}
    >>> table = two_way_anova(cells)
    >>> round(table["technique"]["share"], 3), table["model"]["ss"]
    (0.941, 0.0)
    >>> domain_score([1.0, 1.0, 0.0], ["a", "a", "b"])
    0.5

Pure numpy/scipy (resampling from evaluate.stats); nothing here imports torch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from savile.evaluate.stats import bootstrap_means

__all__ = ["two_way_anova", "stratified_paired_bootstrap", "domain_score"]


# --- two-way ANOVA ----------------------------------------------------------------------------


def _levels(cells: dict[tuple[str, str], Sequence[float]]) -> tuple[list[str], list[str]]:
    """Models and techniques in order of first appearance."""
    if not cells:
        raise ValueError(
            "cells is empty: two_way_anova needs per-item scores keyed by (model, technique); "
            "score at least one model with one technique on two or more items."
        )
    for key in cells:
        if not (isinstance(key, tuple) and len(key) == 2):
            raise ValueError(
                f"cell key {key!r} is not a (model, technique) pair; key every cell as "
                "(model, technique), e.g. ('gemma-2b', 'lora')."
            )
    models = list(dict.fromkeys(m for m, _ in cells))
    techniques = list(dict.fromkeys(t for _, t in cells))
    return models, techniques


def _cell_array(cells: dict[tuple[str, str], Sequence[float]]) -> np.ndarray:
    """Scores as an array indexed [model, technique, item], after checking the layout is balanced."""
    models, techniques = _levels(cells)
    first_key = next(iter(cells))
    n = len(cells[first_key])
    grid = np.empty((len(models), len(techniques), n))
    for i, model in enumerate(models):
        for j, technique in enumerate(techniques):
            grid[i, j] = _checked_cell(cells, (model, technique), n, first_key)
    if n < 2:
        raise ValueError(
            f"every cell holds {n} score(s): ANOVA with replication needs n >= 2 items per cell "
            "to estimate the residual; score every system on at least two held-out items."
        )
    return grid


def _checked_cell(cells, key: tuple[str, str], n: int, first_key: tuple[str, str]) -> np.ndarray:
    if key not in cells:
        raise ValueError(
            f"cell {key!r} is missing: every model x technique pair needs scores "
            f"(found {len(cells)} cells); score model {key[0]!r} with technique {key[1]!r}, "
            "or leave that model or technique out of the comparison."
        )
    values = np.asarray(cells[key], dtype=float)
    if values.ndim != 1 or len(values) != n:
        raise ValueError(
            f"cell {key!r} has shape {values.shape} but cell {first_key!r} has {n} scores: the "
            "layout must be balanced; score every system on the same held-out items, in the same order."
        )
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        raise ValueError(
            f"cell {key!r} holds a non-finite score ({values[bad[0]]}) at item {int(bad[0])}: "
            "fix the scorer, or drop that item from every cell so the layout stays balanced."
        )
    return values


def _sums_of_squares(y: np.ndarray) -> dict[str, float]:
    """Sums of squares of a balanced [a, b, n] layout (Montgomery, Design and Analysis of Experiments, ch. 5)."""
    a, b, n = y.shape
    grand = y.mean()
    row = y.mean(axis=(1, 2))
    col = y.mean(axis=(0, 2))
    cell = y.mean(axis=2)
    # The interaction is computed from its own residuals, not as SS_cells - SS_A - SS_B, so it
    # cannot come out slightly negative from cancellation.
    inter = cell - row[:, None] - col[None, :] + grand
    ss = {
        "model": b * n * float(np.sum((row - grand) ** 2)),
        "technique": a * n * float(np.sum((col - grand) ** 2)),
        "interaction": n * float(np.sum(inter**2)),
        "residual": float(np.sum((y - cell[:, :, None]) ** 2)),
        "total": float(np.sum((y - grand) ** 2)),
    }
    # A mean of equal floats can be off by an ulp, which would turn a zero sum of squares into
    # ~1e-33 and a zero residual into an infinite-but-meaningless F. Anything below the rounding
    # noise of the data is zero.
    floor = y.size * (16 * np.finfo(float).eps * float(np.abs(y).max())) ** 2
    ss = {k: (0.0 if v <= floor else v) for k, v in ss.items()}
    if ss["total"] == 0.0:
        ss = dict.fromkeys(ss, 0.0)
    return ss


def _f_test(ss: float, df: int, ms_residual: float, df_residual: int) -> tuple[float, float, float]:
    """(ms, f, p) of one effect against the residual mean square."""
    from scipy import stats

    if df == 0:
        return math.nan, math.nan, math.nan
    ms = ss / df
    if ms_residual == 0.0:
        # A noiseless layout: any real effect is infinitely significant, no effect is undefined.
        return (ms, math.inf, 0.0) if ss > 0 else (ms, math.nan, math.nan)
    f = ms / ms_residual
    return ms, f, float(stats.f.sf(f, df, df_residual))


def two_way_anova(cells: dict[tuple[str, str], Sequence[float]]) -> dict[str, dict[str, float]]:
    """Balanced two-way fixed-effects ANOVA with replication over (model, technique) cells.

    Each value is the per-item scores of one system, on the same held-out items in the same order
    in every cell. Returns "model", "technique" and "interaction" (each with ss, df, ms, f, p,
    share), "residual" (ss, df, ms, share) and "total" (ss, df). share is eta squared, ss / total
    ss; the four shares sum to 1, and are NaN when every score is equal. A factor with one level
    has df 0, ss 0 and NaN ms, f and p, as does the interaction then.

    Raises ValueError if a model x technique pair is missing, cells differ in length, a cell has
    fewer than two scores, or a score is not finite.
    """
    y = _cell_array(cells)
    a, b, n = y.shape
    ss = _sums_of_squares(y)
    df = {
        "model": a - 1,
        "technique": b - 1,
        "interaction": (a - 1) * (b - 1),
        "residual": a * b * (n - 1),
        "total": a * b * n - 1,
    }
    ms_residual = ss["residual"] / df["residual"]
    total = ss["total"]
    share = {k: (ss[k] / total if total > 0 else math.nan) for k in ss}

    table: dict[str, dict[str, float]] = {}
    for effect in ("model", "technique", "interaction"):
        ms, f, p = _f_test(ss[effect], df[effect], ms_residual, df["residual"])
        table[effect] = {"ss": ss[effect], "df": df[effect], "ms": ms, "f": f, "p": p, "share": share[effect]}
    table["residual"] = {"ss": ss["residual"], "df": df["residual"], "ms": ms_residual, "share": share["residual"]}
    table["total"] = {"ss": total, "df": df["total"]}
    return table


# --- domain scores and the stratified bootstrap ----------------------------------------------


def _strata_index(values: np.ndarray, strata: Sequence[str], name: str) -> np.ndarray:
    """Stratum number of each item (0..k-1), after checking values and strata line up."""
    if values.ndim != 1 or len(values) != len(strata):
        raise ValueError(
            f"{name} has shape {values.shape} but strata has {len(strata)} entries: give one "
            "task name per item, in the same order as the scores."
        )
    if len(values) == 0:
        raise ValueError(f"{name} is empty: a domain score needs at least one scored item.")
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        raise ValueError(
            f"{name} holds a non-finite score ({values[bad[0]]}) at item {int(bad[0])}: fix the "
            "scorer, or drop that item (from both systems when comparing two)."
        )
    _, inverse = np.unique(np.asarray(strata, dtype=str), return_inverse=True)
    return inverse.reshape(-1)


def _domain_mean(values: np.ndarray, inverse: np.ndarray) -> float:
    counts = np.bincount(inverse)
    return float(np.mean(np.bincount(inverse, weights=values) / counts))


def domain_score(values: Sequence[float], strata: Sequence[str]) -> float:
    """Mean over strata (tasks) of each stratum's mean score: every task weighs the same.

    Raises ValueError if values is empty, holds a non-finite score, or differs in length from strata.
    """
    v = np.asarray(values, dtype=float)
    return _domain_mean(v, _strata_index(v, strata, "values"))


def stratified_paired_bootstrap(
    a: Sequence[float],
    b: Sequence[float],
    strata: Sequence[str],
    n_resamples: int = 10_000,
    confidence: float = 0.95,
    seed: int = 0,
) -> tuple[float, float, float]:
    """(delta, ci_low, ci_high) of domain_score(b) - domain_score(a), paired on items.

    a[i] and b[i] score the same item, whose task is strata[i]. Items are resampled with
    replacement within each task, so every resample keeps each task's size and both systems'
    pairing; the interval is the percentile one. Same inputs and seed give the same interval.

    Raises ValueError if a, b and strata differ in length, are empty, or hold a non-finite score.
    """
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be >= 1, got {n_resamples}; 10_000 is usual.")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}; use e.g. 0.95.")
    va, vb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if va.shape != vb.shape:
        raise ValueError(
            f"a has shape {va.shape} but b has {vb.shape}: score both systems on the same items, in the same order."
        )
    inverse = _strata_index(va, strata, "a")
    _strata_index(vb, strata, "b")
    # The domain score is linear in the scores, so the difference of domain scores is the domain
    # score of the per-item differences, and resampling the differences keeps the pairing.
    deltas = vb - va
    delta = _domain_mean(deltas, inverse)

    # Stratified bootstrap (Davison & Hinkley 1997, Bootstrap Methods, sec. 3.7): resample within
    # each task, so task sizes, and hence the task weights, stay fixed as in the estimate.
    rng = np.random.default_rng(seed)
    n_strata = int(inverse.max()) + 1
    total = np.zeros(n_resamples)
    for k in range(n_strata):
        total += bootstrap_means(deltas[inverse == k], n_resamples, rng)
    alpha = 1 - confidence
    low, high = np.quantile(total / n_strata, [alpha / 2, 1 - alpha / 2])
    # A resampled domain score is a weighted mean of item deltas and cannot leave their range;
    # clipping only removes float rounding, so a constant shift gives exactly [shift, shift].
    low, high = np.clip([low, high], deltas.min(), deltas.max())
    return delta, float(low), float(high)
