"""How likely a model finds given text: completion log-probabilities, bits per byte, cloze accuracy.

The forgetting probes compare base and tuned models on text neither was tuned on: general prose
scored in bits per byte (normalised by UTF-8 bytes, not tokens, so two tokenizers compare fairly)
and multiple-choice cloze items scored by the summed log-probability of each option.

    model.eval()
    completion_logprobs(model, tokenizer, ["The capital of France is"], [" Paris"])  # [(-1.9, 1)]
    bits_per_byte(model, tokenizer, ["A paragraph of general prose."])               # [1.2]
    cloze_correct(model, tokenizer, [{"prompt": "Two plus two is", "answer": "four",
                                      "options": ["four", "five"]}])                 # [1.0]

Everything is plain text, no chat template, with the tokenizer's BOS token first when it has one
(tokenizers that add it themselves are asked not to, so it is never doubled). Sequences are
scored in length-sorted batches, right-padded, one forward pass each; results do not depend on
the batch size beyond float rounding.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Sequence

from rich.progress import Progress

from savile.errors import DataError, ModelError

__all__ = ["completion_logprobs", "bits_per_byte", "cloze_correct", "summed_logprobs", "bos_ids"]


def bos_ids(tokenizer) -> list[int]:
    """[BOS] when the tokenizer has a BOS token, else []: what plain-text sequences start with here."""
    return [] if tokenizer.bos_token_id is None else [tokenizer.bos_token_id]


def summed_logprobs(
    model,
    sequences: Sequence[list[int]],
    first_scored: Sequence[int],
    batch_size: int = 16,
    pad_id: int = 0,
    label: str = "scoring",
) -> list[float]:
    """Per sequence, the summed natural log-probability of its tokens from index `first_scored[i]` on,
    each given every token before it.

    `first_scored[i]` must be at least 1 (the first token has no context). Sequences are batched
    by length and right-padded with `pad_id`, which is masked out, so its value does not matter.
    Only the logits of positions that are scored are computed where the model allows it
    (`logits_to_keep`), which makes scoring a short suffix of a long prompt cheap.
    """
    import torch

    if len(sequences) != len(first_scored):
        raise ValueError(f"{len(sequences)} sequences but {len(first_scored)} first_scored indices; pass one each.")
    if any(f < 1 for f in first_scored):
        raise ValueError(
            "first_scored must be >= 1 for every sequence: the first token has nothing to condition on. "
            "Start sequences with a BOS token to score their first real token."
        )
    device = next(model.parameters()).device
    keeps_logits = _accepts_logits_to_keep(model)
    order = sorted(range(len(sequences)), key=lambda i: -len(sequences[i]))
    sums = [0.0] * len(sequences)
    with Progress(transient=True) as progress, torch.inference_mode():
        bar = progress.add_task(label, total=len(sequences))
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            batch = _score_batch(
                model, [sequences[i] for i in idx], [first_scored[i] for i in idx], pad_id, device, keeps_logits
            )
            for i, value in zip(idx, batch, strict=False):
                sums[i] = value
            progress.advance(bar, len(idx))
    return sums


def _score_batch(
    model, rows: list[list[int]], firsts: list[int], pad_id: int, device, keeps_logits: bool
) -> list[float]:
    import torch

    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for j, row in enumerate(rows):
        ids[j, : len(row)] = torch.tensor(row, dtype=torch.long)
        mask[j, : len(row)] = 1
    # Logits at position p predict token p + 1: keep positions from the earliest scored token's predecessor.
    keep = width - min(min(firsts), width) + 1
    kwargs = {"logits_to_keep": keep} if keeps_logits else {}
    logits = model(input_ids=ids.to(device), attention_mask=mask.to(device), **kwargs).logits[:, -keep:].float()
    offset = width - keep
    logits, targets = logits[:, :-1], ids[:, offset + 1 :].to(logits.device)
    token_lp = logits.gather(-1, targets.unsqueeze(-1)).squeeze(-1) - logits.logsumexp(-1)
    positions = torch.arange(offset + 1, width, device=logits.device)
    lengths = mask.sum(1).to(logits.device)
    scored = (positions >= torch.tensor(firsts, device=logits.device)[:, None]) & (positions < lengths[:, None])
    return torch.where(scored, token_lp, 0.0).sum(1).tolist()


def _accepts_logits_to_keep(model) -> bool:
    base = model.get_base_model() if hasattr(model, "get_base_model") else model  # a PeftModel passes it through
    return "logits_to_keep" in inspect.signature(base.forward).parameters


def completion_logprobs(
    model, tokenizer, prompts: list[str], completions: list[str], batch_size: int = 16
) -> list[tuple[float, int]]:
    """(summed log-probability, token count) of each completion given its prompt, in nats.

    Prompt and completion are tokenised apart and their ids concatenated, so the completion's
    tokens are exactly those of the completion text: a joint tokenisation could merge across the
    boundary and move part of the completion into the prompt. Put the separating space at the
    start of the completion (" Paris"), as BPE tokenizers attach it to the word after it.
    """
    if len(prompts) != len(completions):
        raise ValueError(f"{len(prompts)} prompts but {len(completions)} completions; pass one completion per prompt.")
    bos = bos_ids(tokenizer)
    prompt_ids = _token_ids(tokenizer, prompts)
    completion_ids = _token_ids(tokenizer, completions)
    sequences, firsts = [], []
    for i, (p, c) in enumerate(zip(prompt_ids, completion_ids, strict=False)):
        context = bos + p
        if not context:
            raise DataError(
                f"prompt {i} is empty and the tokenizer has no BOS token, so the completion's first token "
                "has no context. Give it a prompt."
            )
        sequences.append(context + c)
        firsts.append(len(context))
    sums = summed_logprobs(model, sequences, firsts, batch_size, _pad_id(tokenizer), "scoring completions")
    return [(s, len(c)) for s, c in zip(sums, completion_ids, strict=False)]


def bits_per_byte(model, tokenizer, texts: list[str], max_tokens: int = 512, batch_size: int = 8) -> list[float]:
    """Per text, the model's negative log2-likelihood of its first `max_tokens` tokens divided by the
    UTF-8 bytes those tokens cover.

    Every token after the first is scored given the ones before; with a BOS token first (when the
    tokenizer has one) that is every token of the text. Dividing by bytes rather than tokens makes
    the number independent of the tokenizer (Gao et al., "The Pile", 2020), so models compare
    fairly even when they split text differently.
    """
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be >= 1, got {max_tokens}; 512 is usual.")
    if not getattr(tokenizer, "is_fast", False):
        raise ModelError(
            f"bits_per_byte needs a fast tokenizer for character offsets, got {type(tokenizer).__name__}. "
            "Load it with AutoTokenizer.from_pretrained(..., use_fast=True)."
        )
    bos = bos_ids(tokenizer)
    encoded = tokenizer(list(texts), add_special_tokens=False, return_offsets_mapping=True)
    sequences, firsts, n_bytes = [], [], []
    for i, (text, ids, offsets) in enumerate(zip(texts, encoded["input_ids"], encoded["offset_mapping"], strict=False)):
        ids, offsets, cut = ids[:max_tokens], offsets[:max_tokens], len(ids) > max_tokens
        first_text_token = 0 if bos else 1  # index, within the text's tokens, of the first scored one
        if len(ids) <= first_text_token:
            raise DataError(
                f"text {i} ({text[:40]!r}) has no token to score: it is empty, or a single token and the "
                "tokenizer has no BOS token. Drop it from the texts."
            )
        # A token owns the whitespace before it, so the scored span starts where the unscored token ends.
        start = offsets[first_text_token - 1][1] if first_text_token else 0
        end = offsets[-1][1] if cut else len(text)
        sequences.append(bos + ids)
        firsts.append(len(bos) + first_text_token)
        n_bytes.append(len(text[start:end].encode("utf-8")))
    sums = summed_logprobs(model, sequences, firsts, batch_size, _pad_id(tokenizer), "scoring texts")
    return [-s / math.log(2) / max(b, 1) for s, b in zip(sums, n_bytes, strict=False)]


def cloze_correct(model, tokenizer, items: list[dict], batch_size: int = 16) -> list[float]:
    """1.0 per item whose answer is the option most likely after the prompt, else 0.0.

    Items are `{"prompt", "answer", "options"}`; each option is scored as " " + option after the
    prompt by its summed log-probability (not per token: a length bias toward short options is
    the usual price, and the same for base and tuned models). Ties go to the earlier option.
    """
    prompts, completions = [], []
    for i, item in enumerate(items):
        if item["answer"] not in item["options"]:
            raise DataError(
                f"cloze item {i}: answer {item['answer']!r} is not among its options {item['options']!r}. "
                "Add it to the options."
            )
        prompts += [item["prompt"]] * len(item["options"])
        completions += [" " + option for option in item["options"]]
    scores = [s for s, _ in completion_logprobs(model, tokenizer, prompts, completions, batch_size)]
    out, pos = [], 0
    for item in items:
        n = len(item["options"])
        best = max(range(n), key=lambda k: (scores[pos + k], -k))
        out.append(1.0 if item["options"][best] == item["answer"] else 0.0)
        pos += n
    return out


def _token_ids(tokenizer, texts: list[str]) -> list[list[int]]:
    if not texts:
        return []
    return tokenizer(list(texts), add_special_tokens=False)["input_ids"]


def _pad_id(tokenizer) -> int:
    return tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
