"""Training FLOPs and time per technique: the arithmetic behind every GPU-hour in `savile cost`.

    flops = training_flops("lora", n_params=7e9, tokens=1e8, adapter=40e6)   # 2.824e18
    extra = dora_flops(size, rank=16)              # DoRA, per micro-batch

- full fine-tuning: 6·N·T. A forward pass costs 2 FLOPs per parameter per token (a multiply and
  an add), the backward pass twice that: gradients for the activations and for the weights
  (Kaplan et al. 2020, "Scaling Laws for Neural Language Models", section 2.1).
- LoRA and QLoRA: 4·N·T + 6·N_adapter·T. The frozen base still runs forward (2NT) and still
  passes gradients back through every layer to reach the adapters (2NT), but computes no weight
  gradients (the missing 2NT); the adapter itself trains like any weights (Hu et al. 2021, "LoRA",
  section 4.2, on the saved backward computation). That is 2/3 of a full fine-tune, not less:
  LoRA saves memory far more than time.
- gradient checkpointing recomputes the forward pass in the backward: +2·N·T.
- DoRA (Liu et al. 2024, "DoRA", section 4.3) adds, per micro-batch rather than per token, the
  magnitude's weight norm: it forms W + s·B·A for each adapted layer (2·r FLOPs per weight for B·A,
  about 3 more for the sum and the column norms) in the forward pass, and the backward pass runs
  through it at twice that: 3·(2r + 3)·N_linear per micro-batch (`dora_flops`). On short examples
  in small micro-batches that is several percent on top of LoRA; on long ones it vanishes.
- QLoRA computes the same FLOPs as LoRA; its dequantisation costs time, not FLOPs, and is modelled
  in `throughput.py`.

N is the total parameter count. Two terms are left out: attention scores (about 6·L·s·d per token,
under 5% at the sequence lengths of brand data) and the embedding lookup (no FLOPs; counting it
overstates by about 2% for an untied 7B model). Both are small beside the uncertainty in MFU.

Time is FLOPs over the rate the GPU sustains: see `throughput.py`, where the utilisation (MFU,
Chowdhery et al. 2022, "PaLM", appendix B) depends on the tokens per micro-batch and the model.
"""

from __future__ import annotations

from savile.cost.shape import LINEAR_NAMES, ModelSize

__all__ = ["TECHNIQUES", "training_flops", "dora_flops", "adapter_params", "technique_of"]

TECHNIQUES = ("lora", "qlora", "dora", "full")


def training_flops(
    technique: str, n_params: float, tokens: float, adapter: float = 0.0, checkpointing: bool = False
) -> float:
    """FLOPs to train `tokens` tokens (all epochs) with `technique` on an N-parameter model."""
    if technique == "full":
        flops = 6 * n_params * tokens
    elif technique in ("lora", "qlora", "dora"):
        flops = 4 * n_params * tokens + 6 * adapter * tokens
    else:
        raise ValueError(f"unknown technique {technique!r}")
    if checkpointing:
        flops += 2 * n_params * tokens
    return flops


def dora_flops(size: ModelSize, rank: int) -> float:
    """DoRA's extra FLOPs per micro-batch: the weight norm of W + s·B·A over the adapted linear weights."""
    linear = size.params * size.shape.linear_params / size.shape.n_params
    return 3 * (2 * rank + 3) * linear


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
    """The cost model's technique for a train manifest's `method`."""
    mapping = {"lora": "lora", "lora+rag": "lora", "dora": "dora", "qlora": "qlora", "full": "full"}
    if method not in mapping:
        from savile.errors import SavileError

        raise SavileError(f"train method {method!r} has no cost model; expected one of {', '.join(mapping)}.")
    return mapping[method]
