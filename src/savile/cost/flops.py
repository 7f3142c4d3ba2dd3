"""Training FLOPs and time per technique: the arithmetic behind every GPU-hour in `savile cost`.

    flops = training_flops("lora", n_params=7e9, tokens=1e8, adapter=40e6)   # 2.824e18
    seconds = training_seconds(flops, peak_flops=989e12, mfu=0.35, technique="lora")

- full fine-tuning: 6·N·T. A forward pass costs 2 FLOPs per parameter per token (a multiply and
  an add), the backward pass twice that: gradients for the activations and for the weights
  (Kaplan et al. 2020, "Scaling Laws for Neural Language Models", section 2.1).
- LoRA and QLoRA: 4·N·T + 6·N_adapter·T. The frozen base still runs forward (2NT) and still
  passes gradients back through every layer to reach the adapters (2NT), but computes no weight
  gradients (the missing 2NT); the adapter itself trains like any weights (Hu et al. 2021, "LoRA",
  section 4.2, on the saved backward computation). That is 2/3 of a full fine-tune, not less:
  LoRA saves memory far more than time.
- gradient checkpointing recomputes the forward pass in the backward: +2·N·T.
- QLoRA computes the same FLOPs but dequantises each NF4 weight to bf16 before every matmul, which
  costs time, not FLOPs: modelled as a throughput penalty (`QLORA_SLOWDOWN`, 1.39: Raschka 2023,
  "Practical Tips for Finetuning LLMs Using LoRA", measured QLoRA 39% slower than 16-bit LoRA on
  a 7B model; Dettmers et al. 2023, "QLoRA", trade speed for memory in the same way).

N is the total parameter count. Two terms are left out: attention scores (about 6·L·s·d per token,
under 5% at the sequence lengths of brand data) and the embedding lookup (no FLOPs; counting it
overstates by about 2% for an untied 7B model). Both are small beside the uncertainty in MFU.

Time = FLOPs x penalty / (peak x MFU). MFU, model FLOPs utilisation (Chowdhery et al. 2022,
"PaLM", appendix B), is the share of the datasheet peak a run turns into model FLOPs; large
pre-training runs reach 0.4-0.55, a single-GPU PEFT fine-tune of a 7B model typically 0.25-0.45,
hence the default `ASSUMED_MFU` of 0.35 (`--mfu`, or measured by `--measured`).
"""

from __future__ import annotations

from savile.cost.shape import LINEAR_NAMES, ModelSize

__all__ = ["TECHNIQUES", "ASSUMED_MFU", "QLORA_SLOWDOWN", "training_flops", "training_seconds", "adapter_params", "technique_of"]

TECHNIQUES = ("lora", "qlora", "full")
ASSUMED_MFU = 0.35
QLORA_SLOWDOWN = 1.39


def training_flops(technique: str, n_params: float, tokens: float, adapter: float = 0.0, checkpointing: bool = False) -> float:
    """FLOPs to train `tokens` tokens (all epochs) with `technique` on an N-parameter model."""
    if technique == "full":
        flops = 6 * n_params * tokens
    elif technique in ("lora", "qlora"):
        flops = 4 * n_params * tokens + 6 * adapter * tokens
    else:
        raise ValueError(f"unknown technique {technique!r}")
    if checkpointing:
        flops += 2 * n_params * tokens
    return flops


def training_seconds(flops: float, peak_flops: float, mfu: float, technique: str, qlora_slowdown: float = QLORA_SLOWDOWN) -> float:
    """Wall time of one device running at `mfu` of `peak_flops` (FLOP/s)."""
    penalty = qlora_slowdown if technique == "qlora" else 1.0
    return flops * penalty / (peak_flops * mfu)


def adapter_params(size: ModelSize, rank: int, targets: str | list[str] = "all-linear") -> int:
    """LoRA parameters: r·(d_in + d_out) for each adapted linear layer (A is r x d_in, B is d_out x r).

    'all-linear' adapts every linear layer of the blocks (PEFT's meaning: all but the output head).
    For an assumed shape the count is scaled by params / shape params, so '7B' and '6.74B' differ a little.
    """
    names = LINEAR_NAMES if targets == "all-linear" else [t for t in targets if t in LINEAR_NAMES]
    linears = size.shape.linears()
    per_layer = sum(rank * (linears[n][0] + linears[n][1]) for n in names)
    count = per_layer * size.shape.layers
    if size.assumed_shape:
        count = round(count * size.params / size.shape.n_params)
    return count


def technique_of(method: str) -> str:
    """The cost model's technique for a train manifest's `method` (DoRA costs about what LoRA does)."""
    mapping = {"lora": "lora", "lora+rag": "lora", "dora": "lora", "qlora": "qlora", "full": "full"}
    if method not in mapping:
        from savile.errors import SavileError

        raise SavileError(f"train method {method!r} has no cost model; expected one of {', '.join(mapping)}.")
    return mapping[method]
