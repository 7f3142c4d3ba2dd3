"""The data card: what went into the prepared data, in Markdown a reviewer can read."""

from __future__ import annotations

import statistics
from pathlib import Path

from savile.config import Config
from savile.data.sources import BrandGuide

__all__ = ["token_lengths", "write_card"]


def token_lengths(cfg: Config, examples: list[dict]) -> dict[str, dict[str, float]]:
    """Token-length statistics per task under the base model's chat template.

    Also sets `n_tokens` on each example, so later stages (and cost estimates) need not re-tokenise.
    """
    from transformers import AutoTokenizer

    from savile.models import resolve_model

    tok = AutoTokenizer.from_pretrained(resolve_model(cfg.model.base, cfg.model.cache_dir))
    per_task: dict[str, list[int]] = {}
    for ex in examples:
        ex["n_tokens"] = len(tok.apply_chat_template(ex["messages"], tokenize=True, return_dict=False))
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


def write_card(path: Path, cfg: Config, guide: BrandGuide, counts: dict, lengths: dict, pii: dict,
               groups: dict) -> Path:
    lines = [
        f"# Data card: {cfg.project}",
        "",
        f"Brand: {guide.brand}. Base model for token counts: `{cfg.model.base}`.",
        "",
        "## Examples per task and split",
        "",
        "| task | train | eval | tokens mean | median | p95 | max | total |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for task, c in counts.items():
        s = lengths.get(task, {})
        lines.append(f"| {task} | {c['train']} | {c['eval']} | {s.get('mean', '-')} | {s.get('median', '-')} "
                     f"| {s.get('p95', '-')} | {s.get('max', '-')} | {s.get('total', '-')} |")
    lines += [
        "",
        f"Held out by `{cfg.catalogue.group_by}`: {', '.join(groups['products'])}; "
        f"{groups['conversations']} whole conversations.",
        "",
        "## Personal data found and replaced (keyed pseudonyms)",
        "",
        "| kind | replaced |",
        "|---|---|",
        *[f"| {kind} | {n} |" for kind, n in sorted(pii.items())],
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
