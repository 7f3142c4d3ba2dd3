"""`torchrun --nproc-per-node 2 -m savile train` on CPU (gloo) against one process on the same global batch.

Two processes reading one row at a time with two accumulation steps take the same optimiser steps
as one process reading two rows with two accumulation steps: four rows a step, three steps. In fp32
the runs differ only in the order sums are taken in (gloo's all-reduce, each step's rows split
between processes), so they agree to float32 rounding: measured, losses within 9e-8 relative and
adapter weights within 1.5e-7 (the largest is 0.25). The tolerances, 1e-5 and 1e-5, leave a
60-100x margin for other CPUs and thread counts and still catch the two ways to get it wrong, both
measured on this test: an order laid out in one process's steps (losses off by 3e-4 to 1.6e-3,
weights by 1.2e-2), and each process's loss averaged over its own tokens rather than the step's
(`average_tokens_across_devices=False`: losses off by up to 2e-5, weights by 1e-2).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import write_config

from savile.config import load_config
from savile.records import MANIFEST, PreparedData

TRAIN = {
    "max_examples_per_task": 4,
    "batch_size": 1,
    "grad_accum": 2,
    "epochs": 1,
    "save_steps": 100,
    "logging_steps": 1,
    "learning_rate": 5e-3,
    "precision": "fp32",
    "loss_items": 3,
    "canaries": False,
}
PROCESSES = 2
LOSS_RTOL = 1e-5
WEIGHT_ATOL = 1e-5


@pytest.fixture(scope="module")
def project(tmp_path_factory, demo_sources, tiny_model_dir):
    from savile.data import prepare

    folder = tmp_path_factory.mktemp("data-parallel")
    path = write_config(folder, demo_sources, model={"base": str(tiny_model_dir)}, train=TRAIN)
    cfg = load_config(path)
    prepare.run(cfg)
    return path


@pytest.fixture(scope="module")
def two_processes(project):
    """The train stage's folder after `torchrun --standalone --nproc-per-node 2 -m savile train`: what the
    records say, and each process's `ranks/rank-<i>.json`."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            f"--nproc-per-node={PROCESSES}",
            "-m",
            "savile",
            "train",
            str(project),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    train_dir = load_config(project).stage_dir("train")
    ranks = [json.loads((train_dir / "ranks" / f"rank-{i}.json").read_text()) for i in range(PROCESSES)]
    return {
        "manifest": json.loads((train_dir / MANIFEST).read_text()),
        "ranks": ranks,
        "trained_ids": json.loads((train_dir / "trained_ids.json").read_text()),
        "adapter": _tensors(train_dir / "adapter"),
        "stdout": proc.stdout,
    }


def _tensors(folder) -> dict:
    from safetensors.torch import load_file

    return load_file(folder / "adapter_model.safetensors")


def test_each_process_reads_its_own_examples_and_ends_with_the_same_weights(two_processes):
    first, second = two_processes["ranks"]
    assert two_processes["manifest"]["config"]["processes"] == PROCESSES
    assert len(two_processes["trained_ids"]) % (PROCESSES * TRAIN["batch_size"] * TRAIN["grad_accum"]) == 0, (
        "the test's premise: whole steps, so no process re-reads the epoch's first rows"
    )
    assert first["example_ids"] and not set(first["example_ids"]) & set(second["example_ids"])
    assert sorted(first["example_ids"] + second["example_ids"]) == sorted(two_processes["trained_ids"])
    assert first["trainable_weights_sha256"] and first["trainable_weights_sha256"] == second["trainable_weights_sha256"]
    assert two_processes["stdout"].count("adapter:") == 1, "one process reports where the artefact went"


def test_two_processes_match_one_on_the_same_global_batch(project, two_processes):
    import torch

    from savile import train

    one = load_config(project, [f"train.batch_size={PROCESSES * TRAIN['batch_size']}"])
    alone = train.run(one, PreparedData.load(one.stage_dir("prepare")))
    assert not (one.stage_dir("train") / "ranks").exists(), "a one-process run writes no per-process record"
    steps = [(h["step"], h["loss"]) for h in two_processes["manifest"]["loss_history"]]
    assert [s for s, _ in steps] == [h["step"] for h in alone.loss_history] == [1, 2, 3]
    assert [loss for _, loss in steps] == pytest.approx([h["loss"] for h in alone.loss_history], rel=LOSS_RTOL)
    single = _tensors(alone.adapter_dir)
    assert single.keys() == two_processes["adapter"].keys()
    for name, weights in two_processes["adapter"].items():
        torch.testing.assert_close(weights, single[name], rtol=0, atol=WEIGHT_ATOL)
