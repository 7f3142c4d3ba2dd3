"""Retrieval-augmented fine-tuning (RAFT, Zhang et al. 2024): lora+rag trains on the prompts inference shows it.

    shown = retrieval_view(cfg, prepared)    # identity unless technique.method is in RETRIEVAL_METHODS
    examples = shown(examples)               # each system prompt now carries evaluate.rag_k passages

At inference the tuned_rag rung appends the `evaluate.rag_k` passages most similar to the item's
request to its system prompt. A model trained without passages has never learnt to read one, so
for a method that retrieves at inference (lora+rag) every training and validation example is
rewritten with `rag_chat` (data/passages.py), the function the rung itself uses, over the same
corpus (policies, policy sections, training-split product sheets with their house copy), each task
searching its own sources as at inference (`TASK_SOURCES`: support the policies, describe and
extract the products):

- Retrieved as if held out. A held-out item's whole group (product family, conversation) is
  absent from the index, so an example's own group is left out of its search, and so is every
  passage holding its reference answer: a describe example never sees its own house copy, nor an
  extract example its product's sheet. The prompt never contains the example's own reference.
- Gold or distractors only (RAFT's P, `technique.raft.gold_share`). In that share of examples the
  passages are the k-1 best retrieved, the asked policy's own passage guaranteed among them
  (support), plus one random distractor; in the rest all k are distractors: random passages that
  are neither retrieved for the example nor state one of its key facts, drawn from the task's own
  sources (from the rest where those run short). The model learns to use a
  passage that applies, to ignore one that does not, and to answer from what it learnt when
  retrieval misses. Passages are shuffled, so the position of a passage says nothing of its use.
- Seeded per example (`train.seed` and its id): an example gets the same passages wherever it is
  sampled, so the training-loss probe scores the very prompts that were trained.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from savile.config import RETRIEVAL_METHODS, Config
from savile.data.guide import BrandGuide, brand_guide
from savile.data.passages import Passage, corpus_passages, off_source, rag_chat, request
from savile.data.prompts import task_prompt
from savile.data.text import match_text
from savile.records import PreparedData

if TYPE_CHECKING:
    from savile.retrieve import Index

__all__ = ["retrieval_view", "Raft"]


def retrieval_view(cfg: Config, prepared: PreparedData) -> Callable[[list[dict]], list[dict]]:
    """What training shows the model: the examples as prepared, or for a method with retrieval at
    inference, each with its retrieved passages and distractors (see the module docstring)."""
    if cfg.technique.method not in RETRIEVAL_METHODS:
        return lambda examples: examples
    return Raft.build(cfg, prepared.examples("train"), brand_guide(cfg)).apply


@dataclass
class Raft:
    """Retrieval-augmented fine-tuning: each training prompt gets the passages inference would retrieve."""

    passages: list[Passage]
    index: Index  # over the passages' texts, in order
    guide: BrandGuide
    k: int
    gold_share: float
    seed: int

    @classmethod
    def build(cls, cfg: Config, train: list[dict], guide: BrandGuide) -> Raft:
        """A Raft over the training split's passages, with the config's k, gold share and seed."""
        from savile.retrieve import Embedder, Index

        passages = corpus_passages(train, guide, cfg)  # the training split only, as the tuned_rag rung's
        return cls(
            passages,
            Index(Embedder(), [p.text for p in passages]),
            guide,
            cfg.evaluate.rag_k,
            cfg.technique.raft.gold_share,
            cfg.train.seed,
        )

    def __post_init__(self):
        self._folded = [match_text(p.text) for p in self.passages]
        self._by_group: dict[str, set[int]] = {}
        for j, p in enumerate(self.passages):
            if p.group is not None:
                self._by_group.setdefault(p.group, set()).add(j)

    def apply(self, examples: list[dict]) -> list[dict]:
        """The examples with the tuned_rag system prompt and their passages; `raft` records whether the
        relevant passages were kept (`gold`) and which passages are distractors."""
        if not examples:
            return []
        banned = [self._banned(e) for e in examples]
        off = {task: off_source(task, self.passages) for task in {e["task"] for e in examples}}
        found = self.index.search(
            [request(e) for e in examples],
            self.k,
            exclude=[b | off[e["task"]] for e, b in zip(examples, banned, strict=True)],
        )
        return [
            self._rewrite(e, hits, ban, off[e["task"]]) for e, hits, ban in zip(examples, found, banned, strict=True)
        ]

    def _banned(self, example: dict) -> set[int]:
        """Passages the example must never see: its own group's, and any holding its reference answer."""
        reference = match_text(example["messages"][-1]["content"])
        own = self._by_group.get(example.get("group") or example["id"], set())
        return own | {j for j, text in enumerate(self._folded) if reference and reference in text}

    def _gold(self, example: dict) -> tuple[list[int], set[int]]:
        """The asked policies' own passages, and every passage stating one of the example's key facts."""
        meta = example.get("meta") or {}
        asked = [
            j for j, p in enumerate(self.passages) if p.policy is not None and p.policy in meta.get("policies", [])
        ]
        facts = [match_text(f) for f in meta.get("facts", []) if f.strip()]
        return asked, set(asked) | {j for j, text in enumerate(self._folded) if any(f in text for f in facts)}

    def _rewrite(self, example: dict, retrieved: list[int], banned: set[int], off: set[int]) -> dict:
        rng = random.Random(f"{self.seed}:{example['id']}")
        asked, stating = self._gold(example)
        asked = [j for j in asked if j not in banned]
        keep_gold = rng.random() < self.gold_share
        picks = retrieved[: max(self.k - 1, 1)] if keep_gold else []
        if keep_gold and asked and not set(picks) & stating:
            picks = [asked[0], *picks][: max(self.k - 1, 1)]  # RAFT's oracle: the asked policy is in the prompt
        pool = [j for j in range(len(self.passages)) if j not in banned | stating | set(retrieved) | set(picks)]
        own = [j for j in pool if j not in off]
        need = self.k - len(picks)
        distractors = rng.sample(own, min(need, len(own)))
        if len(distractors) < need:  # the task's own sources run short: the rest from the others
            rest = [j for j in pool if j in off]
            distractors += rng.sample(rest, min(need - len(distractors), len(rest)))
        shown = picks + distractors
        rng.shuffle(shown)
        assert not banned & set(shown), "a training prompt would show the example's own group or reference"
        messages = example["messages"]
        turns = messages[1:] if messages[0]["role"] == "system" else messages
        chat = rag_chat(task_prompt(example["task"], self.guide), [self.passages[j].text for j in shown], turns)
        return {
            **example,
            "messages": chat,
            "raft": {"gold": keep_gold, "distractors": [self.passages[j].text for j in distractors]},
        }
