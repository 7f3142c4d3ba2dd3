"""Time the whole demo (`savile demo`) and print its headline deltas.

    .venv/bin/python benchmarks/demo_run.py [--keep DIR]

Runs the demo brand end to end in a fresh folder, exactly as `make demo` does once set up, and
prints the wall time of each stage and the report's key metrics with their paired 95% CIs.
The issue's target: under 15 minutes on 2 CPU cores once set up.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="Run in this folder and keep it (default: a temporary one).")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="savile-demo-")) / "demo-brand"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "savile", "demo", str(folder)], check=True)
    total = time.perf_counter() - start
    runs = folder / "runs"
    train = json.loads((runs / "train" / "manifest.json").read_text())
    ev = json.loads((runs / "evaluate" / "manifest.json").read_text())
    print(f"\ndemo wall time: {total / 60:.1f} min  (train {train['train_seconds']:.0f} s, "
          f"{train['train_tokens'] / train['train_seconds']:.0f} tokens/s; generation {ev['seconds']:.0f} s)")
    print(f"{'task':<9} {'metric':<24} {'base':>6} {'tuned':>6} {'delta':>7}  95% CI")
    for task, rows in ev["metrics"].items():
        for m in rows:
            print(f"{task:<9} {m['metric']:<24} {m['base_mean']:>6.3f} {m['tuned_mean']:>6.3f} {m['delta']:>+7.3f}  "
                  f"[{m['ci_low']:+.3f}, {m['ci_high']:+.3f}]{'  *' if m['improved'] else ''}")
    print("* tuned better, CI excludes zero")


if __name__ == "__main__":
    main()
