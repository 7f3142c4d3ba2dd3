"""How much the technique and the model move the domain score, with items as blocks.

    effects = factor_effects(y, strata)      # y[model, technique, item]: per-item main-metric scores
    effects["technique"]["effect"], effects["technique"]["ci_low"], effects["technique"]["p"]

Every cell answers the same items, so an item's difficulty is shared by all of them: the items are
blocks, not independent replicates, and a test that treats them as replicates (a two-way ANOVA with
the item-to-item spread as its residual) rejects far too often when techniques differ item by item
by chance. Here:

- the **effect** of a factor is the mean absolute difference between its levels' domain scores
  (each level averaged over the other factor), in domain-score units, so a 2-level model factor and
  a 6-level technique factor are on one scale: "changing the technique moves the domain score by
  0.18 on average";
- its **CI** resamples items within tasks (the same items for every cell, so pairing is kept);
- its **p** is a permutation test within items: under no effect, the factor's labels are
  exchangeable within each item, so each item's scores are shuffled across the factor's levels (the
  same shuffle for every level of the other factor) and the effect recomputed (Good, Permutation
  Tests, 2005, ch. 4: randomised blocks).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["factor_effects"]

_AXIS = {"model": 0, "technique": 1}


def _weights(strata: Sequence[str]) -> np.ndarray:
    """Item weights that make a mean over items the mean over tasks of each task's mean."""
    _, inverse, counts = np.unique(np.asarray(strata, dtype=str), return_inverse=True, return_counts=True)
    return 1.0 / (len(counts) * counts[inverse.reshape(-1)])


def _effect(y: np.ndarray, w: np.ndarray, axis: int) -> np.ndarray:
    """Mean absolute pairwise difference of a factor's level means; y is batched: [b, models, techniques, items]."""
    cell = (y * w).sum(-1)  # [b, models, techniques]: each cell's domain score
    levels = cell.mean(axis=2) if axis == 0 else cell.mean(axis=1)
    k = levels.shape[1]
    if k < 2:
        return np.full(levels.shape[0], np.nan)
    diffs = np.abs(levels[:, :, None] - levels[:, None, :])
    return diffs.sum(axis=(1, 2)) / (k * (k - 1))


def _permuted(y: np.ndarray, axis: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """n copies of y with the factor's labels shuffled independently within each item."""
    levels, items = y.shape[axis], y.shape[2]
    perms = np.argsort(rng.random((n, items, levels)), axis=-1)  # [n, items, levels]
    moved = np.moveaxis(y, axis, 0)  # [levels, other, items]
    idx = np.transpose(perms, (0, 2, 1))[:, :, None, :]  # [n, levels, 1, items]
    out = np.take_along_axis(moved[None], np.broadcast_to(idx, (n, levels, moved.shape[1], items)), axis=1)
    return np.moveaxis(out, 1, axis + 1)


def factor_effects(
    y: np.ndarray,
    strata: Sequence[str],
    *,
    n_permutations: int = 2000,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict[str, dict[str, float]]:
    """Effect, CI and within-item permutation p of the model and the technique factors of y[model, technique, item]."""
    y = np.asarray(y, dtype=float)
    if y.ndim != 3 or y.shape[2] != len(strata):
        raise ValueError(
            f"y must be [models, techniques, items] with one task per item, got shape {y.shape} and "
            f"{len(strata)} tasks; score every cell on the same items."
        )
    if not np.isfinite(y).all():
        raise ValueError("y holds a non-finite score: drop the item from every cell so the layout stays balanced.")
    rng = np.random.default_rng(seed)
    w = _weights(strata)
    order, boot_w = _bootstrap_order(strata)
    idx = np.concatenate([g[rng.integers(0, len(g), size=(n_resamples, len(g)))] for g in order], axis=1)
    out = {}
    for factor, axis in _AXIS.items():
        observed = float(_effect(y[None], w, axis)[0])
        if y.shape[axis] < 2:
            out[factor] = {
                "effect": observed,
                "ci_low": np.nan,
                "ci_high": np.nan,
                "p": np.nan,
                "levels": y.shape[axis],
            }
            continue
        null = np.concatenate([_effect(_permuted(y, axis, m, rng), w, axis) for m in _chunks(n_permutations, y.size)])
        p = (1 + int((null >= observed - 1e-12).sum())) / (1 + n_permutations)
        values = np.concatenate(
            [_effect(np.moveaxis(y[:, :, idx[a : a + m]], 2, 0), boot_w, axis) for a, m in _starts(n_resamples, y.size)]
        )
        low, high = np.quantile(values, [(1 - confidence) / 2, (1 + confidence) / 2])
        out[factor] = {
            "effect": observed,
            "ci_low": float(low),
            "ci_high": float(high),
            "p": p,
            "levels": y.shape[axis],
        }
    return out


def _bootstrap_order(strata: Sequence[str]) -> tuple[list[np.ndarray], np.ndarray]:
    """Item indices grouped by task, and the item weights of a resample laid out in that order."""
    tasks = list(dict.fromkeys(strata))
    groups = [np.flatnonzero(np.asarray(strata) == t) for t in tasks]
    return groups, _weights([t for g, t in zip(groups, tasks, strict=False) for _ in g])


def _starts(n: int, size: int) -> list[tuple[int, int]]:
    per = max(1, 4_000_000 // max(size, 1))
    return [(a, min(per, n - a)) for a in range(0, n, per)]


def _chunks(n: int, size: int) -> list[int]:
    return [m for _, m in _starts(n, size)]
