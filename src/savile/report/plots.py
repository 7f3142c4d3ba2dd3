"""Plots for the report, rendered to PNG bytes (embedded as data URIs, so no network is needed)."""

from __future__ import annotations

import io
import math

from savile.records.evaluation import MetricMean

__all__ = ["loss_curve_png", "ladder_png", "heatmap_png"]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    _pyplot().close(fig)
    return buf.getvalue()


def loss_curve_png(
    history: list[dict[str, float]], curves: list[dict[str, float]] | None = None, best_step: int | None = None
) -> bytes:
    """Logged training loss, train and validation loss at each checkpoint, and the kept checkpoint."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.8, 3.4), dpi=110)
    ax.plot(
        [h["step"] for h in history],
        [h["loss"] for h in history],
        color="0.7",
        linewidth=1,
        label="training loss (running, per logging step)",
    )
    if curves:
        steps = [c["step"] for c in curves]
        ax.plot(steps, [c["train_loss"] for c in curves], marker="o", label="train split sample")
        ax.plot(steps, [c["val_loss"] for c in curves], marker="s", label="validation (held-out) sample")
    if best_step:
        ax.axvline(best_step, color="tab:green", linestyle="--", label=f"kept checkpoint (step {best_step})")
    ax.set_xlabel("optimiser step")
    ax.set_ylabel("loss (assistant tokens)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return _png(fig)


def ladder_png(task: str, metric: str, means: dict[str, dict[str, MetricMean]]) -> bytes:
    """One bar per system: the task's main metric with its 95% CI (`means`: system -> metric -> mean)."""
    plt = _pyplot()
    systems = list(means)
    values = [means[s][metric].mean for s in systems]
    low = [v - means[s][metric].ci_low for s, v in zip(systems, values, strict=False)]
    high = [means[s][metric].ci_high - v for s, v in zip(systems, values, strict=False)]
    clean = [0.0 if v is None or not math.isfinite(v) else v for v in values]
    errs = [[0.0 if not math.isfinite(x) else x for x in low], [0.0 if not math.isfinite(x) else x for x in high]]
    fig, ax = plt.subplots(figsize=(5.6, 2.8), dpi=110)
    colours = ["tab:blue" if not s.startswith("tuned") else "tab:orange" for s in systems]
    ax.bar(systems, clean, yerr=errs, capsize=4, color=colours)
    ax.set_title(f"{task}: {metric} (95% CI)", fontsize=10)
    ax.set_ylim(0, max(1.0, max(clean) * 1.1))
    ax.grid(axis="y", alpha=0.3)
    return _png(fig)


def heatmap_png(
    rows: list[str], columns: list[str], values: dict[tuple[str, str], float], title: str, label: str
) -> bytes:
    """A rows x columns grid (models down, techniques across), each cell annotated to 3 decimals.

    values is keyed by (row, column); a missing or NaN cell is drawn grey and marked "n/a".
    """
    import numpy as np

    plt = _pyplot()
    grid = np.array([[values.get((r, c), math.nan) for c in columns] for r in rows], dtype=float)
    grid[~np.isfinite(grid)] = math.nan
    finite = grid[np.isfinite(grid)]
    # Fixed limits so an all-NaN or all-equal grid still gets a valid colour scale.
    vmin, vmax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if vmin == vmax:
        vmin, vmax = vmin - 0.5, vmax + 0.5
    cmap = plt.get_cmap("viridis").with_extremes(bad="0.82")
    fig, ax = plt.subplots(figsize=(1.2 + 1.05 * len(columns), 1.1 + 0.55 * len(rows)), dpi=110)
    image = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    for i in range(len(rows)):
        for j in range(len(columns)):
            v = grid[i, j]
            if math.isnan(v):
                ax.text(j, i, "n/a", ha="center", va="center", fontsize=8, color="black")
                continue
            # Black on viridis's light (yellow-green) end, white on its dark (purple) end, split
            # on ITU-R BT.709 relative luminance.
            r, g, b, _ = cmap(image.norm(v))
            colour = "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "white"
            ax.text(j, i, f"{v:.3f}", ha="center", va="center", fontsize=8, color=colour)
    ax.set_xticks(range(len(columns)), columns, rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)), rows, fontsize=8)
    ax.set_title(title, fontsize=10)
    fig.colorbar(image, ax=ax).set_label(label)
    return _png(fig)
