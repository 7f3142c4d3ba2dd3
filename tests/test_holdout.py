"""Held out means held out: three splits by group, across tasks, on the demo and on a second brand;
no test item reaches training, the few-shot pools, the retrieval index or any selection; and
nothing of the demo is a default of another brand's prompts or scoring."""

from __future__ import annotations

import csv

import pytest
from conftest import write_config
from second_brand import ORDER_PATTERN, write_brand

from savile.config import load_config
from savile.data.guide import read_brand_guide
from savile.data.text import match_text


@pytest.fixture(scope="module")
def demo(tmp_path_factory, demo_sources, tiny_model_dir):
    from savile.data import prepare

    cfg = load_config(
        write_config(tmp_path_factory.mktemp("holdout"), demo_sources, model={"base": str(tiny_model_dir)})
    )
    return cfg, prepare.run(cfg)


@pytest.fixture(scope="module")
def second(tmp_path_factory, tiny_model_dir):
    from savile.data import prepare

    cfg = load_config(write_brand(tmp_path_factory.mktemp("second-brand")), [f"model.base={tiny_model_dir}"])
    return cfg, prepare.run(cfg)


def _held_names(cfg, prepared, split: str) -> set[str]:
    """Ids, names and family names of the split's products, from the catalogue itself."""
    cat = cfg.catalogue
    groups = {e["group"] for e in prepared.examples(split) if e["task"] != "support"}
    with cfg.path(cfg.sources.catalogue).open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    id_col = cat.columns.get("sku", cat.id_column)
    names = {r[id_col] for r in rows if r[cat.group_by] in groups} | {
        r[cat.name_column] for r in rows if r[cat.group_by] in groups
    }
    return {match_text(n) for n in names | groups if n}


def _text(examples: list[dict]) -> str:
    return match_text(" \n".join(m["content"] for e in examples for m in e["messages"]))


@pytest.mark.parametrize("brand", ["demo", "second"])
def test_three_splits_by_group_and_nothing_held_out_in_training(brand, request):
    cfg, prepared = request.getfixturevalue(brand)
    splits = {s: prepared.examples(s) for s in ("train", "validation", "test")}
    assert all(splits.values()) and all(prepared.counts[t]["test"] > 0 for t in cfg.prepare.tasks)
    for task in cfg.prepare.tasks:
        groups = {s: {e["group"] for e in rows if e["task"] == task} for s, rows in splits.items()}
        assert not groups["train"] & groups["validation"] and not groups["train"] & groups["test"]
        assert not groups["validation"] & groups["test"]
    train_text = _text(splits["train"])
    for split in ("validation", "test"):
        leaked = [n for n in _held_names(cfg, prepared, split) if f" {n} " in f" {train_text} "]
        assert not leaked, (split, leaked[:5])
    assert prepared.held_out_by_mention > 0  # conversations naming held-out products followed them out


def test_no_test_item_reaches_few_shot_pools_or_the_retrieval_index(demo):
    from savile.evaluate.systems import Ladder

    cfg, prepared = demo
    ladder = Ladder.build(cfg, prepared, read_brand_guide(cfg.path(cfg.sources.brand_guide)))
    test_ids = {e["id"] for e in prepared.examples("test")}
    pooled = {e["id"] for _, pool in ladder.shots.values() for e in pool}
    assert pooled and not pooled & test_ids
    index = match_text(" \n".join(ladder.passages.passages))
    leaked = [n for n in _held_names(cfg, prepared, "test") if f" {n} " in f" {index} "]
    assert not leaked, leaked[:5]


def test_training_reads_train_and_validation_never_test(demo, monkeypatch):
    from savile import train
    from savile.records import PreparedData

    cfg, prepared = demo
    read: list = []
    real = PreparedData.examples

    def spy(self, split):
        read.append(split)
        return real(self, split)

    monkeypatch.setattr(PreparedData, "examples", spy)
    small = cfg.model_copy(
        update={
            "train": cfg.train.model_copy(
                update={
                    "max_examples_per_task": 4,
                    "batch_size": 4,
                    "save_steps": 2,
                    "precision": "fp32",
                    "canaries": False,
                }
            )
        }
    )
    trained = train.run(small, prepared)
    assert set(read) == {"train", "validation"}
    assert trained.loss_curves  # checkpoint choice read the validation split


def test_a_second_brand_gets_nothing_of_the_demo(second):
    from savile.demo import guide as demo_guide
    from savile.demo import vocabulary
    from savile.demo.people import ORDER_ID_PATTERN
    from savile.evaluate.metrics import support_scores
    from savile.evaluate.systems import Ladder

    cfg, prepared = second
    guide = read_brand_guide(cfg.path(cfg.sources.brand_guide))
    ladder = Ladder.build(cfg, prepared, guide)
    prompts = " ".join(ladder.system_prompt(s, t) for s in ("base", "tuned") for t in cfg.prepare.tasks)
    data = " ".join(p.read_text(encoding="utf-8") for p in (prepared.train_path, prepared.test_path))
    demo_words = [
        demo_guide.BRAND,
        "Lirelle",
        "LR-",
        *vocabulary.COLOURS,
        *vocabulary.MATERIALS,
        *demo_guide.BANNED_TERMS,
        "collection",
        "hardware",
    ]
    for word in demo_words:
        assert word.casefold() not in prompts.casefold(), word
        assert word.casefold() not in data.casefold(), word
    assert set(prepared.vocabulary) == {"line", "hue", "cloth", "cut", "made_in"}
    assert "line, hue, cloth, cut and made in" in ladder.system_prompt("base", "describe")
    # The demo's order-id format is no fallback: only the brand's own pattern counts as personal data.
    assert cfg.privacy.order_id_patterns == [ORDER_PATTERN] != [ORDER_ID_PATTERN]
    patterns = cfg.privacy.order_id_patterns
    assert support_scores("Your order LR-1234567 is on its way.", [], order_id_patterns=patterns)["pii_echoed"] == 0.0
    assert support_scores("Your order HV#123456 is on its way.", [], order_id_patterns=patterns)["pii_echoed"] == 1.0
    assert prepared.pii_replaced.get("order_id", 0) > 0
    import re

    raw = set(re.findall(ORDER_PATTERN, cfg.path(cfg.sources.conversations).read_text(encoding="utf-8")))
    written = " ".join(
        p.read_text(encoding="utf-8") for p in (prepared.train_path, prepared.validation_path, prepared.test_path)
    )
    assert raw and not [o for o in raw if o in written]
