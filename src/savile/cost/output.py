"""A CostReport as terminal tables (Rich) and as files: cost.json and cost.png.

json_path, png_path = write_outputs(report, Path("cost"))
for table in report_tables(report):
    console.print(table)
"""

from __future__ import annotations

import json
from pathlib import Path

from savile import atomic
from savile.cost.estimate import CostReport

__all__ = ["report_tables", "write_outputs"]


def write_outputs(report: CostReport, out_dir: Path, json_path: Path | None = None) -> tuple[Path, Path]:
    """Write cost.json (or `json_path`) and cost.png under `out_dir`; return both paths."""
    from savile.cost.plot import cumulative_png

    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = json_path or out_dir / "cost.json"
    json_path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(json_path, json.dumps(report.to_dict(), indent=2) + "\n")
    png_path = out_dir / "cost.png"
    atomic.write_bytes(png_path, cumulative_png(report))
    return json_path, png_path


def _usd(value: float | None) -> str:
    if value is None:
        return "-"
    if 0 < value < 0.01:
        return "<$0.01"
    return f"${value:,.2f}" if value < 100 else f"${value:,.0f}"


def _hours(h: float) -> str:
    if h < 1 / 60:
        return f"{h * 3600:.1f} s"
    return f"{h * 60:.1f} min" if h < 1 else f"{h:,.1f} h" if h < 72 else f"{h / 24:,.1f} days"


def _count(n: float) -> str:
    for unit, scale in (("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if n >= scale:
            return f"{n / scale:,.3g}{unit}" if n < 1e3 * scale else f"{n / scale:,.0f}{unit}"
    return f"{n:,.0f}"


def report_tables(report: CostReport) -> list:
    """The rich tables `savile cost` prints: inputs, memory, training by GPU, and the paths by month."""
    return [_summary(report), _memory(report), _training(report), _paths(report)]


def _summary(report: CostReport):
    from rich.table import Table

    table = Table("what", "value", title="Inputs", title_justify="left")
    m, t = report.model, report.tokens
    table.add_row("model", f"{m.spec}: {_count(m.params)} parameters ({m.params:,}; {m.source})")
    table.add_row(
        "training tokens",
        f"{t.per_epoch:,} per epoch ({t.source}) x {report.epochs:g} epochs = {report.total_tokens:,.0f}",
    )
    if report.measured is not None:
        r = report.measured
        table.add_row(
            "measured run",
            f"{r.run_dir}: {r.tokens:,} tokens in {r.seconds:,.0f} s on {r.device} "
            f"({r.tokens / r.seconds:,.0f} tokens/s), MFU {r.mfu:.3f} of a {r.peak_flops / 1e12:.2f} TFLOP/s {r.precision} peak",
        )
    table.add_row("prices", f"as of {report.prices_as_of}: {report.prices_source}")
    return table


def _memory(report: CostReport):
    from rich.table import Table

    t = report.inputs.training
    table = Table(
        "technique",
        "weights",
        "adapter",
        "grad+optim.",
        "activ.",
        "other",
        "total",
        title=f"Training memory per GPU, GiB (longest sequence {t.seq_len} x micro-batch {t.micro_batch}, "
        f"{t.attention} attention, {t.optimizer}, checkpointing {'on' if t.gradient_checkpointing else 'off'}"
        f"{f', sharded over {t.gpus} GPUs' if t.gpus > 1 else ''})",
        title_justify="left",
    )
    for tech, mem in report.memory.items():
        table.add_row(
            tech,
            *(
                f"{v:,.2f}"
                for v in (
                    mem.weights_gib,
                    mem.adapter_gib,
                    mem.optimizer_gib,
                    mem.activations_gib,
                    mem.overhead_gib,
                    mem.total_gib,
                )
            ),
        )
    return table


def _training(report: CostReport):
    from rich.table import Table

    table = Table(
        "",
        "device",
        "technique",
        "GPUs",
        "FLOPs",
        "MFU",
        "time",
        "cost",
        "GiB/GPU",
        "fits",
        title="Training cost by device and technique",
        title_justify="left",
        caption="> the fine-tune path's run.  MFU: reached, from the curve fitted to published runs; m: measured, s: set.  "
        "fits ckpt: only with gradient checkpointing (its time included); sharded: ZeRO-3/FSDP over GPUs.",
        caption_justify="left",
    )
    for r in report.training:
        mark = {"measured": " m", "set": " s"}.get(r.mfu_source, "")
        table.add_row(
            ">" if r == report.chosen else "",
            r.device,
            r.technique,
            str(r.gpus),
            f"{r.flops:.3g}".replace("+", ""),
            f"{r.mfu:.2f}{mark}",
            _hours(r.seconds / 3600),
            _usd(r.usd),
            "-" if r.memory_gib is None else f"{r.memory_gib:,.1f}",
            "ckpt" if r.fits == "with checkpointing" else r.fits,
        )
    return table


def _paths(report: CostReport):
    from rich.table import Table

    months = len(report.paths[0].cumulative_usd)
    table = Table(
        "path",
        "one-off",
        "monthly",
        "after 12 months",
        f"after {months} months",
        "break-even month",
        title="Serving the same requests",
        title_justify="left",
    )
    for path in report.paths:
        month = report.break_even.get(path.name, "")
        shown = "-" if month == "" else f"month {month}" if month else f"none within {months}"
        twelve = path.cumulative_usd[min(12, months) - 1]
        table.add_row(
            path.name,
            _usd(path.one_off_usd),
            _usd(path.monthly_usd),
            _usd(twelve),
            _usd(path.cumulative_usd[-1]),
            shown,
        )
    return table
