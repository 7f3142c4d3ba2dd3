"""`savile prepare` at scale: 100,000 products and 50,000 conversations.

    .venv/bin/python benchmarks/prepare_scale.py [--products 100000] [--conversations 50000]

Generates a demo-brand catalogue and conversation log of that size, runs `savile prepare` on them
in a child process, and prints its wall time and peak resident memory (the issue's targets: under
10 minutes and under 4 GB on 2 cores).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--conversations", type=int, default=50_000)
    args = parser.parse_args()

    from savile.demo.project import write_project

    folder = Path(tempfile.mkdtemp(prefix="savile-scale-"))
    t0 = time.perf_counter()
    config = write_project(folder, n_products=args.products, n_conversations=args.conversations)
    data = yaml.safe_load(config.read_text())
    data["privacy"] = {"key_file": str(folder / "pii.key")}
    config.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    print(
        f"generated {args.products:,} products and {args.conversations:,} conversations in {time.perf_counter() - t0:.0f} s"
    )

    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "savile", "prepare", str(config)], check=True)
    wall = time.perf_counter() - start
    peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2  # KiB on Linux
    print(
        f"prepare: {wall / 60:.1f} min wall, peak memory {peak_gb:.2f} GB "
        f"(targets: under 10 min, under 4 GB) -> {'met' if wall < 600 and peak_gb < 4 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
