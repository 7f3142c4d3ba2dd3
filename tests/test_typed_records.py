"""Metrics, gates, governance and grid cells are typed records, and manifests written before they were
typed (plain dicts, as below) still load and write back byte for byte."""

from __future__ import annotations

import copy
import json
import math

import pytest

from savile.errors import SavileError
from savile.records import CompareResult, EvalResult

NAN = math.nan


def _comparison(metric: str, delta: float) -> dict:
    return {
        "metric": metric,
        "n": 4,
        "base_mean": 0.5,
        "tuned_mean": 0.5 + delta,
        "delta": delta,
        "ci_low": delta - 0.1,
        "ci_high": delta + 0.1,
        "wins": 2,
        "ties": 1,
        "losses": 1,
        "higher_is_better": True,
        "improved": False,
        "worse": False,
        "binary": False,
        "all_tied": False,
        "p": 0.5,
        "test": "sign-flip permutation",
        "p_holm": 1.0,
    }


def _pair(tuned: str, untuned: str) -> dict:
    return {
        "tuned": tuned,
        "untuned": untuned,
        "delta": 0.1,
        "ci_low": -0.05,
        "ci_high": 0.25,
        "n": 4,
        "all_tied": False,
        "improved": False,
    }


def _probe(**extra) -> dict:
    paired = {"n": 8, "base": 0.5, "tuned": 0.4, "delta": -0.1, "ci_low": -0.3, "ci_high": 0.1}
    return paired | {"wins": 1, "ties": 5, "losses": 2} | extra


def _mean(mean: float) -> dict:
    return {"mean": mean, "ci_low": mean - 0.1, "ci_high": mean + 0.1, "n": 4}


# What `savile evaluate` wrote while its statistics were dicts: key order and all.
OLD_EVALUATE = {
    "stage": "evaluate",
    "examples_path": "examples.jsonl",
    "systems": {"base": "the base model, prompted", "tuned": "the lora adapter"},
    "metrics": {
        "describe": {
            "main": "description_f1",
            "n_items": 4,
            "means": {
                s: {"description_f1": _mean(m), "length_ok": _mean(1.0)} for s, m in (("base", 0.4), ("tuned", 0.6))
            },
            "best": "tuned",
            "ladder": {"tuned": [_comparison("description_f1", 0.2), _comparison("length_ok", 0.0)]},
            "best_untuned": "base",
            "best_tuned": "tuned",
            "versus": [_comparison("description_f1", 0.2), _comparison("length_ok", 0.0)],
            "justified": False,
            "verdict": {
                "justified": False,
                "tuned": "tuned",
                "untuned": "base",
                "margin": _pair("tuned", "base"),
                "confidence": 0.95,
                "pairs": [_pair("tuned", "base")],
                "rule": "justified when ...",
            },
        },
        "extract": {
            "main": "field_f1",
            "n_items": 4,
            "means": {"base": {"field_f1": _mean(NAN)}},
            "best": "base",
            "ladder": {},
            "fields": {
                "base": {
                    "micro": {"precision": 0.5, "recall": NAN, "f1": 0.5, "tp": 1, "fp": 1, "fn": 0},
                    "macro": {"precision": 0.5, "recall": 1.0, "f1": 0.5},
                    "per_attribute": {},
                }
            },
        },
    },
    "decoding": {"describe": {"max_new_tokens": 96}},
    "prompts": {"base": {"describe": "You write ..."}},
    "seconds": 12.5,
    "generate_seconds": 10.0,
    "generate_timings": {"base": {"describe": 5.0}},
    "governance": {
        "forgetting": {
            "bits_per_byte": _probe(relative=-0.2, source="gensim test data"),
            "cloze": _probe(p=1.0),
        },
        "safety": {
            "system_prompt": "You are a client adviser.",
            "harmful": _probe(
                p=0.25,
                labels={"base": {"counts": {"refusal": 4}}, "tuned": {"counts": {"refusal": 3}}},
                examples=[{"prompt": "How do I ...", "source": "HarmBench", "base": "No.", "tuned": "No."}],
            ),
            "benign": _probe(p=NAN, labels={"base": {}, "tuned": {}}, examples=[]),
        },
        "memorisation": {
            "canaries": [
                {
                    "prefix": "The vault code is",
                    "repetitions": 1,
                    "base_exposure": 0.5,
                    "tuned_exposure": 1.5,
                    "base_rank": 700,
                    "tuned_rank": 300,
                    "max_exposure": 9.97,
                }
            ],
            "references": 1000,
            "pii": {"probes": 0, "base": NAN, "tuned": NAN, "by_kind": {}, "reason": "nothing a model could recall"},
        },
        "overfitting": {
            "curves": [{"step": 10, "train_loss": 2.0, "val_loss": 2.2}],
            "best_step": 10,
            "train_loss": 2.0,
            "val_loss": 2.2,
            "ratio": 1.1,
        },
        "privacy": {"pii_echoed": {"base": 0.0, "tuned": NAN}},
        "seconds": {"forgetting": 1.0, "safety": 2.0, "memorisation": 3.0},
    },
    "gates": [
        {
            "gate": "overfit_ratio",
            "what": "Validation over train loss at the kept checkpoint.",
            "value": 1.1,
            "warn": 1.3,
            "fail": 2.0,
            "status": "pass",
            "reason": "",
        },
        {
            "gate": "pii_extraction",
            "what": None,
            "value": NAN,
            "warn": 0.05,
            "fail": 0.2,
            "status": "n/a",
            "reason": "x",
        },
    ],
    "config": {"project": "test"},
}


def _written(data: dict) -> str:
    """The manifest text exactly as `_Record.save` writes it."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def test_an_evaluate_manifest_written_as_dicts_loads_into_records_and_writes_back_byte_for_byte(tmp_path):
    (tmp_path / "manifest.json").write_text(_written(OLD_EVALUATE), encoding="utf-8")
    loaded = EvalResult.load(tmp_path)

    describe = loaded.metrics["describe"]
    assert describe.means["tuned"]["description_f1"].mean == 0.6 and describe.best == "tuned"
    assert describe.ladder["tuned"][0].p_holm == 1.0 and describe.main_versus().delta == pytest.approx(0.2)
    assert describe.verdict.margin.untuned == "base" and describe.verdict.pairs[0].improved is False
    extract = loaded.metrics["extract"]
    assert extract.versus is None and extract.verdict is None and extract.fields["base"].micro.tp == 1
    g = loaded.governance
    assert g.safety.harmful.labels["base"]["counts"]["refusal"] == 4 and g.forgetting.cloze.relative is None
    assert g.memorisation.canaries[0].tuned_rank == 300 and g.memorisation.pii.reason.startswith("nothing")
    assert g.overfitting.ratio == 1.1 and math.isnan(g.privacy.pii_echoed["tuned"])
    assert [x.status for x in loaded.gates] == ["pass", "n/a"]

    (tmp_path / "manifest.json").unlink()
    loaded.save(tmp_path)
    assert (tmp_path / "manifest.json").read_text(encoding="utf-8") == _written(OLD_EVALUATE)


def test_a_manifest_from_before_governance_and_gates_loads_with_none_of_either(tmp_path):
    old = {k: v for k, v in OLD_EVALUATE.items() if k not in ("governance", "gates")}
    (tmp_path / "manifest.json").write_text(_written(old), encoding="utf-8")
    loaded = EvalResult.load(tmp_path)
    assert loaded.gates == [] and loaded.governance.forgetting is None and loaded.governance.to_dict() == {}


def test_governance_that_did_not_run_writes_back_only_the_overfitting(tmp_path):
    old = OLD_EVALUATE | {"governance": {"overfitting": OLD_EVALUATE["governance"]["overfitting"]}}
    (tmp_path / "manifest.json").write_text(_written(old), encoding="utf-8")
    loaded = EvalResult.load(tmp_path)
    assert loaded.governance.safety is None
    loaded.save(tmp_path)
    assert (tmp_path / "manifest.json").read_text(encoding="utf-8") == _written(old)


def test_a_manifest_too_old_to_read_says_which_command_to_rerun(tmp_path):
    old = copy.deepcopy(OLD_EVALUATE)
    del old["metrics"]["describe"]["main"]
    (tmp_path / "manifest.json").write_text(_written(old), encoding="utf-8")
    with pytest.raises(
        SavileError, match=r"older Savile.*'metrics'.*TaskStatistics lacks 'main'.*rerun `savile evaluate`"
    ):
        EvalResult.load(tmp_path)


OLD_CELL = {
    "model": "small",
    "technique": "lora",
    "tasks": {"describe": {"metric": "description_f1", "mean": 0.5, "ci_low": 0.4, "ci_high": 0.6, "n": 4}},
    "domain": {"mean": 0.5, "ci_low": 0.4, "ci_high": 0.6},
    "generate_seconds": {"describe": 3.0},
    "seconds_per_answer": 0.75,
    "system": "tuned",
    "latency_seconds": 0.5,
    "latency_tokens": 20,
    "latency_task": "describe",
    "params": 1000,
    "train_seconds": 9.0,
    "train_tokens": 400,
    "artefact_bytes": 2048,
}


def test_a_compare_manifest_written_as_dicts_round_trips_and_cells_read_by_attribute(tmp_path):
    unmeasured = {k: v for k, v in OLD_CELL.items() if k != "latency_task"} | {"latency_seconds": NAN}
    old = {
        "stage": "compare",
        "models": ["small"],
        "techniques": ["lora", "prompt"],
        "items_per_task": 4,
        "cells": [OLD_CELL, unmeasured | {"technique": "prompt"}],
        "effects": {"model": {"effect": 0.0}},
        "verdict": "One model only.",
        "verdict_numbers": {"models": 1},
        "scores_path": "scores.jsonl",
        "table_path": "table.md",
        "heatmap_path": "heatmap.png",
        "seconds": 1.0,
        "config": {},
    }
    (tmp_path / "manifest.json").write_text(_written(old), encoding="utf-8")
    loaded = CompareResult.load(tmp_path)
    lora, prompt = loaded.cells
    assert lora.domain.mean == 0.5 and lora.tasks["describe"].metric == "description_f1" and lora.params == 1000
    assert prompt.latency_task is None and math.isnan(prompt.latency_seconds)
    loaded.save(tmp_path)
    assert (tmp_path / "manifest.json").read_text(encoding="utf-8") == _written(old)
