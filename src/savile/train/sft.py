"""`savile train`: LoRA supervised fine-tuning with TRL's SFTTrainer and PEFT.

    trained = savile.train.run(cfg, PreparedData.load(cfg.stage_dir("prepare")))

Loss on assistant tokens only, bf16 autocast where the hardware has it, a checkpoint every
`train.save_steps` steps, and resume from the latest checkpoint when the inputs are unchanged.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from importlib.metadata import version
from pathlib import Path

from savile.config import Config
from savile.records import PreparedData, TrainedModel
from savile.train.data import drop_too_long, read_examples, sample_per_task, to_prompt_completion

__all__ = ["run", "use_bf16"]

_EVAL_LOSS_ITEMS = 64


def use_bf16(precision: str) -> bool:
    """bf16 autocast where the GPU or CPU runs it natively (AVX-512 BF16 or AMX)."""
    import torch

    if precision != "auto":
        return precision == "bf16"
    if torch.cuda.is_available():
        return torch.cuda.is_bf16_supported()
    cpu = torch.backends.cpu.get_cpu_capability()
    return "AVX512" in cpu and (torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())


def run(cfg: Config, prepared: PreparedData) -> TrainedModel:
    import datasets
    from peft import LoraConfig
    from transformers import AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    from savile.models import resolve_model

    t = cfg.train
    base_path = resolve_model(cfg.model.base, cfg.model.cache_dir)
    tokenizer = AutoTokenizer.from_pretrained(base_path)
    picked = sample_per_task(read_examples(prepared.train_path), t.max_examples_per_task, t.seed)
    train_rows, lengths, dropped = drop_too_long(picked, tokenizer, t.max_length)
    held = sample_per_task(read_examples(prepared.eval_path), _EVAL_LOSS_ITEMS // 3, t.seed)
    eval_rows, _, _ = drop_too_long(held, tokenizer, t.max_length)

    out = cfg.stage_dir("train")
    ckpt_dir = out / "checkpoints"
    run_key = _run_key(cfg, prepared)
    resume = _prepare_checkpoints(ckpt_dir, run_key, t.resume)
    bf16 = use_bf16(t.precision)
    args = SFTConfig(
        output_dir=str(ckpt_dir), num_train_epochs=t.epochs, learning_rate=t.learning_rate,
        per_device_train_batch_size=t.batch_size, per_device_eval_batch_size=t.batch_size,
        gradient_accumulation_steps=t.grad_accum, lr_scheduler_type="cosine", warmup_steps=0.05,
        logging_steps=t.logging_steps, save_steps=t.save_steps, save_total_limit=2, bf16=bf16,
        seed=t.seed, data_seed=t.seed, report_to="none", max_length=t.max_length,
        train_sampling_strategy="group_by_length",  # fewer pad tokens per batch
        eval_strategy="no", dataloader_num_workers=0, use_cpu=not _has_cuda(),
    )
    peft_config = LoraConfig(
        r=t.lora.rank, lora_alpha=t.lora.alpha, lora_dropout=t.lora.dropout,
        target_modules=t.lora.target_modules, task_type="CAUSAL_LM",
    )
    trainer = SFTTrainer(
        model=str(base_path), args=args, processing_class=tokenizer, peft_config=peft_config,
        train_dataset=datasets.Dataset.from_list([to_prompt_completion(e) for e in train_rows]),
        eval_dataset=datasets.Dataset.from_list([to_prompt_completion(e) for e in eval_rows]),
    )
    start = time.perf_counter()
    trainer.train(resume_from_checkpoint=resume)
    seconds = time.perf_counter() - start
    eval_loss = trainer.evaluate()["eval_loss"]

    adapter_dir = out / "adapter"
    trainer.model.save_pretrained(adapter_dir)
    tokenizer.save_pretrained(adapter_dir)
    record = TrainedModel(
        adapter_dir=adapter_dir, base_model=cfg.model.base, base_path=str(base_path), method=t.method,
        data_fingerprint=prepared.fingerprint, seed=t.seed,
        train_examples={task: sum(1 for e in train_rows if e["task"] == task) for task in cfg.prepare.tasks},
        train_tokens=int(sum(lengths) * t.epochs), dropped_too_long=dropped,
        loss_history=[{k: v for k, v in h.items() if k in ("step", "epoch", "loss", "learning_rate")}
                      for h in trainer.state.log_history if "loss" in h],
        eval_loss=float(eval_loss), train_seconds=round(seconds, 1),
        versions={p: version(p) for p in ("torch", "transformers", "peft", "trl", "datasets", "accelerate")},
        config=cfg.resolved() | {"bf16": bf16},
    )
    record.save(out)
    return record


def _has_cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def _run_key(cfg: Config, prepared: PreparedData) -> str:
    payload = {"data": prepared.fingerprint, "model": cfg.model.base, "train": cfg.resolved()["train"]}
    payload["train"].pop("resume", None)
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _prepare_checkpoints(ckpt_dir: Path, run_key: str, resume: bool) -> bool:
    """True when a checkpoint of this very run exists; stale checkpoints of other inputs are cleared."""
    key_file = ckpt_dir / "run-key.txt"
    same = key_file.exists() and key_file.read_text() == run_key
    has_ckpt = same and any(ckpt_dir.glob("checkpoint-*"))
    if not (resume and has_ckpt):
        shutil.rmtree(ckpt_dir, ignore_errors=True)
        ckpt_dir.mkdir(parents=True)
        key_file.write_text(run_key)
    return resume and has_ckpt
