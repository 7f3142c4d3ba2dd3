"""What the `savile` commands print: the evaluate, compare and export results as tables that fit
80 columns, and the one-line verdicts.

    print_evaluation(console, result)     # result: records.EvalResult
    print_compare(console, result)        # result: records.CompareResult
    print_export(console, result)         # result: records.ExportResult
"""

from __future__ import annotations

from typing import Any

from rich.console import Console

from savile.records import CompareResult, EvalResult, ExportResult
from savile.records.evaluation import TaskStatistics
from savile.records.gates import GateResult
from savile.records.grid import GridCell
from savile.report.numbers import num

__all__ = [
    "print_evaluation",
    "metric_tables",
    "print_gates",
    "print_compare",
    "compare_tables",
    "print_export",
]


def print_evaluation(console: Console, result: EvalResult) -> None:
    """The per-task tables, each task's verdict line, and the gates."""
    for table in metric_tables(result.metrics):
        console.print(table)
    for task, entry in result.metrics.items():
        if entry.versus is not None and entry.verdict is not None:
            m = entry.verdict.margin
            verdict = "fine-tuning justified" if entry.justified else "fine-tuning not justified"
            console.print(
                f"{task}: {verdict}: {m.tuned} vs the closest untuned, {m.untuned}, on {entry.main} "
                f"{m.delta:+.3f} [{m.ci_low:+.3f}, {m.ci_high:+.3f}] "
                f"({100 * entry.verdict.confidence:.1f}% simultaneous CI)"
            )
    print_gates(console, result.gates)


def metric_tables(metrics: dict[str, TaskStatistics]) -> list[Any]:
    """One rich table per task, a row per metric and a column per system, so it fits 80 columns."""
    from rich.table import Table

    tables = []
    for task, entry in metrics.items():
        systems = list(entry.means)
        table = Table(
            "metric",
            *[s + (" *" if s == entry.best else "") for s in systems],
            title=f"{task} ({entry.n_items} items; * best on {entry.main})",
        )
        for metric in entry.means[systems[0]]:
            table.add_row(metric, *[num(entry.means[s][metric].mean) for s in systems])
        tables.append(table)
    return tables


def print_gates(console: Console, gates: list[GateResult]) -> None:
    """The gates table, then the reason of each gate that has one."""
    from rich.table import Table

    colour = {"pass": "green", "warn": "yellow", "fail": "red"}
    table = Table("gate", "value", "warn at", "fail at", "status", title="governance gates")
    for g in gates:
        table.add_row(g.gate, num(g.value), str(g.warn), str(g.fail), f"[{colour.get(g.status, 'dim')}]{g.status}[/]")
    console.print(table)
    for g in gates:
        if g.reason:
            console.print(f"[dim]{g.gate}: {g.status}, {g.reason}.[/dim]")


def print_compare(console: Console, result: CompareResult) -> None:
    """The grid's score and cost tables, then its verdict."""
    for table in compare_tables(result.cells, result.items_per_task):
        console.print(table)
    console.print(result.verdict)


def compare_tables(cells: list[GridCell], items_per_task: int) -> list[Any]:
    """Scores and costs of each cell in two rich tables, so each fits 80 columns."""
    from rich.table import Table

    tasks = list(cells[0].tasks) if cells else []
    scores = Table("model", "technique", "domain", *tasks, title=f"compare ({items_per_task} items per task)")
    costs = Table("model", "technique", "train s", "MB", "s/answer", "latency s", title="compare: costs")
    for c in cells:
        scores.add_row(c.model, c.technique, num(c.domain.mean), *[num(c.tasks[t].mean) for t in tasks])
        costs.add_row(
            c.model,
            c.technique,
            f"{c.train_seconds:.0f}",
            f"{c.artefact_bytes / 1e6:.1f}",
            f"{c.seconds_per_answer:.2f}",
            num(c.latency_seconds),
        )
    return [scores, costs]


def print_export(console: Console, result: ExportResult) -> None:
    """The files written, the re-score table (drops past the limit in red), notes and next commands."""
    from rich.table import Table

    for name, size in result.files.items():
        console.print(f"{name}  {size / 1e6:.1f} MB")
    table = Table(
        "artefact",
        "task",
        "main metric",
        "unexported",
        "exported",
        "drop",
        title=f"re-scored on held-out items (max drop {result.max_drop})",
    )
    for s in result.scores:
        table.add_row(
            s["artefact"],
            s["task"],
            s["metric"],
            num(s["unexported"]),
            num(s["exported"]),
            f"[{'red' if s['too_large'] else 'green'}]{num(s['drop'])}[/]",
        )
    if result.scores:
        console.print(table)
    for line in result.notes:
        console.print(f"[dim]note: {line}[/dim]")
    for command in result.commands:
        console.print(f"run: {command}")
