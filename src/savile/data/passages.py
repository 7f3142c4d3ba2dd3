"""The retrieval corpus and how retrieved passages enter a prompt: one definition for inference and training.

    passages = corpus_passages(train, guide, cfg)          # Passage(text, group, policy), training split only
    chat = rag_chat(prompt, [p.text for p in hits], turns)  # the system prompt with the numbered passages

The `rag` and `tuned_rag` rungs (evaluate/systems.py) and retrieval-augmented training (train/raft.py)
both build their prompts with `rag_chat` over this corpus, so a lora+rag model is trained on what it
is shown at inference. The corpus holds each policy of the brand guide, the policy document's
paragraphs, and every training-split product as its sheet plus its house copy (the copy is a
training describe example's reference answer: retrieval for a training example must leave out its
own group, see train/raft.py). Nothing of the validation or test splits is in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from savile.config import Config
from savile.data.guide import BrandGuide

__all__ = ["Passage", "corpus_passages", "corpus", "request", "rag_chat"]


@dataclass(frozen=True)
class Passage:
    """A text retrieval can return: a policy, a policy paragraph or a training product."""

    text: str
    group: str | None = None  # the training group (product family) it was written from; None for policy text
    policy: str | None = None  # the brand-guide policy it states, for a policy's own passage


def corpus_passages(train: list[dict], guide: BrandGuide, cfg: Config) -> list[Passage]:
    """Passages to retrieve from: each policy, the policy document's paragraphs, and every
    training-split product as its sheet plus the house copy."""
    out = [Passage(f"{p.title}: {p.statement}", policy=p.id) for p in guide.policies]
    if cfg.sources.policies is not None and cfg.path(cfg.sources.policies).exists():
        text = cfg.path(cfg.sources.policies).read_text(encoding="utf-8")
        for para in re.split(r"\n\s*\n", text):
            para = " ".join(line.strip().lstrip("#").strip() for line in para.splitlines()).strip()
            if len(para.split()) >= 8:
                out.append(Passage(para))
    for e in train:
        if e["task"] == "describe":
            sheet = "; ".join(line for line in request(e).splitlines()[1:] if line.strip())
            # A hand-made example without a split group is a group of its own.
            out.append(Passage(f"{sheet}. Copy: {e['messages'][-1]['content']}", group=e.get("group") or e["id"]))
    return out


def corpus(train: list[dict], guide: BrandGuide, cfg: Config) -> list[str]:
    """The corpus's texts, in the order `corpus_passages` gives them."""
    return [p.text for p in corpus_passages(train, guide, cfg)]


def request(example: dict) -> str:
    """The example's last user turn: what retrieval is asked about."""
    return example["messages"][-2]["content"]


def rag_chat(prompt: str, passages: list[str], turns: list[dict]) -> list[dict]:
    """The chat with retrieved passages: `prompt` with the passages numbered below it, then `turns`."""
    return [{"role": "system", "content": prompt + _context(passages)}, *turns]


def _context(passages: list[str]) -> str:
    body = "\n".join(f"[{i}] {p}" for i, p in enumerate(passages, 1))
    return f"\n\nReference passages (retrieved; use them where they apply):\n{body}"
