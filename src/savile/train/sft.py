"""`savile train`: supervised fine-tuning by the configured technique with PEFT and the transformers Trainer.

    trained = savile.train.run(cfg, PreparedData.load(cfg.stage_dir("prepare")))

`technique.method` picks what trains (train/methods.py): LoRA, QLoRA, DoRA or every weight. Loss on
assistant tokens only, their logits alone computed, batches padded on the right without an attention
mask (train/batches.py), bf16 autocast where the hardware runs it faster with a LoRA method's frozen
base held in bf16 (train/methods.py), a plan with a timed step printed first (train/plan.py), a checkpoint
every `train.save_steps` steps with the loss on fixed samples of the training and validation
splits, early stopping on validation loss (`train.patience`), the checkpoint with the lowest
validation loss kept as the adapter, and resume from the
latest complete checkpoint when the inputs are unchanged (train/checkpoints.py). Canary sentences
(`train.canaries`) are mixed into the training data so `savile evaluate` can measure memorisation.
For lora+rag each prompt carries the passages retrieval would give it at inference (train/raft.py).
Every generator is seeded from `train.seed` before the model is built, so one machine rebuilds the
same weights bit for bit (train/reproducibility.py); the artefact is swapped in whole (savile.atomic).
Launched by `torchrun` or `accelerate launch`, it trains data-parallel, only the first process
writing the stage's files (train/data_parallel.py).

The transformers `Trainer` rather than TRL's `SFTTrainer`: on the demo data TRL 1.16 at its defaults
trained at 145 tokens/s against this stage's 370 on a 2-core AMD EPYC (benchmarks/train_throughput.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import time
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transformers import EarlyStoppingCallback, TrainerCallback

from savile import atomic
from savile.config import RETRIEVAL_METHODS, Config
from savile.records import PreparedData, TrainedModel, withdraw
from savile.train.canaries import Canary, canary_examples, make_canaries
from savile.train.data import encode_all, sample_per_task
from savile.train.data_parallel import (
    RANKS_DIR,
    ShardRecord,
    checkpoint_to_resume,
    first_process_value,
    wait_for_everyone,
)
from savile.train.hardware import cpu_peak_flops, use_bf16
from savile.train.order import training_order
from savile.train.raft import retrieval_view
from savile.train.reproducibility import environment, seeded

if TYPE_CHECKING:
    from savile.train.batches import AnswerLossTrainer

__all__ = ["run", "run_key"]

# What memorisation probes may ask about: the examples actually trained on, beside the artefact.
TRAINED_IDS = "trained_ids.json"


def run(cfg: Config, prepared: PreparedData) -> TrainedModel:
    """Train `cfg.technique` on the prepared training split; return the record of the saved artefact."""
    from transformers import AutoTokenizer

    from savile.models import resolve_model
    from savile.train.methods import require_training

    t = cfg.train
    require_training(cfg.technique)
    base_path = resolve_model(cfg.model.base, cfg.model.cache_dir)
    tokenizer = AutoTokenizer.from_pretrained(base_path)
    encoded = _encode(cfg, prepared, tokenizer)
    out = cfg.stage_dir("train")
    bf16 = first_process_value(use_bf16(t.precision))
    args = _training_args(cfg, out, bf16)  # under torchrun, every process has joined the process group here
    # Length-grouped batches, each canary's copies in as many optimiser steps as it has copies; read in
    # order, one step's rows split between the processes (train/data_parallel.py).
    train_rows = training_order(
        encoded.real_rows, encoded.canary_copies, t.batch_size * t.grad_accum * args.world_size, t.seed
    )
    if not train_rows:
        from savile.errors import DataError

        raise DataError(f"no training example fits prepare.max_tokens={cfg.prepare.max_tokens} tokens; raise it.")
    resume = checkpoint_to_resume(args, out / "checkpoints", run_key(cfg, prepared), t.resume)
    fitted = _fit(cfg, _Start(base_path, bf16, resume), tokenizer, args, encoded, train_rows)
    record = _record(cfg, prepared, encoded, fitted, train_rows)
    _write_outputs(fitted.trainer, tokenizer, out, record, encoded.trained)
    wait_for_everyone(args)  # no process returns before the artefact and its manifest are in place
    return record


@dataclasses.dataclass(frozen=True)
class _Encoded:
    """The tokenised inputs of a run: the rows it trains on and the fixed samples its loss is measured on."""

    picked: list[dict]  # the sampled training examples, before the length limit
    trained: list[dict]  # those that fit prepare.max_tokens
    dropped: int  # how many did not
    real_rows: list[dict]  # `trained`, tokenised
    canaries: list[Canary]
    canary_copies: list[list[dict]]  # per canary, its tokenised copies
    eval_rows: list[dict]  # a fixed validation sample (never the test split)
    train_probe: list[dict]  # a training sample of the same size


def _encode(cfg: Config, prepared: PreparedData, tokenizer) -> _Encoded:
    """Sample, plant canaries and tokenise: everything the Trainer is given, in the base model's chat template."""
    t, max_tokens = cfg.train, cfg.prepare.max_tokens
    picked = sample_per_task(prepared.examples("train"), t.max_examples_per_task, t.seed)
    shown = retrieval_view(cfg, prepared)  # lora+rag: the passages inference retrieves, in the prompt (RAFT)
    canaries = make_canaries(seed=t.seed) if t.canaries else []
    real_rows, trained, dropped = encode_all(picked, tokenizer, max_tokens, shown)
    planted = canary_examples(canaries)
    copies = [
        encode_all([e for e in planted if e["meta"]["canary"] == k], tokenizer, max_tokens)[0]
        for k in range(len(canaries))
    ]
    per_split = max(1, t.loss_items // len(cfg.prepare.tasks))
    held = sample_per_task(prepared.examples("validation"), per_split, t.seed)  # never the test split
    eval_rows, _, _ = encode_all(held, tokenizer, max_tokens, shown)
    train_probe, _, _ = encode_all(sample_per_task(picked, per_split, t.seed + 1), tokenizer, max_tokens, shown)
    return _Encoded(picked, trained, dropped, real_rows, canaries, copies, eval_rows, train_probe)


def _callbacks(cfg: Config, args, train_rows: list[dict]) -> list[TrainerCallback]:
    """Evaluate the last step, stop early on validation loss, and record each process's shard."""
    callbacks: list[TrainerCallback] = [_EvaluateLastStep()]
    if cfg.train.patience:
        callbacks.append(
            _ValidationEarlyStopping(early_stopping_patience=cfg.train.patience, early_stopping_threshold=1e-3)
        )
    if args.world_size > 1:
        callbacks.append(ShardRecord([r["id"] for r in train_rows], cfg.stage_dir("train") / RANKS_DIR))
    return callbacks


@dataclasses.dataclass(frozen=True)
class _Start:
    """Where training starts from: the base model's folder, the precision, the checkpoint resumed (if any)."""

    base_path: Path
    bf16: bool
    resume: Path | None


@dataclasses.dataclass(frozen=True)
class _Fitted:
    """A finished training: the trainer (its state and model), how it started, its seconds and environment."""

    trainer: AnswerLossTrainer
    start: _Start
    seconds: float
    reproducibility: dict[str, Any]


def _fit(cfg: Config, begin: _Start, tokenizer, args, encoded: _Encoded, train_rows: list[dict]) -> _Fitted:
    """Build the model under the run's seed, show the plan, train from `begin.resume` or from scratch."""
    import datasets

    from savile.train.batches import AnswerLossTrainer, PackedCollator, PaddedCollator
    from savile.train.methods import trainable_model
    from savile.train.plan import TrainingPlan

    t, bf16 = cfg.train, begin.bf16
    callbacks = _callbacks(cfg, args, train_rows)
    started = time.perf_counter()
    with seeded(t.seed, t.deterministic):  # before the model is built: the adapter's initialisation is seeded too
        model = trainable_model(begin.base_path, cfg.technique, bf16)
        collator = PackedCollator() if t.packing else PaddedCollator(tokenizer.pad_token_id)
        if args.process_index == 0:
            n_measured = len(encoded.eval_rows) + len(encoded.train_probe)
            TrainingPlan.measure(model, collator, train_rows, cfg, bf16, n_measured, args.world_size).show()
        trainer = AnswerLossTrainer(
            model=model,
            args=args,
            data_collator=collator,
            train_dataset=datasets.Dataset.from_list(train_rows),
            eval_dataset={
                "val": datasets.Dataset.from_list(encoded.eval_rows),
                "train": datasets.Dataset.from_list(encoded.train_probe),
            },
            callbacks=callbacks,
        )
        trainer.train(resume_from_checkpoint=str(begin.resume) if begin.resume else None)
        reproducibility = environment(cfg, bf16)
    return _Fitted(trainer, begin, time.perf_counter() - started, reproducibility)


def _record(
    cfg: Config, prepared: PreparedData, encoded: _Encoded, fitted: _Fitted, train_rows: list[dict]
) -> TrainedModel:
    """The run's record: the artefact, what it was trained on, its loss curves and the settings that made it."""
    from savile.train.methods import artefact_name

    trainer, begin = fitted.trainer, fitted.start
    out, method, state = cfg.stage_dir("train"), cfg.technique.method, trainer.state
    curves = _loss_curves(state.log_history)
    best = min(curves, key=lambda c: c["val_loss"]) if curves else None
    eval_loss = best["val_loss"] if best else trainer.evaluate()["eval_val_loss"]
    train_tasks = [e["task"] for e in encoded.trained]
    return TrainedModel(
        adapter_dir=out / artefact_name(method),
        base_model=cfg.model.base,
        base_path=str(begin.base_path),
        method=method,
        data_fingerprint=prepared.fingerprint,
        seed=cfg.train.seed,
        train_examples={task: train_tasks.count(task) for task in cfg.prepare.tasks},
        train_tokens=int(sum(len(r["input_ids"]) for r in train_rows) * state.epoch),
        dropped_too_long=encoded.dropped,
        loss_history=[
            {k: v for k, v in h.items() if k in ("step", "epoch", "loss", "learning_rate")}
            for h in state.log_history
            if "loss" in h
        ],
        eval_loss=float(eval_loss),
        train_seconds=round(fitted.seconds, 1),
        resumed_from=begin.resume.name if begin.resume else "",
        versions=_versions(method),
        loss_curves=curves,
        best_step=int(best["step"]) if best else state.global_step,
        canaries=[dataclasses.asdict(c) for c in encoded.canaries],
        trained_ids_path=out / TRAINED_IDS,
        task_prompts=_task_prompts(encoded.picked),
        config=cfg.resolved() | _run_facts(cfg, prepared, begin.bf16, trainer.args.world_size),
        reproducibility=fitted.reproducibility,
    )


def _run_facts(cfg: Config, prepared: PreparedData, bf16: bool, processes: int) -> dict:
    """What the run resolved beyond the config: precision (of autocast and of the frozen base), device,
    learning rate, run key, processes."""
    from savile.train.methods import frozen_bf16

    return {
        "bf16": bf16,
        "frozen_base": "bf16" if frozen_bf16(cfg.technique.method, bf16) else "fp32",
        "device": _device_name(),
        "cpu_peak_flops": _cpu_peaks(),
        "learning_rate": cfg.learning_rate(),
        "run_key": run_key(cfg, prepared),
        "processes": processes,
    }


def _write_outputs(trainer: AnswerLossTrainer, tokenizer, out: Path, record: TrainedModel, trained: list[dict]) -> None:
    """The first process saves the artefact, the ids of the examples trained on and the manifest."""
    # Under FSDP each process holds a shard, and gathering the whole state is a collective that every
    # process joins (as the Trainer's own save_model does); under DDP each holds the whole model.
    state_dict = trainer.accelerator.get_state_dict(trainer.model) if trainer.is_fsdp_enabled else None
    if trainer.is_world_process_zero():
        _save_artefact(trainer.accelerator.unwrap_model(trainer.model), tokenizer, out, record.method, state_dict)
        atomic.write_text(out / TRAINED_IDS, json.dumps([e["id"] for e in trained]))
        record.save(out)


def _training_args(cfg: Config, out: Path, bf16: bool):
    from transformers import TrainingArguments

    t = cfg.train
    if "tensorboard" in t.report_to:  # transformers 5 takes the folder from the environment alone
        os.environ["TENSORBOARD_LOGGING_DIR"] = str(out / "logs")
    return TrainingArguments(
        output_dir=str(out / "checkpoints"),
        num_train_epochs=t.epochs,
        learning_rate=cfg.learning_rate(),
        per_device_train_batch_size=t.batch_size,
        per_device_eval_batch_size=t.batch_size,
        gradient_accumulation_steps=t.grad_accum,
        lr_scheduler_type="cosine",
        warmup_steps=0.05,
        logging_steps=t.logging_steps,
        save_steps=t.save_steps,
        save_total_limit=2,
        bf16=bf16,
        seed=t.seed,
        data_seed=t.seed,
        report_to=t.report_to or "none",
        dataloader_num_workers=0,
        prediction_loss_only=True,
        # Train and validation loss on fixed samples at every checkpoint; the best on validation is kept.
        eval_strategy="steps",
        eval_steps=t.save_steps,
        load_best_model_at_end=True,
        metric_for_best_model="eval_val_loss",
        greater_is_better=False,
        train_sampling_strategy="sequential",  # train.order grouped the batches by length and spread the canaries
        # Every trainable weight takes part in each step, so DDP need not search the graph for unused ones.
        ddp_find_unused_parameters=False,
        restore_callback_states_from_checkpoint=True,  # early stopping's count survives a resume
        use_cpu=not _has_cuda(),
    )


def _save_artefact(model, tokenizer, out: Path, method: str, state_dict: dict | None = None) -> Path:
    """Swap the trained artefact into place whole, the manifest withdrawn first.

    A run killed while saving leaves the previous artefact or none, and no manifest: the next stage
    refuses with "run `savile train` first", and a rerun resumes from the last checkpoint.
    """
    from savile.train.methods import artefact_name

    withdraw(out)
    for other in ("adapter", "model"):  # an artefact of another method must not linger beside this one
        if other != artefact_name(method):
            shutil.rmtree(out / other, ignore_errors=True)
    atomic.remove_strays(out)
    with atomic.folder(out / artefact_name(method)) as tmp:
        model.save_pretrained(tmp, state_dict=state_dict)  # None: the model's own
        tokenizer.save_pretrained(tmp)
    return out / artefact_name(method)


def _task_prompts(examples: list[dict]) -> dict[str, str]:
    """The system prompt each task was trained with, so `savile serve` can apply it for a client."""
    prompts: dict[str, str] = {}
    for ex in examples:
        first = ex["messages"][0]
        if first["role"] == "system":
            prompts.setdefault(ex["task"], first["content"])
    return prompts


class _ValidationEarlyStopping(EarlyStoppingCallback):
    """Stop when validation loss has not dropped by 0.001 nats (float noise is not progress) in
    `patience` measurements. Each measurement evaluates two sets, validation and a training sample:
    only the validation call counts, and the count is saved in every checkpoint for a resume."""

    def on_evaluate(self, args, state, control, metrics, **kwargs):
        if args.metric_for_best_model in metrics:
            super().on_evaluate(args, state, control, metrics, **kwargs)


class _EvaluateLastStep(TrainerCallback):
    """Measure and checkpoint the last step too, so the final weights can be the ones kept."""

    def on_step_end(self, args, state, control, **kwargs):
        if state.global_step == state.max_steps:
            control.should_evaluate = control.should_save = True
        return control


def _loss_curves(history: list[dict]) -> list[dict[str, float]]:
    """{"step", "train_loss", "val_loss"} per evaluation: the same-size fixed samples of each split."""
    by_step: dict[int, dict[str, float]] = {}
    for h in history:
        for split in ("train", "val"):
            if f"eval_{split}_loss" in h:
                by_step.setdefault(h["step"], {"step": h["step"]})[f"{split}_loss"] = h[f"eval_{split}_loss"]
    return [c for _, c in sorted(by_step.items()) if "train_loss" in c and "val_loss" in c]


def _cpu_peaks() -> dict[str, float]:
    """Matmul rates of this CPU, measured now, under the load the run itself saw (cost estimates use them)."""
    return {} if _has_cuda() else {p: cpu_peak_flops(p) for p in ("fp32", "bf16")}


def _device_name() -> str:
    """'cpu' or the CUDA device's name: cost estimates use it to match a measured speed to hardware."""
    import torch

    return torch.cuda.get_device_name() if torch.cuda.is_available() else "cpu"


def _has_cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def _versions(method: str) -> dict[str, str]:
    packages = ("torch", "transformers", "peft", "datasets", "accelerate") + (
        ("bitsandbytes",) if method == "qlora" else ()
    )
    return {p: version(p) for p in packages}


def run_key(cfg: Config, prepared: PreparedData) -> str:
    """What a trained artefact depends on: the data, the base model, the technique and the train settings."""
    resolved = cfg.resolved()
    payload = {
        "data": prepared.fingerprint,
        "model": cfg.model.base,
        "train": resolved["train"],
        "technique": resolved["technique"],
        "prepare": resolved["prepare"]["max_tokens"],
    }
    for key in ("resume", "report_to"):  # neither shapes the weights
        payload["train"].pop(key, None)
    if cfg.technique.method in RETRIEVAL_METHODS:  # its training prompts carry rag_k passages (train/raft.py)
        payload["rag_k"] = cfg.evaluate.rag_k
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
