"""Exact and near-duplicate removal and train/eval contamination (savile.data.quality)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from savile.data.quality import _Normaliser, _signatures, _word_hashes, contamination, dedupe
from savile.data.text import normalise
from savile.errors import DataError

RNG = random.Random(7)
VOCAB = [f"{RNG.choice('bcdfghjklmnpqrstvwz')}{RNG.choice('aeiou')}{i}" for i in range(5000)]


def words(n: int, rng: random.Random) -> list[str]:
    return [rng.choice(VOCAB) for _ in range(n)]


def example(id_: str, text: str, task: str = "support", user: str = "Where is my bag?") -> dict:
    return {
        "id": id_,
        "task": task,
        "messages": [
            {"role": "system", "content": "You are a client adviser."},
            {"role": "user", "content": user},
            {"role": "assistant", "content": text},
        ],
    }


# --- dedupe -------------------------------------------------------------------------------------


def test_exact_duplicates_after_normalisation_keep_the_first():
    text = " ".join(words(60, random.Random(1)))
    examples = [
        example("a", text),
        example("b", " " + text.upper().replace(" ", "  ")),
        example("c", " ".join(words(60, random.Random(2)))),
        example("d", text.replace("a", "á")),  # accents are normalised away too
        example("e", text + "."),
    ]  # punctuation is kept in the exact text: a near duplicate
    kept, counts = dedupe(examples)
    assert [e["id"] for e in kept] == ["a", "c"]
    assert counts == {"exact": 2, "near": 1}


@pytest.mark.parametrize("threshold,dropped", [(0.8, True), (0.99, False)])
def test_one_word_changed_is_a_near_duplicate_at_080_not_at_099(threshold, dropped):
    original = words(200, random.Random(3))
    changed = list(original)
    changed[100] = "completely-new-word"
    examples = [example("first", " ".join(original)), example("second", " ".join(changed))]
    kept, counts = dedupe(examples, threshold=threshold)
    assert [e["id"] for e in kept] == (["first"] if dropped else ["first", "second"])
    assert counts == {"exact": 0, "near": int(dropped)}


def test_unrelated_texts_all_kept_and_order_preserved():
    rng = random.Random(4)
    examples = [example(str(i), " ".join(words(80, rng))) for i in range(50)]
    kept, counts = dedupe(examples)
    assert kept == examples and counts == {"exact": 0, "near": 0}


def test_different_tasks_never_collapse():
    text = " ".join(words(40, random.Random(5)))
    examples = [
        example("s", text, "support"),
        example("d", text, "describe"),
        example("s2", text, "support"),
        example("d2", text + " extra", "describe"),
    ]
    kept, counts = dedupe(examples)
    assert [e["id"] for e in kept] == ["s", "d"]
    assert counts == {"exact": 1, "near": 1}


def test_short_texts_still_compare():
    examples = [
        example("a", "Thank you!", user=""),
        example("b", "thank you", user=""),
        example("c", "Thank you, Claire.", user=""),
    ]
    kept, counts = dedupe(examples)
    assert [e["id"] for e in kept] == ["a", "c"] and counts == {"exact": 0, "near": 1}


def test_dedupe_empty_and_wordless_inputs():
    assert dedupe([]) == ([], {"exact": 0, "near": 0})
    wordless = [
        {"id": i, "task": "t", "messages": [{"role": "user", "content": text}]}
        for i, text in enumerate(["", None, "—", "...", "!!"])
    ]
    kept, counts = dedupe(wordless)
    assert [e["id"] for e in kept] == [0, 2, 3, 4] and counts == {"exact": 1, "near": 0}


def test_dedupe_bad_input_names_the_fix():
    with pytest.raises(DataError, match="no 'task'"):
        dedupe([{"id": "x", "messages": []}])
    with pytest.raises(DataError, match="content of type list"):
        dedupe([{"id": "x", "task": "t", "messages": [{"role": "user", "content": [1]}]}])
    with pytest.raises(DataError, match=r"threshold must be in \(0, 1\], got 1.5"):
        dedupe([], threshold=1.5)


# --- contamination ----------------------------------------------------------------------------


def test_contamination_finds_a_25_word_span_and_ignores_24():
    rng = random.Random(6)
    span = words(25, rng)
    train = [example("t1", " ".join(words(30, rng) + span + words(30, rng))), example("t2", " ".join(words(50, rng)))]
    # the same span in other words, with different case and punctuation around it
    leaked = example("e1", "Hello. " + " ".join(w.upper() for w in span) + ", thanks " + " ".join(words(10, rng)))
    near_miss = example("e2", " ".join(words(10, rng) + span[:24] + words(10, rng)))
    clean = example("e3", " ".join(words(60, rng)))
    assert contamination(train, [near_miss, leaked, clean]) == ["e1"]
    assert contamination(train, [near_miss], n=24) == ["e2"]


def test_contamination_reports_every_eval_example_sharing_one_span():
    rng = random.Random(8)
    span = " ".join(words(30, rng))
    train = [example("t", span)]
    evaluation = [example(f"e{i}", f"{' '.join(words(5, rng))} {span}") for i in range(3)]
    assert contamination(train, evaluation) == ["e0", "e1", "e2"]


def test_contamination_empty_inputs():
    some = [example("x", " ".join(words(40, random.Random(9))))]
    assert contamination([], []) == []
    assert contamination(some, []) == []
    assert contamination([], some) == []
    with pytest.raises(DataError, match="expected a dict with a 'messages' list"):
        contamination([{"id": "bad"}], [])


# --- the fast paths agree with the plain ones -----------------------------------------------------


def test_normaliser_equals_normalise():
    rng = random.Random(10)
    pool = [
        chr(c)
        for c in [
            *range(0, 0x250),
            *range(0x370, 0x400),
            *range(0x2000, 0x2070),
            0x130,
            0x1E9E,
            0xFB01,
            0x2126,
            0x210C,
            0x3000,
            0x1D400,
            0x301,
            0x345,
        ]
    ]
    texts = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 15))) for _ in range(3000)]
    texts += ["Crème BRÛLÉE — “Maison”", "`quoted`  l’atelier\u00a0Straße ΣΊΣΥΦΟΣ"]
    fast = _Normaliser()
    assert [fast(t) for t in texts] == [normalise(t) for t in texts]


def test_signatures_equal_datasketch_minhash():
    from datasketch import MinHash

    texts = [" ".join(words(n, random.Random(n))).encode() for n in (3, 40, 0, 120)]
    hashes, lengths = _word_hashes(texts)
    assert list(lengths) == [3, 40, 0, 120]
    permutations = MinHash(num_perm=64, seed=3).permutations
    ours = _signatures(hashes, lengths, 5, permutations)
    assert ours[2] is None
    for i in (1, 3):
        words_i = hashes[lengths[:i].sum() : lengths[: i + 1].sum()]
        shingles = [int(np.sum(words_i[j : j + 5] * _multipliers(5), dtype=np.uint64)) for j in range(len(words_i) - 4)]
        reference = MinHash(num_perm=64, seed=3, hashfunc=int)
        reference.update_batch([(h ^ (h >> 32)) & 0xFFFFFFFF for h in shingles])
        assert np.array_equal(reference.hashvalues, ours[i])


def _multipliers(n: int) -> np.ndarray:
    from savile.data.quality import _MULTIPLIERS

    return _MULTIPLIERS[:n]
