"""Packed training batches see exactly what padded ones see, and the reply-only loss is the model's own."""

from __future__ import annotations

import pytest

from savile.train.batches import PackedCollator, PaddedCollator, answer_loss

torch = pytest.importorskip("torch")


def _rows(lengths: list[int], prompt: int = 3) -> list[dict]:
    gen = torch.Generator().manual_seed(1)
    rows = []
    for n in lengths:
        ids = torch.randint(5, 400, (n,), generator=gen).tolist()
        rows.append({"input_ids": ids, "attention_mask": [1] * n, "labels": [-100] * prompt + ids[prompt:]})
    return rows


def _llama():
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    cfg = LlamaConfig(
        vocab_size=512,
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=256,
    )
    return LlamaForCausalLM(cfg).eval()


def _gemma3():
    from transformers import Gemma3ForCausalLM, Gemma3TextConfig

    torch.manual_seed(0)
    cfg = Gemma3TextConfig(
        vocab_size=512,
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        head_dim=32,
        sliding_window=8,
        layer_types=["sliding_attention", "full_attention"],
        max_position_embeddings=256,
    )
    return Gemma3ForCausalLM(cfg).eval()


def test_a_packed_batch_carries_no_attention_mask_and_restarts_positions():
    batch = PackedCollator()(_rows([5, 7, 4]))
    assert set(batch) == {"input_ids", "position_ids", "labels"}
    assert batch["input_ids"].shape == (1, 16)
    assert batch["position_ids"][0].tolist() == list(range(5)) + list(range(7)) + list(range(4))
    seams = [0, 5, 12]
    assert all(batch["labels"][0, s].item() == -100 for s in seams)


@pytest.mark.parametrize("build", [_llama, _gemma3], ids=["llama", "gemma3-sliding-window"])
def test_per_example_logits_of_a_packed_batch_equal_the_unpacked_ones(build):
    # Gemma's window (8) is shorter than the examples, so its sliding layer is exercised across seams too.
    model, rows = build(), _rows([9, 17, 12, 20])
    batch = PackedCollator()(rows)
    with torch.no_grad():
        packed = model(input_ids=batch["input_ids"], position_ids=batch["position_ids"], use_cache=False).logits[0]
        start = 0
        for row in rows:
            alone = model(input_ids=torch.tensor([row["input_ids"]])).logits[0]
            n = len(row["input_ids"])
            assert torch.allclose(packed[start : start + n], alone, atol=1e-5), (start, n)
            start += n


def test_a_padded_batch_is_padded_on_the_right_and_carries_no_attention_mask():
    batch = PaddedCollator(pad_token_id=3)(_rows([5, 7]))
    assert set(batch) == {"input_ids", "labels"}
    assert batch["input_ids"][0, 5:].tolist() == [3, 3]
    assert batch["labels"][0, 5:].tolist() == [-100, -100]


@pytest.mark.parametrize("build", [_llama, _gemma3], ids=["llama", "gemma3-sliding-window"])
def test_per_example_logits_of_a_right_padded_batch_without_mask_equal_the_unpadded_ones(build):
    # Causality alone keeps the padding away from real tokens; Gemma's window (8) is shorter than the rows.
    model, rows = build(), _rows([9, 17, 12, 20])
    batch = PaddedCollator(pad_token_id=0)(rows)
    with torch.no_grad():
        padded = model(input_ids=batch["input_ids"], use_cache=False).logits
        for i, row in enumerate(rows):
            alone = model(input_ids=torch.tensor([row["input_ids"]])).logits[0]
            assert torch.allclose(padded[i, : len(row["input_ids"])], alone, atol=1e-5), i


def test_reply_only_loss_of_an_unmasked_padded_batch_equals_the_models_own_loss_on_a_masked_one():
    from tokenizers import Tokenizer, models
    from transformers import DataCollatorForSeq2Seq, PreTrainedTokenizerFast

    model, rows = _llama(), _rows([9, 17, 12])
    tok = PreTrainedTokenizerFast(
        tokenizer_object=Tokenizer(models.WordLevel({"<pad>": 0}, unk_token="<pad>")), pad_token="<pad>"
    )
    with torch.no_grad():
        ours, _ = answer_loss(model, PaddedCollator(tok.pad_token_id)(rows))
        theirs = model(**DataCollatorForSeq2Seq(tok, padding=True)(rows)).loss
    assert torch.allclose(ours, theirs, atol=1e-5)


def test_reply_only_loss_equals_the_models_own_loss_on_a_padded_batch():
    from tokenizers import Tokenizer, models
    from transformers import DataCollatorForSeq2Seq, PreTrainedTokenizerFast

    model, rows = _llama(), _rows([9, 17, 12])
    tok = PreTrainedTokenizerFast(
        tokenizer_object=Tokenizer(models.WordLevel({"<pad>": 0}, unk_token="<pad>")), pad_token="<pad>"
    )
    batch = DataCollatorForSeq2Seq(tok, padding=True)(rows)
    with torch.no_grad():
        ours, _ = answer_loss(model, batch)
        theirs = model(**batch).loss
    assert torch.allclose(ours, theirs, atol=1e-5)


def test_reply_only_loss_of_a_packed_batch_is_the_token_mean_over_its_examples():
    model, rows = _llama(), _rows([9, 17, 12])
    with torch.no_grad():
        packed, _ = answer_loss(model, PackedCollator()(rows))
        sums, count = 0.0, 0
        for row in rows:
            ids, labels = torch.tensor([row["input_ids"]]), torch.tensor([row["labels"]])
            n = int((labels[:, 1:] != -100).sum())
            sums += model(input_ids=ids, labels=labels).loss * n
            count += n
    assert torch.allclose(packed, sums / count, atol=1e-5)


def test_a_cache_would_silently_join_the_examples():
    # Why answer_loss passes use_cache=False: with a cache transformers skips the packed-sequence mask.
    model, rows = _llama(), _rows([9, 17])
    batch = PackedCollator()(rows)
    with torch.no_grad():
        joined = model(input_ids=batch["input_ids"], position_ids=batch["position_ids"], use_cache=True).logits[0]
        alone = model(input_ids=torch.tensor([rows[1]["input_ids"]])).logits[0]
    assert not torch.allclose(joined[9:], alone, atol=1e-3)


def test_logits_are_computed_for_reply_positions_only():
    model, rows = _llama(), _rows([9, 17], prompt=6)
    with torch.no_grad():
        _, out = answer_loss(model, PackedCollator()(rows))
    assert out.logits.reshape(-1, 512).shape[0] == (9 - 6) + (17 - 6)
