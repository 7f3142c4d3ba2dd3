"""Resolve a model spec (embedded name, local directory, .gguf file or hub id) to a local HF directory."""

from savile.models.resolve import resolve_model

__all__ = ["resolve_model"]
