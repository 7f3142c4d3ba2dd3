"""The data card: what went into the prepared data, in Markdown a reviewer can read.

It holds counts per task and split, token-length statistics, personal data replaced, what was
rejected or dropped and why, warnings, and for two sample examples of each task the rendered chat
template with the loss mask, so a user sees exactly what the model is trained on.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from savile import atomic
from savile.config import Config
from savile.data.guide import BrandGuide

__all__ = ["token_stats", "write_card"]

_SAMPLES_PER_TASK = 2


def token_stats(examples: list[dict]) -> dict[str, dict[str, float]]:
    """Token-length statistics per task, from each example's `n_tokens`."""
    per_task: dict[str, list[int]] = {}
    for ex in examples:
        per_task.setdefault(ex["task"], []).append(ex["n_tokens"])
    return {
        task: {
            "mean": round(statistics.fmean(ns), 1),
            "median": statistics.median(ns),
            "p95": sorted(ns)[int(0.95 * (len(ns) - 1))],
            "max": max(ns),
            "total": sum(ns),
        }
        for task, ns in per_task.items()
    }


def write_card(
    path: Path,
    cfg: Config,
    guide: BrandGuide,
    examples: list[dict],
    tokenizer,
    counts: dict,
    lengths: dict,
    pii: dict,
    dropped: dict,
    quarantine,
    warnings: list[str],
    held_products: dict[str, set[str]],
) -> Path:
    """Write the data card (Markdown) to `path` from what `prepare` counted; return the path."""
    lines = [
        f"# Data card: {cfg.project}",
        "",
        f"Brand: {guide.brand}. Token counts under the chat template of `{cfg.model.base}`.",
        "",
        "## Examples per task and split",
        "",
        "| task | train | validation | test | tokens mean | median | p95 | max | total |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for task, c in counts.items():
        s = lengths.get(task, {})
        lines.append(
            f"| {task} | {c['train']} | {c['validation']} | {c['test']} | {s.get('mean', '-')} | {s.get('median', '-')} "
            f"| {s.get('p95', '-')} | {s.get('max', '-')} | {s.get('total', '-')} |"
        )
    for split in ("validation", "test"):
        convs = len({e["group"] for e in examples if e["task"] == "support" and e["split"] == split})
        lines += [
            "",
            f"{split.capitalize()}, held out by `{cfg.catalogue.group_by}`: "
            f"{', '.join(sorted(held_products[split])) or '(none)'}; {convs} whole conversations "
            "(those naming one of its products included).",
        ]
    lines.append("")
    lines += _guide_as_read(guide)
    lines += _table("Personal data found and replaced (keyed pseudonyms)", "kind", "replaced", pii)
    lines += _table("Source records rejected (see quarantine.jsonl)", "reason", "records", quarantine.by_reason())
    lines += _table("Examples dropped", "why", "examples", dropped)
    if warnings:
        lines += ["## Warnings", "", *[f"- {w}" for w in warnings], ""]
    lines += _loss_masks(cfg, examples, tokenizer)
    atomic.write_text(path, "\n".join(lines))
    return path


def _guide_as_read(guide: BrandGuide) -> list[str]:
    """Every policy fact and keyword Savile derived rather than read, for the brand to check."""
    lines = ["## Brand guide as read", "", f"Policies from: {guide.policy_source}.", ""]
    if guide.derived:
        lines += [
            "Derived by Savile from each policy's title and statement; check them, or write `facts` and "
            "`keywords` in the brand guide:",
            "",
            "| policy | derived facts | derived keywords |",
            "|---|---|---|",
        ]
        lines += [
            f"| {pid} | {', '.join(d.get('facts', [])) or '(given)'} | {', '.join(d.get('keywords', [])) or '(given)'} |"
            for pid, d in guide.derived.items()
        ]
        lines.append("")
    if guide.ignored:
        lines += [f"Not used by Savile: {', '.join(guide.ignored)}.", ""]
    return lines


def _table(title: str, key: str, value: str, data: dict) -> list[str]:
    rows = [f"| {k} | {v} |" for k, v in sorted(data.items())] or ["| (none) | 0 |"]
    return [f"## {title}", "", f"| {key} | {value} |", "|---|---|", *rows, ""]


def _loss_masks(cfg: Config, examples: list[dict], tokenizer) -> list[str]:
    """Two training examples per task as the model sees them, prompt and trained reply apart."""
    from savile.data.chat import render_loss_mask

    lines = ["## What the model is trained on", ""]
    for task in cfg.prepare.tasks:
        picked = [e for e in examples if e["task"] == task and e["split"] == "train"][:_SAMPLES_PER_TASK]
        for ex in picked:
            lines += [f"### {task}: `{ex['id']}`", "", render_loss_mask(ex, tokenizer)]
    return lines
