"""Same inputs, same artefact: seeded training, identical evaluation, exact resume after SIGKILL, atomic saves.

The kill tests drive `savile train` in a subprocess and act when files appear (a complete
checkpoint, the artefact's temporary folder), with bounded waits, so a loaded machine only slows them.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import write_config

from savile.config import load_config
from savile.records import MANIFEST

# Three steps an epoch, a checkpoint after each; canaries off to keep it short (they come from the seed alone).
TRAIN = {
    "max_examples_per_task": 3,
    "batch_size": 3,
    "epochs": 2,
    "save_steps": 1,
    "logging_steps": 1,
    "learning_rate": 5e-3,
    "precision": "fp32",
    "loss_items": 3,
    "canaries": False,
}
QUICK_EVAL = ["governance.enabled=false", "evaluate.systems=[base,tuned]"]
WAIT_S = 300


@pytest.fixture(scope="module")
def project(tmp_path_factory, demo_sources, tiny_model_dir):
    folder = tmp_path_factory.mktemp("repro")
    # LoRA dropout on, so the seeded and resumed runs must also draw the same dropout masks.
    path = write_config(
        folder,
        demo_sources,
        model={"base": str(tiny_model_dir)},
        train=TRAIN,
        technique={"lora": {"dropout": 0.1}},
        evaluate={
            "max_items_per_task": 3,
            "batch_size": 4,
            "bootstrap_resamples": 200,
            "describe": {"max_new_tokens": 8},
            "support": {"max_new_tokens": 8},
            "extract": {"max_new_tokens": 8},
        },
    )
    cfg = load_config(path)
    from savile.data import prepare

    prepare.run(cfg)
    return cfg


def _config_path(cfg) -> Path:
    return cfg.root / "savile.yaml"


def _tensors(folder: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(folder / "adapter_model.safetensors")


def _same(a: dict, b: dict) -> bool:
    import torch

    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def _train_in_process(cfg, *overrides: str):
    from savile import train
    from savile.records import PreparedData

    cfg = load_config(_config_path(cfg), list(overrides)) if overrides else cfg
    shutil.rmtree(cfg.stage_dir("train"), ignore_errors=True)  # from scratch: no checkpoint to resume
    return train.run(cfg, PreparedData.load(cfg.stage_dir("prepare")))


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_same_seed_trains_bitwise_identical_adapters(project, precision):
    import torch

    settings = (f"train.precision={precision}", "train.epochs=1", "train.save_steps=3")
    first = _train_in_process(project, *settings)
    assert first.config["bf16"] is (precision == "bf16")
    second = _train_in_process(project, *settings)
    assert _same(_tensors(first.adapter_dir), _tensors(second.adapter_dir)), f"two {precision} runs, one adapter"
    assert not torch.are_deterministic_algorithms_enabled(), "the process-wide setting is restored after training"


def test_adapter_initialisation_follows_the_seed(tiny_model_dir):
    from savile.config import TechniqueSettings
    from savile.train.methods import trainable_model
    from savile.train.reproducibility import seeded

    def lora_a(seed: int) -> dict:
        with seeded(seed, deterministic=True):
            model = trainable_model(tiny_model_dir, TechniqueSettings())
        return {k: v.detach().clone() for k, v in model.state_dict().items() if "lora_A" in k}

    first, again, other = lora_a(0), lora_a(0), lora_a(1)
    assert first and _same(first, again)
    assert not any(_same({k: first[k]}, {k: other[k]}) for k in first), "another seed, another initialisation"


def _savile(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "savile", *args], capture_output=True, text=True, timeout=WAIT_S, **kwargs
    )


def test_two_evaluate_runs_write_identical_examples(project, reference):
    out = project.stage_dir("evaluate") / "examples.jsonl"
    copies = []
    for _ in range(2):
        proc = _savile("evaluate", str(_config_path(project)), *QUICK_EVAL)
        assert proc.returncode in (0, 3), proc.stderr[-2000:]
        copies.append(out.read_bytes())
        out.unlink()
    assert copies[0] == copies[1] and copies[0].count(b"\n") == 2 * 3 * 3


def _wait_for(condition, what: str, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"savile train ended (code {proc.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {WAIT_S} s")
        time.sleep(0.02)


@pytest.fixture(scope="module")
def reference(project):
    """An uninterrupted `savile train` run: the adapter every interrupted run must end with."""
    shutil.rmtree(project.stage_dir("train"), ignore_errors=True)
    proc = _savile("train", str(_config_path(project)))
    assert proc.returncode == 0, proc.stderr[-2000:]
    manifest = json.loads((project.stage_dir("train") / MANIFEST).read_text())
    assert manifest["resumed_from"] == ""
    return _tensors(project.stage_dir("train") / "adapter")


def test_train_manifest_records_what_reproducibility_rests_on(project, reference):
    r = json.loads((project.stage_dir("train") / MANIFEST).read_text())["reproducibility"]
    assert r["seeds"] == {"train": 0, "prepare_split": 0, "evaluate": 0}
    assert r["precision"] == {"setting": "fp32", "bf16_autocast": False, "weights": "float32"}
    assert r["deterministic"]["requested"] is True and r["deterministic"]["torch_deterministic_algorithms"] is True
    assert r["device"]["cpu"] and r["device"]["torch_threads"] >= 1 and r["device"]["cpu_capability"]
    assert {"python", "torch", "transformers", "peft", "accelerate", "numpy"} <= set(r["versions"])
    from savile.report.card import _reproducibility

    assert "seed 0, fp32, deterministic kernels" in _reproducibility(r), "the model card says it too"


def test_run_killed_after_a_checkpoint_resumes_to_the_same_adapter(project, reference):
    from savile.train.checkpoints import complete_checkpoints

    train_dir = project.stage_dir("train")
    shutil.rmtree(train_dir)
    ckpts = train_dir / "checkpoints"
    proc = subprocess.Popen(
        [sys.executable, "-m", "savile", "train", str(_config_path(project))],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(lambda: ckpts.is_dir() and complete_checkpoints(ckpts), "complete checkpoint", proc)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(WAIT_S)
    assert proc.returncode == -signal.SIGKILL and not (train_dir / MANIFEST).exists(), "killed mid-run"
    last = complete_checkpoints(ckpts)[-1]

    again = _savile("train", str(_config_path(project)))
    assert again.returncode == 0, again.stderr[-2000:]
    manifest = json.loads((train_dir / MANIFEST).read_text())
    assert manifest["resumed_from"] == last.name
    assert int(last.name.split("-")[1]) < manifest["loss_history"][-1]["step"], "steps were left to train"
    assert _same(_tensors(train_dir / "adapter"), reference), "bitwise the uninterrupted run's adapter"


# Runs `savile train` and SIGKILLs itself once the artefact's files are all written to their temporary
# folder, before it is swapped in: the worst moment of a save. Everything up to it is the real code.
_KILLED_WHILE_SAVING = """
import contextlib, os, signal, sys
from savile import atomic, cli
real = atomic.folder
@contextlib.contextmanager
def dying(target):
    with real(target) as tmp:
        yield tmp
        os.kill(os.getpid(), signal.SIGKILL)
atomic.folder = dying
sys.argv = ["savile", "train", *sys.argv[1:]]
cli.main()
"""


def test_run_killed_while_saving_is_refused_downstream_and_recovered_by_a_rerun(project, reference):
    train_dir = project.stage_dir("train")
    config = str(_config_path(project))
    if not (train_dir / MANIFEST).exists():
        assert _savile("train", config).returncode == 0
    shutil.rmtree(
        train_dir / "checkpoints"
    )  # a new run over a finished one: its adapter and manifest stay until the save
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_WHILE_SAVING, config], capture_output=True, text=True, timeout=WAIT_S
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert not (train_dir / MANIFEST).exists(), "the manifest is withdrawn before the artefact is replaced"
    assert [p.name for p in train_dir.glob("adapter.tmp-*")], "the new adapter was written, not yet swapped in"

    refused = _savile("evaluate", config, *QUICK_EVAL)
    assert refused.returncode == 2 and "run `savile train` first" in " ".join(refused.stderr.split())

    again = _savile("train", config)
    assert again.returncode == 0, again.stderr[-2000:]
    manifest = json.loads((train_dir / MANIFEST).read_text())
    assert manifest["resumed_from"] == f"checkpoint-{manifest['loss_history'][-1]['step']}", "resumed at the end"
    assert not list(train_dir.glob("*.tmp-*")), "the interrupted save's leftovers are cleared"
    assert _same(_tensors(train_dir / "adapter"), reference)


def test_incomplete_checkpoint_is_never_resumed_from(tmp_path):
    from savile.train.checkpoints import prepare_checkpoints

    ckpts = tmp_path / "checkpoints"
    assert prepare_checkpoints(ckpts, "key", resume=True) is None
    for step in (3, 6):
        (ckpts / f"checkpoint-{step}").mkdir()
        (ckpts / f"checkpoint-{step}" / "trainer_state.json").write_text(json.dumps({"global_step": step}))
    (ckpts / "checkpoint-9").mkdir()  # killed before its trainer state was written
    (ckpts / "checkpoint-9" / "adapter_model.safetensors").write_bytes(b"\0" * 16)
    (ckpts / "checkpoint-12").mkdir()
    (ckpts / "checkpoint-12" / "trainer_state.json").write_text('{"global_st')  # killed while writing it
    assert prepare_checkpoints(ckpts, "key", resume=True) == ckpts / "checkpoint-6"
    assert sorted(p.name for p in ckpts.glob("checkpoint-*")) == ["checkpoint-3", "checkpoint-6"]
    assert prepare_checkpoints(ckpts, "other inputs", resume=True) is None
    assert not list(ckpts.glob("checkpoint-*"))


def test_atomic_writes_leave_the_old_file_or_the_whole_new_one(tmp_path):
    from savile import atomic

    path = tmp_path / "examples.jsonl"
    atomic.write_text(path, "old\n")
    with contextlib.suppress(RuntimeError), atomic.open_text(path) as fh:
        fh.write("half of the new")
        raise RuntimeError("killed mid-write")
    assert path.read_text() == "old\n" and sorted(tmp_path.iterdir()) == [path]
    with atomic.open_text(path) as fh:
        fh.write("new\n")
    assert path.read_text() == "new\n" and sorted(tmp_path.iterdir()) == [path]

    adapter = tmp_path / "adapter"
    with atomic.folder(adapter) as tmp:
        (tmp / "weights").write_text("v1")
        (tmp / "stale").write_text("only in v1")
    with contextlib.suppress(RuntimeError), atomic.folder(adapter) as tmp:
        (tmp / "weights").write_text("v2, half")
        raise RuntimeError("killed mid-save")
    assert {p.name: p.read_text() for p in adapter.iterdir()} == {"weights": "v1", "stale": "only in v1"}
    with atomic.folder(adapter) as tmp:
        (tmp / "weights").write_text("v2")
    assert {p.name: p.read_text() for p in adapter.iterdir()} == {"weights": "v2"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adapter", "examples.jsonl"]
    (tmp_path / f"adapter{atomic.TMP_MARK}123").mkdir()
    assert [p.name for p in atomic.remove_strays(tmp_path)] == [f"adapter{atomic.TMP_MARK}123"]


def test_demo_key_follows_the_seed_so_two_demo_runs_pseudonymise_alike(tmp_path, monkeypatch, tiny_model_dir):
    from savile.data import prepare
    from savile.demo.project import write_project

    monkeypatch.delenv("SAVILE_PII_KEY", raising=False)
    runs = []
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        config = write_project(tmp_path / name, seed=seed, n_products=60, n_conversations=40)
        key = config.parent / ".savile" / "pii.key"
        assert key.stat().st_mode & 0o077 == 0, "the key file is private"
        runs.append(key.read_text())
        if name != "c":
            cfg = load_config(config, [f"model.base={tiny_model_dir}"])
            runs.append(prepare.run(cfg).train_path.read_bytes())
    key_a, train_a, key_b, train_b, key_c = runs
    assert key_a == key_b and key_a != key_c
    assert train_a == train_b and b"@example.com" in train_a, "the same pseudonyms in both runs"
