"""`savile serve`: the brand's adapters behind an OpenAI-compatible API (FastAPI and uvicorn).

    savile key savile.yaml lirelle-web --allow maison-lirelle     # a key, printed once
    savile serve savile.yaml                                       # http://127.0.0.1:8000/v1

    gateway = savile.serve.Gateway.build(cfg)
    app = savile.serve.create_app(gateway)                         # mount or test it yourself

One base model, many adapters (serve.registry, plus this project's own `runs/train`), each also
callable per task as `<adapter>:<task>` with the system prompt it was trained with. Concurrent
requests share batches, different adapters included. Keys are stored hashed, each with the models
it may call; errors come in OpenAI's shape. `--engine vllm` fronts vLLM on GPUs instead.
"""

from __future__ import annotations

from savile.config import Config
from savile.serve.app import create_app
from savile.serve.gateway import Gateway

__all__ = ["run", "Gateway", "create_app"]


def run(cfg: Config, engine: str | None = None) -> None:
    """Serve until interrupted."""
    import sys

    import uvicorn

    gateway = Gateway.build(cfg, engine)
    for name, why in gateway.refused.items():
        print(f"warning: adapter {name} not served: {why}", file=sys.stderr)
    uvicorn.run(create_app(gateway), host=cfg.serve.host, port=cfg.serve.port, log_level="info")
