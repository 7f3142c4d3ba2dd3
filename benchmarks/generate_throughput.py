"""Batched generation against one prompt at a time, and the full `savile evaluate` wall time.

    .venv/bin/python benchmarks/generate_throughput.py [--project demo-brand] [--repeats 3]

Part 1, on the embedded default model: the same held-out describe prompts of the demo brand are
answered by `savile.evaluate.generate.generate` in batches of 32 (left-padded, KV cache) and one
at a time; tokens per second are generated tokens (each answer re-tokenised, plus its end-of-turn
token) over wall time, the median of `--repeats` runs. The issue's target: batched at least 4x.

Part 2: `savile evaluate` on the demo project (every system of the ladder, then the governance
probes), timed once. The project is built with `savile demo` when it is not there yet.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _throughput(model, tokenizer, chats, decoding, batch_size: int) -> float:
    from savile.evaluate.generate import generate

    start = time.perf_counter()
    answers = generate(model, tokenizer, chats, decoding, batch_size, bf16=False, label=f"batch {batch_size}")
    seconds = time.perf_counter() - start
    tokens = sum(len(tokenizer(a, add_special_tokens=False)["input_ids"]) + 1 for a in answers)
    return tokens / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=Path("demo-brand"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--prompts", type=int, default=32, help="Prompts per batched run.")
    parser.add_argument("--single", type=int, default=8, help="Prompts per one-at-a-time run.")
    args = parser.parse_args()

    config = args.project / "savile.yaml"
    if not (args.project / "runs" / "train" / "manifest.json").exists():
        subprocess.run([sys.executable, "-m", "savile", "demo", str(args.project)], check=False)

    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from savile.config import load_config
    from savile.data.guide import brand_guide
    from savile.evaluate.systems import Ladder
    from savile.models import resolve_model
    from savile.records import PreparedData
    from savile.train.data import read_examples

    torch.set_num_threads(torch.get_num_threads())
    cfg = load_config(config)
    prepared = PreparedData.load(cfg.stage_dir("prepare"))
    items = [e for e in read_examples(prepared.test_path) if e["task"] == "describe"][: args.prompts]
    ladder = Ladder(cfg, brand_guide(cfg), {}, None)
    chats = ladder.chats("base", "describe", items)
    path = resolve_model(cfg.model.base, cfg.model.cache_dir)
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32).eval()
    decoding = cfg.evaluate.describe

    batched = [_throughput(model, tokenizer, chats, decoding, 32) for _ in range(args.repeats)]
    single = [_throughput(model, tokenizer, chats[: args.single], decoding, 1) for _ in range(args.repeats)]
    b, s = statistics.median(batched), statistics.median(single)
    print(f"\ngeneration on {cfg.model.base}, describe prompts, max_new_tokens {decoding.max_new_tokens}, "
          f"median of {args.repeats}:")
    print(f"  batched (32 at a time): {b:.1f} tokens/s   runs {', '.join(f'{x:.1f}' for x in batched)}")
    print(f"  one at a time:          {s:.1f} tokens/s   runs {', '.join(f'{x:.1f}' for x in single)}")
    print(f"  speed-up: {b / s:.1f}x (target at least 4x)")
    del model

    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "savile", "evaluate", str(config)])
    wall = time.perf_counter() - start
    manifest = json.loads((cfg.stage_dir("evaluate") / "manifest.json").read_text())
    n = {t: e["n_items"] for t, e in manifest["metrics"].items()}
    print(f"\nsavile evaluate on the demo's eval set ({', '.join(f'{t} {k}' for t, k in n.items())} items, "
          f"{len(manifest['systems'])} systems, governance probes): {wall / 60:.1f} min wall "
          f"(generation for the ladder {manifest['generate_seconds']:.0f} s; governance "
          f"{', '.join(f'{k} {v:.0f} s' for k, v in manifest['governance'].get('seconds', {}).items())}); exit code {done.returncode}")


if __name__ == "__main__":
    main()
