"""Batched greedy generation with the KV cache: many chats at once, left-padded.

Prompts are sorted by length before batching so a batch wastes little on padding; answers come
back in the caller's order. A progress bar per call (its `label`, e.g. "describe: few_shot")
shows answers done, elapsed time and an ETA on stderr, and stays as one line once done, so a log
shows how long each system and task took. The longest prompts go first, so the first ETA is
pessimistic.

Loops ("bespoke, bespoke, ...") are stopped by forbidding an n-gram to repeat *within the answer*.
transformers' own `no_repeat_ngram_size` and `repetition_penalty` also count the prompt, which
stops a model from copying "Toile Lirelle canvas" from the product sheet: exactly what the
describe and extract tasks ask for.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from savile.config import DecodingSettings

__all__ = ["generate", "AnswerNoRepeatNGram"]


class AnswerNoRepeatNGram:
    """Logits processor: ban any token that would repeat an n-gram of the generated answer."""

    def __init__(self, n: int, prompt_length: int):
        self.n, self.start = n, prompt_length

    def __call__(self, input_ids, scores):
        answer = input_ids[:, self.start :].tolist()
        for row, tokens in enumerate(answer):
            if len(tokens) < self.n:
                continue
            prefix = tuple(tokens[len(tokens) - self.n + 1 :])
            banned = [tokens[i + self.n - 1] for i in range(len(tokens) - self.n + 1)
                      if tuple(tokens[i : i + self.n - 1]) == prefix]
            if banned:
                scores[row, banned] = float("-inf")
        return scores


def generate(model, tokenizer, chats: Sequence[list[dict]], decoding: DecodingSettings, batch_size: int,
             bf16: bool, label: str = "generating") -> list[str]:
    import torch
    from transformers import LogitsProcessorList

    tokenizer.padding_side = "left"
    order = sorted(range(len(chats)), key=lambda i: -len(str(chats[i])))
    answers: list[str] = [""] * len(chats)
    device = next(model.parameters()).device
    autocast = torch.autocast(device.type, dtype=torch.bfloat16) if bf16 else nullcontext()
    with _progress() as progress, torch.inference_mode(), autocast:
        bar = progress.add_task(label, total=len(chats))
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            batch = tokenizer.apply_chat_template(
                [chats[i] for i in idx], add_generation_prompt=True, padding=True,
                return_tensors="pt", return_dict=True,
            ).to(device)
            prompt_length = batch["input_ids"].shape[1]
            processors = LogitsProcessorList()
            if decoding.no_repeat_ngram_size:
                processors.append(AnswerNoRepeatNGram(decoding.no_repeat_ngram_size, prompt_length))
            out = model.generate(
                **batch, do_sample=False, max_new_tokens=decoding.max_new_tokens,
                repetition_penalty=decoding.repetition_penalty, logits_processor=processors,
                pad_token_id=tokenizer.pad_token_id,
            )
            new = out[:, prompt_length:]
            for i, text in zip(idx, tokenizer.batch_decode(new, skip_special_tokens=True)):
                answers[i] = text.strip()
            progress.advance(bar, len(idx))
    return answers


def _progress() -> Progress:
    """Answers done of all, elapsed and remaining time, on stderr (stdout keeps the results)."""
    return Progress(TextColumn("{task.description}"), BarColumn(bar_width=24), MofNCompleteColumn(),
                    TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(), console=Console(stderr=True))
