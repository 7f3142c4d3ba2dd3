"""Do two runs of the same project give the same figures? For a change that must not change behaviour.

    python benchmarks/same_figures.py BEFORE_DIR AFTER_DIR

Each folder is a project that `savile demo` (or prepare, train, evaluate, report) has run, one with
the code before the change and one after, on the same inputs and settings. It compares the prepared
splits, the trained example ids and the per-example scores byte for byte, the adapter's weights
tensor for tensor, and the manifests and report.json key for key with times, paths and versions
left out (NaN equals NaN). It prints every difference and exits 1 if there is any.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import sys
from pathlib import Path
from typing import Any

BYTE_FOR_BYTE = [
    "prepare/train.jsonl",
    "prepare/validation.jsonl",
    "prepare/test.jsonl",
    "prepare/quarantine.jsonl",
    "prepare/data_card.md",
    "train/trained_ids.json",
    "evaluate/examples.jsonl",
]
KEY_FOR_KEY = ["prepare/manifest.json", "train/manifest.json", "evaluate/manifest.json", "report/report.json"]
# Keys whose values differ between two runs of the same code: wall times, speeds, paths, versions, hosts.
VOLATILE = re.compile(
    r"seconds|_s$|time|timing|runtime|created|date|path|dir|folder|wall|started|finished|per_second|elapsed"
    r"|version|host|cpu|python|platform|peak|rss|tokens_per|speed|duration",
    re.IGNORECASE,
)


def main(before: Path, after: Path) -> int:
    """Print each difference between the two projects' runs; 0 when there is none."""
    a, b = before / "runs", after / "runs"
    differences = []
    for rel in BYTE_FOR_BYTE:
        if _digest(a / rel) != _digest(b / rel):
            differences.append(f"{rel}: the bytes differ")
    for rel in KEY_FOR_KEY:
        old, new = (_stable(json.loads((root / rel).read_text()), str(root)) for root in (a, b))
        differences += [f"{rel}{where}" for where in _walk(old, new, "")]
    differences += _adapter_differences(a / "train/adapter", b / "train/adapter")
    for line in differences:
        print(line)
    print(f"{len(differences)} differences between {before} and {after}")
    return 1 if differences else 0


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "missing"


def _stable(value: Any, root: str) -> Any:
    if isinstance(value, dict):
        return {k: _stable(v, root) for k, v in value.items() if not VOLATILE.search(k)}
    if isinstance(value, list):
        return [_stable(v, root) for v in value]
    if isinstance(value, str) and root in value:
        return "<project>"
    return value


def _walk(old: Any, new: Any, where: str) -> list[str]:
    if type(old) is not type(new):
        return [f"{where}: {old!r:.80} became {new!r:.80}"]
    if isinstance(old, dict):
        out = [f"{where}.{k}: only in {'after' if k in new else 'before'}" for k in sorted(set(old) ^ set(new))]
        for k in sorted(set(old) & set(new)):
            out += _walk(old[k], new[k], f"{where}.{k}")
        return out
    if isinstance(old, list):
        out = [f"{where}: {len(old)} items became {len(new)}"] if len(old) != len(new) else []
        for i, (u, v) in enumerate(zip(old, new, strict=False)):
            out += _walk(u, v, f"{where}[{i}]")
        return out
    if isinstance(old, float) and math.isnan(old) and math.isnan(new):
        return []
    return [] if old == new else [f"{where}: {old!r:.80} became {new!r:.80}"]


def _adapter_differences(a: Path, b: Path) -> list[str]:
    from safetensors.torch import load_file

    name = "adapter_model.safetensors"
    if not (a / name).exists() or not (b / name).exists():
        return (
            [] if not (a / name).exists() and not (b / name).exists() else [f"train/adapter: only one run has {name}"]
        )
    old, new = load_file(str(a / name)), load_file(str(b / name))
    if old.keys() != new.keys():
        return ["train/adapter: the tensors' names differ"]
    return [f"train/adapter: {k} differs" for k in sorted(old) if not bool((old[k] == new[k]).all())]


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
