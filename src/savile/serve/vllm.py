"""`savile serve --engine vllm`: vLLM answers on GPUs, behind the same gateway (keys, allow-lists, aliases).

    cmd = vllm_command(base_path, adapters, cfg.serve, api_key)   # the exact `vllm serve ...` argv
    engine = start_vllm(cfg, base_path, adapters)                  # launches it, waits for /health

vLLM serves the base with `--enable-lora`, each registry adapter by name (`--lora-modules
name=path`), and `--max-lora-rank` read from the adapters' adapter_config.json, rounded up to a
rank vLLM accepts. It listens on loopback with a random key of its own, so clients can reach it
only through the gateway; vLLM has one API key and no per-key allow-lists. `UpstreamEngine` passes
each request on as a streamed chat completion and hands the pieces back to the gateway.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, cast

from savile.config import Config, ServeSettings
from savile.errors import ServeError
from savile.serve.registry import Adapter
from savile.serve.rows import Job

if TYPE_CHECKING:
    from transformers import BatchEncoding

__all__ = ["vllm_command", "check_vllm_adapter", "require_vllm", "start_vllm", "UpstreamEngine", "VLLM_LORA_RANKS"]

log = logging.getLogger("savile.serve")

# The values vLLM's --max-lora-rank accepts (vllm.config.LoRAConfig); the largest is its limit.
VLLM_LORA_RANKS = (1, 8, 16, 32, 64, 128, 256, 320, 512)


def check_vllm_adapter(adapter: Adapter) -> None:
    """Refuse, with what to do instead, an adapter vLLM cannot load."""
    config = adapter.config
    if config.get("use_dora"):
        raise ServeError(
            f"adapter {adapter.name!r} is DoRA, which vLLM cannot load; export it merged "
            "(`savile export --format merged`) and serve that as the base."
        )
    if config.get("modules_to_save"):
        raise ServeError(
            f"adapter {adapter.name!r} trains whole modules ({config['modules_to_save']}), which vLLM's "
            "LoRA cannot load; export it merged (`savile export --format merged`) or retrain without them."
        )
    if adapter.rank > VLLM_LORA_RANKS[-1]:
        raise ServeError(
            f"adapter {adapter.name!r} has rank {adapter.rank}, above vLLM's limit of {VLLM_LORA_RANKS[-1]}; "
            f"retrain with technique.lora.rank <= {VLLM_LORA_RANKS[-1]} or serve it with --engine transformers."
        )


def vllm_command(base_path: Path, adapters: list[Adapter], serve: ServeSettings, api_key: str) -> list[str]:
    """The `vllm serve` argv for this base and these adapters, on loopback behind the gateway."""
    for adapter in adapters:
        check_vllm_adapter(adapter)
    cmd = [
        "vllm",
        "serve",
        str(base_path),
        "--served-model-name",
        serve.base_name,
        "--host",
        "127.0.0.1",
        "--port",
        str(serve.vllm_port),
        "--api-key",
        api_key,
        "--max-num-seqs",
        str(max(serve.max_batch, 1)),
    ]
    if adapters:
        rank = max(a.rank for a in adapters)
        cmd += [
            "--enable-lora",
            "--max-lora-rank",
            str(next(r for r in VLLM_LORA_RANKS if r >= rank)),
            "--max-loras",
            str(len(adapters)),
            "--lora-modules",
            *[f"{a.name}={a.adapter_dir}" for a in adapters],
        ]
    if serve.max_context:
        cmd += ["--max-model-len", str(serve.max_context)]
    return cmd + list(serve.vllm_args)


def require_vllm() -> str:
    """The path of the `vllm` executable; a `ServeError` saying how to install it when it is not on PATH."""
    found = shutil.which("vllm")
    if found is None:
        raise ServeError(
            "serve.engine vllm needs vLLM, which is not installed here; on a CUDA machine run "
            "`pip install vllm`, or serve with --engine transformers."
        )
    return found


def start_vllm(cfg: Config, base_path: Path, adapters: list[Adapter], ready_timeout: float = 900) -> UpstreamEngine:
    """Launch vLLM with the registry's adapters and wait until it answers; the engine that talks to it."""
    executable = require_vllm()
    api_key = secrets.token_urlsafe(24)
    cmd = [executable, *vllm_command(base_path, adapters, cfg.serve, api_key)[1:]]
    log.info("starting: %s", " ".join(c if c != api_key else "***" for c in cmd))
    env = {**os.environ, "VLLM_ALLOW_RUNTIME_LORA_UPDATING": "True"}  # the admin API loads adapters at run time
    process = subprocess.Popen(cmd, env=env)
    url = f"http://127.0.0.1:{cfg.serve.vllm_port}"
    engine = UpstreamEngine(url, api_key, base_path, adapters, cfg.serve.base_name, process)
    try:
        engine.wait_ready(ready_timeout)
    except BaseException:
        engine.stop()
        raise
    return engine


class UpstreamEngine:
    """An OpenAI-compatible server (vLLM) as the gateway's engine: same `submit`, `load`, `encode` as LocalEngine."""

    def __init__(
        self,
        url: str,
        api_key: str,
        base_path: Path,
        adapters: list[Adapter],
        base_name: str,
        process: subprocess.Popen | None = None,
        workers: int = 64,
    ):
        from transformers import AutoTokenizer

        self.url, self.api_key, self.base_name, self.process = url.rstrip("/"), api_key, base_name, process
        self.tokenizer = AutoTokenizer.from_pretrained(base_path)
        config = json.loads((base_path / "config.json").read_text(encoding="utf-8"))
        self.context_length = int(config.get("max_position_embeddings", 2048))
        self.adapters: dict[str, Adapter] = {a.name: a for a in adapters}
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="savile-upstream")

    def encode(self, messages: list[dict]) -> list[int]:
        """Prompt token ids under the base model's chat template, ready for the assistant's turn."""
        # transformers annotates the return as the union over every mode; return_dict=True gives a BatchEncoding.
        encoded = cast(
            "BatchEncoding[list[int]]",
            self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True, return_dict=True),
        )
        return list(encoded["input_ids"])

    def wait_ready(self, timeout: float) -> None:
        """Return once vLLM answers /health; a `ServeError` when it exits or `timeout` seconds pass first."""
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise ServeError(
                    f"vLLM exited with code {self.process.returncode} before it was ready; its log is above."
                )
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(2)
        raise ServeError(f"vLLM did not answer {self.url}/health within {timeout:.0f} s; see its log above.")

    def _post(self, path: str, body: dict) -> None:
        import httpx

        r = httpx.post(f"{self.url}{path}", json=body, headers=self._headers(), timeout=300)
        if r.status_code != 200:
            raise ServeError(f"vLLM refused {path} ({r.status_code}): {r.text[:200]}")

    def load(self, adapter: Adapter) -> None:
        """Load `adapter` into the running vLLM; a `ServeError` when vLLM cannot serve it or refuses it."""
        check_vllm_adapter(adapter)
        self._post("/v1/load_lora_adapter", {"lora_name": adapter.name, "lora_path": str(adapter.adapter_dir)})
        self.adapters[adapter.name] = adapter

    def unload(self, name: str) -> None:
        """Remove adapter `name` from the running vLLM; a `ServeError` when vLLM refuses."""
        self._post("/v1/unload_lora_adapter", {"lora_name": name})
        self.adapters.pop(name, None)

    def start(self) -> None:
        """Nothing: vLLM is already running (`start_vllm` waited for it)."""
        pass

    def stop(self) -> None:
        """Drop queued requests and stop vLLM when this engine launched it (terminate, then kill after 30 s)."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def submit(self, job: Job) -> None:
        """Send `job` to vLLM on a worker thread; its text and its end arrive through `job.emit`."""
        self._pool.submit(self._call, job)

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}

    def _call(self, job: Job) -> None:
        import httpx

        body = {
            "model": job.adapter or self.base_name,
            "messages": job.messages,
            "max_tokens": job.max_tokens,
            "temperature": job.temperature,
            "top_p": job.top_p,
            "stop": job.stop or None,
            "seed": job.seed,
            "repetition_penalty": job.repetition_penalty,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        text, reason = "", "stop"
        use: dict[str, int] = {}
        try:
            with httpx.stream(
                "POST",
                f"{self.url}/v1/chat/completions",
                json=body,
                headers=self._headers(),
                timeout=httpx.Timeout(600, connect=10),
            ) as r:
                if r.status_code != 200:
                    r.read()
                    job.emit(("error", 400 if r.status_code == 400 else 502, _upstream_message(r)))
                    return
                for line in r.iter_lines():
                    if job.cancelled:
                        return
                    if not line.startswith("data: ") or line == "data: [DONE]":
                        continue
                    data = json.loads(line[6:])
                    use = data.get("usage") or use
                    for choice in data.get("choices", []):
                        piece = choice.get("delta", {}).get("content") or ""
                        if piece:
                            text += piece
                            job.emit(("delta", piece))
                        reason = choice.get("finish_reason") or reason
        except httpx.HTTPError as exc:
            job.emit(("error", 502, f"the engine behind the gateway did not answer ({type(exc).__name__})."))
            return
        job.done = True
        job.emit(("done", reason, use.get("prompt_tokens", len(job.prompt_ids)), use.get("completion_tokens", 0), text))


def _upstream_message(r) -> str:
    try:
        return str(r.json()["error"]["message"])[:500]
    except (ValueError, KeyError, TypeError):
        return f"the engine behind the gateway answered {r.status_code}."
