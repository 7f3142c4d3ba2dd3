"""The `cost:` section: what `savile cost` prices, with or without a project."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from savile.config.choices import DEFAULT_LORA_RANK, DEFAULT_MAX_TOKENS, HOURS_PER_MONTH, MAX_GPUS
from savile.config.section import Section


class CostTrainingSettings(Section):
    """`cost.training`: the fine-tuning run to price, and the GPU and memory choices that shape it."""

    epochs: float = Field(1.0, gt=0, description="Passes over the training tokens.")
    technique: Literal["lora", "qlora", "dora", "full", "all"] = Field(
        "all", description="Technique(s) to estimate; the fine-tune path uses this one, or LoRA when 'all'."
    )
    gpu: str | None = Field(
        None, description="GPU type that trains the fine-tune path; null picks the cheapest that fits."
    )
    gpus: int = Field(
        1,
        ge=1,
        le=MAX_GPUS,
        description="GPUs sharing the run with ZeRO-3 / FSDP full sharding (weights, gradients and optimiser states split among them); a run that fits none at this count gets more.",
    )
    mfu: float | None = Field(
        None,
        gt=0,
        le=1,
        description="One model FLOPs utilisation for every GPU, replacing the fitted curve (which depends on tokens per micro-batch and model size); null uses the curve, or the MFU a --measured run reached on its own GPU.",
    )
    qlora_slowdown: float | None = Field(
        None,
        ge=1,
        description="QLoRA time over LoRA time for the same step; null models NF4 dequantisation per weight and pass (larger for small steps).",
    )
    lora_rank: int = Field(
        DEFAULT_LORA_RANK,
        gt=0,
        description="LoRA rank r, adapters on every linear layer of the blocks (technique.lora.rank of a Savile run).",
    )
    seq_len: int = Field(
        DEFAULT_MAX_TOKENS,
        gt=0,
        description="Longest sequence in tokens (prepare.max_tokens of a Savile run): memory peaks on it; with packing every sequence has this length.",
    )
    micro_batch: int = Field(4, gt=0, description="Sequences per GPU per forward pass (per_device_train_batch_size).")
    packing: bool = Field(
        False,
        description="Pack examples into seq_len-token sequences; false computes each example at its own length (mean tokens), padding not counted.",
    )
    gradient_checkpointing: bool = Field(
        False,
        description="Recompute activations in the backward pass (less memory, +2NT FLOPs); GPUs the run fits only this way get it anyway.",
    )
    attention: Literal["sdpa", "eager"] = Field(
        "sdpa",
        description="'sdpa' (SDPA, FlashAttention) stores no attention-score matrix; 'eager' stores it (5·heads·s² bytes per sequence and layer).",
    )
    optimizer: Literal["adamw", "adamw_8bit", "paged_adamw_8bit"] = Field(
        "adamw",
        description="Optimiser state: AdamW's two fp32 moments (8 bytes per trained parameter) or 8-bit (2 bytes).",
    )


class CostUsageSettings(Section):
    """`cost.usage`: requests a month and the prompt sizes of the prompt-engineering path."""

    requests_per_month: int = Field(
        100_000, ge=0, description="Generations a month (descriptions, replies, extractions) on any path."
    )
    api_model: str = Field(
        "gpt-4.1",
        description="Hosted API model of the prompt-engineering and retrieval paths (a name in the price table).",
    )
    brand_guide_tokens: int = Field(2_000, ge=0, description="Tokens of the brand guide put in every prompt.")
    few_shot_examples: int = Field(5, ge=0, description="Worked examples put in every prompt-engineering prompt.")
    tokens_per_example: int = Field(300, ge=0, description="Tokens of one few-shot example (input and answer).")
    user_tokens: int = Field(
        150, ge=0, description="Tokens of the request itself (a catalogue row, a customer message)."
    )
    completion_tokens: int = Field(250, ge=0, description="Tokens generated per request.")


class CostRetrievalSettings(Section):
    """`cost.retrieval`: the retrieval path's corpus, passages per prompt and store."""

    catalogue_items: int = Field(100_000, ge=0, description="Passages embedded once (products, policy sections).")
    tokens_per_item: int = Field(200, ge=0, description="Tokens of one passage.")
    passages_per_query: int = Field(
        5, ge=0, description="Passages retrieved into each prompt (they replace the few-shot examples)."
    )
    embedding_model: str = Field("text-embedding-3-small", description="Embedding model (a name in the price table).")
    vector_store_per_month: float = Field(0.0, ge=0, description="Monthly cost of the vector store, US dollars.")


class CostHostingSettings(Section):
    """`cost.hosting`: the GPU and hours that serve the tuned model."""

    gpu: str | None = Field(
        None,
        description="GPU type serving the tuned model; null picks the cheapest that holds it in bf16 with a KV-cache margin.",
    )
    hours_per_month: float | None = Field(
        None,
        gt=0,
        description=f"Billed GPU hours a month; null is always on ({HOURS_PER_MONTH}), unless tokens_per_second is set.",
    )
    tokens_per_second: float | None = Field(
        None, gt=0, description="Measured serving throughput; billed hours = requests x completion tokens / this."
    )


class CostProjectSettings(Section):
    """`cost.project`: one-off people and data costs, retraining and the horizon."""

    people_cost: float = Field(
        0.0, ge=0, description="One-off cost of the people who run the fine-tune (engineering, evaluation), US dollars."
    )
    data_prep_cost: float = Field(
        0.0, ge=0, description="One-off cost of collecting, cleaning and reviewing the training data, US dollars."
    )
    retrain_every_months: int = Field(
        0, ge=0, description="Train again every this many months (catalogue changes); 0 never."
    )
    months: int = Field(24, gt=0, le=120, description="Horizon of the cumulative comparison, months.")


class CostSettings(Section):
    """The `cost:` section: what `savile cost` estimates, one sub-section per input."""

    training: CostTrainingSettings = Field(default_factory=CostTrainingSettings, description="Training run settings.")
    usage: CostUsageSettings = Field(default_factory=CostUsageSettings, description="Request volume and prompt sizes.")
    retrieval: CostRetrievalSettings = Field(
        default_factory=CostRetrievalSettings, description="Retrieval path settings."
    )
    hosting: CostHostingSettings = Field(
        default_factory=CostHostingSettings, description="Self-hosting of the tuned model."
    )
    project: CostProjectSettings = Field(
        default_factory=CostProjectSettings, description="One-off project costs and the horizon."
    )
