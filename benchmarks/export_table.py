"""Every export of the demo brand's tuned model, re-scored, as one table: format, size, main metrics, drop.

    .venv/bin/python benchmarks/export_table.py [--keep DIR] [--items 16]

Writes the demo brand (the same files and settings as `savile demo`), prepares and trains it where
no finished stage is there yet, then runs `savile export --format F` for merged, vllm, gguf and
ollama in turn (exit code 3, a drop over export.max_drop, is a result, not a failure) and prints the
README's table from the four manifests: per artefact its size and, per task, the main metric of the
export with the unexported tuned model's beside it, the largest drop, and the seconds the export took.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from demo_folder import demo_project

FORMATS = ("merged", "vllm", "gguf", "ollama")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="Run in this folder and keep it (default: a temporary one).")
    parser.add_argument("--items", type=int, default=16, help="Held-out items per task each export is re-scored on.")
    parser.add_argument(
        "--formats",
        nargs="+",
        choices=FORMATS,
        default=list(FORMATS),
        help="Formats to export now; the table reads every format's manifest already there.",
    )
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="savile-export-")) / "demo-brand"
    config = demo_project(folder, stages=("prepare", "train"))
    runs = folder / "runs"
    for fmt in args.formats:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "savile",
                "export",
                str(config),
                "--format",
                fmt,
                f"export.max_items_per_task={args.items}",
            ]
        )
        if done.returncode not in (0, 3):
            raise SystemExit(f"savile export --format {fmt} exited {done.returncode}")
    print(table(runs))


def table(runs: Path) -> str:
    manifests = {
        fmt: json.loads((runs / "export" / fmt / "manifest.json").read_text())
        for fmt in FORMATS
        if (runs / "export" / fmt / "manifest.json").exists()
    }
    adapter = sum(p.stat().st_size for p in (runs / "train" / "adapter").glob("*.safetensors"))
    tasks = list(dict.fromkeys(s["task"] for m in manifests.values() for s in m["scores"]))
    metrics = {s["task"]: s["metric"] for m in manifests.values() for s in m["scores"]}
    head = (
        "| format | artefact | size | " + " | ".join(f"{t} {metrics[t]}" for t in tasks) + " | largest drop | seconds |"
    )
    lines = [head, "|" + "---|" * (len(tasks) + 5)]
    reference = next(s for m in manifests.values() for s in m["scores"])
    unexported = {s["task"]: s["unexported"] for m in manifests.values() for s in m["scores"]}
    lines.append(
        f"| (none) | base + adapter | {_mb(adapter)} | " + " | ".join(f"{unexported[t]:.3f}" for t in tasks) + " | | |"
    )
    for fmt, m in manifests.items():
        artefacts = list(dict.fromkeys(s["artefact"] for s in m["scores"])) or ["(files only)"]
        for artefact in artefacts:
            rows = {s["task"]: s for s in m["scores"] if s["artefact"] == artefact}
            size = _size(m["files"], artefact)
            cells = " | ".join(f"{rows[t]['exported']:.3f}" if t in rows else "" for t in tasks)
            drops = [(r["drop"], t) for t, r in rows.items()]
            worst = max(drops) if drops else None
            drop = (
                f"{worst[0]:+.3f} ({worst[1]})" + (" over max_drop" if rows[worst[1]]["too_large"] else "")
                if worst
                else ""
            )
            lines.append(f"| {fmt} | {artefact} | {size} | {cells} | {drop} | {m['seconds']:.0f} |")
    lines.append(
        f"\n{reference['items']} held-out items per task; notes: "
        + "; ".join(n for m in manifests.values() for n in m["notes"])
    )
    return "\n".join(lines)


def _size(files: dict[str, int], artefact: str) -> str:
    """The bytes of the file an artefact is named after, or of every weight file of the format."""
    named = [b for f, b in files.items() if Path(f).name.replace(".gguf", "").endswith(artefact.split()[-1])]
    weights = [b for f, b in files.items() if f.endswith((".safetensors", ".gguf"))]
    return _mb(named[0] if len(named) == 1 else sum(weights))


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


if __name__ == "__main__":
    main()
