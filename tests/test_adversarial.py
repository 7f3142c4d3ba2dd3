"""Main metrics that no degenerate answer can win: each adversarial answer scores strictly below the
correct reference, item by item, through the real scoring path (evaluate.score.score_items)."""

from __future__ import annotations

import json
import random

import pytest
from conftest import write_config

from savile.config import load_config
from savile.data.guide import read_brand_guide
from savile.evaluate.run import MAIN_METRIC
from savile.evaluate.score import score_items


@pytest.fixture(scope="module")
def setup(tmp_path_factory, demo_sources, tiny_model_dir):
    from savile.data import prepare

    cfg = load_config(
        write_config(tmp_path_factory.mktemp("adversarial"), demo_sources, model={"base": str(tiny_model_dir)})
    )
    prepared = prepare.run(cfg)
    return cfg, prepared, read_brand_guide(cfg.path(cfg.sources.brand_guide))


def _score(setup, items: list[dict], outputs: dict[str, dict[str, str]]) -> dict[tuple[str, str], float]:
    cfg, prepared, guide = setup
    rows = score_items(cfg, prepared, guide, items, outputs)
    return {(r["system"], r["id"]): r["scores"][MAIN_METRIC[r["task"]]] for r in rows}


def _check(scores: dict, items: list[dict], adversaries: list[str]) -> None:
    for e in items:
        right = scores[("reference", e["id"])]
        for name in adversaries:
            assert scores[(name, e["id"])] < right, (name, e["id"], scores[(name, e["id"])], right)


def _items(setup, task: str) -> list[dict]:
    return [e for e in setup[1].examples("test") if e["task"] == task][:24]


def test_describe_degenerate_answers_lose(setup):
    cfg, prepared, _ = setup
    items = _items(setup, "describe")
    train = [e for e in prepared.examples("train") if e["task"] == "describe"]
    rng = random.Random(0)
    vocab = prepared.vocabulary
    every_value = "Colours: " + ", ".join(vocab["colour"]) + ". Materials: " + ", ".join(vocab["material"]) + "."
    outputs = {
        "reference": {e["id"]: e["messages"][-1]["content"] for e in items},
        "sheet_echoed": {e["id"]: e["messages"][-2]["content"] for e in items},
        "sheet_lines_echoed": {e["id"]: "\n".join(e["messages"][-2]["content"].splitlines()[1:]) for e in items},
        "every_value": {e["id"]: every_value for e in items},
        "every_value_of_every_attribute": {
            e["id"]: " ".join(v for values in vocab.values() for v in values) for e in items
        },
        "empty": {e["id"]: "" for e in items},
        "other_product": {e["id"]: rng.choice(train)["messages"][-1]["content"] for e in items},
    }
    scores = _score(setup, items, outputs)
    _check(scores, items, [k for k in outputs if k != "reference"])
    # The old main metric, kept in the report, is the one listing the vocabulary wins.
    rows = score_items(
        cfg,
        prepared,
        setup[2],
        items[:3],
        {"every_value_of_every_attribute": outputs["every_value_of_every_attribute"]},
    )
    assert all(r["scores"]["attribute_coverage"] == 1.0 for r in rows)


def test_support_degenerate_answers_lose(setup):
    _, prepared, guide = setup
    every_policy = " ".join(f"{p.title}: {p.statement} {' '.join(p.facts)}" for p in guide.policies)
    held = [e for e in prepared.examples("test") + prepared.examples("validation") if e["task"] == "support"]
    # A correct reference states at least one of the asked facts.
    reference = {e["id"]: e["messages"][-1]["content"] for e in held if e["meta"]["facts"]}
    probe = _score(setup, [e for e in held if e["id"] in reference], {"reference": reference})
    items = [e for e in held if probe.get(("reference", e["id"]), 0) > 0][:24]
    assert len(items) >= 8
    train = [e for e in prepared.examples("train") if e["task"] == "support" and e["meta"]["policies"]]
    other = {
        e["id"]: next(t for t in train if not set(t["meta"]["policies"]) & set(e["meta"]["policies"])) for e in items
    }
    outputs = {
        "reference": {e["id"]: e["messages"][-1]["content"] for e in items},
        "input_echoed": {e["id"]: e["messages"][-2]["content"] for e in items},
        "every_policy_recited": {e["id"]: every_policy for e in items},
        "empty": {e["id"]: "" for e in items},
        "other_policy_reply": {e["id"]: other[e["id"]]["messages"][-1]["content"] for e in items},
    }
    scores = _score(setup, items, outputs)
    _check(scores, items, [k for k in outputs if k != "reference"])


def test_extract_degenerate_answers_lose(setup):
    _, prepared, _ = setup
    items = _items(setup, "extract")
    train = [e for e in prepared.examples("train") if e["task"] == "extract"]
    rng = random.Random(0)
    every = json.dumps({k: v for k, v in prepared.vocabulary.items()}, ensure_ascii=False)
    outputs = {
        "reference": {e["id"]: e["messages"][-1]["content"] for e in items},
        "input_echoed": {e["id"]: e["messages"][-2]["content"] for e in items},
        "every_key_every_value": {e["id"]: every for e in items},
        "empty": {e["id"]: "" for e in items},
        "empty_object": {e["id"]: "{}" for e in items},
        "other_product": {e["id"]: rng.choice(train)["messages"][-1]["content"] for e in items},
    }
    scores = _score(setup, items, outputs)
    _check(scores, items, [k for k in outputs if k != "reference"])


def test_fact_matching_reads_numbers_in_words_and_currencies():
    from savile.evaluate.facts import fact_scores, stated_facts

    assert stated_facts("You have fourteen days to return it.", ["14 days"]) == ["14 days"]
    assert stated_facts("A thirty-day window.", ["30 days"]) == ["30 days"]
    assert stated_facts("Repairs from £250.", ["250 GBP"]) == ["250 GBP"]
    assert stated_facts("Repairs from 250 pounds.", ["£250"]) == ["£250"]
    assert stated_facts("Within 114 days.", ["14 days"]) == []
    both = fact_scores("14 days, and our repairs take 6 weeks.", ["14 days"], ["6 weeks", "lifetime"], 0.0)
    assert both == {"fact_precision": 0.5, "fact_recall": 1.0, "fact_f1": pytest.approx(2 / 3)}
    contradicted = fact_scores("You have 30 days.", ["14 days"], [], 1.0)
    assert contradicted["fact_f1"] == 0.0 and contradicted["fact_precision"] == 0.0
