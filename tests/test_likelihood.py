"""Completion log-probabilities, bits per byte and cloze scoring, checked against hand loops on a tiny model."""

from __future__ import annotations

import math

import pytest

from savile.errors import DataError
from savile.governance import likelihood
from savile.governance.likelihood import bits_per_byte, cloze_correct, completion_logprobs, summed_logprobs

TEXTS = [
    "Maison Lirelle was founded in 1923 in a small atelier.",
    "Short.",
    "Ünïcode — façade, naïve café; 東京 too.",
    "The calfskin tote is stitched by hand in the workshop, one saddle stitch at a time, " * 3,
]


@pytest.fixture(scope="module")
def tiny(tiny_model_dir):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    return AutoModelForCausalLM.from_pretrained(tiny_model_dir).eval(), AutoTokenizer.from_pretrained(tiny_model_dir)


def hand_logprob(model, ids: list[int], first: int) -> float:
    """Sum of log p(ids[t] | ids[:t]) for t >= first, one position at a time from a full forward pass."""
    import torch

    with torch.inference_mode():
        logits = model(torch.tensor([ids])).logits[0].double()
    return sum(torch.log_softmax(logits[t - 1], -1)[ids[t]].item() for t in range(first, len(ids)))


def ids_of(tokenizer, text: str) -> list[int]:
    return tokenizer(text, add_special_tokens=False)["input_ids"]


def test_completion_logprobs_match_a_hand_loop_and_keep_the_boundary(tiny):
    model, tok = tiny
    # "Hel" + "lo" would merge into one token if tokenised together; the completion must stay "lo".
    prompts, completions = ["Hel", "The bag is made of"], ["lo", " calfskin leather."]
    got = completion_logprobs(model, tok, prompts, completions)
    for (value, count), p, c in zip(got, prompts, completions, strict=False):
        context = [tok.bos_token_id, *ids_of(tok, p)]
        assert count == len(ids_of(tok, c)) > 0
        assert value == pytest.approx(hand_logprob(model, context + ids_of(tok, c), len(context)), abs=1e-4)
    assert len(ids_of(tok, "Hello")) < len(ids_of(tok, "Hel")) + len(ids_of(tok, "lo"))  # the case is real


def test_an_empty_completion_scores_zero_over_zero_tokens(tiny):
    model, tok = tiny
    assert completion_logprobs(model, tok, ["Anything"], [""]) == [(0.0, 0)]


def test_batched_scores_equal_one_at_a_time(tiny):
    model, tok = tiny
    prompts = ["A", "The leather is", "Our boutique in Paris opens at", "x"]
    completions = [" b", " supple and bright", " ten", " y z w v u"]
    together = completion_logprobs(model, tok, prompts, completions, batch_size=16)
    alone = [
        completion_logprobs(model, tok, [p], [c], batch_size=1)[0] for p, c in zip(prompts, completions, strict=False)
    ]
    assert [n for _, n in together] == [n for _, n in alone]
    assert [s for s, _ in together] == pytest.approx([s for s, _ in alone], abs=1e-4)
    assert bits_per_byte(model, tok, TEXTS, batch_size=8) == pytest.approx(
        [bits_per_byte(model, tok, [t], batch_size=1)[0] for t in TEXTS], rel=1e-5
    )


def test_bits_per_byte_is_the_hand_computed_nll_over_utf8_bytes(tiny):
    model, tok = tiny
    got = bits_per_byte(model, tok, TEXTS)
    for value, text in zip(got, TEXTS, strict=False):
        ids = [tok.bos_token_id, *ids_of(tok, text)]
        expected = -hand_logprob(model, ids, 1) / math.log(2) / len(text.encode("utf-8"))
        assert value == pytest.approx(expected, rel=1e-5)


def test_bits_per_byte_counts_only_the_bytes_of_the_first_max_tokens(tiny):
    model, tok = tiny
    text = TEXTS[3]
    ids = ids_of(tok, text)[:7]
    covered = tok.decode(ids)  # ASCII text: decoding the kept tokens gives exactly the span they cover
    expected = -hand_logprob(model, [tok.bos_token_id, *ids], 1) / math.log(2) / len(covered.encode("utf-8"))
    assert bits_per_byte(model, tok, [text], max_tokens=7) == pytest.approx([expected], rel=1e-5)


def test_without_a_bos_token_the_first_token_and_its_bytes_are_left_out(tiny, monkeypatch):
    model, tok = tiny
    monkeypatch.setattr(likelihood, "bos_ids", lambda tokenizer: [])
    text = TEXTS[0]
    ids = ids_of(tok, text)
    rest = text[len(tok.decode(ids[:1])) :]
    expected = -hand_logprob(model, ids, 1) / math.log(2) / len(rest.encode("utf-8"))
    assert bits_per_byte(model, tok, [text]) == pytest.approx([expected], rel=1e-5)
    with pytest.raises(DataError, match="empty and the tokenizer has no BOS"):
        completion_logprobs(model, tok, [""], [" word"])


def test_scoring_only_the_kept_logits_equals_scoring_all(tiny, monkeypatch):
    model, tok = tiny
    seqs = [ids_of(tok, t) for t in TEXTS]
    firsts = [max(1, len(s) - 3) for s in seqs]
    kept = summed_logprobs(model, seqs, firsts, batch_size=4)
    monkeypatch.setattr(likelihood, "_accepts_logits_to_keep", lambda model: False)
    assert summed_logprobs(model, seqs, firsts, batch_size=4) == pytest.approx(kept, abs=1e-4)


def test_a_peft_model_scores_like_its_base_before_training(tiny_model_dir, tiny):
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    base, tok = tiny
    peft_model = get_peft_model(
        AutoModelForCausalLM.from_pretrained(tiny_model_dir), LoraConfig(r=2, target_modules=["q_proj", "v_proj"])
    ).eval()
    assert likelihood._accepts_logits_to_keep(peft_model)
    assert bits_per_byte(peft_model, tok, TEXTS[:2]) == pytest.approx(bits_per_byte(base, tok, TEXTS[:2]), rel=1e-5)


def test_cloze_picks_the_option_the_model_finds_most_likely(tiny):
    model, tok = tiny
    prompt, options = "The strap of the tote is made of", ["leather", "canvas", "silk", "gold"]
    scores = [s for s, _ in completion_logprobs(model, tok, [prompt] * 4, [" " + o for o in options])]
    best = options[max(range(4), key=scores.__getitem__)]
    worst = options[min(range(4), key=scores.__getitem__)]
    items = [
        {"prompt": prompt, "answer": best, "options": options},
        {"prompt": prompt, "answer": worst, "options": options},
    ]
    assert cloze_correct(model, tok, items) == [1.0, 0.0]
    assert cloze_correct(model, tok, items, batch_size=1) == [1.0, 0.0]


def test_bad_inputs_get_errors_that_name_the_fix(tiny):
    model, tok = tiny
    with pytest.raises(DataError, match="not among its options"):
        cloze_correct(model, tok, [{"prompt": "p", "answer": "x", "options": ["a", "b"]}])
    with pytest.raises(DataError, match="no token to score"):
        bits_per_byte(model, tok, [""])
    with pytest.raises(ValueError, match="one completion per prompt"):
        completion_logprobs(model, tok, ["a", "b"], ["c"])


@pytest.mark.slow
def test_the_real_model_finds_prose_cheaper_than_noise(smollm2_dir):
    import random

    from transformers import AutoModelForCausalLM, AutoTokenizer

    model, tok = AutoModelForCausalLM.from_pretrained(smollm2_dir).eval(), AutoTokenizer.from_pretrained(smollm2_dir)
    prose = (
        "The museum opens at nine in the morning and closes at six in the evening. Visitors are asked to "
        "leave large bags in the cloakroom by the main entrance."
    )
    rng = random.Random(0)
    noise = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789 ") for _ in range(len(prose)))
    bpb_prose, bpb_noise = bits_per_byte(model, tok, [prose, noise])
    assert bpb_prose < 1.5 < 3 < bpb_noise
    item = {"prompt": "Water freezes at zero degrees", "answer": "Celsius", "options": ["Celsius", "Fahrenheit"]}
    assert cloze_correct(model, tok, [item]) == [1.0]
