"""`--format merged`: the adapter merged into a 16-bit base, saved as safetensors with tokenizer and chat template.

    model = merged_model(trained, "bfloat16")
    write_merged(trained, out_dir, "bfloat16")

The merge runs in fp32 and the result is rounded to 16 bits once. For QLoRA the adapter learned
corrections to the *quantised* base, so the 4-bit NF4 base is dequantised first and the adapter
merged into that; merging into the 4-bit weights themselves would round the update away, and
merging into the original weights would drop the quantisation the adapter was trained against.
For full fine-tuning there is nothing to merge: the trained model is rounded to 16 bits.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from savile.records import TrainedModel

__all__ = ["merged_model", "write_merged", "source_digest", "logit_gap", "load_merged"]


def merged_model(trained: TrainedModel, dtype: str) -> Any:
    """The trained model as one plain transformers model in `dtype`, adapter folded into the weights."""
    import torch

    from savile.train.methods import load_4bit, load_base

    base_path = Path(trained.base_path)
    if trained.method == "full":
        return load_base(trained.adapter_dir).to(getattr(torch, dtype)).eval()
    from peft import PeftModel

    if trained.method == "qlora":
        from savile.config import QloraSettings

        settings = QloraSettings(**((trained.config.get("technique") or {}).get("qlora") or {}))
        base = load_4bit(base_path, settings).dequantize()  # fp32 copy of exactly the NF4 weights trained against
    else:
        base = load_base(base_path)
    merged = PeftModel.from_pretrained(base, trained.adapter_dir).merge_and_unload()
    return merged.to(getattr(torch, dtype)).eval()


def write_merged(trained: TrainedModel, out: Path, dtype: str) -> list[Path]:
    """Save the merged model, the base's tokenizer (chat template included) and generation config."""
    from transformers import AutoTokenizer, GenerationConfig

    model = merged_model(trained, dtype)
    model.generation_config = GenerationConfig.from_pretrained(trained.base_path)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    AutoTokenizer.from_pretrained(trained.base_path).save_pretrained(out)
    return sorted(p for p in out.iterdir() if p.is_file())


def load_merged(folder: Path) -> tuple[Any, Any]:
    """A merged export loaded for scoring: its 16-bit weights upcast to fp32, and its own tokenizer."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()
    return model, AutoTokenizer.from_pretrained(folder)


def source_digest(trained: TrainedModel, dtype: str) -> str:
    """Identifies the trained weights a merged folder came from, so a stale merge is rebuilt."""
    h = hashlib.sha256(f"{trained.adapter_dir}|{trained.method}|{trained.base_path}|{dtype}".encode())
    for p in sorted(trained.adapter_dir.glob("*.safetensors")):
        h.update(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def logit_gap(reference: Any, candidate: Any, input_ids: Any) -> dict[str, float]:
    """Largest absolute logit difference between two models on the same tokens, beside the logits' scale."""
    import torch

    with torch.no_grad():
        a = reference(input_ids=input_ids).logits.float()
        b = candidate(input_ids=input_ids).logits.float()
    return {
        "max_abs_logit_diff": float((a - b).abs().max()),
        "max_abs_logit": float(a.abs().max()),
        "tokens": int(input_ids.numel()),
    }
