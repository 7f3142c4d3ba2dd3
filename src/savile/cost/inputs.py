"""What an estimate needs besides the model: the settings schema and the training token count.

    inputs = cost_inputs(["training.epochs=3", "usage.requests_per_month=250000"])
    tokens = training_tokens(prepared=Path("runs/prepare"))          # the prepared train split
    tokens = training_tokens(examples=100_000, mean_tokens=300)      # or a count by hand

Defaults live in `CostInputs` and only there; the CLI's options and `--set key.path=value` are
dotted overrides of it, validated all at once like the project config.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from savile.errors import ConfigError, SavileError

__all__ = ["CostInputs", "TrainingSettings", "UsageSettings", "RetrievalSettings", "HostingSettings",
           "ProjectSettings", "cost_inputs", "TrainingTokens", "training_tokens", "default_model", "HOURS_PER_MONTH"]

HOURS_PER_MONTH = 730  # 24 x 365 / 12


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TrainingSettings(_Section):
    epochs: float = Field(1.0, gt=0, description="Passes over the training tokens.")
    technique: Literal["lora", "qlora", "dora", "full", "all"] = Field("all", description="Technique(s) to estimate; the fine-tune path uses this one, or LoRA when 'all'.")
    gpu: str | None = Field(None, description="GPU type that trains the fine-tune path; null picks the cheapest that fits.")
    gpus: int = Field(1, ge=1, le=64, description="GPUs sharing the run with ZeRO-3 / FSDP full sharding (weights, gradients and optimiser states split among them); a run that fits none at this count gets more.")
    mfu: float | None = Field(None, gt=0, le=1, description="One model FLOPs utilisation for every GPU, replacing the fitted curve (which depends on tokens per micro-batch and model size); null uses the curve, or the MFU a --measured run reached on its own GPU.")
    qlora_slowdown: float | None = Field(None, ge=1, description="QLoRA time over LoRA time for the same step; null models NF4 dequantisation per weight and pass (larger for small steps).")
    lora_rank: int = Field(16, gt=0, description="LoRA rank r, adapters on every linear layer of the blocks.")
    seq_len: int = Field(512, gt=0, description="Longest sequence in tokens (Savile's train.max_length): memory peaks on it; with packing every sequence has this length.")
    micro_batch: int = Field(4, gt=0, description="Sequences per GPU per forward pass (per_device_train_batch_size).")
    packing: bool = Field(False, description="Pack examples into seq_len-token sequences; false computes each example at its own length (mean tokens), padding not counted.")
    gradient_checkpointing: bool = Field(False, description="Recompute activations in the backward pass (less memory, +2NT FLOPs); GPUs the run fits only this way get it anyway.")
    attention: Literal["sdpa", "eager"] = Field("sdpa", description="'sdpa' (SDPA, FlashAttention) stores no attention-score matrix; 'eager' stores it (5·heads·s² bytes per sequence and layer).")
    optimizer: Literal["adamw", "adamw_8bit", "paged_adamw_8bit"] = Field("adamw", description="Optimiser state: AdamW's two fp32 moments (8 bytes per trained parameter) or 8-bit (2 bytes).")


class UsageSettings(_Section):
    requests_per_month: int = Field(100_000, ge=0, description="Generations a month (descriptions, replies, extractions) on any path.")
    api_model: str = Field("gpt-4.1", description="Hosted API model of the prompt-engineering and retrieval paths (a name in the price table).")
    brand_guide_tokens: int = Field(2_000, ge=0, description="Tokens of the brand guide put in every prompt.")
    few_shot_examples: int = Field(5, ge=0, description="Worked examples put in every prompt-engineering prompt.")
    tokens_per_example: int = Field(300, ge=0, description="Tokens of one few-shot example (input and answer).")
    user_tokens: int = Field(150, ge=0, description="Tokens of the request itself (a catalogue row, a customer message).")
    completion_tokens: int = Field(250, ge=0, description="Tokens generated per request.")


class RetrievalSettings(_Section):
    catalogue_items: int = Field(100_000, ge=0, description="Passages embedded once (products, policy paragraphs).")
    tokens_per_item: int = Field(200, ge=0, description="Tokens of one passage.")
    passages_per_query: int = Field(5, ge=0, description="Passages retrieved into each prompt (they replace the few-shot examples).")
    embedding_model: str = Field("text-embedding-3-small", description="Embedding model (a name in the price table).")
    vector_store_per_month: float = Field(0.0, ge=0, description="Monthly cost of the vector store, US dollars.")


class HostingSettings(_Section):
    gpu: str | None = Field(None, description="GPU type serving the tuned model; null picks the cheapest that holds it in bf16 with a KV-cache margin.")
    hours_per_month: float | None = Field(None, gt=0, description="Billed GPU hours a month; null is always on (730), unless tokens_per_second is set.")
    tokens_per_second: float | None = Field(None, gt=0, description="Measured serving throughput; billed hours = requests x completion tokens / this.")


class ProjectSettings(_Section):
    people_cost: float = Field(0.0, ge=0, description="One-off cost of the people who run the fine-tune (engineering, evaluation), US dollars.")
    data_prep_cost: float = Field(0.0, ge=0, description="One-off cost of collecting, cleaning and reviewing the training data, US dollars.")
    retrain_every_months: int = Field(0, ge=0, description="Train again every this many months (catalogue changes); 0 never.")
    months: int = Field(24, gt=0, le=120, description="Horizon of the cumulative comparison, months.")


class CostInputs(_Section):
    training: TrainingSettings = Field(default_factory=TrainingSettings, description="Training run settings.")
    usage: UsageSettings = Field(default_factory=UsageSettings, description="Request volume and prompt sizes.")
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description="Retrieval path settings.")
    hosting: HostingSettings = Field(default_factory=HostingSettings, description="Self-hosting of the tuned model.")
    project: ProjectSettings = Field(default_factory=ProjectSettings, description="One-off project costs and the horizon.")


def cost_inputs(overrides: list[str] | None = None, values: dict[str, Any] | None = None) -> CostInputs:
    """CostInputs from dotted overrides ('usage.requests_per_month=250000', values parsed as YAML) and
    already-typed dotted `values` ({'usage.api_model': 'gpt-4.1'}); every problem in one ConfigError."""
    data: dict[str, Any] = {}
    problems = []
    for key, value in (values or {}).items():
        section, _, leaf = key.partition(".")
        data.setdefault(section, {})[leaf] = value
    for item in overrides or []:
        key, sep, raw = item.partition("=")
        if not sep or not key or "." not in key:
            problems.append(f"setting {item!r}: expected section.key=value, e.g. usage.requests_per_month=250000.")
            continue
        section, _, leaf = key.partition(".")
        data.setdefault(section, {})[leaf] = yaml.safe_load(raw) if raw else None
    try:
        inputs = CostInputs.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(problems + [_describe(err) for err in exc.errors()]) from None
    if problems:
        raise ConfigError(problems)
    return inputs


def _describe(err: dict) -> str:
    where = ".".join(str(p) for p in err["loc"])
    if err["type"] == "extra_forbidden":
        return f"{where}: unknown cost setting; fix its spelling (see `savile cost --help` and savile.cost.CostInputs)."
    return f"{where}: {err['msg'][0].lower()}{err['msg'][1:]}, got {err.get('input')!r}."


@dataclass(frozen=True)
class TrainingTokens:
    """Tokens in one epoch of training data, and where the count came from."""

    per_epoch: int
    examples: int
    source: str

    @property
    def mean_tokens(self) -> float:
        return self.per_epoch / self.examples if self.examples else 0.0

    def to_dict(self) -> dict:
        return asdict(self) | {"mean_tokens": self.mean_tokens}


def training_tokens(prepared: Path | None = None, examples: int | None = None, mean_tokens: float | None = None) -> TrainingTokens:
    """Tokens of the train split of a prepared dataset, or examples x mean tokens."""
    if prepared is not None and (examples is not None or mean_tokens is not None):
        raise SavileError("give either --prepared DIR or --examples N --mean-tokens M, not both.")
    if prepared is not None:
        manifest = _prepare_manifest(prepared)
        per_epoch = sum(splits.get("train", 0) for splits in manifest["tokens"].values())
        count = sum(splits.get("train", 0) for splits in manifest.get("counts", {}).values())
        if per_epoch <= 0:
            raise SavileError(f"{prepared}: the prepared train split holds {per_epoch} tokens; run `savile prepare` on data with training examples.")
        return TrainingTokens(per_epoch, count, f"train split of {prepared}")
    if examples is None or mean_tokens is None:
        raise SavileError(f"training tokens unknown (examples={examples}, mean tokens={mean_tokens}): "
                          "pass --prepared DIR, or both --examples N and --mean-tokens M.")
    if examples <= 0 or mean_tokens <= 0:
        raise SavileError(f"--examples {examples} --mean-tokens {mean_tokens}: both must be > 0.")
    return TrainingTokens(round(examples * mean_tokens), examples, f"{examples:,} examples x {mean_tokens:g} tokens")


def default_model(prepared: Path | None = None) -> str:
    """The base model a prepared dataset was made for (its config's model.base), else Savile's default."""
    from savile.config import ModelSettings

    default = ModelSettings().base
    if prepared is None:
        return default
    return _prepare_manifest(prepared).get("config", {}).get("model", {}).get("base", default)


def _prepare_manifest(folder: Path) -> dict:
    """The prepare stage's manifest.json, read for the few keys the cost model needs (tokens, counts,
    config), so the estimate keeps working on folders written by older or newer versions of Savile."""
    path = folder / "manifest.json"
    if not path.exists():
        raise SavileError(f"{path} not found: point --prepared at a prepare-stage folder (runs/prepare) of `savile prepare`.")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("stage") != "prepare" or not isinstance(manifest.get("tokens"), dict):
        raise SavileError(f"{path} is not a prepare manifest with token counts (stage {manifest.get('stage')!r}); "
                          "point --prepared at runs/prepare, rerunning `savile prepare` if it predates token counts.")
    return manifest
