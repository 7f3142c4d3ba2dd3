"""Batched greedy generation with the KV cache: many chats at once, left-padded.

Prompts are sorted by length before batching so a batch wastes little on padding; answers come
back in the caller's order.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext

from rich.progress import Progress

from savile.config import DecodingSettings

__all__ = ["generate"]


def generate(model, tokenizer, chats: Sequence[list[dict]], decoding: DecodingSettings, batch_size: int,
             bf16: bool, label: str = "generating") -> list[str]:
    import torch

    tokenizer.padding_side = "left"
    order = sorted(range(len(chats)), key=lambda i: -len(str(chats[i])))
    answers: list[str] = [""] * len(chats)
    device = next(model.parameters()).device
    autocast = torch.autocast(device.type, dtype=torch.bfloat16) if bf16 else nullcontext()
    with Progress(transient=True) as progress, torch.inference_mode(), autocast:
        bar = progress.add_task(label, total=len(chats))
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            batch = tokenizer.apply_chat_template(
                [chats[i] for i in idx], add_generation_prompt=True, padding=True,
                return_tensors="pt", return_dict=True,
            ).to(device)
            out = model.generate(
                **batch, do_sample=False, max_new_tokens=decoding.max_new_tokens,
                repetition_penalty=decoding.repetition_penalty,
                no_repeat_ngram_size=decoding.no_repeat_ngram_size or None,
                pad_token_id=tokenizer.pad_token_id,
            )
            new = out[:, batch["input_ids"].shape[1] :]
            for i, text in zip(idx, tokenizer.batch_decode(new, skip_special_tokens=True)):
                answers[i] = text.strip()
            progress.advance(bar, len(idx))
    return answers
