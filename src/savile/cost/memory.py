"""GPU memory a training run needs per GPU, per technique, in GiB, and how many GPUs it takes.

    mem = memory_needed("qlora", size, rank=16, seq_len=512, micro_batch=4, checkpointing=False)
    mem.total_gib, mem.fits(22.5)
    gpus_needed("full", size, 79.6, rank=16, seq_len=512, micro_batch=1, checkpointing=True)   # 3

Bytes counted, for mixed-precision training:
- weights: bf16, 2 bytes per parameter. QLoRA stores the blocks' linear weights in NF4 with
  double quantisation, 4 + 0.127 bits per parameter (Dettmers et al. 2023, "QLoRA", section 3:
  8-bit constants per block of 64, fp32 constants per block of 256 of those); embeddings, norms
  and the head stay bf16.
- adapter: LoRA parameters in fp32 (PEFT upcasts adapters), 4 bytes each; full fine-tuning has none.
- optimiser: gradient and the optimiser's state of every trained parameter. AdamW keeps two fp32
  moments (8 bytes); 8-bit AdamW, paged or not, keeps them in 8 bits (2 bytes; Dettmers et al. 2022,
  "8-bit Optimizers via Block-wise Quantization"). Paging moves the state to CPU memory only when
  the GPU runs short, so it is counted here as if resident. Full: bf16 gradient 2 + fp32 master
  copy 4 + moments (Rajbhandari et al. 2019, "ZeRO", section 3.1: 16 bytes with the weights).
  LoRA/QLoRA/DoRA: fp32 gradient 4 + moments per adapter parameter.
- activations: per layer s·b·h·34 bytes without recomputation (Korthikanti et al. 2022, "Reducing
  Activation Recomputation in Large Transformer Models", equation 2; a GPT-shaped count that is close
  for Llama's gated MLP), plus 5·a·s²·b for the attention-score matrix only with eager attention:
  SDPA and FlashAttention never store it (Dao et al. 2022), which is what transformers uses by
  default. With gradient checkpointing only each layer's input is kept (2·s·b·h) plus one layer's
  full activations while it is recomputed. Plus the fp32 logits, 4·s·b·V (same paper, section 4.1).
  The sequence is the longest one: memory peaks on it, not on the mean.
- sharding over N GPUs (DeepSpeed ZeRO-3, PyTorch FSDP full sharding): weights, adapter, gradients
  and optimiser states are split N ways; each GPU still holds its own activations and, while a layer
  runs, that layer's gathered bf16 weights (counted twice: the running layer and the prefetched next).
- overhead: 1 GiB for the CUDA context, cuBLAS workspaces and allocator slack.

GiB means 2**30 bytes: what torch and nvidia-smi report, and what the price table gives per card.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from savile.config import MAX_GPUS
from savile.cost.flops import adapter_params
from savile.cost.shape import ModelSize

__all__ = [
    "MemoryBreakdown",
    "memory_needed",
    "gpus_needed",
    "activation_bytes",
    "NF4_BYTES",
    "OVERHEAD_GIB",
    "GIB",
    "OPTIMIZER_STATE_BYTES",
    "MAX_GPUS",
]

GIB = 2**30
NF4_BYTES = (4 + 0.127) / 8  # NF4 weight plus double-quantised constants, bytes per parameter
OVERHEAD_GIB = 1.0
OPTIMIZER_STATE_BYTES = {"adamw": 8, "adamw_8bit": 2, "paged_adamw_8bit": 2}


@dataclass(frozen=True)
class MemoryBreakdown:
    """GiB needed by one training run on each GPU, by component."""

    technique: str
    weights_gib: float
    adapter_gib: float
    optimizer_gib: float
    activations_gib: float
    overhead_gib: float
    checkpointing: bool
    gpus: int = 1

    @property
    def total_gib(self) -> float:
        """GiB needed on each GPU, all components together."""
        return self.weights_gib + self.adapter_gib + self.optimizer_gib + self.activations_gib + self.overhead_gib

    def fits(self, memory_gib: float) -> bool:
        """Whether the run fits a GPU of `memory_gib`."""
        return self.total_gib <= memory_gib

    def to_dict(self) -> dict:
        """The breakdown as plain JSON-ready data, with its total."""
        return asdict(self) | {"total_gib": self.total_gib}


def memory_needed(
    technique: str,
    size: ModelSize,
    rank: int,
    seq_len: int,
    micro_batch: int,
    checkpointing: bool,
    targets: str | list[str] = "all-linear",
    attention: str = "sdpa",
    optimizer: str = "adamw",
    gpus: int = 1,
) -> MemoryBreakdown:
    """GiB one training run needs on each of `gpus` GPUs: weights, adapter, optimizer state, activations, overhead.

    Takes the technique, the model, the LoRA rank and targets, the sequence length and micro-batch, gradient
    checkpointing, the attention kernel and the optimizer; weights and states are sharded over `gpus` (ZeRO-3).
    """
    n = size.params
    adapter = adapter_params(size, rank, targets) if technique != "full" else 0
    linear = n * size.shape.linear_params / size.shape.n_params
    weights = linear * NF4_BYTES + (n - linear) * 2 if technique == "qlora" else 2 * n
    state = OPTIMIZER_STATE_BYTES[optimizer]
    optimizer_bytes = (2 + 4 + state) * n if technique == "full" else (4 + state) * adapter
    gathered = 0.0
    if gpus > 1:  # ZeRO-3 / FSDP: a layer's weights are gathered in bf16 while it runs, and the next prefetched
        gathered = 2 * 2 * linear / size.shape.layers
    return MemoryBreakdown(
        technique=technique,
        weights_gib=(weights / gpus + gathered) / GIB,
        adapter_gib=4 * adapter / gpus / GIB,
        optimizer_gib=optimizer_bytes / gpus / GIB,
        activations_gib=activation_bytes(size, seq_len, micro_batch, checkpointing, attention) / GIB,
        overhead_gib=OVERHEAD_GIB,
        checkpointing=checkpointing,
        gpus=gpus,
    )


def gpus_needed(technique: str, size: ModelSize, memory_gib: float, **settings) -> MemoryBreakdown | None:
    """The fewest GPUs of `memory_gib` each that hold the run sharded (from settings' `gpus`, default 1), or None."""
    rest = {k: v for k, v in settings.items() if k != "gpus"}
    for n in range(settings.get("gpus", 1), MAX_GPUS + 1):
        mem = memory_needed(technique, size, gpus=n, **rest)
        if mem.fits(memory_gib):
            return mem
    return None


def activation_bytes(
    size: ModelSize, seq_len: int, micro_batch: int, checkpointing: bool, attention: str = "sdpa"
) -> float:
    """Korthikanti et al. 2022's per-layer count over all layers, plus fp32 logits."""
    sh = size.shape
    sbh = seq_len * micro_batch * sh.hidden
    scores = 5 * sh.heads * seq_len * seq_len * micro_batch if attention == "eager" else 0
    per_layer = 34 * sbh + scores
    layers = sh.layers * 2 * sbh + per_layer if checkpointing else sh.layers * per_layer
    logits = 4 * seq_len * micro_batch * sh.vocab
    return layers + logits
