"""Prometheus metrics of `savile serve` (text format at GET /metrics, admin keys only): requests by model
and status, prompt and completion tokens, request latency and time to first token, batch sizes."""

from __future__ import annotations

__all__ = ["ServeMetrics"]

_LATENCY = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 60, 120)


class ServeMetrics:
    """The server's Prometheus counters and histograms, in a registry of their own."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Histogram

        self.registry = CollectorRegistry()  # one per server, so servers in one process never share counts
        self.requests = Counter(
            "savile_requests",
            "Chat completion requests by model and HTTP status.",
            ["model", "status"],
            registry=self.registry,
        )
        self.prompt_tokens = Counter(
            "savile_prompt_tokens", "Prompt tokens by model.", ["model"], registry=self.registry
        )
        self.completion_tokens = Counter(
            "savile_completion_tokens", "Generated tokens by model.", ["model"], registry=self.registry
        )
        self.latency = Histogram(
            "savile_request_seconds",
            "Seconds from request to last token, by model.",
            ["model"],
            buckets=_LATENCY,
            registry=self.registry,
        )
        self.first_token = Histogram(
            "savile_time_to_first_token_seconds",
            "Seconds from request to first token, by model.",
            ["model"],
            buckets=_LATENCY,
            registry=self.registry,
        )
        self.batch = Histogram(
            "savile_batch_rows",
            "Requests generated together per batch.",
            buckets=(1, 2, 3, 4, 6, 8, 12, 16, 32, 64),
            registry=self.registry,
        )

    def finished(self, model: str, status: int, seconds: float, prompt: int = 0, completion: int = 0) -> None:
        """Count one finished request: its status, its seconds and, when known, its prompt and completion tokens."""
        self.requests.labels(model, str(status)).inc()
        self.latency.labels(model).observe(seconds)
        if prompt or completion:
            self.prompt_tokens.labels(model).inc(prompt)
            self.completion_tokens.labels(model).inc(completion)

    def text(self) -> tuple[bytes, str]:
        """The metrics in Prometheus' text format, and the content type to serve them with."""
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return generate_latest(self.registry), CONTENT_TYPE_LATEST
