"""Sweep LoRA's learning rate and rank on both embedded models; choose defaults on validation loss.

    .venv/bin/python benchmarks/recipe_sweep.py [--keep DIR] [--examples 64] [--lrs 1e-4,2e-4,4e-4,8e-4] [--ranks 8,16,32]

Writes and prepares the demo brand (or reuses DIR's), then trains LoRA on every (learning rate,
rank) pair for each embedded model, one epoch over a seeded `--examples` per task, and reads each
run's lowest validation loss (on `--loss-items` fixed validation examples; test items are never
read). Prints one table row per run, each model's best pair, and the pair whose worst excess over
each model's own best is smallest: the default that works on both. A run whose inputs are
unchanged is reused from DIR, so an interrupted sweep resumes. Selection is on validation loss
alone; whether the chosen pair then wins on the test items is the demo's and the grid's job.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from demo_folder import demo_project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="Run in this folder and keep it (default: a temporary one).")
    parser.add_argument("--models", default="smollm2-135m-instruct,gemma3-270m")
    parser.add_argument("--lrs", default="1e-4,2e-4,4e-4,8e-4", help="Learning rates, comma-separated.")
    parser.add_argument("--ranks", default="8,16,32", help="LoRA ranks, comma-separated (alpha follows: 2 x rank).")
    parser.add_argument("--examples", type=int, default=64, help="Training examples per task.")
    parser.add_argument("--loss-items", type=int, default=48, help="Validation examples whose loss is measured.")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="savile-sweep-")) / "demo-brand"
    config = demo_project(folder)

    from savile.config import load_config
    from savile.records import PreparedData

    cfg = load_config(config)
    prepared = PreparedData.load(cfg.stage_dir("prepare"))
    lrs = [float(x) for x in args.lrs.split(",")]
    ranks = [int(x) for x in args.ranks.split(",")]
    results: dict[tuple[str, float, int], tuple[float, float]] = {}
    for model in args.models.split(","):
        for lr in lrs:
            for rank in ranks:
                trained = _train(cfg, prepared, model, lr, rank, args, folder / "runs" / "sweep")
                results[(model, lr, rank)] = (trained.eval_loss, trained.train_seconds)
                print(
                    f"{model} lr {lr:g} rank {rank}: validation loss {trained.eval_loss:.4f} "
                    f"({trained.train_seconds:.0f} s)",
                    flush=True,
                )
    print()
    print(_table(results, args.models.split(","), lrs, ranks))


def _train(cfg, prepared, model: str, lr: float, rank: int, args, root: Path):
    """One LoRA run of the sweep, in its own folder; reused when its inputs are unchanged."""
    from savile import train
    from savile.compare.run import cell_config
    from savile.records import TrainedModel
    from savile.train.sft import run_key

    sub = cell_config(cfg, model, "lora", root / model / f"lr{lr:g}-r{rank}")
    sub = sub.model_copy(
        update={
            "train": sub.train.model_copy(
                update={
                    "learning_rate": lr,
                    "max_examples_per_task": args.examples,
                    "epochs": 1.0,
                    "patience": None,
                    "loss_items": args.loss_items,
                }
            ),
            "technique": sub.technique.model_copy(
                update={"lora": sub.technique.lora.model_copy(update={"rank": rank})}
            ),
        }
    )
    stage = sub.stage_dir("train")
    if (stage / "manifest.json").exists():
        done = TrainedModel.load(stage)
        if done.config.get("run_key") == run_key(sub, prepared):
            return done
    return train.run(sub, prepared)


def _table(results: dict, models: list[str], lrs: list[float], ranks: list[int]) -> str:
    """Validation loss per (learning rate, rank) and model, each model's best marked, and the shared pick."""
    best = {m: min(v[0] for (mm, _, _), v in results.items() if mm == m) for m in models}
    pairs = [(lr, r) for lr in lrs for r in ranks]
    worst_excess = {p: max(results[(m, *p)][0] - best[m] for m in models) for p in pairs}
    pick = min(pairs, key=lambda p: worst_excess[p])
    lines = [
        "| learning rate | rank | "
        + " | ".join(f"{m} validation loss" for m in models)
        + " | worst excess over the model's best |",
        "|---|---|" + "---|" * (len(models) + 1),
    ]
    for lr, r in pairs:
        cells = []
        for m in models:
            loss = results[(m, lr, r)][0]
            cells.append(f"**{loss:.4f}**" if loss == best[m] else f"{loss:.4f}")
        mark = " (chosen)" if (lr, r) == pick else ""
        lines.append(f"| {lr:g} | {r} | " + " | ".join(cells) + f" | {worst_excess[(lr, r)]:+.4f}{mark} |")
    edge = pick[0] in (min(lrs), max(lrs)) or pick[1] in (min(ranks), max(ranks))
    warning = (
        "\nthe pick lies on the grid's edge: the best may lie beyond it, and a short budget favours the"
        " largest update per step; extend the grid, or sweep at the full recipe's budget, before adopting it"
        if edge
        else ""
    )
    return "\n".join(lines) + f"\n\nchosen for both models: learning rate {pick[0]:g}, rank {pick[1]}" + warning


if __name__ == "__main__":
    main()
