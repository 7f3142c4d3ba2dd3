"""Config validation: every problem reported at once with its path, overrides, and the CLI's exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from savile.config import load_config
from savile.errors import ConfigError

MINIMAL = {"project": "p", "sources": {"catalogue": "c.csv", "brand_guide": "g.yaml", "conversations": "m.jsonl"}}


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "savile.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_defaults_fill_everything_and_paths_resolve_against_the_config(tmp_path):
    cfg = load_config(_write(tmp_path, MINIMAL))
    assert cfg.technique.lora.rank == 16 and cfg.model.base == "smollm2-135m-instruct"
    assert cfg.path(cfg.sources.catalogue) == tmp_path.resolve() / "c.csv"
    assert cfg.stage_dir("train") == tmp_path.resolve() / "runs" / "train"


def test_dotted_overrides_are_parsed_as_yaml_and_validated(tmp_path):
    cfg = load_config(
        _write(tmp_path, MINIMAL), ["train.epochs=2", "technique.lora.rank=8", "prepare.tasks=[describe]"]
    )
    assert cfg.train.epochs == 2.0 and cfg.technique.lora.rank == 8 and cfg.prepare.tasks == ["describe"]


def test_the_cost_section_takes_the_same_overrides_and_error_lines(tmp_path):
    cfg = load_config(
        _write(tmp_path, MINIMAL | {"cost": {"usage": {"requests_per_month": 5}}}), ["cost.training.lora_rank=8"]
    )
    assert cfg.cost.training.lora_rank == 8 and cfg.cost.usage.requests_per_month == 5
    assert cfg.cost.training.epochs == 1.0, "the section's defaults fill the rest"
    with pytest.raises(ConfigError) as err:
        load_config(_write(tmp_path, MINIMAL | {"cost": {"usage": {"requests": 5}}}), ["cost.training.gpus=0"])
    assert err.value.problems == [
        "cost.training.gpus: input should be greater than or equal to 1, got 0.",
        "cost.usage.requests: unknown key; remove it or fix its spelling (see the config reference in the README).",
    ]


def test_every_problem_is_reported_with_its_path_and_value(tmp_path):
    bad = MINIMAL | {"train": {"learning_rate": -1, "epoch": 2}, "evaluate": {"batch_size": 0}}
    with pytest.raises(ConfigError) as err:
        load_config(_write(tmp_path, bad), ["nonsense"])
    problems = err.value.problems
    assert len(problems) == 4
    assert any(p.startswith("train.learning_rate:") and "-1" in p for p in problems)
    assert any(p.startswith("train.epoch:") and "unknown key" in p for p in problems)
    assert any(p.startswith("evaluate.batch_size:") and "got 0" in p for p in problems)
    assert any("key.path=value" in p for p in problems)


def test_missing_required_key_and_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="sources: required key is missing"):
        load_config(_write(tmp_path, {"project": "p"}))
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")


def test_cli_prints_one_line_per_problem_and_exits_2(tmp_path):
    path = _write(tmp_path, MINIMAL | {"train": {"learning_rate": -1, "batch_size": "eight"}})
    proc = subprocess.run([sys.executable, "-m", "savile", "prepare", str(path)], capture_output=True, text=True)
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 2 and all(line.startswith("error: train.") for line in lines), proc.stderr
    assert "Traceback" not in proc.stderr


def test_cli_names_a_missing_source_file(tmp_path):
    path = _write(tmp_path, MINIMAL)
    proc = subprocess.run([sys.executable, "-m", "savile", "prepare", str(path)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "g.yaml" in proc.stderr and "not found" in proc.stderr


def test_readme_config_reference_matches_the_schema():
    from savile.config import reference_markdown

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert reference_markdown() in readme, "regenerate the README's config reference: python -m savile.config"


def test_setting_one_decoding_key_keeps_the_tasks_other_defaults(tmp_path, demo_sources):
    from conftest import write_config

    from savile.config import load_config

    cfg = load_config(write_config(tmp_path, demo_sources), ["evaluate.support.max_new_tokens=96"])
    assert cfg.evaluate.support.max_new_tokens == 96
    assert cfg.evaluate.support.no_repeat_ngram_size == 4, "the task default survives"
    assert cfg.evaluate.extract.no_repeat_ngram_size == 0


def test_the_cost_estimate_defaults_to_the_run_savile_trains():
    from savile.config import CostSettings, LoraSettings, PrepareSettings

    training = CostSettings().training
    assert training.lora_rank == LoraSettings().rank and training.seq_len == PrepareSettings().max_tokens


def test_a_training_cap_is_one_number_or_one_per_task(tmp_path):
    from savile.train.data import sample_per_task

    cfg = load_config(_write(tmp_path, MINIMAL), ["train.max_examples_per_task={support: 3}"])
    assert cfg.train.max_examples_per_task == {"support": 3}
    examples = [{"id": f"{t}:{i}", "task": t} for t in ("describe", "support") for i in range(6)]
    picked = sample_per_task(examples, cfg.train.max_examples_per_task, seed=0)
    assert sorted(e["task"] for e in picked) == ["describe"] * 6 + ["support"] * 3
    assert sample_per_task(examples, 3, seed=0) == sample_per_task(examples, {"describe": 3, "support": 3}, seed=0)
    with pytest.raises(ConfigError) as err:
        load_config(_write(tmp_path, MINIMAL), ["train.max_examples_per_task={suport: 3}"])
    assert len(err.value.problems) == 1 and err.value.problems[0].startswith("train.max_examples_per_task")
