"""Answer held-out items with one system: its chats, generated in batches, keyed by item id and timed.

    chats = ladder.chats("few_shot", "describe", items)
    answers, seconds = answer_items(model, tokenizer, items, chats, cfg.evaluate.describe,
                                    cfg.evaluate.batch_size, bf16, label="describe: few_shot")

`savile evaluate` answers every rung of the ladder with it and `savile compare` every cell of its
grid, so the two show a system the same chats under the same decoding and read its answers the
same way.
"""

from __future__ import annotations

import time

from savile.config import DecodingSettings

__all__ = ["answer_items"]


def answer_items(
    model,
    tokenizer,
    items: list[dict],
    chats: list[list[dict]],
    decoding: DecodingSettings,
    batch_size: int,
    bf16: bool,
    label: str,
) -> tuple[dict[str, str], float]:
    """Each item's answer to its chat (`chats[i]` for `items[i]`, from `Ladder.chats`), by item id, and
    the wall seconds generation took."""
    # Looked up when called, as compare did before: tests spy on every generation through evaluate.generate.
    from savile.evaluate.generate import generate

    start = time.perf_counter()
    texts = generate(model, tokenizer, chats, decoding, batch_size, bf16, label=label)
    return {e["id"]: a for e, a in zip(items, texts, strict=False)}, time.perf_counter() - start
