"""The sections of `savile train`: the base model, the adaptation technique and the training run."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator

from savile.config.choices import DEFAULT_LORA_RANK, TASKS, Method
from savile.config.section import Section


class ModelSettings(Section):
    """`model`: the base model and where materialised models are cached."""

    base: str = Field(
        "smollm2-135m-instruct", description="Embedded model name, local HF directory, .gguf file or hub id."
    )
    cache_dir: Path | None = Field(
        None, description="Where materialised models are kept; default $SAVILE_CACHE or ~/.cache/savile."
    )


class LoraSettings(Section):
    """`technique.lora`: rank, scale, dropout and target modules of the low-rank update."""

    rank: int = Field(DEFAULT_LORA_RANK, gt=0, description="Rank r of the update B @ A (lora, qlora, dora, lora+rag).")
    alpha: int | None = Field(
        None,
        gt=0,
        description="The update is scaled by alpha / rank; null is 2 x rank, so the scale and the default learning rate suit any rank.",
    )
    # 0 by default: on CPU the dropout mask over every adapted input cost a third of the step time.
    dropout: float = Field(0.0, ge=0, lt=1, description="Dropout on the LoRA input.")
    target_modules: str | list[str] = Field(
        "all-linear", description="Modules that get adapters; 'all-linear' is every linear layer but the head."
    )

    @property
    def scale_alpha(self) -> int:
        """alpha, or 2 x rank when alpha is null."""
        return self.alpha if self.alpha is not None else 2 * self.rank


class QloraSettings(Section):
    """`technique.qlora`: the 4-bit quantisation of the frozen base."""

    quant_type: Literal["nf4", "fp4"] = Field(
        "nf4", description="4-bit data type of the frozen base weights (bitsandbytes); NF4 as in Dettmers et al. 2023."
    )
    double_quant: bool = Field(
        True, description="Quantise the quantisation constants too (about 0.4 bits per weight saved)."
    )


class RaftSettings(Section):
    """`technique.raft`: how lora+rag mixes relevant and distractor passages in training."""

    # RAFT (Zhang et al. 2024) keeps the relevant document in a share P of the training prompts;
    # the best P depended on the dataset there (from 40% to 100%), so it is a setting.
    gold_share: float = Field(
        0.8,
        ge=0,
        le=1,
        description="lora+rag: share of training examples (RAFT's P) whose passages are those retrieved for them (the asked policy guaranteed) with one swapped for a random distractor; the others get distractors only, so the model learns to read a passage that applies and to answer without one.",
    )


class TechniqueSettings(Section):
    """`technique`: how the base model is adapted, with each method's own settings."""

    method: Method = Field(
        "lora",
        description="How the base model is adapted: prompt (brand guide in the system prompt), few-shot (plus k retrieved training examples), rag (plus k passages retrieved from the task's sources: policies for support, the catalogue for describe and extract), lora, qlora (LoRA over a 4-bit NF4 base, bitsandbytes; runs on CPU too), dora (weight-decomposed LoRA), full (every weight), lora+rag (LoRA trained and run with k retrieved passages in the prompt, RAFT). The first three train nothing.",
    )
    lora: LoraSettings = Field(default_factory=LoraSettings, description="Low-rank adapter settings.")
    qlora: QloraSettings = Field(default_factory=QloraSettings, description="Quantisation of the base for qlora.")
    raft: RaftSettings = Field(
        default_factory=RaftSettings,
        description="Retrieval-augmented training for lora+rag: training prompts carry evaluate.rag_k passages, as at inference.",
    )


class TrainSettings(Section):
    """`train`: epochs, early stopping, batches, precision, checkpoints, canaries and seed."""

    epochs: float = Field(
        3.0,
        gt=0,
        description="Most passes over the training examples; early stopping (`patience`) usually ends training sooner.",
    )
    patience: int | None = Field(
        3,
        gt=0,
        description="Stop after this many loss measurements (every `save_steps`) without a lower validation loss; the best checkpoint is kept either way. null trains every epoch.",
    )
    packing: bool = Field(
        False,
        description="Lay each step's examples end to end in one row (positions restart per example, a block-diagonal mask, no padding) instead of padding them to the longest. Off by default: with the sdpa attention transformers picks, the mask is dense, so a packed row of 8 examples computes about 8x the attention of 8 padded ones, more than the padding it saves on short brand examples (benchmarks/train_throughput.py); it pays with a kernel that skips masked blocks, such as FlashAttention-2 on a GPU.",
    )
    report_to: list[str] = Field(
        [],
        description="Experiment trackers the transformers Trainer logs to (tensorboard, mlflow, wandb, ...) where installed; logs go to runs/train/logs. Empty logs nowhere.",
    )
    learning_rate: float | None = Field(
        None,
        gt=0,
        description="Peak learning rate (cosine decay, 5% warm-up); null takes the method's default: 2e-4 for lora, qlora, dora and lora+rag, 2e-5 for full.",
    )
    batch_size: int = Field(
        8,
        gt=0,
        description="Examples per step on each process; an optimiser update reads batch_size x grad_accum x processes (under torchrun or accelerate launch).",
    )
    grad_accum: int = Field(1, gt=0, description="Steps accumulated per optimiser update.")
    max_examples_per_task: int | dict[str, int] | None = Field(
        None,
        description="Cap on training examples per task (a seeded sample): one number for every task, or a mapping such as {support: 300} (a task it does not name is not capped); null uses all.",
    )

    @field_validator("max_examples_per_task", mode="before")
    @classmethod
    def _one_cap_or_one_per_task(cls, value: Any) -> Any:
        """One positive cap, or a mapping of task name to positive cap; one error line either way."""
        caps = value if isinstance(value, dict) else {"": value}
        if value is None:
            return None
        for task, cap in caps.items():
            if task and task not in TASKS:
                raise ValueError(f"unknown task {task!r}; the tasks are {', '.join(TASKS)}")
            if isinstance(cap, bool) or not isinstance(cap, int) or cap <= 0:
                raise ValueError("give a positive whole number, or one per task such as {support: 300}")
        return value

    precision: Literal["auto", "bf16", "fp32"] = Field(
        "auto",
        description="'auto' uses bf16 autocast on a GPU that has it, or on a CPU where a timed matmul finds it faster.",
    )
    save_steps: int = Field(
        50,
        gt=0,
        description="Checkpoint and measure train and validation loss every this many optimiser steps; the checkpoint with the lowest validation loss is the one kept.",
    )
    loss_items: int = Field(
        24,
        gt=0,
        description="Held-out examples (and as many training examples) whose loss is measured at each checkpoint.",
    )
    canaries: bool = Field(
        True,
        description="Plant random canary sentences in the training data (one each at 1, 4 and 16 repetitions) so `savile evaluate` can measure memorisation (exposure, Carlini et al. 2019).",
    )
    logging_steps: int = Field(5, gt=0, description="Record the training loss every this many steps.")
    resume: bool = Field(
        True, description="Resume from the latest checkpoint of an interrupted run with the same inputs."
    )
    seed: int = Field(
        0,
        description="Seed of everything that shapes the trained weights: the example sample, shuffling, canaries, adapter initialisation, batch order and dropout. Same inputs and seed on one machine give bitwise the same weights.",
    )
    deterministic: bool = Field(
        True,
        description="Make torch use deterministic kernels only (and cuDNN without autotuning) while training; on a GPU this can cost speed, false trades bitwise repeatability for it.",
    )
