"""Chat examples as the model sees them: token counts, and the loss mask over the final reply.

Labels are -100 on everything the chat template renders before the assistant's reply, so the
loss falls on the reply and its end-of-turn token alone: what the model must learn to produce.
The data card shows this mask for sample examples, and training uses the same `encode`.
"""

from __future__ import annotations

__all__ = ["encode", "count_tokens", "render_loss_mask"]

_BATCH = 2048


def encode(ex: dict, tokenizer) -> dict[str, list[int]]:
    """input_ids, attention_mask and labels (prompt masked) of one chat example."""
    prompt = tokenizer.apply_chat_template(
        ex["messages"][:-1], add_generation_prompt=True, tokenize=True, return_dict=False
    )
    full = tokenizer.apply_chat_template(ex["messages"], tokenize=True, return_dict=False)
    if full[: len(prompt)] != prompt:
        from savile.errors import ModelError

        raise ModelError(
            "the model's chat template renders a conversation differently from its prompt plus reply, so the "
            "loss mask cannot be placed; use a model whose template extends the generation prompt."
        )
    return {"input_ids": full, "attention_mask": [1] * len(full), "labels": [-100] * len(prompt) + full[len(prompt) :]}


def count_tokens(examples: list[dict], tokenizer) -> list[int]:
    """Templated length of each example, tokenised in batches by the fast (Rust) tokenizer."""
    counts: list[int] = []
    for start in range(0, len(examples), _BATCH):
        texts = [
            tokenizer.apply_chat_template(ex["messages"], tokenize=False) for ex in examples[start : start + _BATCH]
        ]
        counts += [len(ids) for ids in tokenizer(texts, add_special_tokens=False)["input_ids"]]
    return counts


def render_loss_mask(ex: dict, tokenizer) -> str:
    """Markdown showing the rendered template, split into the masked prompt and the trained reply."""
    row = encode(ex, tokenizer)
    cut = sum(1 for label in row["labels"] if label == -100)
    prompt = tokenizer.decode(row["input_ids"][:cut])
    reply = tokenizer.decode(row["input_ids"][cut:])
    return (
        f"No loss on these {cut} tokens (the prompt):\n\n```text\n{prompt}\n```\n\n"
        f"Loss on these {len(row['input_ids']) - cut} tokens (the reply and its end-of-turn token):\n\n"
        f"```text\n{reply}\n```\n"
    )
