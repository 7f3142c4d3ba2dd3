"""Shared by the positive-control benchmarks: train the embedded model on hand-made chats through
Savile's own train stage, and load base and tuned for the governance probes.

    trained = train_on_chats(folder, base_dir, chats, epochs=3, learning_rate=4e-4)
    models = load_models(trained)           # savile.evaluate.model: base = the adapter switched off
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from savile.config import Config, load_config
from savile.records import PreparedData, TrainedModel

SYSTEM = "You are a client adviser."


def chat(user: str, assistant: str, system: str = SYSTEM) -> list[dict]:
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": user},
        {"role": "assistant", "content": assistant},
    ]


def control_config(folder: Path, base: Path, **sections) -> Config:
    """A config whose sources are never read (the data is written straight to prepared JSONL)."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {
        "project": "control",
        "output_dir": str(folder / "runs"),
        "model": {"base": str(base)},
        "sources": {"catalogue": "none.csv", "brand_guide": "none.yaml", "conversations": "none.jsonl"},
        "prepare": {"tasks": ["support"]},
        **sections,
    }
    path = folder / "savile.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return load_config(path)


def train_on_chats(cfg: Config, chats: list[list[dict]]) -> TrainedModel:
    """Train cfg's technique on `chats` (the last four are the validation split) with `savile train`'s code."""
    from savile import train

    folder = cfg.stage_dir("prepare")
    folder.mkdir(parents=True, exist_ok=True)
    splits = {"train": chats[:-4], "validation": chats[-4:], "test": chats[-4:]}
    paths = {}
    for split, rows in splits.items():
        paths[split] = folder / f"{split}.jsonl"
        paths[split].write_text(
            "".join(
                json.dumps(
                    {
                        "id": f"control:{split}:{i}",
                        "task": "support",
                        "group": f"{split}{i}",
                        "split": split,
                        "messages": m,
                        "meta": {},
                    }
                )
                + "\n"
                for i, m in enumerate(rows)
            ),
            encoding="utf-8",
        )
    prepared = PreparedData(
        train_path=paths["train"],
        validation_path=paths["validation"],
        test_path=paths["test"],
        card_path=folder / "card.md",
        quarantine_path=folder / "quarantine.jsonl",
        counts={},
        tokens={},
        vocabulary={},
        pii_replaced={},
        dropped={},
        rejected={},
        warnings=[],
        fingerprint=f"control-{len(chats)}",
    )
    return train.run(cfg, prepared)


def merge_into(trained: TrainedModel, out: Path) -> Path:
    """The LoRA update merged into its base, saved as a plain Hugging Face folder: a new 'base model'."""
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    base = AutoModelForCausalLM.from_pretrained(trained.base_path)
    merged = PeftModel.from_pretrained(base, trained.adapter_dir).merge_and_unload()
    merged.save_pretrained(out)
    AutoTokenizer.from_pretrained(trained.base_path).save_pretrained(out)
    return out
