"""Positive control of the forgetting probe: a model trained on shuffled-token text must fail
`bits_per_byte_increase`.

    python benchmarks/forgetting_control.py [--folder /tmp/forgetting-control]

The embedded model is LoRA-tuned, through Savile's own train stage, to write news paragraphs whose
words are shuffled (word salad with English's own vocabulary), taken from documents of gensim's Lee
corpus that the probe does not read. The governance forgetting probe then compares base and tuned
on the probe's documents and the gates are checked. Expected: bits_per_byte_increase fails.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from controls import chat, control_config, train_on_chats

from savile.evaluate.governance import forgetting_probes
from savile.evaluate.model import load_models
from savile.governance.gates import check_gates
from savile.governance.probes import general_text
from savile.models import resolve_model
from savile.records.gates import GovernanceResult

PROBE_DOCS = 40


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=Path(tempfile.mkdtemp(prefix="forgetting-control-")))
    args = parser.parse_args()
    rng = random.Random(0)
    docs = general_text()
    salad = []
    for doc in docs[PROBE_DOCS:]:  # never the documents the probe reads
        words = doc.split()[:90]
        rng.shuffle(words)
        salad.append(chat("Write a paragraph of news.", " ".join(words)))
    start = time.perf_counter()
    cfg = control_config(
        args.folder,
        resolve_model("smollm2-135m-instruct"),
        train={
            "epochs": 2,
            "batch_size": 8,
            "learning_rate": 1e-3,
            "save_steps": 1000,
            "loss_items": 4,
            "canaries": False,
        },
        governance={"text_docs": PROBE_DOCS, "cloze_items": 200, "batch_size": 16},
    )
    trained = train_on_chats(cfg, salad)
    found = forgetting_probes(cfg, load_models(trained))
    bpb, cloze = found.bits_per_byte, found.cloze
    print(
        f"\ntrained on {len(salad) - 4} shuffled-word paragraphs ({trained.train_tokens:,} tokens); "
        f"{time.perf_counter() - start:.0f} s in all\n"
    )
    print(
        f"bits per byte on {PROBE_DOCS} news documents: base {bpb.base:.3f}, tuned {bpb.tuned:.3f} "
        f"({bpb.relative:+.1%}, 95% CI of the difference [{bpb.ci_low:+.3f}, {bpb.ci_high:+.3f}])"
    )
    print(f"cloze accuracy: base {cloze.base:.3f}, tuned {cloze.tuned:.3f}")
    for gate in check_gates(cfg.gates, GovernanceResult(forgetting=found)):
        if gate.gate in ("bits_per_byte_increase", "cloze_accuracy_drop"):
            print(f"{gate.gate}: value {gate.value:+.3f} (warn {gate.warn}, fail {gate.fail}), status {gate.status}")


if __name__ == "__main__":
    main()
