"""Load the base model with its trained adapter, ready for generation."""

from __future__ import annotations

from pathlib import Path

__all__ = ["load_tuned"]


def load_tuned(base_path: Path, adapter_dir: Path):
    """(PeftModel in eval mode, tokenizer); `model.disable_adapter()` gives back the base model."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from savile.errors import ModelError

    if not (adapter_dir / "adapter_config.json").exists():
        raise ModelError(f"{adapter_dir} holds no PEFT adapter; run `savile train` first.")
    tokenizer = AutoTokenizer.from_pretrained(base_path)
    base = AutoModelForCausalLM.from_pretrained(base_path, dtype=torch.float32)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = PeftModel.from_pretrained(base, adapter_dir).to(device).eval()
    return model, tokenizer
