"""Plots for the report, rendered to PNG bytes (embedded as data URIs, so no network is needed)."""

from __future__ import annotations

import io

__all__ = ["loss_curve_png"]


def loss_curve_png(history: list[dict[str, float]], eval_loss: float | None = None) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.2), dpi=110)
    steps = [h["step"] for h in history]
    ax.plot(steps, [h["loss"] for h in history], marker=".", label="training loss")
    if eval_loss is not None and steps:
        ax.axhline(eval_loss, color="tab:orange", linestyle="--", label=f"held-out loss at end ({eval_loss:.3f})")
    ax.set_xlabel("optimiser step")
    ax.set_ylabel("loss (assistant tokens)")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()
