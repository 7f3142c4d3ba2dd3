"""The cumulative-cost chart: every path's total spend by the end of each month, break-evens marked."""

from __future__ import annotations

import io

from savile.cost.estimate import CostReport

__all__ = ["cumulative_png"]


def cumulative_png(report: CostReport) -> bytes:
    """The cumulative-cost chart of `report` as PNG bytes: each path's spend by month, break-evens marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.2, 4.0), dpi=110)
    for path in report.paths:
        months = range(0, len(path.cumulative_usd) + 1)
        ax.plot(months, [path.one_off_usd, *path.cumulative_usd], marker=".", label=path.name)
    tuned = report.paths[-1]
    by_month: dict[int, list[str]] = {}
    for name, month in report.break_even.items():
        if month is not None:
            by_month.setdefault(month, []).append(name.split(" (")[0])
    for month, names in by_month.items():
        ax.axvline(month, color="grey", linestyle=":", linewidth=1)
        ax.annotate(
            f"break-even vs {' and '.join(names)}: month {month}",
            (month, tuned.cumulative_usd[month - 1]),
            textcoords="offset points",
            xytext=(4, -14),
            fontsize=7,
            color="dimgrey",
        )
    ax.set_xlabel("month")
    ax.set_ylabel("cumulative cost (US$)")
    ax.set_title(
        f"{report.model.spec}: {report.chosen.technique} on {report.chosen.device} vs hosted API "
        f"({report.inputs.usage.requests_per_month:,} requests/month)",
        fontsize=9,
    )
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"${v:,.0f}"))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()
