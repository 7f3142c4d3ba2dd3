"""Time `savile compare` on the demo brand and print its grid, variance decomposition and verdict.

    .venv/bin/python benchmarks/compare_grid.py [--keep DIR] [KEY=VALUE ...]

Writes the demo brand (the same files and settings as `savile demo`), prepares it, then runs the
default grid: models {smollm2-135m-instruct, gemma3-270m} x techniques {prompt, few-shot, rag,
lora, qlora, lora+rag}, all on the same held-out items. KEY=VALUE overrides go to `savile
compare` (`make compare` passes `train.epochs=1 evaluate.max_items_per_task=16
compare.latency_items=0`, the grid the README reports: the twelve cells at the demo's 48 items
and two epochs take several times as long).
Prints the wall time of prepare and of compare (training and generation per cell) and the table
that runs/compare/table.md holds. The issue's target: the grid under 2.5 hours on 2 CPU cores.
With --keep on a folder that already holds a run, finished work is reused (a resume).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from demo_folder import demo_project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="Run in this folder and keep it (default: a temporary one).")
    parser.add_argument(
        "overrides", nargs="*", help="Settings for `savile compare`, e.g. evaluate.max_items_per_task=16."
    )
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="savile-compare-")) / "demo-brand"
    demo_project(folder, stages=())
    start = time.perf_counter()
    config = demo_project(folder)  # prepare alone is timed
    prepared = time.perf_counter()
    subprocess.run([sys.executable, "-m", "savile", "compare", str(config), *args.overrides], check=True)
    done = time.perf_counter()
    result = json.loads((folder / "runs" / "compare" / "manifest.json").read_text())
    print(
        f"\nwall time: {(done - start) / 60:.1f} min (prepare {prepared - start:.0f} s, compare {done - prepared:.0f} s)"
    )
    for c in result["cells"]:
        gen = sum(c["generate_seconds"].values())
        print(
            f"  {c['model']:<22} {c['technique']:<9} domain {c['domain']['mean']:.3f}  train {c['train_seconds']:>5.0f} s"
            f"  generate {gen:>4.0f} s  ({c['seconds_per_answer']:.2f} s/answer batched; "
            f"one request {c['latency_seconds']:.2f} s for {c['latency_tokens']:.0f} tokens)"
        )
    print()
    print((folder / "runs" / "compare" / "table.md").read_text())


if __name__ == "__main__":
    main()
