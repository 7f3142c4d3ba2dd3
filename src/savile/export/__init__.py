"""Export: the trained model merged, as a vLLM adapter, as GGUF and for Ollama, each re-scored."""

from savile.export.run import EXIT_DROP, FORMATS, run

__all__ = ["run", "FORMATS", "EXIT_DROP"]
