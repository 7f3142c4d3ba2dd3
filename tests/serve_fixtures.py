"""Helpers of the serve tests: tiny PEFT adapters in a registry, a config, and a server on loopback."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from savile.config import Config
from savile.records import TrainedModel

TASK_PROMPTS = {"describe": "You write product descriptions for Maison Test.",
                "support": "You are a client adviser of Maison Test."}


def make_adapter(registry: Path, name: str, base_dir: Path, seed: int, rank: int = 4, **lora) -> Path:
    """A LoRA adapter with random (non-zero) weights on `base_dir`, saved as a train-stage folder."""
    import torch
    from peft import LoraConfig, get_peft_model

    from savile.train.methods import load_base

    torch.manual_seed(seed)
    folder = registry / name
    model = get_peft_model(load_base(base_dir), LoraConfig(r=rank, lora_alpha=2 * rank, target_modules="all-linear",
                                                           init_lora_weights=False, task_type="CAUSAL_LM", **lora))
    model.save_pretrained(folder / "adapter")
    TrainedModel(adapter_dir=folder / "adapter", base_model=str(base_dir), base_path=str(base_dir), method="lora",
                 data_fingerprint="test", seed=seed, train_examples={"describe": 1, "support": 1}, train_tokens=1,
                 dropped_too_long=0, loss_history=[], eval_loss=0.0, train_seconds=0.0, resumed_from="", versions={},
                 task_prompts=TASK_PROMPTS,
                 config={"evaluate": {"describe": {"max_new_tokens": 12, "no_repeat_ngram_size": 4},
                                      "support": {"max_new_tokens": 10, "no_repeat_ngram_size": 0}}}).save(folder)
    return folder


def serve_config(root: Path, base_dir: Path, **serve) -> Config:
    return Config.model_validate({
        "project": "test-brand", "root": str(root), "output_dir": str(root / "runs"),
        "sources": {"catalogue": "c.csv", "brand_guide": "g.yaml", "conversations": "c.jsonl"},
        "model": {"base": str(base_dir)}, "train": {"precision": "fp32"},
        "serve": {"registry": str(root / "registry"), "keys_file": str(root / "keys.yaml"), **serve},
    })


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(app):
    """The app under uvicorn on a free loopback port, in a thread; shut down on exit."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(400):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "the server did not start within 20 s"
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
