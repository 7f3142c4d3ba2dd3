"""Pick and encode prepared examples for training (the loss mask itself is `savile.data.chat.encode`)."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping

from savile.data.chat import encode

__all__ = ["sample_per_task", "encode_all"]


def sample_per_task(examples: list[dict], cap: int | Mapping[str, int] | None, seed: int) -> list[dict]:
    """At most `cap` examples per task (one cap for all, or a cap per task name; a task it does not
    name is not capped), a seeded sample; order mixed across tasks."""
    rng = random.Random(seed)
    by_task: dict[str, list[dict]] = {}
    for ex in examples:
        by_task.setdefault(ex["task"], []).append(ex)
    caps = cap if isinstance(cap, Mapping) else dict.fromkeys(by_task, cap)
    picked = [ex for task in sorted(by_task) for ex in _take(by_task[task], caps.get(task), rng)]
    rng.shuffle(picked)
    return picked


def _take(items: list[dict], cap: int | None, rng: random.Random) -> list[dict]:
    return items if cap is None or len(items) <= cap else rng.sample(items, cap)


def encode_all(
    examples: list[dict], tokenizer, max_length: int, view: Callable[[list[dict]], list[dict]] | None = None
) -> tuple[list[dict], list[dict], int]:
    """Encoded examples that fit (each row keeps its example's "id"), those examples (as shown), and how
    many were dropped.

    Too-long examples are dropped, never truncated: a cut reply teaches the model to stop mid-sentence.
    `view` rewrites the examples before encoding (train/raft.py puts retrieved passages in the prompt);
    the length limit still judges each example as prepared, so every method trains on the same
    examples and the passages come on top, as they do at inference. The Trainer drops the "id" column
    before batching, since the model's forward takes no such argument.
    """
    shown = view(examples) if view else examples
    rows, kept = [], []
    for ex, seen in zip(examples, shown, strict=True):
        row = encode(seen, tokenizer) | {"id": ex["id"]}
        if len((row if seen is ex else encode(ex, tokenizer))["input_ids"]) <= max_length:
            rows.append(row)
            kept.append(seen)
    return rows, kept, len(examples) - len(rows)
