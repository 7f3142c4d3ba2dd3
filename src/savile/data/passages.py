"""The retrieval corpus and how retrieved passages enter a prompt: one definition for inference and training.

    passages = corpus_passages(train, guide, cfg)          # Passage(text, group, policy), training split only
    off = off_source("support", passages)                  # support reads policies, describe/extract products
    chat = rag_chat(prompt, [p.text for p in hits], turns)  # the system prompt with the numbered passages

The `rag` and `tuned_rag` rungs (evaluate/systems.py) and retrieval-augmented training (train/raft.py)
both build their prompts with `rag_chat` over this corpus, so a lora+rag model is trained on what it
is shown at inference. The corpus holds each policy of the brand guide, the policy document's
sections, and every training-split product as its sheet plus its house copy (the copy is a
training describe example's reference answer: retrieval for a training example must leave out its
own group, see train/raft.py). Nothing of the validation or test splits is in it.

Each task retrieves from its own sources (`TASK_SOURCES`): a customer reply from the policy text, a
description or an extraction from the product passages. On the demo, a support question that names
a product otherwise drew product sheets, and a policy paragraph cut from its section lost the facts:
the two passages retrieved held every key fact of the answer for 29% of the test questions, against
88% with the policy text searched alone (benchmarks/retrieval_coverage.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from savile.config import Config
from savile.data.guide import BrandGuide

__all__ = [
    "Passage",
    "TASK_SOURCES",
    "corpus_passages",
    "corpus",
    "off_source",
    "policy_passages",
    "request",
    "rag_chat",
]

# What each task retrieves from: "policy" (the guide's policies and the policy document) or
# "catalogue" (training-split products). A task not named here searches everything.
TASK_SOURCES = {"support": "policy", "describe": "catalogue", "extract": "catalogue"}
# A policy section up to this many words is one passage; a longer one is cut at its paragraphs,
# each carrying the section's heading.
_SECTION_WORDS = 160


@dataclass(frozen=True)
class Passage:
    """A text retrieval can return: a policy, a policy paragraph or a training product."""

    text: str
    group: str | None = None  # the training group (product family) it was written from; None for policy text
    policy: str | None = None  # the brand-guide policy it states, for a policy's own passage

    @property
    def source(self) -> str:
        """Where the passage comes from: "catalogue" for a product, "policy" for policy text."""
        return "policy" if self.group is None else "catalogue"


def corpus_passages(train: list[dict], guide: BrandGuide, cfg: Config) -> list[Passage]:
    """Passages to retrieve from: each policy, the policy document's sections, and every
    training-split product as its sheet plus the house copy."""
    out = [Passage(f"{p.title}: {p.statement}", policy=p.id) for p in guide.policies]
    if cfg.sources.policies is not None and cfg.path(cfg.sources.policies).exists():
        out += [Passage(t) for t in policy_passages(cfg.path(cfg.sources.policies).read_text(encoding="utf-8"))]
    for e in train:
        if e["task"] == "describe":
            sheet = "; ".join(line for line in request(e).splitlines()[1:] if line.strip())
            # A hand-made example without a split group is a group of its own.
            out.append(Passage(f"{sheet}. Copy: {e['messages'][-1]['content']}", group=e.get("group") or e["id"]))
    return out


def corpus(train: list[dict], guide: BrandGuide, cfg: Config) -> list[str]:
    """The corpus's texts, in the order `corpus_passages` gives them."""
    return [p.text for p in corpus_passages(train, guide, cfg)]


def policy_passages(text: str) -> list[str]:
    """The policy document as passages: each Markdown section as "Heading: its paragraphs", one
    passage while it has at most `_SECTION_WORDS` words, else one per paragraph under its heading.
    A document without headings gives its paragraphs. Passages under 8 words are left out."""
    out = []
    for block in re.split(r"(?m)^(?=#{1,6}\s)", text):
        lines = block.strip().splitlines()
        heading = lines[0].lstrip("#").strip() if lines and re.match(r"#{1,6}\s", lines[0]) else ""
        body = "\n".join(lines[1:] if heading else lines)
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", body) if p.strip()]
        whole = " ".join(paragraphs)
        if heading and len(whole.split()) <= _SECTION_WORDS:
            paragraphs = [whole]
        out += [f"{heading}: {p}" if heading else p for p in paragraphs]
    return [p for p in out if len(p.split()) >= 8]


def off_source(task: str, passages: list[Passage]) -> set[int]:
    """Indices of the passages `task` does not retrieve from (`TASK_SOURCES`); none where the task's
    own sources hold no passage, so that it then searches everything rather than nothing."""
    source = TASK_SOURCES.get(task)
    off = {j for j, p in enumerate(passages) if source is not None and p.source != source}
    return off if len(off) < len(passages) else set()


def request(example: dict) -> str:
    """The example's last user turn: what retrieval is asked about."""
    return example["messages"][-2]["content"]


def rag_chat(prompt: str, passages: list[str], turns: list[dict]) -> list[dict]:
    """The chat with retrieved passages: `prompt` with the passages numbered below it, then `turns`."""
    return [{"role": "system", "content": prompt + _context(passages)}, *turns]


def _context(passages: list[str]) -> str:
    body = "\n".join(f"[{i}] {p}" for i, p in enumerate(passages, 1))
    return f"\n\nReference passages (retrieved; use them where they apply):\n{body}"
