"""How long a micro-batch takes on a GPU: utilisation that depends on the work, fitted to published runs.

    step = microbatch_time("lora", size, tokens=300, peak_flops=989e12, adapter=4e7)
    step.seconds, step.mfu, step.qlora_factor
    modelled_mfu(size, tokens=300, peak_flops=989e12)      # the MFU curve on its own

One MFU for every run (the old 0.35) is wrong at both ends: brand data is short examples in small,
unpacked micro-batches, where a GPU spends much of each step launching kernels rather than doing
arithmetic, so a 7B LoRA step of one 110-token example reaches about 7% of the A100's peak; long
packed batches of pre-training reach 45-65% (llm-foundry's tables). The model is the simplest one
that has both ends, a fixed cost plus a rate, per micro-batch on one GPU:

    seconds = OVERHEAD_PER_LAYER_S x layers                  (kernel launches, Python, optimizer hooks)
            + FLOPs / (peak x MFU_CEILING)                   (the arithmetic at the best sustained rate)
            + passes x quantised weights x DEQUANT_FLOPS_PER_WEIGHT / peak    (QLoRA only)

so MFU = FLOPs / (peak x seconds) rises with tokens per micro-batch (micro-batch x sequence length,
padding included: padded tokens are computed too) and with model size, and falls on faster GPUs
where the fixed cost weighs more. QLoRA dequantises every NF4 weight to bf16 before each matmul,
once per pass (forward, backward, and the recomputed forward under gradient checkpointing): a cost
per weight, not per token, so its slowdown is large for small steps (2.5x for Qwen-7B at 8 x 256
tokens) and small for large ones (1.35x at 8 x 2048), as published. The dequantisation is memory
traffic, not arithmetic; scaling it with the peak is a proxy for faster memory on faster GPUs.

The three constants are a weighted least-squares fit (relative error) of that linear form to the
published runs in `benchmarks/cost_vs_published.py`, which prints the fit, its leave-one-out
errors and every ratio. `training.mfu` (`--mfu`) replaces the curve by one fixed MFU with no
overhead term; `training.qlora_slowdown` replaces the dequantisation term by a fixed factor.
"""

from __future__ import annotations

from dataclasses import dataclass

from savile.config import DEFAULT_LORA_RANK
from savile.cost.flops import dora_flops, training_flops
from savile.cost.shape import ModelSize

__all__ = [
    "MFU_CEILING",
    "OVERHEAD_PER_LAYER_S",
    "DEQUANT_FLOPS_PER_WEIGHT",
    "StepTime",
    "microbatch_time",
    "modelled_mfu",
    "quantised_weights",
    "passes",
]

# Fitted by benchmarks/cost_vs_published.py (its `fit` reproduces them; tests check that it still does).
MFU_CEILING = 0.555
OVERHEAD_PER_LAYER_S = 0.00368
DEQUANT_FLOPS_PER_WEIGHT = 2640.0


@dataclass(frozen=True)
class StepTime:
    """One micro-batch on one GPU: its seconds, the parts they come from, and the MFU they imply."""

    flops: float
    seconds: float
    overhead_s: float
    compute_s: float
    dequant_s: float
    mfu: float  # flops / (peak x seconds): the utilisation this step reaches, QLoRA included
    qlora_factor: float  # seconds over the same step without dequantisation (1.0 unless QLoRA)


def passes(checkpointing: bool) -> int:
    """Passes over the weights per micro-batch: forward, backward, and a recomputed forward with checkpointing."""
    return 3 if checkpointing else 2


def quantised_weights(size: ModelSize) -> float:
    """The blocks' linear weights, which QLoRA stores in NF4 (the shape's share applied to the count)."""
    return size.params * size.shape.linear_params / size.shape.n_params


def microbatch_time(
    technique: str,
    size: ModelSize,
    tokens: float,
    peak_flops: float,
    *,
    adapter: float = 0.0,
    rank: int = DEFAULT_LORA_RANK,
    checkpointing: bool = False,
    mfu: float | None = None,
    qlora_slowdown: float | None = None,
) -> StepTime:
    """Seconds of one micro-batch of `tokens` computed tokens on one GPU of `peak_flops` FLOP/s.

    `mfu` set: time = FLOPs / (peak x mfu), the user's figure taken as the whole utilisation.
    """
    base = "lora" if technique in ("qlora", "dora") else technique
    flops = training_flops(base, size.params, tokens, adapter, checkpointing)
    if technique == "dora":
        flops += dora_flops(size, rank)
    if mfu is None:
        overhead, compute = OVERHEAD_PER_LAYER_S * size.shape.layers, flops / (peak_flops * MFU_CEILING)
    else:
        overhead, compute = 0.0, flops / (peak_flops * mfu)
    dequant = 0.0
    if technique == "qlora":
        if qlora_slowdown is not None:
            dequant = (qlora_slowdown - 1.0) * (overhead + compute)
        else:
            dequant = passes(checkpointing) * quantised_weights(size) * DEQUANT_FLOPS_PER_WEIGHT / peak_flops
    seconds = overhead + compute + dequant
    return StepTime(
        flops, seconds, overhead, compute, dequant, flops / (peak_flops * seconds), seconds / (overhead + compute)
    )


def modelled_mfu(size: ModelSize, tokens: float, peak_flops: float, technique: str = "lora") -> float:
    """The fitted MFU curve: utilisation of one micro-batch of `tokens` tokens on a GPU of this peak."""
    return microbatch_time(technique, size, tokens, peak_flops).mfu
