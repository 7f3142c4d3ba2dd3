"""The demo project: Maison Lirelle's source files plus a config that points at them.

config_path = write_project(Path("demo-brand"))
# then: savile prepare|train|evaluate|report demo-brand/savile.yaml
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import yaml

__all__ = ["write_project", "write_demo_key", "DEMO_SETTINGS", "FULL_SETTINGS"]

# Sized for 48 test items per task and a run of half an hour or more on 2 CPU cores (README,
# "Walk-through"; the target is 20 minutes): seeded samples of 112 describe and extract examples,
# which those tasks need least, and 336 support examples, since a reply must state the right
# policy's facts and 112 taught the house's frame of a reply but not its policies; two epochs (early
# stopping on validation loss may end it sooner); every rung of a task answered in one batch with
# the prefix cache.
DEMO_SETTINGS: dict[str, dict[str, Any]] = {
    "train": {
        "max_examples_per_task": {"describe": 112, "support": 336, "extract": 112},
        "epochs": 2,
        "batch_size": 8,
        "learning_rate": 4e-4,
        "save_steps": 30,
        "loss_items": 12,
    },
    # Answer budgets near the longest reference of each task (support 133 tokens, JSON 55).
    "evaluate": {
        "max_items_per_task": 48,
        "batch_size": 48,
        "few_shot_k": 2,
        "rag_k": 2,
        "support": {"max_new_tokens": 112},
        "extract": {"max_new_tokens": 64},
    },
    "governance": {"text_docs": 20, "safety_max_new_tokens": 16, "pii_probes": 20},
}
# `savile demo --full` (README, "The full demo"): every training example, up to two epochs with early
# stopping on validation loss, 100 test items per task; 79 minutes measured on 2 CPU cores (README).
FULL_SETTINGS: dict[str, dict[str, Any]] = {
    "train": {
        **DEMO_SETTINGS["train"],
        "max_examples_per_task": None,
        "save_steps": 60,
        "loss_items": 24,
        "patience": 2,
    },
    "evaluate": {**DEMO_SETTINGS["evaluate"], "max_items_per_task": 100, "batch_size": 50},
}


def write_project(
    folder: Path, seed: int = 7, n_products: int = 1600, n_conversations: int = 700, full: bool = False
) -> Path:
    """Write the demo brand's files and `savile.yaml` under `folder` (with `full`, the settings of
    `savile demo --full`); return the config path."""
    from savile.demo import write_sources
    from savile.demo.people import ORDER_ID_PATTERN

    folder.mkdir(parents=True, exist_ok=True)
    sources = write_sources(folder, seed=seed, n_products=n_products, n_conversations=n_conversations)
    config = {
        "project": "maison-lirelle",
        "output_dir": "runs",
        "sources": {
            "catalogue": str(sources.catalogue.relative_to(folder)),
            "brand_guide": str(sources.brand_guide.relative_to(folder)),
            "conversations": str(sources.conversations.relative_to(folder)),
            "policies": str(sources.policies.relative_to(folder)),
        },
        "catalogue": {"numeric": ["price_eur"]},
        "privacy": {"order_id_patterns": [ORDER_ID_PATTERN]},
        **DEMO_SETTINGS,
        **(FULL_SETTINGS if full else {}),
    }
    path = folder / "savile.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    write_demo_key(folder / ".savile" / "pii.key", seed)  # privacy.key_file's default, beside the config
    return path


def write_demo_key(path: Path, seed: int) -> Path:
    """The demo's pseudonymisation key, derived from its seed so two demo runs pseudonymise alike
    and print the same figures. Only the fictional demo does this: a real project's key is random
    (created on first use by `savile prepare`) and secret; SAVILE_PII_KEY, when set, still wins."""
    key = hashlib.sha256(f"savile demo pseudonymisation key, seed {seed}".encode()).hexdigest()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, (key + "\n").encode("ascii"))
    finally:
        os.close(fd)
    return path
