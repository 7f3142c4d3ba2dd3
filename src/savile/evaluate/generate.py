"""Batched greedy generation with the KV cache: many chats at once, padded, the shared prompt prefix encoded once.

Prompts are sorted by length before batching so a batch wastes little on padding; answers come
back in the caller's order. A progress bar per call (its `label`, e.g. "describe: few_shot")
shows answers done, elapsed time and an ETA on stderr, and stays as one line once done, so a log
shows how long each system and task took. The longest prompts go first, so the first ETA is
pessimistic.

Prefix caching: the untuned rungs send the same long brand-guide system prompt with every item.
When the chat-templated prompts of a call share at least `MIN_PREFIX_TOKENS` leading tokens, that
prefix is run through the model once, and its KV cache is copied into every batch; `generate`
then encodes only the rest. Each row is laid out as `[prefix, padding, own suffix]` (padding
between, masked), so the cached prefix sits at the same place in every row; transformers derives
position ids from the attention mask's running sum, so the suffix keeps the positions it has
under plain left padding, and greedy answers in fp32 are those of the uncached path. Models whose
cache cannot take this layout (a sliding window shorter than prompt plus answer, where the padding
would eat into the window; any cache layer other than transformers' dynamic ones) take the plain
left-padded path, as does `prefix_cache=False`.

The KV cache reserves room ahead and is written in place (evaluate/kv_cache.py) rather than grown by
concatenation, which copied every layer's whole cache at every step.

Loops ("bespoke, bespoke, ...") are stopped by forbidding an n-gram to repeat *within the answer*.
transformers' own `no_repeat_ngram_size` and `repetition_penalty` also count the prompt, which
stops a model from copying "Toile Lirelle canvas" from the product sheet: exactly what the
describe and extract tasks ask for.

    answers = generate(model, tokenizer, chats, cfg.evaluate.describe, batch_size=16, bf16=False)
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from contextlib import nullcontext

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from savile.config import DecodingSettings

__all__ = ["generate", "AnswerNoRepeatNGram", "MIN_PREFIX_TOKENS"]

# Below this a shared prefix saves less than the extra forward pass and cache copies cost.
MIN_PREFIX_TOKENS = 32


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
            banned = [
                tokens[i + self.n - 1]
                for i in range(len(tokens) - self.n + 1)
                if tuple(tokens[i : i + self.n - 1]) == prefix
            ]
            if banned:
                scores[row, banned] = float("-inf")
        return scores


def generate(
    model,
    tokenizer,
    chats: Sequence[list[dict]],
    decoding: DecodingSettings,
    batch_size: int,
    bf16: bool,
    label: str = "generating",
    *,
    prefix_cache: bool = True,
) -> list[str]:
    """Greedy answers to `chats`, in their order; `prefix_cache=False` encodes every prompt in full."""
    import torch
    from transformers import LogitsProcessorList

    if not chats:
        return []
    tokenizer.padding_side = "left"  # kept for callers that pad with this tokenizer afterwards
    order = sorted(range(len(chats)), key=lambda i: -len(str(chats[i])))
    prompts = tokenizer.apply_chat_template(
        [list(c) for c in chats], add_generation_prompt=True, tokenize=True, return_dict=False
    )
    answers: list[str] = [""] * len(chats)
    device = next(model.parameters()).device
    # A model already in bf16 (evaluate.model.plain_copy's copy) needs no autocast: it only adds checks.
    fp32 = any(p.dtype == torch.float32 for p in model.parameters())
    autocast = torch.autocast(device.type, dtype=torch.bfloat16) if bf16 and fp32 else nullcontext()
    with _progress() as progress, torch.inference_mode(), autocast:
        bar = progress.add_task(label, total=len(chats))
        shared = _shared_prefix(model, prompts, decoding.max_new_tokens) if prefix_cache else []
        cached = _encode_prefix(model, shared, device) if shared else None
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            ids, mask = _layout([prompts[i] for i in idx], len(shared), tokenizer.pad_token_id)
            ids, mask = ids.to(device), mask.to(device)
            prompt_length = ids.shape[1]
            processors = LogitsProcessorList()
            if decoding.no_repeat_ngram_size:
                processors.append(AnswerNoRepeatNGram(decoding.no_repeat_ngram_size, prompt_length))
            past = _batch_cache(model, cached, len(idx))
            out = model.generate(
                input_ids=ids,
                attention_mask=mask,
                do_sample=False,
                max_new_tokens=decoding.max_new_tokens,
                repetition_penalty=decoding.repetition_penalty,
                logits_processor=processors,
                pad_token_id=tokenizer.pad_token_id,
                **past,
            )
            new = out[:, prompt_length:]
            for i, text in zip(idx, tokenizer.batch_decode(new, skip_special_tokens=True), strict=False):
                answers[i] = text.strip()
            progress.advance(bar, len(idx))
    return answers


def _batch_cache(model, cached, rows: int) -> dict:
    """generate's `past_key_values` for a batch of `rows`: the prefix's cache repeated per row, whose
    layers make room of their own at the first new step, or an empty reserving cache (evaluate/kv_cache.py)."""
    from savile.evaluate.kv_cache import preallocated_cache

    if cached is not None:
        cache = copy.deepcopy(cached)
        cache.batch_repeat_interleave(rows)
        return {"past_key_values": cache}
    fresh = preallocated_cache(model)
    return {"past_key_values": fresh} if fresh is not None else {}


def _shared_prefix(model, prompts: list[list[int]], max_new_tokens: int) -> list[int]:
    """The leading tokens every prompt shares, worth caching and cacheable by `model`; else []."""
    if len(prompts) < 2:
        return []
    n = 0
    shortest = min(len(p) for p in prompts)
    # At least one token of each prompt stays uncached: generate needs input to start from.
    while n < shortest - 1 and all(p[n] == prompts[0][n] for p in prompts):
        n += 1
    if n < MIN_PREFIX_TOKENS or not _cache_takes_gaps(model, max(len(p) for p in prompts) + max_new_tokens):
        return []
    return prompts[0][:n]


def _cache_takes_gaps(model, length: int) -> bool:
    """Whether `model`'s dynamic cache serves rows of up to `length` tokens with padding mid-row.

    A sliding-window layer counts the window in cache slots, padding included, so padding between
    prefix and suffix would push real tokens out of a window that plain left padding keeps
    (Gemma 3: 512 tokens); within the window nothing is ever pushed out."""
    from transformers import DynamicCache
    from transformers.cache_utils import DynamicLayer, DynamicSlidingWindowLayer

    try:
        layers = DynamicCache(config=model.config).layers
    except (AttributeError, TypeError, ValueError, KeyError):  # a config transformers cannot map to cache layers
        return False
    for layer in layers:
        if type(layer) is DynamicSlidingWindowLayer:
            if length >= layer.sliding_window:
                return False
        elif type(layer) is not DynamicLayer:
            return False
    return True


def _encode_prefix(model, prefix: list[int], device):
    """The KV cache of `prefix` as one row (the last position's logits only: the rest are unused)."""
    import torch
    from transformers import DynamicCache

    from savile.evaluate.kv_cache import preallocated_cache

    cache = preallocated_cache(model)
    if cache is None:
        cache = DynamicCache(config=model.config)
    model(input_ids=torch.tensor([prefix], device=device), past_key_values=cache, use_cache=True, logits_to_keep=1)
    return cache


def _layout(rows: list[list[int]], skip: int, pad_id: int):
    """Input ids and attention mask laid out `[row[:skip], padding, row[skip:]]`; plain left padding at `skip` 0."""
    import torch

    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, :skip], mask[i, :skip] = torch.tensor(row[:skip]), 1
        tail = len(row) - skip
        ids[i, width - tail :], mask[i, width - tail :] = torch.tensor(row[skip:]), 1
    return ids, mask


def _progress() -> Progress:
    """Answers done of all, elapsed and remaining time, on stderr (stdout keeps the results)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(bar_width=24),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
    )
