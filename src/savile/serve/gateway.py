"""What `savile serve` adds on top of an engine: keys, allow-lists, rate limits, model names and prompts.

    gateway = Gateway.build(cfg)           # keys file, registry, engine with the registry's adapters
    key = gateway.authenticate("Bearer sk-savile-...")
    plan = gateway.plan(key, ChatRequest(model="lirelle:describe", messages=[...]))

Every refusal is an `ApiError` with the HTTP status and the OpenAI error shape; nothing a client
sends reaches a file path, and a key sees only the models its allow-list names.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from savile.config import Config, DecodingSettings
from savile.errors import ServeError
from savile.serve.keys import ApiKey, KeyStore
from savile.serve.metrics import ServeMetrics
from savile.serve.registry import Adapter, Registry, Target, model_names, resolve_model_name
from savile.serve.shapes import ApiError, ChatRequest

__all__ = ["Gateway", "Plan", "RateLimiter"]


@dataclass(frozen=True)
class Plan:
    """A checked request: the chat as the model sees it and how to decode it."""

    model: str
    target: Target
    messages: list[dict]
    prompt_ids: list[int]
    max_tokens: int
    temperature: float
    top_p: float
    decoding: DecodingSettings | None  # an alias's evaluated decoding (no-repeat n-grams, repetition penalty)


@dataclass
class RateLimiter:
    """At most `per_minute` requests per key in any 60-second window."""

    per_minute: int
    _seen: dict[str, deque] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, key: ApiKey) -> None:
        """Count one request for `key`; an `ApiError` 429 with Retry-After once it is over its limit."""
        limit = key.requests_per_minute or self.per_minute
        now = time.monotonic()
        with self._lock:
            seen = self._seen.setdefault(key.name, deque())
            while seen and now - seen[0] >= 60:
                seen.popleft()
            if len(seen) >= limit:
                wait = max(1, int(60 - (now - seen[0])) + 1)
                raise ApiError(
                    429,
                    f"rate limit of {limit} requests per minute reached for this key; retry in {wait} s.",
                    "rate_limit_exceeded",
                    headers={"Retry-After": str(wait)},
                )
            seen.append(now)


class Gateway:
    """What stands between a client and the engine: keys, rate limits, model names, the context, metrics.

    Takes the config, the key store, the adapter registry, an engine (`LocalEngine` or `UpstreamEngine`), the
    metrics, and the adapters refused at start with why; `Gateway.build` makes all of them from a config.
    """

    def __init__(
        self,
        cfg: Config,
        keys: KeyStore,
        registry: Registry,
        engine,
        metrics: ServeMetrics,
        refused: dict[str, str] | None = None,
    ):
        self.cfg, self.keys, self.registry, self.engine, self.metrics = cfg, keys, registry, engine, metrics
        self.refused = refused or {}  # adapter -> why it was not loaded at start
        self.base_name = cfg.serve.base_name
        self.limiter = RateLimiter(cfg.serve.requests_per_minute)
        self.max_context = cfg.serve.max_context or engine.context_length

    @classmethod
    def build(cls, cfg: Config, engine: str | None = None, base_path: Path | None = None) -> Gateway:
        """Keys, registry, and the engine (serve.engine unless given) with every registry adapter (serve.preload)."""
        from savile.models import resolve_model

        keys = KeyStore.load(cfg.path(cfg.serve.keys_file))
        base_path = base_path or resolve_model(cfg.model.base, cfg.model.cache_dir)
        registry = Registry.from_config(cfg, base_path)
        vllm = (engine or cfg.serve.engine) == "vllm"
        adapters, refused = _preload(registry, vllm) if cfg.serve.preload else ([], {})
        metrics = ServeMetrics()
        if vllm:
            from savile.serve.vllm import start_vllm

            return cls(cfg, keys, registry, start_vllm(cfg, base_path, adapters), metrics, refused)
        from savile.serve.engine import LocalEngine
        from savile.train.hardware import use_bf16

        local = LocalEngine(
            base_path,
            use_bf16(cfg.train.precision),
            cfg.serve.max_batch,
            cfg.serve.batch_wait_ms / 1000,
            on_batch=metrics.batch.observe,
        )
        for adapter in adapters:
            try:
                local.load(adapter)
            except ServeError as exc:
                refused[adapter.name] = str(exc)
        return cls(cfg, keys, registry, local, metrics, refused)

    @property
    def adapters(self) -> dict[str, Adapter]:
        """The adapters the engine has loaded, by name."""
        return self.engine.adapters

    def authenticate(self, header: str | None) -> ApiKey:
        """The key entry of an `Authorization: Bearer` header; an `ApiError` 401 when it is missing or unknown."""
        scheme, _, token = (header or "").partition(" ")
        key = self.keys.lookup(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
        if key is None:
            what = "no API key given" if not header else "invalid API key"
            raise ApiError(
                401, f"{what}; send `Authorization: Bearer <key>` with a key from `savile key`.", "invalid_api_key"
            )
        return key

    def require_admin(self, key: ApiKey) -> None:
        """Nothing for an admin key; an `ApiError` 403 for any other."""
        if not key.admin:
            raise ApiError(403, "this needs an admin key (`savile key CONFIG NAME --admin`).", "admin_only")

    def visible_models(self, key: ApiKey) -> list[str]:
        """The model names (base, adapters, their task aliases) that `key` may call."""
        return [m for m in model_names(self.adapters, self.base_name) if key.allows(m.partition(":")[0])]

    def plan(self, key: ApiKey, req: ChatRequest) -> Plan:
        """The request checked against the key, the loaded models and the context; raises ApiError."""
        target = resolve_model_name(req.model, self.adapters, self.base_name)
        if target is None:
            raise ApiError(
                404,
                f"the model {req.model[:80]!r} does not exist; GET /v1/models lists yours.",
                "model_not_found",
                "model",
            )
        if not key.allows(target.adapter or self.base_name):
            raise ApiError(
                403,
                f"this key may not call {req.model[:80]!r}; ask an admin to add it to the key's allow-list.",
                "model_not_allowed",
                "model",
            )
        adapter = self.adapters[target.adapter] if target.adapter else None
        messages = _chat(req, adapter.task_prompts[target.task] if adapter and target.task else None)
        decoding = adapter.decoding.get(target.task) if adapter and target.task else None
        default_tokens = decoding.max_new_tokens if decoding else self.cfg.serve.max_tokens
        max_tokens = req.token_limit() or default_tokens
        prompt_ids = self.engine.encode(messages)
        if len(prompt_ids) + max_tokens > self.max_context:
            raise ApiError(
                400,
                f"this model's context is {self.max_context} tokens; the messages take {len(prompt_ids)} "
                f"and max_tokens asks {max_tokens} more. Shorten the messages or lower max_tokens.",
                "context_length_exceeded",
                "messages",
            )
        # An alias decodes as `savile evaluate` scored it (greedy) unless the client asks otherwise;
        # any other model follows OpenAI's default temperature of 1.
        temperature = req.temperature if req.temperature is not None else (0.0 if decoding else 1.0)
        return Plan(
            req.model,
            target,
            messages,
            prompt_ids,
            max_tokens,
            temperature,
            req.top_p if req.top_p is not None else 1.0,
            decoding,
        )

    def load_adapter(self, name: str) -> Adapter:
        """Read adapter `name` from the registry and load it into the engine; returns it."""
        adapter = self.registry.read(name)
        self.engine.load(adapter)
        return adapter

    def unload_adapter(self, name: str) -> None:
        """Remove the loaded adapter `name` from the engine; a `ServeError` when it is not loaded."""
        if name not in self.adapters:
            raise ServeError(f"adapter {name!r} is not loaded; loaded: {', '.join(sorted(self.adapters)) or 'none'}.")
        self.engine.unload(name)


def _preload(registry: Registry, vllm: bool) -> tuple[list[Adapter], dict[str, str]]:
    """Every registry adapter that can be served; the others with the reason, so one bad folder never
    keeps the other brands' adapters down."""
    from savile.serve.vllm import check_vllm_adapter

    adapters, refused = [], {}
    for name in registry.available():
        try:
            adapter = registry.read(name)
            if vllm:
                check_vllm_adapter(adapter)
            adapters.append(adapter)
        except ServeError as exc:
            refused[name] = str(exc)
    return adapters, refused


def _chat(req: ChatRequest, task_prompt: str | None) -> list[dict]:
    """The messages as plain dicts; an alias's trained system prompt goes first, a client's system text after it
    (as `savile evaluate` appends retrieved passages to it)."""
    messages = [{"role": "system" if m.role == "developer" else m.role, "content": m.text()} for m in req.messages]
    if task_prompt is None:
        return messages
    extra = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
    system = task_prompt + (f"\n\n{extra}" if extra else "")
    return [{"role": "system", "content": system}, *[m for m in messages if m["role"] != "system"]]
