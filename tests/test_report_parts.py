"""Report pieces on hand-made data: highlighting, sample picking, the ladder's prompts."""

from __future__ import annotations

import json

from savile.records.evaluation import TaskStatistics
from savile.report.samples import highlight, pick_samples


def test_highlight_marks_foreign_catalogue_values_and_banned_terms_only():
    html = highlight(
        "A Noir Minuit bag in lambskin, a cheap must-have <b>.",
        own=["Noir Minuit"],
        vocabulary=["Noir", "Noir Minuit", "Calfskin", "Lambskin"],
        banned=["cheap", "must-have"],
    )
    assert "<mark class='hal'>lambskin</mark>" in html
    assert "<mark class='ban'>cheap</mark>" in html and "<mark class='ban'>must-have</mark>" in html
    assert "Noir Minuit" in html and "<mark class='hal'>Noir" not in html, "own value, and its part, unmarked"
    assert "&lt;b&gt;" in html, "the answer is escaped"
    assert highlight("Plain words.", [], ["Noir"], ["cheap"]) == "Plain words."


def _row(task, item, system, score):
    return {
        "task": task,
        "id": item,
        "system": system,
        "output": f"{system} on {item}",
        "reference": "ref",
        "prompt": "p",
        "attributes": {},
        "scores": {"attribute_coverage": score},
    }


def test_pick_samples_finds_the_largest_gains_and_regressions_of_tuned_over_the_best_untuned():
    gains = {"a": 1.0, "b": 0.5, "c": -0.5, "d": 0.0, "e": 0.0}
    rows = [
        r for item, g in gains.items() for r in (_row("describe", item, "rag", 0.0), _row("describe", item, "tuned", g))
    ]
    metrics = {
        "describe": TaskStatistics(
            main="attribute_coverage",
            n_items=5,
            means={},
            best="tuned",
            ladder={},
            best_tuned="tuned",
            best_untuned="rag",
        )
    }
    picked = pick_samples(rows, metrics, per_kind=2)["describe"]
    assert [it["id"] for it in picked["gains"]] == ["a", "b"]
    assert [it["id"] for it in picked["regressions"]] == ["c"]
    assert {it["id"] for it in picked["random"]} <= {"d", "e"} and len(picked["random"]) == 2


def test_few_shot_and_rag_prompts_carry_retrieved_training_data_never_the_item(tmp_path):
    from savile.config import Config
    from savile.data.guide import BrandGuide
    from savile.evaluate.systems import Ladder, corpus
    from savile.records import PreparedData

    guide = BrandGuide(
        brand="Maison Test",
        voice="quiet",
        length={"min_words": 5, "max_words": 50},
        policies=[
            {
                "id": "returns",
                "title": "Returns",
                "statement": "Returns are accepted within 30 days.",
                "keywords": ["return"],
                "facts": ["30 days"],
            }
        ],
    )

    def example(i, request, answer, task="describe"):
        return {
            "id": f"{task}:{i}",
            "task": task,
            "messages": [
                {"role": "system", "content": "s"},
                {"role": "user", "content": request},
                {"role": "assistant", "content": answer},
            ],
        }

    train = [
        example(1, "Write the product description for this piece.\nName: Toile bag\nColour: Noir", "A noir toile bag."),
        example(
            2, "Write the product description for this piece.\nName: Silk scarf\nColour: Ivoire", "An ivory silk scarf."
        ),
    ]
    # The held-out item sits in the prepared test split, the closest match to itself there is: were the
    # ladder built from any split but training, it would retrieve its own reference.
    item = example(9, "Write the product description for this piece.\nName: Toile tote\nColour: Noir", "held-out copy")
    paths = {s: tmp_path / f"{s}.jsonl" for s in ("train", "validation", "test")}
    for split, rows in (("train", train), ("validation", [item]), ("test", [item])):
        paths[split].write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    prepared = PreparedData(
        train_path=paths["train"],
        validation_path=paths["validation"],
        test_path=paths["test"],
        card_path=tmp_path / "c.md",
        quarantine_path=tmp_path / "q.jsonl",
        counts={},
        tokens={},
        vocabulary={},
        pii_replaced={},
        dropped={},
        rejected={},
        warnings=[],
        fingerprint="t",
    )
    cfg = Config.model_validate(
        {
            "project": "t",
            "sources": {"catalogue": "c.csv", "brand_guide": "g.yaml", "conversations": "x.jsonl"},
            "root": str(tmp_path),
            "prepare": {"tasks": ["describe"]},
            "evaluate": {"few_shot_k": 2, "rag_k": 3},
        }
    )
    passages = corpus(train, guide, cfg)
    assert passages[0].startswith("Returns: Returns are accepted within 30 days")
    assert any("Toile bag" in p and "A noir toile bag." in p for p in passages)
    ladder = Ladder.build(cfg, prepared, guide)
    few = ladder.chats("few_shot", "describe", [item])[0]
    assert [m["role"] for m in few] == ["system", "user", "assistant", "user", "assistant", "user"]
    assert few[2]["content"] == "A noir toile bag.", "the most similar training example comes first"
    assert "held-out copy" not in str(few)
    rag = ladder.chats("rag", "describe", [item])[0]
    assert "Reference passages" in rag[0]["content"] and "held-out copy" not in str(rag)
    tuned = ladder.chats("tuned", "describe", [item])[0]
    assert tuned[0]["content"] == "You write product descriptions for Maison Test." and len(tuned) == 2


def test_style_similarity_is_one_for_the_reference_itself_and_zero_for_no_answer():
    from savile.evaluate.score import _style_similarity

    reference = "Cut from Box Lirelle calfskin in Rouge Grenat, finished by hand in France."
    item = {"id": "describe:1", "task": "describe", "messages": [{"role": "assistant", "content": reference}]}
    scores = _style_similarity(
        [item],
        {
            "same": {"describe:1": reference},
            "empty": {"describe:1": ""},
            "other": {"describe:1": "Our servers restart every night at two."},
        },
    )
    assert scores[("same", "describe:1")] > 0.999
    assert scores[("empty", "describe:1")] == 0.0
    assert scores[("other", "describe:1")] < 0.5
