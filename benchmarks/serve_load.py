"""Load on `savile serve`: N concurrent streaming clients for M seconds on loopback, against one at a time.

    .venv/bin/python benchmarks/serve_load.py [--clients 8] [--seconds 30] [--max-tokens 48] [--model smollm2-135m-instruct]

Serves the model (the embedded default unless --model names another) with two LoRA adapters of
random weights (rank 16, every linear layer, as `savile train` makes them) from a temporary
registry, on a free loopback port. Clients take turns over the base and the two adapters, so
batches mix adapters. Each client sends streamed chat completions (greedy, `max_tokens` each,
usage included) back to back until the time is up; a request started before the deadline is
finished. Phase 1 runs one client, phase 2 `--clients` clients, each `--seconds` long.

Printed per phase: requests/s, completion tokens/s, time to first token and inter-token latency
(between streamed pieces) p50/p95, and errors by HTTP status. The issue's target: with 8 clients
at least 2x the tokens/s of one client, and no error other than 429.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import yaml

MAX_CLIENTS, MAX_SECONDS = 32, 300
PROMPTS = [
    "Describe a leather tote bag for a luxury catalogue.",
    "How long do I have to return a scarf?",
    "Write two sentences about a silk carré in ochre.",
    "Tell me about the care of calfskin.",
]


def _project(folder: Path, model: str) -> tuple[Path, str, list[str]]:
    """A config, a registry with two random adapters on the base, and an all-models key."""
    import torch
    from peft import LoraConfig, get_peft_model

    from savile.models import resolve_model
    from savile.records import TrainedModel
    from savile.serve.keys import add_key
    from savile.train.methods import load_base

    base = resolve_model(model)
    names = ["brand-a", "brand-b"]
    for seed, name in enumerate(names):
        torch.manual_seed(seed)
        peft = get_peft_model(
            load_base(base),
            LoraConfig(
                r=16, lora_alpha=32, target_modules="all-linear", init_lora_weights=False, task_type="CAUSAL_LM"
            ),
        )
        peft.save_pretrained(folder / "registry" / name / "adapter")
        TrainedModel(
            adapter_dir=folder / "registry" / name / "adapter",
            base_model=model,
            base_path=str(base),
            method="lora",
            data_fingerprint="benchmark",
            seed=seed,
            train_examples={},
            train_tokens=0,
            dropped_too_long=0,
            loss_history=[],
            eval_loss=0.0,
            train_seconds=0.0,
            resumed_from="",
            versions={},
        ).save(folder / "registry" / name)
    config = {
        "project": "load",
        "sources": {"catalogue": "c.csv", "brand_guide": "g.yaml", "conversations": "c.jsonl"},
        "model": {"base": model},
        "train": {"precision": "auto"},
        "serve": {"registry": "registry", "keys_file": "keys.yaml", "requests_per_minute": 1_000_000},
    }
    path = folder / "savile.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    key = add_key(folder / "keys.yaml", "load", ["*"])
    return path, key, ["base", *names]


def _client(url: str, key: str, model: str, max_tokens: int, deadline: float, out: dict, i: int) -> None:
    import openai

    client = openai.OpenAI(base_url=url + "/v1", api_key=key, max_retries=0, timeout=600)
    while time.perf_counter() < deadline:
        start = last = time.perf_counter()
        first = None
        try:
            stream = client.chat.completions.create(
                model=model,
                messages=[{"role": "user", "content": PROMPTS[i % len(PROMPTS)]}],
                max_tokens=max_tokens,
                temperature=0,
                stream=True,
                stream_options={"include_usage": True},
            )
            for chunk in stream:
                now = time.perf_counter()
                if chunk.choices and chunk.choices[0].delta.content:
                    if first is None:
                        first = now
                        out["ttft"].append(now - start)
                    else:
                        out["itl"].append(now - last)
                    last = now
                if chunk.usage:
                    out["tokens"] += chunk.usage.completion_tokens
            out["requests"] += 1
        except openai.APIStatusError as exc:
            out["errors"][exc.status_code] += 1
        except openai.APIError as exc:
            out["errors"][type(exc).__name__] += 1
        i += 1


def phase(url: str, key: str, models: list[str], clients: int, seconds: float, max_tokens: int) -> dict:
    out = {"requests": 0, "tokens": 0, "ttft": [], "itl": [], "errors": Counter()}
    started = time.perf_counter()
    deadline = started + seconds
    threads = [
        threading.Thread(target=_client, args=(url, key, models[c % len(models)], max_tokens, deadline, out, c))
        for c in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out["seconds"] = time.perf_counter() - started
    return out


def _pct(values: list[float], q: float) -> str:
    if len(values) < 2:
        return "n/a"
    return f"{statistics.quantiles(values, n=100, method='inclusive')[q - 1] * 1000:.0f}"


def _row(clients: int, r: dict) -> str:
    errors = ", ".join(f"{k}: {v}" for k, v in sorted(r["errors"].items(), key=str)) or "none"
    return (
        f"| {clients} | {r['requests'] / r['seconds']:.2f} | {r['tokens'] / r['seconds']:.1f} | "
        f"{_pct(r['ttft'], 50)} / {_pct(r['ttft'], 95)} | {_pct(r['itl'], 50)} / {_pct(r['itl'], 95)} | {errors} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--max-tokens", type=int, default=48)
    parser.add_argument("--model", default="smollm2-135m-instruct")
    args = parser.parse_args()
    if not 1 <= args.clients <= MAX_CLIENTS or not 1 <= args.seconds <= MAX_SECONDS:
        sys.exit(f"--clients must be 1-{MAX_CLIENTS} and --seconds 1-{MAX_SECONDS}")

    from savile.config import load_config
    from savile.serve import Gateway, create_app
    from savile.serve.background import running

    with tempfile.TemporaryDirectory() as tmp:
        config, key, models = _project(Path(tmp), args.model)
        gateway = Gateway.build(load_config(config))
        with running(create_app(gateway)) as url:
            phase(url, key, models, 1, 2, 4)  # warm-up
            one = phase(url, key, models, 1, args.seconds, args.max_tokens)
            many = phase(url, key, models, args.clients, args.seconds, args.max_tokens)
    print(
        f"model {args.model}, {args.seconds:.0f} s per phase, {args.max_tokens} max tokens, models {', '.join(models)}"
    )
    print("| clients | requests/s | tokens/s | first token p50 / p95 ms | inter-token p50 / p95 ms | errors |")
    print("|---|---|---|---|---|---|")
    print(_row(1, one))
    print(_row(args.clients, many))
    ratio = (many["tokens"] / many["seconds"]) / max(one["tokens"] / one["seconds"], 1e-9)
    bad = {k: v for k, v in many["errors"].items() if k != 429} | {k: v for k, v in one["errors"].items() if k != 429}
    print(
        f"tokens/s with {args.clients} clients over 1 client: {ratio:.2f}x (target 2x); errors other than 429: "
        f"{sum(bad.values())}"
    )


if __name__ == "__main__":
    main()
