"""A server in a background thread, for notebooks, tests and benchmarks.

with running(create_app(gateway)) as url:      # "http://127.0.0.1:<free port>"
    openai.OpenAI(base_url=url + "/v1", api_key=key).chat.completions.create(...)
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["running", "free_port"]


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on `host` that was free when asked (the OS picks it)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@contextmanager
def running(app, host: str = "127.0.0.1", port: int | None = None, start_timeout: float = 30) -> Iterator[str]:
    """Serve `app` under uvicorn in a thread until the block ends; yields its base URL."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port or free_port(host), log_level="warning"))
    thread = threading.Thread(target=server.run, name="savile-serve", daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        if not server.started:
            raise RuntimeError(f"the server did not start within {start_timeout:.0f} s")
        yield f"http://{host}:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
