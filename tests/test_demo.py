"""Tests for savile.demo: the Maison Lirelle source files a brand would hand over.

The files are written once per module (about a third of a second) and read back as the rest
of Savile reads them: csv, yaml.safe_load and json, with checks written independently of the
generator's own.
"""

from __future__ import annotations

import collections
import csv
import functools
import json
import random
import re
import unicodedata

import pytest
import yaml

from savile.demo import DemoSources, write_sources
from savile.demo.catalogue import build_catalogue
from savile.demo.conversations import build_conversations

COLUMNS = [
    "sku",
    "name",
    "collection",
    "category",
    "material",
    "colour",
    "hardware",
    "origin",
    "dimensions",
    "care",
    "price_eur",
    "description",
]
VOCABULARY_COLUMNS = ["collection", "category", "material", "colour", "hardware", "origin"]
POLICY_IDS = {"returns", "repairs", "made_to_order", "shipping", "care", "authenticity", "availability"}


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> DemoSources:
    return write_sources(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def rows(sources) -> list[dict[str, str]]:
    with sources.catalogue.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def guide(sources) -> dict:
    return yaml.safe_load(sources.brand_guide.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def conversations(sources) -> list[dict]:
    return [json.loads(line) for line in sources.conversations.read_text("utf-8").splitlines()]


def _match_text(text: str) -> str:
    # As the evaluator matches: casefolded, accents stripped, hyphens read as spaces.
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.replace("-", " ").split())


@functools.cache
def _pattern(value: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(_match_text(value))}(?!\w)")


def _mentions(text: str, value: str) -> bool:
    """Whole-word, accent- and case-blind; pass `text` through `_match_text` first."""
    return bool(value) and _pattern(value).search(text) is not None


def _policies_for(guide: dict, message: str) -> list[dict]:
    text = message.casefold()
    return [p for p in guide["policies"] if any(k.casefold() in text for k in p["keywords"])]


def test_writes_the_four_files_under_sources(tmp_path):
    result = write_sources(tmp_path, n_products=40, n_conversations=14)
    assert result == DemoSources(
        catalogue=tmp_path / "sources" / "catalogue.csv",
        brand_guide=tmp_path / "sources" / "brand_guide.yaml",
        conversations=tmp_path / "sources" / "conversations.jsonl",
        policies=tmp_path / "sources" / "policies.md",
    )
    assert sorted(p.name for p in (tmp_path / "sources").iterdir()) == [
        "brand_guide.yaml",
        "catalogue.csv",
        "conversations.jsonl",
        "policies.md",
    ]
    assert len(result.conversations.read_text("utf-8").splitlines()) == 14


def test_same_seed_writes_identical_bytes_and_another_seed_does_not(tmp_path):
    first = write_sources(tmp_path / "a", seed=3, n_products=200, n_conversations=60)
    again = write_sources(tmp_path / "b", seed=3, n_products=200, n_conversations=60)
    other = write_sources(tmp_path / "c", seed=4, n_products=200, n_conversations=60)
    for field in ("catalogue", "brand_guide", "conversations", "policies"):
        assert getattr(first, field).read_bytes() == getattr(again, field).read_bytes(), field
    assert first.catalogue.read_bytes() != other.catalogue.read_bytes()
    assert first.conversations.read_bytes() != other.conversations.read_bytes()


def test_rejects_empty_sizes(tmp_path):
    with pytest.raises(ValueError, match="n_products=0"):
        write_sources(tmp_path, n_products=0)


def test_catalogue_has_the_columns_and_unique_skus(sources, rows):
    header = sources.catalogue.read_text("utf-8").splitlines()[0]
    assert header == ",".join(COLUMNS)
    assert len(rows) == 1600
    assert len({row["sku"] for row in rows}) == len(rows)
    assert all(re.fullmatch(r"LR-[A-Z]{2}-\d{6}", row["sku"]) for row in rows)
    assert all(re.fullmatch(r"\d+\.\d{2}", row["price_eur"]) for row in rows)
    assert len({row["category"] for row in rows}) >= 10
    assert len({row["collection"] for row in rows}) >= 20


def test_catalogue_fields_are_filled_except_hardware_of_scarves(rows):
    for row in rows:
        optional = {"description"} | ({"hardware"} if row["category"] == "scarf" else set())
        assert all(row[c].strip() for c in COLUMNS if c not in optional), row["sku"]
        assert (row["hardware"] == "") == (row["category"] == "scarf"), row["sku"]
    undescribed = sum(not row["description"] for row in rows) / len(rows)
    assert 0.10 <= undescribed <= 0.20


def test_vocabulary_values_never_contain_one_another(rows):
    values = {row[c] for row in rows for c in VOCABULARY_COLUMNS if row[c]}
    for value in values:
        others = [o for o in values if o != value and _mentions(_match_text(o), value)]
        assert not others, f"{value!r} occurs in {others}"


def test_descriptions_state_their_own_values_and_no_other(rows):
    vocabulary = {v for row in rows for c in VOCABULARY_COLUMNS for v in [row[c]] if v}
    for row in (r for r in rows if r["description"]):
        text = row["description"]
        own = {row[c] for c in VOCABULARY_COLUMNS if row[c]}
        assert all(value.casefold() in text.casefold() for value in own), (row["sku"], text)
        matched = _match_text(text)
        strangers = [v for v in vocabulary - own if _mentions(matched, v)]
        assert not strangers, (row["sku"], strangers, text)


def test_descriptions_follow_the_brand_guide(rows, guide):
    low, high = guide["length"]["min_words"], guide["length"]["max_words"]
    for row in (r for r in rows if r["description"]):
        text, matched = row["description"], _match_text(row["description"])
        assert low <= len(text.split()) <= high, (row["sku"], text)
        assert not [t for t in guide["banned_terms"] if _mentions(matched, t)], text
        preferred = [t for t in guide["preferred_terms"] if _mentions(matched, t)]
        assert 1 <= len(preferred) <= 3, (preferred, text)
        # Only the dimensions may bring numbers into the copy; prices never do.
        assert not re.search(r"\d|€|EUR", text.replace(row["dimensions"], "")), text


def test_descriptions_vary_in_wording(rows):
    texts = [row["description"] for row in rows if row["description"]]
    first_sentences = {re.split(r"(?<=[.!?])\s", text)[0] for text in texts}
    assert len(first_sentences) >= 50
    openings = collections.Counter(" ".join(text.lower().split()[:5]) for text in texts)
    assert openings.most_common(1)[0][1] < 0.10 * len(texts)
    assert len(set(texts)) == len(texts)


def test_brand_guide_has_the_schema(guide):
    assert list(guide) == ["brand", "voice", "preferred_terms", "banned_terms", "length", "policies"]
    assert guide["brand"] == "Maison Lirelle"
    assert isinstance(guide["voice"], str) and len(guide["voice"].split()) > 30
    assert 8 <= len(guide["preferred_terms"]) <= 12
    assert 15 <= len(guide["banned_terms"]) <= 20
    assert {"luxury", "stunning", "elegant"} <= set(guide["banned_terms"])
    assert guide["length"] == {"min_words": 40, "max_words": 90}
    assert {p["id"] for p in guide["policies"]} == POLICY_IDS
    for policy in guide["policies"]:
        assert set(policy) == {"id", "title", "statement", "keywords", "facts"}
        assert 1 <= len(policy["facts"]) <= 3
        assert all(isinstance(f, str) and f for f in policy["facts"])
        assert all(f.casefold() in policy["statement"].casefold() for f in policy["facts"])


def test_policy_keywords_never_overlap_across_policies(guide):
    owned = [(p["id"], k.casefold()) for p in guide["policies"] for k in p["keywords"]]
    for policy, keyword in owned:
        clashes = [(o, k) for o, k in owned if o != policy and (keyword in k or k in keyword)]
        assert not clashes, (policy, keyword, clashes)


def test_policies_document_matches_the_guide(sources, guide):
    text = sources.policies.read_text("utf-8")
    for policy in guide["policies"]:
        assert f"## {policy['title']}" in text
        assert policy["statement"] in text


def test_conversations_are_alternating_openai_messages(conversations):
    assert len(conversations) == 700
    assert [c["id"] for c in conversations] == [f"conv-{i:05d}" for i in range(1, 701)]
    for conversation in conversations:
        roles = [m["role"] for m in conversation["messages"]]
        assert roles in (["user", "assistant"] * n for n in (1, 2, 3)), conversation["id"]
        assert all(m["content"].strip() for m in conversation["messages"])


def test_each_question_names_one_policy_and_the_reply_states_its_facts(conversations, guide):
    opening_topics = collections.Counter()
    for conversation in conversations:
        messages = conversation["messages"]
        for turn in range(0, len(messages), 2):
            asked = _policies_for(guide, messages[turn]["content"])
            # An opening asks about one policy; a follow-up about one, or none when it thanks.
            assert len(asked) == 1 if turn == 0 else len(asked) <= 1, messages[turn]
            if asked:
                reply = messages[turn + 1]["content"].casefold()
                missing = [f for f in asked[0]["facts"] if f.casefold() not in reply]
                assert not missing, (conversation["id"], missing)
        opening_topics[_policies_for(guide, messages[0]["content"])[0]["id"]] += 1
    assert set(opening_topics) == POLICY_IDS
    assert min(opening_topics.values()) >= len(conversations) / len(POLICY_IDS) * 0.8


def test_advisors_never_use_banned_terms(conversations, guide):
    for conversation in conversations:
        for message in conversation["messages"][1::2]:
            text = _match_text(message["content"])
            assert not [t for t in guide["banned_terms"] if _mentions(text, t)], text


def test_customers_give_personal_data_in_local_formats(conversations):
    openings = [c["messages"][0]["content"] for c in conversations]
    phone = re.compile(
        r"\+(?:33 [67](?: \d\d){4}|44 7\d{3} \d{6}|1 \(\d{3}\) 555-01\d\d|"
        r"39 3\d\d \d{3} \d{4}|81 [789]0-\d{4}-\d{4}|49 1\d\d \d{8}|"
        r"34 6\d\d \d{3} \d{3}|41 7\d \d{3} \d\d \d\d)"
    )
    shares = {
        "email": sum(bool(re.search(r"\b[\w.]+@[\w.]+\.[a-z]{2,}\b", t)) for t in openings),
        "phone": sum(bool(phone.search(t)) for t in openings),
        "order": sum(bool(re.search(r"\bLR-\d{7}\b", t)) for t in openings),
    }
    expected = {"email": 0.4, "phone": 0.3, "order": 0.5}
    for kind, count in shares.items():
        assert abs(count / len(openings) - expected[kind]) < 0.08, (kind, count)
    assert not [t for t in openings if "+" in t and not phone.search(t)]


def test_built_conversations_carry_names_details_and_topics(guide):
    rng = random.Random(11)
    products = build_catalogue(rng, 60)
    conversations = build_conversations(rng, 300, products)
    named = [c for c in conversations if c.customer.named]
    assert 0.7 < len(named) / len(conversations) < 0.9
    for conversation in named:
        opening, reply = (m["content"] for m in conversation.messages[:2])
        assert conversation.customer.full in opening
        assert conversation.customer.first in reply
    for conversation in conversations:
        for index, turn in enumerate(conversation.messages[::2]):
            # Questions come first, one per topic; a closing thank-you names no policy.
            expected = conversation.topics[index : index + 1]
            assert [p["id"] for p in _policies_for(guide, turn["content"])] == list(expected)
        customer, opening = conversation.customer, conversation.messages[0]["content"]
        given = [customer.email, customer.phone, customer.order, customer.address]
        assert all(value in opening for value in given if value), conversation.id
    assert sum(bool(c.customer.address) for c in conversations) / len(conversations) > 0.1


def test_some_customers_name_a_catalogue_product(conversations, rows):
    names = {row["name"] for row in rows}
    mentioning = [c for c in conversations if any(name in c["messages"][0]["content"] for name in names)]
    assert len(mentioning) > 0.1 * len(conversations)


def test_the_demo_scores_48_items_and_the_full_demo_trains_on_everything(tmp_path):
    from savile.config import load_config
    from savile.demo.project import write_project

    demo = load_config(write_project(tmp_path / "demo", n_products=60, n_conversations=30))
    full = load_config(write_project(tmp_path / "full", n_products=60, n_conversations=30, full=True))
    assert demo.evaluate.max_items_per_task >= 48
    assert demo.train.max_examples_per_task == {"describe": 112, "support": 336, "extract": 112}
    assert full.evaluate.max_items_per_task >= 100 and full.train.max_examples_per_task is None
    assert full.train.patience is not None, "the full recipe stops early on validation loss"
    assert (full.train.learning_rate, full.evaluate.rag_k) == (demo.train.learning_rate, demo.evaluate.rag_k)
