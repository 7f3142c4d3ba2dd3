"""The base and the trained model, ready for generation and probes, loaded as cheaply as the method allows.

    models = load_models(trained)
    models.plain("base", bf16)      # the untuned rungs
    models.plain("tuned", bf16)     # the trained technique

For lora, dora and lora+rag one fp32 PEFT model is loaded; the tuned copy is its adapter merged
into the weights, the base copy the adapter removed. For qlora the trained model runs as loaded,
on its 4-bit base, while the untuned rungs get the fp32 base (what a brand would prompt); for full
fine-tuning the two are separate models.

Why copies: a PEFT model runs its LoRA branch beside every linear layer, and bf16 autocast casts
every fp32 weight again at each of the hundred-odd forward passes of an answer. A plain copy,
merged once and cast to bf16 once where bf16 pays, does neither (benchmarks/generate_throughput.py
--copies measures it). Generation uses the bf16 copy; the likelihood probes of governance the fp32
one, whose losses are the PEFT model's to rounding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from savile.records import TrainedModel

__all__ = ["Models", "load_models", "load_model", "plain_copy"]


@dataclass
class Models:
    """The models an evaluation compares: the tuned one and the base (None for LoRA: one load serves
    both), with their tokenizer; `plain` gives each as the copy generation and probes use."""

    tokenizer: Any
    tuned: Any
    base: Any | None = None  # None: the tuned model with its adapter disabled is the base
    _copies: dict[tuple[str, bool], Any] = field(default_factory=dict, repr=False)

    def plain(self, which: str, bf16: bool):
        """The "tuned" model (or, for any other `which`, the base) as a plain copy, built once: its
        adapter merged (or removed), in bf16 when `bf16` (see the module docstring)."""
        key = ("tuned" if which == "tuned" else "base", bf16)
        if key not in self._copies:
            if key[0] == "tuned":
                self._copies[key] = plain_copy(self.tuned, bf16)
            elif self.base is not None:
                self._copies[key] = plain_copy(self.base, bf16)
            else:
                self._copies[key] = plain_copy(self.tuned, bf16, adapter=False)
        return self._copies[key]


def plain_copy(model, bf16: bool, adapter: bool = True):
    """A plain copy of `model` to generate or score with: a PEFT adapter merged into its weights (`adapter=False`:
    removed, leaving the base), in bf16 when `bf16`. A quantised model is returned as it is: its
    4-bit weights cannot take a merge, and it already computes in its own compute dtype."""
    import copy

    import torch
    from peft import PeftModel

    inner = model.get_base_model() if isinstance(model, PeftModel) else model
    if getattr(inner, "hf_quantizer", None) is not None or getattr(inner, "is_loaded_in_4bit", False):
        return model
    if not isinstance(model, PeftModel) and not bf16:
        return model.eval()  # already plain fp32: nothing to copy
    plain = copy.deepcopy(model)
    if isinstance(plain, PeftModel):
        plain = plain.merge_and_unload() if adapter else plain.unload()
    if bf16:
        plain = plain.to(torch.bfloat16)
    return plain.eval()


def load_models(trained: TrainedModel) -> Models:
    """The tuned model of `trained` and its base, loaded once where an adapter can be switched off."""
    from transformers import AutoTokenizer

    from savile.train.methods import ADAPTER_METHODS

    base_path = Path(trained.base_path)
    tuned = load_model(base_path, trained)
    tokenizer = AutoTokenizer.from_pretrained(base_path)
    shared = trained.method in ADAPTER_METHODS and trained.method != "qlora"
    base = None if shared else load_model(base_path)
    return Models(tokenizer=tokenizer, tuned=tuned, base=base)


def load_model(base_path: Path, trained: TrainedModel | None = None):
    """One model for generation, in eval mode on the best device: `trained`'s (its adapter on the base at
    `base_path`, or its fully tuned weights), or without `trained` the plain fp32 base."""
    import torch

    from savile.train.methods import load_base, load_trained

    if trained is not None:
        return load_trained(base_path, trained.adapter_dir, trained.method, trained.config.get("technique"))
    return load_base(base_path).to("cuda" if torch.cuda.is_available() else "cpu").eval()
