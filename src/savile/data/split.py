"""Split examples into train and eval by group, so no product family or conversation is on both sides."""

from __future__ import annotations

import hashlib
from collections import Counter

__all__ = ["eval_groups"]


def eval_groups(groups: list[str], eval_fraction: float, seed: int) -> set[str]:
    """Groups held out: taken in a seeded hash order until they hold `eval_fraction` of the items.

    At least one group goes to each side whenever there are two or more groups.
    """
    sizes = Counter(groups)
    order = sorted(sizes, key=lambda g: hashlib.sha256(f"{seed}:{g}".encode()).hexdigest())
    target, held, chosen = eval_fraction * len(groups), 0, set()
    for group in order[: max(len(order) - 1, 1)]:
        if held >= target and chosen:
            break
        chosen.add(group)
        held += sizes[group]
    return chosen
