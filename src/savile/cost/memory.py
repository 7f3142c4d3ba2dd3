"""GPU memory a training run needs, per technique, and whether it fits a given GPU.

    mem = memory_needed("qlora", size, rank=16, seq_len=512, micro_batch=4, checkpointing=False)
    mem.total_gb, mem.fits(24.0)

Bytes counted, for mixed-precision AdamW:
- weights: bf16, 2 bytes per parameter. QLoRA stores the blocks' linear weights in NF4 with
  double quantisation, 4 + 0.127 bits per parameter (Dettmers et al. 2023, "QLoRA", section 3:
  8-bit constants per block of 64, fp32 constants per block of 256 of those); embeddings, norms
  and the head stay bf16.
- adapter: LoRA parameters in fp32 (PEFT upcasts adapters), 4 bytes each; full fine-tuning has none.
- optimiser: gradient and AdamW's two moments of every trained parameter. Full: bf16 gradient 2 +
  fp32 master copy 4 + moments 8 = 14 bytes, so 16 with the weights (Rajbhandari et al. 2019,
  "ZeRO", section 3.1). LoRA/QLoRA: fp32 gradient 4 + moments 8 = 12 bytes per adapter parameter.
- activations: per layer s·b·h·(34 + 5·a·s/h) bytes without recomputation (Korthikanti et al.
  2022, "Reducing Activation Recomputation in Large Transformer Models", equation 2; a GPT-shaped
  count that is close for Llama's gated MLP). With gradient checkpointing, only each layer's
  input is kept (2·s·b·h) plus one layer's full activations while it is recomputed. Plus the
  fp32 logits, 4·s·b·V (same paper, section 4.1). The 5·a·s/h term is the attention score matrix:
  FlashAttention never stores it, so on such kernels this is an upper bound.
- overhead: 1 GB for the CUDA context, cuBLAS workspaces and allocator slack.

GB means 1e9 bytes, as GPU memory is marketed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from savile.cost.flops import adapter_params
from savile.cost.shape import ModelSize

__all__ = ["MemoryBreakdown", "memory_needed", "NF4_BYTES", "OVERHEAD_GB"]

GB = 1e9
NF4_BYTES = (4 + 0.127) / 8   # NF4 weight plus double-quantised constants, bytes per parameter
OVERHEAD_GB = 1.0


@dataclass(frozen=True)
class MemoryBreakdown:
    """GB needed by one training run on one GPU, by component."""

    technique: str
    weights_gb: float
    adapter_gb: float
    optimizer_gb: float
    activations_gb: float
    overhead_gb: float
    checkpointing: bool

    @property
    def total_gb(self) -> float:
        return self.weights_gb + self.adapter_gb + self.optimizer_gb + self.activations_gb + self.overhead_gb

    def fits(self, memory_gb: float) -> bool:
        return self.total_gb <= memory_gb

    def to_dict(self) -> dict:
        return asdict(self) | {"total_gb": self.total_gb}


def memory_needed(technique: str, size: ModelSize, rank: int, seq_len: int, micro_batch: int,
                  checkpointing: bool, targets: str | list[str] = "all-linear") -> MemoryBreakdown:
    n = size.params
    adapter = adapter_params(size, rank, targets) if technique != "full" else 0
    if technique == "qlora":
        # The shape's share of linear weights, applied to the count: exact from a config, assumed from a bare count.
        linear = n * size.shape.linear_params / size.shape.n_params
        weights = linear * NF4_BYTES + (n - linear) * 2
    else:
        weights = 2 * n
    optimizer = 14 * n if technique == "full" else 12 * adapter
    return MemoryBreakdown(
        technique=technique, weights_gb=weights / GB, adapter_gb=4 * adapter / GB, optimizer_gb=optimizer / GB,
        activations_gb=activation_bytes(size, seq_len, micro_batch, checkpointing) / GB,
        overhead_gb=OVERHEAD_GB, checkpointing=checkpointing,
    )


def activation_bytes(size: ModelSize, seq_len: int, micro_batch: int, checkpointing: bool) -> float:
    """Korthikanti et al. 2022's per-layer count over all layers, plus fp32 logits."""
    sh = size.shape
    sbh = seq_len * micro_batch * sh.hidden
    per_layer = sbh * (34 + 5 * sh.heads * seq_len / sh.hidden)
    layers = sh.layers * 2 * sbh + per_layer if checkpointing else sh.layers * per_layer
    logits = 4 * seq_len * micro_batch * sh.vocab
    return layers + logits
