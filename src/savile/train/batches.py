"""How a training step reads its examples: padded on the right or packed, with no attention mask
either way, and a loss over the reply tokens only.

    trainer = AnswerLossTrainer(..., data_collator=PaddedCollator(tokenizer.pad_token_id))  # the default
    trainer = AnswerLossTrainer(..., data_collator=PackedCollator())   # train.packing: true

Padding: each row padded on the right to the batch's longest, and no attention mask. A causal
model's token attends only to its left, so right-hand padding never reaches a real token, and the
positions count from 0 as the model's own (tests/test_packing.py: logits equal the masked batch's).
Without a mask transformers hands SDPA its causal kernel instead of a dense padding mask built per
step; the padding's own outputs are never read, since their labels are -100 and their logits are not
computed. A tokenizer that pads on the left (Gemma's) is not asked.

Packing: the step's examples are laid end to end in one row, `position_ids` restarting at 0 for
each, and no attention mask. transformers (>= 4.54, `masking_utils.find_packed_sequence_indices`)
reads the restarts and builds a block-diagonal causal mask, so no token attends across examples
and no compute goes to padding. Each example's first label is -100 (prompt tokens are), so no
token is trained to predict the next example's start.

The loss: the language-model head (a 576 x 49,152 matmul on SmolLM2, a fifth of the forward pass)
runs only at the positions whose next token carries a label, through the models' `logits_to_keep`
mask, and the cross-entropy is taken in fp32 there. On the demo 63% of tokens are prompt: their
logits were computed, upcast to fp32 and thrown away. The result is the same loss the model's own
`labels=` path computes (tests/test_packing.py), summed over reply tokens and divided by the count the
Trainer passes for gradient accumulation (`num_items_in_batch`), or by this batch's count.
"""

from __future__ import annotations

from typing import Any

from transformers import Trainer

__all__ = ["PaddedCollator", "PackedCollator", "AnswerLossTrainer", "answer_loss"]


class PaddedCollator:
    """Rows of {"input_ids", "labels"} to input_ids and labels [rows, longest], padded on the right, no mask."""

    def __init__(self, pad_token_id: int | None):
        self.pad = pad_token_id if pad_token_id is not None else 0  # what fills it never reaches a real token

    def __call__(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        import torch

        longest = max(len(row["input_ids"]) for row in rows)
        ids = [list(row["input_ids"]) + [self.pad] * (longest - len(row["input_ids"])) for row in rows]
        labels = [list(row["labels"]) + [-100] * (longest - len(row["labels"])) for row in rows]
        return {"input_ids": torch.tensor(ids), "labels": torch.tensor(labels)}


class PackedCollator:
    """Rows of {"input_ids", "labels"} to one packed row: input_ids, position_ids, labels, each [1, tokens]."""

    def __call__(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        import torch

        ids: list[int] = []
        positions: list[int] = []
        labels: list[int] = []
        for row in rows:
            n = len(row["input_ids"])
            ids += list(row["input_ids"])
            positions += range(n)
            labels += [-100] + list(row["labels"])[1:]  # never predict across the seam
        return {
            "input_ids": torch.tensor([ids]),
            "position_ids": torch.tensor([positions]),
            "labels": torch.tensor([labels]),
        }


def answer_loss(model, inputs: dict[str, Any], num_items_in_batch=None):
    """(loss, outputs): cross-entropy over the labelled next tokens, logits computed there alone."""
    import torch
    import torch.nn.functional as F

    inputs = dict(inputs)
    labels = inputs.pop("labels")
    keep = torch.zeros_like(labels, dtype=torch.bool)
    keep[:, :-1] = labels[:, 1:] != -100
    targets = labels[:, 1:][keep[:, :-1]]
    # use_cache=False matters: with a cache, transformers skips the packed-sequence mask (masking_utils).
    outputs = model(**inputs, logits_to_keep=keep, use_cache=False)
    logits = outputs.logits.reshape(-1, outputs.logits.shape[-1]).float()
    total = F.cross_entropy(logits, targets.to(logits.device), reduction="sum")
    count = num_items_in_batch if num_items_in_batch is not None else max(1, targets.numel())
    return total / count, outputs


class AnswerLossTrainer(Trainer):
    """The transformers Trainer with `answer_loss`: reply tokens only, no logits for prompt tokens."""

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        """The loss on reply tokens only (`answer_loss`); with a token count that spans every process, scaled
        by the process count so gradients average as the Trainer expects."""
        loss, outputs = answer_loss(model, inputs, num_items_in_batch)
        if num_items_in_batch is not None and self.args.average_tokens_across_devices:
            loss = loss * self.accelerator.num_processes  # the Trainer's count spans every process
        return (loss, outputs) if return_outputs else loss
