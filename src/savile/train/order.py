"""The order training reads its examples in: length-grouped batches, with each canary's copies spread
over as many optimiser steps as it has copies.

    rows = training_order(examples, canary_copies, rows_per_step=8, seed=0)

Batches of similar length waste less compute on padding, which is why the transformers Trainer
offers `group_by_length`; but grouping by length also packs a canary's identical copies into the
same few batches (16 copies in about 4 steps), so a canary "seen 16 times" would be seen in 4
updates and the memorisation probe would understate what repetition does. Here the examples are
grouped as `group_by_length` does (megabatches of 50 batches, each sorted by length), then each
canary's copies are inserted evenly through the epoch, never two in one optimiser step when the
epoch has room, and the Trainer reads the result in order (`train_sampling_strategy="sequential"`).
"""

from __future__ import annotations

import random

__all__ = ["training_order", "steps_of"]

_MEGABATCH = 50  # batches per length-sorted megabatch, as transformers' LengthGroupedSampler


def training_order(rows: list[dict], canary_copies: list[list[dict]], rows_per_step: int, seed: int) -> list[dict]:
    """`rows` shuffled and length-grouped, with each inner list of `canary_copies` spread through them."""
    rng = random.Random(seed)
    shuffled = rows[:]
    rng.shuffle(shuffled)
    size = _MEGABATCH * rows_per_step
    batches = []
    for start in range(0, len(shuffled), size):
        mega = sorted(shuffled[start : start + size], key=lambda r: -len(r["input_ids"]))
        batches += [mega[i : i + rows_per_step] for i in range(0, len(mega), rows_per_step)]
    rng.shuffle(batches)
    order = [r for b in batches for r in b]
    total = len(order) + sum(len(c) for c in canary_copies)
    placed: dict[int, dict] = {}
    for copies in canary_copies:
        for slot, row in zip(_spread(len(copies), total, rng), copies, strict=False):
            while slot in placed:  # another canary's copy is there: the next free place
                slot = (slot + 1) % total
            placed[slot] = row
    real = iter(order)
    return [placed[i] if i in placed else next(real) for i in range(total)]


def _spread(copies: int, total: int, rng: random.Random) -> list[int]:
    """`copies` positions among `total`, evenly spaced from a random start: total / copies apart."""
    gap = total / copies
    offset = rng.random() * gap
    return [int(offset + j * gap) for j in range(copies)]


def steps_of(order: list[dict], rows_per_step: int, wanted) -> list[int]:
    """The optimiser step (0-based) of each row of `order` for which `wanted(row)` is true."""
    return [i // rows_per_step for i, row in enumerate(order) if wanted(row)]
