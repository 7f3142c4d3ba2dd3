"""Helpers of the serve tests: tiny PEFT adapters in a registry and a config (the server runs in `running`)."""

from __future__ import annotations

from pathlib import Path

from savile.config import Config
from savile.records import TrainedModel
from savile.serve.background import running

__all__ = ["TASK_PROMPTS", "make_adapter", "serve_config", "running"]

TASK_PROMPTS = {
    "describe": "You write product descriptions for Maison Test.",
    "support": "You are a client adviser of Maison Test.",
}


def make_adapter(registry: Path, name: str, base_dir: Path, seed: int, rank: int = 4, **lora) -> Path:
    """A LoRA adapter with random (non-zero) weights on `base_dir`, saved as a train-stage folder."""
    import torch
    from peft import LoraConfig, get_peft_model

    from savile.train.methods import load_base

    torch.manual_seed(seed)
    folder = registry / name
    model = get_peft_model(
        load_base(base_dir),
        LoraConfig(
            r=rank,
            lora_alpha=2 * rank,
            target_modules="all-linear",
            init_lora_weights=False,
            task_type="CAUSAL_LM",
            **lora,
        ),
    )
    model.save_pretrained(folder / "adapter")
    TrainedModel(
        adapter_dir=folder / "adapter",
        base_model=str(base_dir),
        base_path=str(base_dir),
        method="lora",
        data_fingerprint="test",
        seed=seed,
        train_examples={"describe": 1, "support": 1},
        train_tokens=1,
        dropped_too_long=0,
        loss_history=[],
        eval_loss=0.0,
        train_seconds=0.0,
        resumed_from="",
        versions={},
        task_prompts=TASK_PROMPTS,
        config={
            "evaluate": {
                "describe": {"max_new_tokens": 12, "no_repeat_ngram_size": 4},
                "support": {"max_new_tokens": 10, "no_repeat_ngram_size": 0},
            }
        },
    ).save(folder)
    return folder


def serve_config(root: Path, base_dir: Path, **serve) -> Config:
    return Config.model_validate(
        {
            "project": "test-brand",
            "root": str(root),
            "output_dir": str(root / "runs"),
            "sources": {"catalogue": "c.csv", "brand_guide": "g.yaml", "conversations": "c.jsonl"},
            "model": {"base": str(base_dir)},
            "train": {"precision": "fp32"},
            "serve": {"registry": str(root / "registry"), "keys_file": str(root / "keys.yaml"), **serve},
        }
    )
