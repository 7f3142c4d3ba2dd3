"""The base and the trained model, ready for generation and probes, loaded as cheaply as the method allows.

    models = load_models(trained)
    with models.view("base") as model: ...     # the untuned rungs
    with models.view("tuned") as model: ...    # the trained technique

For lora, dora and lora+rag one fp32 model serves both: the adapter switched off is the base.
For qlora the trained model runs on its 4-bit base, while the untuned rungs get the fp32 base
(what a brand would prompt); for full fine-tuning the two are separate models.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from savile.records import TrainedModel

__all__ = ["Models", "load_models", "load_model"]


@dataclass
class Models:
    """The models an evaluation compares: the tuned one and the base (for LoRA, one load whose adapter
    is switched off for the base), with their tokenizer."""

    tokenizer: Any
    tuned: Any
    base: Any | None = None  # None: the tuned model with its adapter disabled is the base

    @contextmanager
    def view(self, which: str) -> Iterator[Any]:
        """A context giving the "tuned" model, or for any other `which` the base."""
        if which == "tuned":
            yield self.tuned
        elif self.base is not None:
            yield self.base
        else:
            with self.tuned.disable_adapter():
                yield self.tuned


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
