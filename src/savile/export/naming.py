"""Names an export gives its artefacts: model names for vLLM and Ollama, GGUF file names."""

from __future__ import annotations

__all__ = ["model_name", "gguf_name"]


def model_name(project: str) -> str:
    """The project's name as a model name: lower case, letters, digits and dashes (`Maison Lirelle` -> `maison-lirelle`)."""
    cleaned = "".join(c if c.isalnum() else "-" for c in project.lower()).strip("-")
    return cleaned or "brand"


def gguf_name(project: str, gguf_type: str) -> str:
    """`maison-lirelle-q8_0.gguf`: llama.cpp's habit of naming the type in the file name."""
    return f"{model_name(project)}-{gguf_type}.gguf"
