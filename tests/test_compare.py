"""`savile compare` on two small random models: the grid, its caching, its resume and its verdict."""

from __future__ import annotations

import json

import pytest
from conftest import random_llama, write_config

from savile.config import load_config
from savile.records import CompareResult

TECHNIQUES = ["prompt", "few-shot", "lora", "qlora", "lora+rag"]


@pytest.fixture(scope="module")
def small_dir(tmp_path_factory, smollm2_dir):
    return random_llama(tmp_path_factory.mktemp("small-llama"), smollm2_dir, hidden=64, seed=0)


@pytest.fixture(scope="module")
def large_dir(tmp_path_factory, smollm2_dir):
    return random_llama(tmp_path_factory.mktemp("large-llama"), smollm2_dir, hidden=128, seed=1)


@pytest.fixture(scope="module")
def grid(tmp_path_factory, demo_sources, small_dir, large_dir):
    from savile.data import prepare

    folder = tmp_path_factory.mktemp("compare")
    path = write_config(
        folder,
        demo_sources,
        model={"base": str(small_dir)},
        train={
            "max_examples_per_task": 8,
            "batch_size": 4,
            # One epoch: the grid's caching, resume and verdict need trained cells, not well-trained ones.
            "epochs": 1,
            "save_steps": 2,
            "logging_steps": 1,
            "loss_items": 3,
            "learning_rate": 5e-3,
            "precision": "fp32",
            "canaries": False,
        },
        evaluate={
            "max_items_per_task": 3,
            "batch_size": 4,
            "bootstrap_resamples": 200,
            "few_shot_k": 1,
            "rag_k": 1,
            "describe": {"max_new_tokens": 6},
            "support": {"max_new_tokens": 6},
            "extract": {"max_new_tokens": 6},
        },
        compare={"models": [str(small_dir), str(large_dir)], "techniques": TECHNIQUES, "latency_items": 2},
    )
    cfg = load_config(path)
    prepared = prepare.run(cfg)
    return cfg, prepared


@pytest.fixture(scope="module")
def compared(grid):
    from savile import compare

    cfg, prepared = grid
    return compare.run(cfg, prepared)


def test_every_cell_is_scored_on_the_same_items(grid, compared):
    cfg, _ = grid
    assert [(c.model, c.technique) for c in compared.cells] == [(m, t) for m in cfg.compare.models for t in TECHNIQUES]
    rows = [json.loads(line) for line in compared.scores_path.read_text().splitlines()]
    items = {}
    for row in rows:
        items.setdefault(row["system"], set()).add((row["task"], row["id"]))
    assert len(items) == 10 and len({frozenset(v) for v in items.values()}) == 1
    per_task = {t: sum(1 for task, _ in next(iter(items.values())) if task == t) for t in cfg.prepare.tasks}
    assert set(per_task.values()) == {compared.items_per_task}
    for cell in compared.cells:
        assert set(cell.tasks) == set(cfg.prepare.tasks)
        assert cell.domain.ci_low <= cell.domain.mean <= cell.domain.ci_high
        assert cell.seconds_per_answer > 0 and cell.latency_seconds > 0 and cell.latency_task == "describe"


def test_trained_cells_report_their_costs_and_lora_rag_trains_apart(compared):
    by = {(c.model, c.technique): c for c in compared.cells}
    for (model, technique), cell in by.items():
        if technique in ("prompt", "few-shot"):
            assert cell.train_seconds == 0 and cell.artefact_bytes == 0
        else:
            assert cell.train_seconds > 0 and cell.train_tokens > 0 and cell.artefact_bytes > 0
        if technique == "lora+rag":
            # RAFT: its own training, on the same examples with a retrieved passage in each prompt
            assert cell.train_tokens > by[(model, "lora")].train_tokens
            assert cell.system == "tuned_rag"


def test_grid_writes_effects_heatmap_table_and_verdict(compared):
    assert set(compared.effects) == {"model", "technique"}
    assert compared.effects["model"]["levels"] == 2 and compared.effects["technique"]["levels"] == len(TECHNIQUES)
    for e in compared.effects.values():
        assert e["effect"] >= 0 and 0 < e["p"] <= 1
    assert compared.heatmap_path.read_bytes().startswith(b"\x89PNG")
    table = compared.table_path.read_text()
    assert "| model | technique | domain score |" in table and "| technique | 5 |" in table
    n = compared.verdict_numbers
    assert n["small_params"] < n["large_params"] and n["large_technique"] in ("prompt", "few-shot")
    # every technique on the small model against both prompting techniques on the large one
    assert {(p["small_technique"], p["large_technique"]) for p in n["pairs"]} == {
        (t, p) for t in TECHNIQUES for p in ("prompt", "few-shot")
    }
    assert f"{n['small_score']:.3f}" in compared.verdict and "permutation p within items" in compared.verdict
    loaded = CompareResult.load(compared.table_path.parent)
    assert (loaded.cells, loaded.verdict, loaded.heatmap_path) == (
        compared.cells,
        compared.verdict,
        compared.heatmap_path,
    )


def test_rerun_reuses_artefacts_and_answers(grid, compared, monkeypatch):
    from savile import compare, train
    from savile.evaluate import generate

    def fail(*args, **kwargs):
        raise AssertionError("should have come from the cache")

    monkeypatch.setattr(train, "run", fail)
    monkeypatch.setattr(generate, "generate", fail)
    again = compare.run(*grid)
    assert again.cells == compared.cells and again.verdict == compared.verdict


def test_cli_prints_the_grid_and_the_verdict(grid, compared, monkeypatch, capsys):
    import sys

    from savile import cli

    cfg, _ = grid
    monkeypatch.setattr(sys, "argv", ["savile", "compare", str(cfg.root / "savile.yaml")])
    cli.main()
    printed = " ".join(capsys.readouterr().out.split())
    assert "moves the domain score more" in printed and "heatmap.png" in printed


def test_interrupted_answers_are_resumed(grid, compared, monkeypatch):
    """A cell whose answers were lost (interrupted before writing) is the only one regenerated."""
    from savile import compare
    from savile.evaluate import generate as gen_module

    cfg, prepared = grid
    lost = next(cfg.stage_dir("compare").glob("*/lora/answers-describe.json"))
    lost.unlink()
    calls = []
    real = gen_module.generate
    monkeypatch.setattr(gen_module, "generate", lambda *a, **k: calls.append(k.get("label")) or real(*a, **k))
    compare.run(cfg, prepared)
    assert calls == ["lora: describe"]  # its latency measurement did not change, so it stays cached


def test_changed_decoding_regenerates_only_answers(grid, compared, monkeypatch):
    from savile import compare, train
    from savile.evaluate import generate as gen_module

    cfg, prepared = grid
    calls = []
    real = gen_module.generate
    monkeypatch.setattr(train, "run", lambda *a, **k: (_ for _ in ()).throw(AssertionError("retrained")))
    monkeypatch.setattr(gen_module, "generate", lambda *a, **k: calls.append(k.get("label")) or real(*a, **k))
    changed = cfg.model_copy(
        update={
            "evaluate": cfg.evaluate.model_copy(
                update={"extract": cfg.evaluate.extract.model_copy(update={"max_new_tokens": 5})}
            )
        }
    )
    compare.run(changed, prepared)
    assert calls and all(label.endswith(": extract") for label in calls) and len(calls) == 10


def _summarised(grid, tmp_path, main: dict[str, dict[str, float]]):
    """summarise() on hand-made per-item scores: each cell's level, spread a little over 6 items per task."""
    from savile.compare.run import cell_label
    from savile.compare.summary import summarise
    from savile.evaluate.run import MAIN_METRIC

    cfg, _ = grid
    rows, cells = [], {}
    for model, by_technique in main.items():
        for technique, level in by_technique.items():
            cells[(model, technique)] = {
                "params": 100 if model == "small" else 200,
                "train_seconds": 0.0,
                "train_tokens": 0,
                "artefact_bytes": 0,
                "seconds_per_answer": 0.1,
                "latency_seconds": 0.5,
                "generate_seconds": {},
                "system": "tuned" if technique == "lora" else "base",
            }
            for task in ("describe", "support", "extract"):
                for i in range(6):
                    value = min(1.0, max(0.0, level + (i - 2.5) * 0.02))
                    rows.append(
                        {
                            "task": task,
                            "id": f"{task}-{i}",
                            "system": cell_label(model, technique),
                            "scores": {MAIN_METRIC[task]: value},
                        }
                    )
    return summarise(
        cfg,
        ["small", "large"],
        ["prompt", "lora"],
        ["describe", "support", "extract"],
        6,
        cells,
        rows,
        tmp_path / "scores.jsonl",
        tmp_path,
        seconds=1.0,
    )


def test_verdict_names_the_winner_and_the_bigger_factor(grid, tmp_path):
    """Scores where technique matters and model barely does: the small tuned model beats the large prompted one."""
    result = _summarised(
        grid, tmp_path, {"small": {"prompt": 0.2, "lora": 0.8}, "large": {"prompt": 0.3, "lora": 0.85}}
    )
    n = result.verdict_numbers
    assert (n["small"], n["small_technique"], n["large"], n["large_technique"]) == ("small", "lora", "large", "prompt")
    assert n["delta"] == pytest.approx(0.5) and n["ci_low"] > 0 and n["beats_all"]
    assert result.effects["technique"]["effect"] > result.effects["model"]["effect"]
    assert result.verdict.startswith("The best technique on the smaller small (lora, domain score 0.800) beats every")
    assert "changing the technique moves the domain score more than changing the model" in result.verdict


def test_verdict_says_when_the_small_model_falls_short(grid, tmp_path):
    """The mirror case: the large prompted model is better; the verdict must say so, not 'beats'."""
    result = _summarised(grid, tmp_path, {"small": {"prompt": 0.1, "lora": 0.3}, "large": {"prompt": 0.7, "lora": 0.9}})
    n = result.verdict_numbers
    assert n["falls_short"] and not n["beats_all"] and n["ci_high"] < 0
    assert "falls short of every prompting technique on the larger large" in result.verdict
