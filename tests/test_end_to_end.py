"""End to end on the real embedded model: prepare, train a few steps, evaluate, report."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import write_config


def test_demo_slice_end_to_end_on_smollm2(tmp_path, demo_sources, smollm2_dir):
    config = write_config(
        tmp_path,
        demo_sources,
        train={
            "max_examples_per_task": 8,
            "batch_size": 8,
            # One epoch of three steps: enough to check the real model trains, saves and reloads.
            "epochs": 1,
            "save_steps": 2,
            "logging_steps": 1,
            "loss_items": 6,
            "canaries": False,
        },
        evaluate={
            "max_items_per_task": 3,
            "batch_size": 3,
            "bootstrap_resamples": 500,
            "describe": {"max_new_tokens": 40},
            "support": {"max_new_tokens": 40},
            "extract": {"max_new_tokens": 40},
        },
        # The probes take minutes on the real model; tests/test_pipeline.py runs them on a tiny one,
        # benchmarks/demo_run.py on this one.
        governance={"enabled": False},
    )
    for verb in ("prepare", "train", "evaluate", "report"):
        proc = subprocess.run([sys.executable, "-m", "savile", verb, str(config)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr[-3000:]
    runs = tmp_path / "runs"
    manifest = json.loads((runs / "train" / "manifest.json").read_text())
    assert manifest["base_model"] == "smollm2-135m-instruct" and manifest["train_examples"] == {
        "describe": 8,
        "support": 8,
        "extract": 8,
    }
    rows = [json.loads(line) for line in (runs / "evaluate" / "examples.jsonl").read_text().splitlines()]
    assert len(rows) == 3 * 3 * 5  # three tasks, three items, five systems

    def scores(task, system, metric):
        return [r["scores"][metric] for r in rows if r["task"] == task and r["system"] == system]

    # The real model reads its prompt: it names the product's own attributes, and two retrieved JSON
    # answers teach it the format (40 tokens cut the object short, so it need not close). A broken
    # prompt, template or decoding path fails both.
    assert sum(scores("describe", "base", "attribute_coverage")) / 3 > 0.2
    few_shot_json = [r["output"] for r in rows if r["task"] == "extract" and r["system"] == "few_shot"]
    assert all(o.lstrip().startswith('{"') for o in few_shot_json), few_shot_json
    assert max(scores("describe", "base", "description_f1")) > 0
    assert (runs / "report" / "report.html").stat().st_size > 10_000
