"""The baseline ladder: what each compared system is shown for one held-out item.

    ladder = Ladder.build(cfg, prepared, guide)
    chats = ladder.chats("few_shot", "describe", items)

- `base`: the base model, brand guide spelled out in the system prompt (prompt engineering);
- `few_shot`: the same, plus the k training examples of the task most similar to the item,
  as earlier turns of the chat;
- `rag`: the same as base, plus the k passages most similar to the item's request, retrieved
  from the task's sources (data/passages.py `TASK_SOURCES`): the policies for support, the
  training-split catalogue (product sheet and house copy) for describe and extract;
- `tuned`: the adapted model with the short prompt it was trained with;
- `tuned_rag`: tuned, plus the same retrieved passages; a lora+rag model was trained on prompts
  built the same way (data/passages.py `rag_chat`, train/raft.py).

Held-out items are never in what is retrieved: the catalogue passages come from the training
split only, so no system can copy the reference answer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from savile.config import Config
from savile.data.guide import BrandGuide
from savile.data.passages import Passage, corpus, corpus_passages, off_source, rag_chat
from savile.data.passages import request as _request
from savile.data.prompts import guide_prompt, task_prompt
from savile.records import PreparedData

if TYPE_CHECKING:
    from savile.retrieve import Index

__all__ = ["DESCRIPTIONS", "TUNED", "Ladder", "describe_system", "corpus"]

DESCRIPTIONS = {
    "base": "base model, brand guide in the system prompt (prompt engineering)",
    "few_shot": "base model, brand guide, plus the most similar training examples as earlier turns",
    "rag": "base model, brand guide, plus retrieved catalogue and policy passages",
    "tuned": "base model + adapter, the short task prompt it was trained with",
    "tuned_rag": "base model + adapter, short task prompt, plus retrieved passages",
}
TUNED = ("tuned", "tuned_rag")


def describe_system(system: str, method: str) -> str:
    """The rung's description, naming the trained technique (technique.method) on the tuned rungs."""
    if system not in TUNED or method in ("lora", "lora+rag"):
        return DESCRIPTIONS[system]
    what = "fully fine-tuned model" if method == "full" else f"base model + {method} adapter"
    return DESCRIPTIONS[system].replace("base model + adapter", what)


# Enough training examples per task to find close neighbours, few enough to embed in seconds.
_SHOT_POOL = 1000


@dataclass
class Ladder:
    """How each rung of the ladder is prompted: its system prompt, its few-shot neighbours and its
    retrieved passages, built once from the training split and the brand guide."""

    cfg: Config
    guide: BrandGuide
    shots: dict  # task -> (Index over training requests, the training examples)
    passages: Index | None  # Index over catalogue and policy passages
    indexed: list[Passage] = field(default_factory=list)  # what `passages` indexes, in its order

    @classmethod
    def build(cls, cfg: Config, prepared: PreparedData, guide: BrandGuide) -> Ladder:
        """The ladder for `cfg.evaluate.systems`, embedding only what those systems need."""
        from savile.retrieve import Embedder, Index

        systems = set(cfg.evaluate.systems)
        if not systems & {"few_shot", "rag", "tuned_rag"}:
            return cls(cfg, guide, {}, None)
        embedder = Embedder()
        train = prepared.examples("train")
        shots = {}
        if "few_shot" in systems:
            rng = random.Random(cfg.evaluate.seed)
            for task in cfg.prepare.tasks:
                pool = [e for e in train if e["task"] == task]
                pool = pool if len(pool) <= _SHOT_POOL else rng.sample(pool, _SHOT_POOL)
                if pool:
                    shots[task] = (Index(embedder, [_request(e) for e in pool]), pool)
        if not systems & {"rag", "tuned_rag"}:
            return cls(cfg, guide, shots, None)
        found = corpus_passages(train, guide, cfg)
        return cls(cfg, guide, shots, Index(embedder, [p.text for p in found]), found)

    def system_prompt(self, system: str, task: str) -> str:
        """The system prompt `system` answers `task` with: the tuned rungs' short one, or the brand guide's."""
        if system in TUNED:
            return task_prompt(task, self.guide)
        return guide_prompt(task, self.guide, self.cfg.catalogue.attributes)

    def chats(self, system: str, task: str, items: list[dict]) -> list[list[dict]]:
        """One chat per item, ending with the user turn the system must answer."""
        prompt = self.system_prompt(system, task)
        turns = [e["messages"][1:-1] for e in items]
        if system == "few_shot":
            index, pool = self.shots.get(task, (None, []))
            found = (
                index.search([_request(e) for e in items], self.cfg.evaluate.few_shot_k) if index else [[]] * len(items)
            )
            return [
                [{"role": "system", "content": prompt}, *[m for j in hits for m in pool[j]["messages"][-2:]], *t]
                for hits, t in zip(found, turns, strict=False)
            ]
        if system in ("rag", "tuned_rag"):
            assert self.passages is not None, "Ladder.build makes the passage index whenever a rag system is configured"
            off = off_source(task, self.indexed)
            found = self.passages.search([_request(e) for e in items], self.cfg.evaluate.rag_k, [off] * len(items))
            return [
                rag_chat(prompt, [self.passages.passages[j] for j in hits], t)
                for hits, t in zip(found, turns, strict=False)
            ]
        return [[{"role": "system", "content": prompt}, *t] for t in turns]
