"""How often the passages retrieved for a support question hold every key fact of its reference.

    .venv/bin/python benchmarks/retrieval_coverage.py [--keep DIR] [--items 200]

Writes and prepares the demo brand (or reuses DIR's), then for the first `--items` support questions
of the test and validation splits retrieves k = 1, 2, 3 passages two ways in one run: the current
rule (each task searches its own sources, the policy document cut at its sections; data/passages.py)
and the earlier one (every passage searched together, the policy document cut at its paragraphs).
Prints the share of questions whose passages state every key fact. No model is trained or run.
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from demo_folder import demo_project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="Run in this folder and keep it (default: a temporary one).")
    parser.add_argument("--items", type=int, default=200, help="Support questions per split.")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="savile-retrieval-")) / "demo-brand"
    config = demo_project(folder)

    from savile.config import load_config
    from savile.data.guide import brand_guide
    from savile.data.passages import Passage, corpus_passages, off_source, request
    from savile.data.text import match_text
    from savile.records import PreparedData
    from savile.retrieve import Embedder, Index

    cfg = load_config(config)
    prepared = PreparedData.load(cfg.stage_dir("prepare"))
    now = corpus_passages(prepared.examples("train"), brand_guide(cfg), cfg)
    policy_text = cfg.path(cfg.sources.policies).read_text(encoding="utf-8")
    earlier = [p for p in now if p.source == "catalogue" or p.policy is not None] + [
        Passage(t) for t in _paragraphs(policy_text)
    ]
    embedder = Embedder()
    rules = {
        "task's sources, sections": (now, off_source("support", now)),
        "everything, paragraphs": (earlier, set()),
    }
    print(f"support questions whose k retrieved passages state every key fact (demo brand, {folder})")
    for split in ("test", "validation"):
        items = [e for e in prepared.examples(split) if e["task"] == "support"][: args.items]
        for name, (passages, off) in rules.items():
            index = Index(embedder, [p.text for p in passages])
            shares = []
            for k in (1, 2, 3):
                found = index.search([request(e) for e in items], k, [off] * len(items))
                held = [
                    all(
                        match_text(f) in match_text(" ".join(passages[j].text for j in hits))
                        for f in e["meta"]["facts"]
                    )
                    for e, hits in zip(items, found, strict=True)
                ]
                shares.append(f"k={k} {sum(held) / len(held):.2f}")
            print(f"  {split:<10} {len(items):>4} questions  {name:<26} " + "  ".join(shares))


def _paragraphs(text: str) -> list[str]:
    """The earlier cut of the policy document: each blank-line paragraph, headings as their own text."""
    out = []
    for para in re.split(r"\n\s*\n", text):
        para = " ".join(line.strip().lstrip("#").strip() for line in para.splitlines()).strip()
        if len(para.split()) >= 8:
            out.append(para)
    return out


if __name__ == "__main__":
    main()
