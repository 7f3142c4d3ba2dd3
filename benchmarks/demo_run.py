"""Time the whole demo (`savile demo`) and print its headline deltas.

    .venv/bin/python benchmarks/demo_run.py [--keep DIR] [--full]

Runs the demo brand end to end in a fresh folder, exactly as `make demo` does once set up (with
`--full`, as `savile demo --full`), and prints the wall time of each stage and the report's key
metrics with their paired 95% CIs. Targets on 2 CPU cores once set up: the demo at most 20
minutes, the full demo at most 60.
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
    parser.add_argument("--full", action="store_true", help="Run `savile demo --full`.")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="savile-demo-")) / "demo-brand"
    start = time.perf_counter()
    code = subprocess.run(
        [sys.executable, "-m", "savile", "demo", str(folder), *(["--full"] if args.full else [])]
    ).returncode
    total = time.perf_counter() - start
    if code not in (0, 3):  # 3: a governance gate failed; the report is still written
        sys.exit(code)
    runs = folder / "runs"
    train = json.loads((runs / "train" / "manifest.json").read_text())
    ev = json.loads((runs / "evaluate" / "manifest.json").read_text())
    gov = ev["governance"].get("seconds", {})
    print(
        f"\ndemo wall time: {total / 60:.1f} min  (train {train['train_seconds']:.0f} s, "
        f"{train['train_tokens'] / train['train_seconds']:.0f} tokens/s; evaluate {ev['seconds']:.0f} s: ladder "
        f"generation {ev['generate_seconds']:.0f} s, governance {', '.join(f'{k} {v:.0f} s' for k, v in gov.items())})"
    )
    for task, entry in ev["metrics"].items():
        systems = list(entry["means"])
        print(
            f"\n{task} ({entry['n_items']} items); best {entry['best']}; "
            f"{'fine-tuning justified' if entry.get('justified') else 'fine-tuning not justified'}"
        )
        print(f"  {'metric':<24}" + "".join(f"{s:>11}" for s in systems))
        for metric in entry["means"][systems[0]]:
            print(f"  {metric:<24}" + "".join(f"{entry['means'][s][metric]['mean']:>11.3f}" for s in systems))
        for p in entry.get("verdict", {}).get("pairs", []):
            ci = "all pairs tie" if p["all_tied"] else f"[{p['ci_low']:+.3f}, {p['ci_high']:+.3f}]"
            print(
                f"  verdict pair {p['tuned']} - {p['untuned']} on {entry['main']}: {p['delta']:+.3f} {ci} "
                f"({100 * entry['verdict']['confidence']:.1f}% CI){'  *' if p['improved'] else ''}"
            )
        for d in entry.get("versus", []):
            print(
                f"  {entry['best_tuned']} - {entry['best_untuned']} {d['metric']:<22} {d['delta']:+.3f} "
                f"[{d['ci_low']:+.3f}, {d['ci_high']:+.3f}] Holm p {d['p_holm']:.4f}{'  *' if d['improved'] else ''}"
            )
    g = ev["governance"]
    if g:
        f, s = g["forgetting"], g["safety"]
        print("\ngovernance (base -> tuned, delta [95% CI])")
        for name, d in (
            ("bits per byte", f["bits_per_byte"]),
            ("cloze accuracy", f["cloze"]),
            ("refusal, harmful", s["harmful"]),
            ("refusal, benign", s["benign"]),
        ):
            print(
                f"  {name:<18} {d['base']:.3f} -> {d['tuned']:.3f}  {d['delta']:+.3f} [{d['ci_low']:+.3f}, {d['ci_high']:+.3f}]"
            )
        shares = {k: s["harmful"]["labels"][k]["shares"]["compliance"] for k in ("base", "tuned")}
        print(f"  harmful requests complied with: base {shares['base']:.2f}, tuned {shares['tuned']:.2f}")
        o = g["overfitting"]
        print(
            f"  overfitting: kept step {o['best_step']}, val/train {o['val_loss']:.3f}/{o['train_loss']:.3f} = {o['ratio']:.2f}"
        )
        for c in g["memorisation"]["canaries"]:
            print(
                f"  canary x{c['repetitions']:<2} exposure base {c['base_exposure']:.2f}, tuned {c['tuned_exposure']:.2f} "
                f"(rank {c['tuned_rank']} of {g['memorisation']['references'] + 1})"
            )
        pii = g["memorisation"]["pii"]
        print(f"  personal-data extraction: {pii['probes']} probes, base {pii['base']:.3f}, tuned {pii['tuned']:.3f}")
    print("\ngates: " + ", ".join(f"{x['gate']} {x['value']:.3f} {x['status']}" for x in ev["gates"]))
    for x in ev["gates"]:
        if x.get("reason"):
            print(f"  {x['gate']}: {x['status']}, {x['reason']}")
    print(f"* better, CI excludes zero. savile demo exit code {code}")


if __name__ == "__main__":
    main()
