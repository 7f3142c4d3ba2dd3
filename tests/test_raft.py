"""RAFT for lora+rag on hand-made data: training prompts are built as the tuned_rag rung builds them,
never show the example's own reference or product, carry distractors, and leave other methods alone."""

from __future__ import annotations

import json

import pytest

from savile.config import Config
from savile.data.guide import BrandGuide
from savile.data.text import match_text
from savile.train.raft import Raft, retrieval_view

GUIDE = BrandGuide(
    brand="Maison Test",
    voice="quiet",
    length={"min_words": 5, "max_words": 50},
    policies=[
        {
            "id": "returns",
            "title": "Returns",
            "statement": "Unworn pieces may be returned within 30 days for a refund.",
            "keywords": ["return"],
            "facts": ["30 days"],
        },
        {
            "id": "care",
            "title": "Care",
            "statement": "Nourish leather twice a year with a leather balm.",
            "keywords": ["care"],
            "facts": ["leather balm"],
        },
        {
            "id": "shipping",
            "title": "Shipping",
            "statement": "Delivery takes 2 to 4 business days by courier.",
            "keywords": ["delivery"],
            "facts": ["2 to 4 business days"],
        },
    ],
)


def _example(id_, task, group, request, answer, meta=None):
    system = {
        "describe": "You write product descriptions for Maison Test.",
        "support": "You are a client adviser of Maison Test.",
        "extract": "You extract product attributes for Maison Test as JSON.",
    }[task]
    return {
        "id": f"{task}:{id_}",
        "task": task,
        "group": group,
        "meta": meta or {},
        "messages": [
            {"role": "system", "content": system},
            {"role": "user", "content": request},
            {"role": "assistant", "content": answer},
        ],
    }


def _describe(id_, group, name, colour, answer):
    return _example(
        id_, "describe", group, f"Write the product description for this piece.\nName: {name}\nColour: {colour}", answer
    )


TRAIN = [
    _describe(1, "Toile", "Toile bag", "Noir", "A noir toile bag, cut from waxed canvas."),
    _describe(2, "Toile", "Toile tote", "Noir", "A roomy noir toile tote for the market."),
    _describe(3, "Soie", "Silk scarf", "Ivoire", "An ivory silk scarf, rolled by hand."),
    _describe(4, "Cuir", "Leather wallet", "Camel", "A camel leather wallet that closes flat."),
    _describe(5, "Laine", "Wool coat", "Gris", "A grey wool coat with a wide collar."),
    _describe(6, "Lin", "Linen shirt", "Blanc", "A white linen shirt for summer days."),
    _example(
        1,
        "extract",
        "Toile",
        "Extract the product attributes from this text as JSON.\n\nText: A noir toile bag, cut from waxed canvas.",
        json.dumps({"colour": "Noir"}),
    ),
    _example(
        1,
        "support",
        "conv-1",
        "How should I care for the leather of my bag?",
        "Nourish it twice a year with a leather balm.",
        {"policies": ["care"], "facts": ["leather balm"]},
    ),
]
HELD = _describe(
    9, "Toile-Neuve", "Toile backpack", "Noir", "held-out copy"
)  # a validation item: its group is not in the index


def _cfg(tmp_path, method="lora+rag", k=3, gold_share=0.8) -> Config:
    return Config.model_validate(
        {
            "project": "t",
            "root": str(tmp_path),
            "sources": {"catalogue": "c.csv", "brand_guide": "g.yaml", "conversations": "x.jsonl"},
            "technique": {"method": method, "raft": {"gold_share": gold_share}},
            "evaluate": {"rag_k": k},
        }
    )


@pytest.fixture(scope="module")
def raft(tmp_path_factory):
    """k=3, the default gold share; the index (MiniLM) is embedded once, settings changed per test."""
    return Raft.build(_cfg(tmp_path_factory.mktemp("raft")), TRAIN, GUIDE)


def _with(raft, **changes) -> Raft:
    from dataclasses import replace

    return replace(raft, **changes)


def _shown(example) -> list[str]:
    """The passages in an example's system prompt, without their numbers."""
    body = example["messages"][0]["content"].split("Reference passages (retrieved; use them where they apply):\n")[1]
    return [line.split("] ", 1)[1] for line in body.splitlines()]


def test_a_held_out_item_is_trained_on_exactly_the_tuned_rag_prompt(raft, tmp_path):
    from savile.evaluate.systems import Ladder
    from savile.records import PreparedData

    paths = {s: tmp_path / f"{s}.jsonl" for s in ("train", "validation", "test")}
    for split, rows in (("train", TRAIN), ("validation", [HELD]), ("test", [HELD])):
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
    for k in (1, 3):
        ladder = Ladder.build(_cfg(tmp_path, k=k), prepared, GUIDE)
        inference = ladder.chats("tuned_rag", "describe", [HELD])[0]
        # With the gold always kept and k=1 there is no distractor: training sees what inference sees.
        trained = _with(raft, k=k, gold_share=1.0).apply([HELD])[0]
        if k == 1:
            assert trained["messages"] == [*inference, HELD["messages"][-1]]
        else:  # the k-1 best retrieved, one distractor, in the same format
            assert trained["messages"][1:] == [*inference[1:], HELD["messages"][-1]]
            head = inference[0]["content"].split("\n[1] ")[0]
            assert trained["messages"][0]["content"].startswith(head + "\n[1] ")
            assert set(_shown(trained)) > set(_shown({"messages": inference})[:2])


def test_a_training_example_never_sees_its_own_reference_or_product(raft):
    for gold_share in (0.0, 1.0):
        shown = _with(raft, gold_share=gold_share).apply(TRAIN)
        for before, after in zip(TRAIN, shown, strict=False):
            prompt = match_text(after["messages"][0]["content"])
            assert match_text(before["messages"][-1]["content"]) not in prompt, after["id"]
            assert (
                after["messages"][-1] == before["messages"][-1] and after["messages"][1:-1] == before["messages"][1:-1]
            )
            if before["group"] == "Toile":  # the bag's copy, its sibling's, and for extract the sheet it must read
                assert "toile" not in prompt, after["id"]
            assert len(_shown(after)) == 3


def test_distractors_are_present_and_kept_gold_holds_the_asked_policy(raft):
    support = TRAIN[-1]
    gold = _with(raft, gold_share=1.0).apply([support])[0]
    assert gold["raft"]["gold"] and len(gold["raft"]["distractors"]) == 1
    passages = _shown(gold)
    assert "Care: Nourish leather twice a year with a leather balm." in passages
    assert gold["raft"]["distractors"][0] in passages and "leather balm" not in gold["raft"]["distractors"][0]
    retrieved = {raft.index.passages[j] for j in raft.index.search([support["messages"][-2]["content"]], 3)[0]}
    assert gold["raft"]["distractors"][0] not in retrieved  # a distractor is no near match
    none = _with(raft, gold_share=0.0).apply([support])[0]
    assert not none["raft"]["gold"] and len(none["raft"]["distractors"]) == 3 == len(_shown(none))
    assert "leather balm" not in none["messages"][0]["content"]  # distractors only: no passage states its facts


def test_gold_share_sets_the_mix_and_each_example_gets_the_same_passages_wherever_it_is_sampled(raft):
    many = _with(raft, gold_share=0.8).apply([dict(TRAIN[3], id=f"describe:copy-{i}") for i in range(50)])
    assert 32 <= sum(e["raft"]["gold"] for e in many) <= 48  # 40 expected; a binomial's sd is 2.8
    places = {_shown(e).index(e["raft"]["distractors"][0]) for e in many if e["raft"]["gold"]}
    assert places == {0, 1, 2}  # shuffled: where a passage sits says nothing of its use
    assert raft.apply([TRAIN[0]]) == raft.apply([TRAIN[3], TRAIN[0]])[1:]


def test_methods_without_retrieval_at_inference_train_on_the_examples_as_prepared(tmp_path):
    for method in ("lora", "qlora", "dora", "full"):
        view = retrieval_view(_cfg(tmp_path, method=method), prepared=None)
        assert view(TRAIN) is TRAIN


def test_the_length_limit_judges_the_example_as_prepared(raft, smollm2_dir):
    from transformers import AutoTokenizer

    from savile.data.chat import encode
    from savile.train.data import encode_all

    tokenizer = AutoTokenizer.from_pretrained(smollm2_dir)
    limit = len(encode(TRAIN[0], tokenizer)["input_ids"])
    rows, kept, dropped = encode_all(TRAIN[:1], tokenizer, limit, raft.apply)
    assert dropped == 0 and len(rows[0]["input_ids"]) > limit and kept[0]["raft"]
    assert encode_all(TRAIN[:1], tokenizer, limit - 1, raft.apply)[2] == 1


def test_lora_rag_trains_and_validates_on_prompts_with_passages(tmp_path, tiny_model_dir, monkeypatch):
    from conftest import write_config

    from savile import train
    from savile.config import load_config
    from savile.data import prepare
    from savile.demo import write_sources
    from savile.train import data

    sources = write_sources(tmp_path / "brand", seed=3, n_products=60, n_conversations=30)  # a small index: fast
    cfg = load_config(
        write_config(
            tmp_path,
            sources,
            model={"base": str(tiny_model_dir)},
            technique={"method": "lora+rag"},
            evaluate={"rag_k": 2},
            train={
                "max_examples_per_task": 4,
                "batch_size": 4,
                "save_steps": 2,
                "loss_items": 3,
                "precision": "fp32",
                "canaries": False,
            },
        )
    )
    prepared = prepare.run(cfg)
    seen: list[dict] = []
    real = data.encode
    monkeypatch.setattr(data, "encode", lambda ex, tok: (seen.append(ex), real(ex, tok))[1])
    trained = train.run(cfg, prepared)
    shown = [e for e in seen if "raft" in e]
    validation = {e["id"] for e in prepared.examples("validation")}
    assert len(shown) >= 12 and {e["id"] for e in shown} & validation  # training and validation-loss examples
    for e in shown:
        assert len(_shown(e)) == 2 and match_text(e["messages"][-1]["content"]) not in match_text(
            e["messages"][0]["content"]
        )
    assert all("Reference passages" not in p for p in trained.task_prompts.values())  # `savile serve` adds none itself


def test_each_task_is_trained_on_passages_from_its_own_sources(raft):
    policy = {p.text for p in raft.passages if p.source == "policy"}
    catalogue = {p.text for p in raft.passages if p.source == "catalogue"}
    assert len(policy) == 3 and len(catalogue) == 6
    two = _with(raft, k=2, gold_share=1.0)
    support = two.apply([TRAIN[-1]])[0]
    assert set(_shown(support)) <= policy and "Care: Nourish leather twice a year with a leather balm." in _shown(
        support
    )
    for e in two.apply(TRAIN[:-1]):  # describe and extract read products, never a policy
        assert set(_shown(e)) <= catalogue, e["id"]
    # Distractors only, k=2: of the policies, one states the facts and another is retrieved, so one
    # is left to distract; the second comes from the products rather than the prompt falling short.
    none = _with(raft, k=2, gold_share=0.0).apply([TRAIN[-1]])[0]
    assert len(_shown(none)) == 2 and len(set(_shown(none)) & policy) == 1
    assert "leather balm" not in none["messages"][0]["content"]


POLICY_DOC = """# Maison Test: client policies

These policies apply to every piece bought from a Maison Test boutique or website.

## Returns

Unworn pieces may be returned within 30 days of delivery for a full refund.

Request a prepaid label from any boutique; the refund is issued within five business days.

## Repairs

{repairs}
"""


def test_the_policy_document_is_retrieved_by_section_with_its_heading():
    from savile.data.passages import policy_passages

    short = policy_passages(POLICY_DOC.format(repairs="Every piece is covered for 2 years against defects."))
    assert short == [
        "Maison Test: client policies: These policies apply to every piece bought from a Maison Test boutique or website.",
        "Returns: Unworn pieces may be returned within 30 days of delivery for a full refund. Request a prepaid "
        "label from any boutique; the refund is issued within five business days.",
        "Repairs: Every piece is covered for 2 years against defects.",
    ]
    paragraph = " ".join(["Bring the piece to a boutique and the atelier will quote before any work."] * 9)
    long = policy_passages(POLICY_DOC.format(repairs=f"{paragraph}\n\n{paragraph}"))  # 252 words: cut
    assert long[2:] == [f"Repairs: {paragraph}"] * 2
    plain = policy_passages(
        "Returns are accepted within 30 days of delivery.\n\nShipping is free on every order, wherever it goes."
    )
    assert plain == [
        "Returns are accepted within 30 days of delivery.",
        "Shipping is free on every order, wherever it goes.",
    ]
    assert policy_passages("# Policies\n\nShort.\n") == []  # under 8 words: nothing worth retrieving
    hashtag = "#1 rule of care: keep leather away from heat and damp, always."
    assert policy_passages(hashtag) == [hashtag]  # a '#' without a space is no Markdown heading


def test_a_task_whose_own_sources_are_empty_searches_everything():
    from savile.data.passages import Passage, off_source

    products = [Passage("Name: Toile bag. Copy: A noir toile bag.", group="Toile")]
    assert off_source("support", products) == set()  # no policy text: search the products rather than nothing
    mixed = [*products, Passage("Returns: within 30 days.", policy="returns")]
    assert off_source("support", mixed) == {0} and off_source("describe", mixed) == {1}
    assert off_source("a-new-task", mixed) == set()


def test_on_the_demo_support_retrieval_finds_the_policy_that_answers(demo_sources, tmp_path, tiny_model_dir):
    """The tuned_rag rung's two passages hold every key fact of the reference for most support
    questions, and never a product sheet (29% held every fact when products and policy paragraphs
    were searched together)."""
    from conftest import write_config

    from savile.config import load_config
    from savile.data import prepare
    from savile.data.guide import brand_guide
    from savile.evaluate.systems import Ladder

    cfg = load_config(write_config(tmp_path, demo_sources, model={"base": str(tiny_model_dir)}, evaluate={"rag_k": 2}))
    prepared = prepare.run(cfg)
    items = [e for e in prepared.examples("test") if e["task"] == "support"][:100]
    ladder = Ladder.build(cfg, prepared, brand_guide(cfg))
    chats = ladder.chats("tuned_rag", "support", items)
    held = [
        all(match_text(f) in match_text(c[0]["content"]) for f in e["meta"]["facts"])
        for e, c in zip(items, chats, strict=True)
    ]
    assert len(items) >= 30 and sum(held) / len(held) >= 0.8, sum(held) / len(held)
    assert not any("Copy:" in c[0]["content"] for c in chats)
    describe = ladder.chats(
        "tuned_rag", "describe", [e for e in prepared.examples("test") if e["task"] == "describe"][:5]
    )
    assert all(c[0]["content"].count("Copy:") == 2 for c in describe)
