"""Turn prepared examples into TRL's conversational prompt-completion rows.

In that format TRL masks the prompt, so the loss falls on the assistant turn alone (its content
and the end-of-turn token), which is what the model must learn to produce.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

__all__ = ["read_examples", "sample_per_task", "to_prompt_completion", "drop_too_long"]


def read_examples(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def sample_per_task(examples: list[dict], cap: int | None, seed: int) -> list[dict]:
    """At most `cap` examples per task, a seeded sample; order mixed across tasks."""
    rng = random.Random(seed)
    by_task: dict[str, list[dict]] = {}
    for ex in examples:
        by_task.setdefault(ex["task"], []).append(ex)
    picked = [ex for task in sorted(by_task) for ex in _take(by_task[task], cap, rng)]
    rng.shuffle(picked)
    return picked


def _take(items: list[dict], cap: int | None, rng: random.Random) -> list[dict]:
    return items if cap is None or len(items) <= cap else rng.sample(items, cap)


def to_prompt_completion(ex: dict) -> dict:
    return {"prompt": ex["messages"][:-1], "completion": ex["messages"][-1:], "task": ex["task"]}


def drop_too_long(examples: list[dict], tokenizer, max_length: int) -> tuple[list[dict], list[int], int]:
    """Keep examples whose templated length fits; never truncate (a cut reply teaches a cut reply)."""
    kept, lengths = [], []
    for ex in examples:
        n = len(tokenizer.apply_chat_template(ex["messages"], tokenize=True, return_dict=False))
        if n <= max_length:
            kept.append(ex)
            lengths.append(n)
    return kept, lengths, len(examples) - len(kept)
