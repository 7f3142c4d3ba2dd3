"""The trained techniques: how the base model is made trainable, saved and loaded back.

    model = trainable_model(base_path, cfg.technique)      # lora, qlora, dora, full, lora+rag
    model = load_trained(base_path, artefact_dir, method, technique_config)

- `lora` and `lora+rag`: low-rank adapters (PEFT) on every linear layer of a frozen base;
  `lora+rag` trains them with retrieved passages in each prompt, as at inference (RAFT, train/raft.py).
  Under bf16 autocast the frozen base is held in bf16 and the adapters in fp32 (`frozen_bf16`).
- `qlora`: the same adapters over a base quantised to 4-bit NF4 by bitsandbytes (Dettmers et al.
  2023); bitsandbytes >= 0.46 runs its 4-bit kernels on CPU too.
- `dora`: weight-decomposed low-rank adaptation (Liu et al. 2024, PEFT's `use_dora`): a learned
  magnitude per output column on top of the LoRA direction.
- `full`: every weight trained; the artefact is the whole model.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from savile.config import PROMPTING_METHODS, TRAINED_METHODS, QloraSettings, TechniqueSettings
from savile.errors import ConfigError, ModelError

__all__ = [
    "require_training",
    "trainable_model",
    "load_trained",
    "load_base",
    "load_4bit",
    "artefact_name",
    "artefact_bytes",
    "ADAPTER_METHODS",
    "frozen_bf16",
]

ADAPTER_METHODS = ("lora", "qlora", "dora", "lora+rag")


def artefact_name(method: str) -> str:
    """The folder under the train stage holding what training produced."""
    return "model" if method == "full" else "adapter"


def require_training(technique: TechniqueSettings) -> None:
    """Stop with the line that says where a prompting technique is scored, since nothing trains it."""
    if technique.method in PROMPTING_METHODS:
        raise ConfigError(
            [
                f"technique.method: {technique.method!r} trains nothing; `savile evaluate` scores it on "
                f"every run (the base, few_shot and rag rungs) and `savile compare` sets it beside trained "
                f"techniques. Pick one of {', '.join(TRAINED_METHODS)} to train."
            ]
        )


# Methods whose frozen base may be held in bf16 under bf16 autocast: plain LoRA layers only. DoRA
# normalises the base weight itself, full fine-tuning updates it, and QLoRA's base is 4-bit.
FROZEN_BF16_METHODS = ("lora", "lora+rag")


def frozen_bf16(method: str, bf16: bool) -> bool:
    """Whether training holds the frozen base in bf16: a LoRA method under bf16 autocast, not under FSDP
    (whose flat parameters take one dtype, and whose config is not run here)."""
    fsdp = os.environ.get("ACCELERATE_USE_FSDP", "").lower() in ("1", "true")
    return bf16 and method in FROZEN_BF16_METHODS and not fsdp


def trainable_model(base_path: Path, technique: TechniqueSettings, bf16: bool = False):
    """The base model ready for the Trainer, with only the technique's parameters trainable.

    `bf16`: the model will run under bf16 autocast. For `frozen_bf16` methods the frozen base is then
    loaded in bf16, so autocast no longer casts every base weight on every pass, and the adapters stay
    in fp32 (PEFT's `autocast_adapter_dtype`), so the optimiser's updates keep their precision. Each
    adapter then reads its input as it comes (bf16) rather than casting it to fp32 and autocast casting
    it back: such a model must run under autocast.
    """
    method = technique.method
    require_training(technique)
    if method == "full":
        return load_base(base_path)
    from peft import get_peft_model, prepare_model_for_kbit_training

    if method == "qlora":
        model = load_4bit(base_path, technique.qlora)
        # Casts the few unquantised weights (norms) to fp32 and lets gradients reach the adapters.
        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=False)
        return get_peft_model(model, _lora_config(technique))
    import torch
    from peft.tuners.lora import LoraLayer

    held_bf16 = frozen_bf16(method, bf16)
    model = get_peft_model(
        load_base(base_path, torch.bfloat16 if held_bf16 else torch.float32), _lora_config(technique)
    )
    if held_bf16:
        for module in model.modules():
            if isinstance(module, LoraLayer):
                module.cast_input_dtype_enabled = False
    return model


def load_base(base_path: Path, dtype=None):
    """The base model from `base_path` on the CPU, in fp32 unless `dtype` says otherwise."""
    import torch
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(base_path, dtype=dtype or torch.float32)


def load_trained(base_path: Path, artefact_dir: Path, method: str, technique: dict[str, Any] | None = None):
    """The trained model in eval mode on the best device: the full model, or the base (4-bit for
    qlora, with the quantisation it was trained with) plus the adapter."""
    import torch

    device = "cuda" if torch.cuda.is_available() else "cpu"
    if method == "full":
        if not (artefact_dir / "config.json").exists():
            raise ModelError(
                f"{artefact_dir} holds no saved model; run `savile train` with technique.method=full first."
            )
        return load_base(artefact_dir).to(device).eval()
    if not (artefact_dir / "adapter_config.json").exists():
        raise ModelError(f"{artefact_dir} holds no PEFT adapter; run `savile train` first.")
    from peft import PeftModel

    if method == "qlora":
        settings = QloraSettings(**((technique or {}).get("qlora") or {}))
        return PeftModel.from_pretrained(load_4bit(base_path, settings), artefact_dir).eval()
    return PeftModel.from_pretrained(load_base(base_path), artefact_dir).to(device).eval()


def artefact_bytes(artefact_dir: Path) -> int:
    """Bytes of the saved weights: what a deployment adds per brand or task."""
    return sum(p.stat().st_size for p in artefact_dir.glob("*.safetensors"))


def _lora_config(technique: TechniqueSettings):
    from peft import LoraConfig

    lora = technique.lora
    return LoraConfig(
        r=lora.rank,
        lora_alpha=lora.scale_alpha,
        lora_dropout=lora.dropout,
        target_modules=lora.target_modules,
        use_dora=technique.method == "dora",
        task_type="CAUSAL_LM",
    )


def load_4bit(base_path: Path, settings: QloraSettings):
    """The base quantised to 4-bit NF4 as `settings` say, what qlora trains against (and export merges into)."""
    import torch
    from transformers import AutoModelForCausalLM, BitsAndBytesConfig

    try:
        import bitsandbytes  # noqa: F401
    except ImportError:
        raise ModelError(
            "technique.method=qlora needs bitsandbytes; install it with `pip install bitsandbytes`."
        ) from None
    quant = BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type=settings.quant_type,
        bnb_4bit_use_double_quant=settings.double_quant,
        bnb_4bit_compute_dtype=torch.float32,
    )
    # Each process of a data-parallel run holds its whole copy on its own GPU (torchrun sets LOCAL_RANK).
    device_map = {"": int(os.environ.get("LOCAL_RANK", "0"))} if torch.cuda.is_available() else "cpu"
    return AutoModelForCausalLM.from_pretrained(
        base_path, quantization_config=quant, device_map=device_map, dtype=torch.float32
    )
