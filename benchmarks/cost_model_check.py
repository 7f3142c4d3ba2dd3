"""Does the FLOPs model predict Savile's real training time? A check on the embedded model.

    .venv/bin/python benchmarks/cost_model_check.py [--small 8] [--large 24] [--model NAME] [--keep DIR]

Writes a small demo brand (300 products, 100 conversations), prepares it, and trains LoRA through
the real train stage (`savile.train.run`, default settings, no checkpoints) three times:
1. a warm-up of 1 example per task, not scored: the first training in a process pays one-off
   costs (thread pools, kernel selection, allocator growth) that are no part of the cost model;
2. a small run, --small examples per task: `savile.cost.measured_mfu` turns its tokens and seconds
   into the MFU it reached against this CPU's measured matmul peak;
3. a large run, --large examples per task: its wall time is predicted from its token count with
   the FLOPs model (4·N·T + 6·N_adapter·T for LoRA) at the small run's MFU, then measured.

It prints predicted vs measured seconds and the relative error; the target is within 25%. About
3-5 minutes on 2 CPU cores.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
from pathlib import Path

import yaml


def _config(folder: Path, sources, output: Path, model: str, per_task: int) -> Path:
    cfg = {
        "project": "cost-model-check",
        "output_dir": str(output),
        "sources": {k: str(getattr(sources, k)) for k in ("catalogue", "brand_guide", "conversations", "policies")},
        "privacy": {"key_file": str(folder / "pii.key")},
        "model": {"base": model},
        "train": {"max_examples_per_task": per_task, "save_steps": 100_000, "logging_steps": 1_000, "resume": False},
    }
    path = folder / f"savile-{per_task}.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return path


def _train(folder: Path, sources, prepared, model: str, per_task: int, name: str) -> Path:
    from savile import train
    from savile.config import load_config

    cfg = load_config(_config(folder, sources, folder / name, model, per_task))
    record = train.run(cfg, prepared)
    print(
        f"  {name}: {sum(record.train_examples.values())} examples, {record.train_tokens:,} tokens, "
        f"{record.train_seconds:.1f} s ({record.train_tokens / record.train_seconds:.0f} tokens/s)",
        flush=True,
    )
    return cfg.stage_dir("train")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=8, help="Examples per task in the calibration run.")
    parser.add_argument("--large", type=int, default=24, help="Examples per task in the predicted run.")
    parser.add_argument("--model", default="smollm2-135m-instruct", help="Base model spec.")
    parser.add_argument("--keep", type=Path, help="Work in this folder and keep it (default: a temporary one).")
    args = parser.parse_args()

    import torch

    from savile.config import load_config
    from savile.cost import load_prices, measured_mfu
    from savile.data import prepare
    from savile.demo import write_sources

    folder = args.keep or Path(tempfile.mkdtemp(prefix="savile-cost-check-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__} "
        f"with {torch.get_num_threads()} threads; work folder {folder}",
        flush=True,
    )
    sources = write_sources(folder, n_products=300, n_conversations=100)
    prepared = prepare.run(load_config(_config(folder, sources, folder / "runs", args.model, args.small)))
    print("training (real train stage, LoRA r=16 on all linear layers, batch 8):", flush=True)
    _train(folder, sources, prepared, args.model, 1, "warm-up")
    small_dir = _train(folder, sources, prepared, args.model, args.small, "small")
    large_dir = _train(folder, sources, prepared, args.model, args.large, "large")

    prices = load_prices()
    small, large = measured_mfu(small_dir, prices), measured_mfu(large_dir, prices)
    predicted = large.flops / (small.peak_flops * small.mfu)
    error = (predicted - large.seconds) / large.seconds
    print(f"\nmodel: {args.model}, {small.params:,} parameters, LoRA adapter {small.adapter_params:,}")
    print(f"CPU peak ({small.precision} matmul, measured): {small.peak_flops / 1e12:.3f} TFLOP/s")
    print(
        f"small run: {small.tokens:>7,} tokens {small.seconds:7.1f} s  FLOPs {small.flops:.3e}  MFU {small.mfu:.3f}  (calibration)"
    )
    print(f"large run: {large.tokens:>7,} tokens {large.seconds:7.1f} s  FLOPs {large.flops:.3e}  MFU {large.mfu:.3f}")
    print(
        f"large run predicted from the small run's MFU: {predicted:.1f} s, measured {large.seconds:.1f} s, "
        f"error {error:+.1%}  ->  {'within' if abs(error) <= 0.25 else 'OUTSIDE'} the 25% target"
    )


if __name__ == "__main__":
    main()
