"""Prefix caching in `generate`: the shared system prompt is encoded once, and the answers do not change."""

from __future__ import annotations

import pytest

from savile.config import DecodingSettings
from savile.evaluate.generate import MIN_PREFIX_TOKENS, generate

GUIDE = "You write product copy for Maison Lirelle. " + " ".join(
    f"Rule {i}: keep the tone calm, precise and warm; name the material; never say cheap." for i in range(6)
)
REQUESTS = [
    "Describe the Toile Lirelle canvas tote.",
    "Describe a linen shirt in navy, size M.",
    "Two lines on a grey wool scarf.",
    "Hi",
]
DECODING = DecodingSettings(max_new_tokens=8, no_repeat_ngram_size=3)


def _chats(system: str | None = GUIDE) -> list[list[dict]]:
    head = [{"role": "system", "content": system}] if system else []
    return [[*head, {"role": "user", "content": r}] for r in REQUESTS]


class PrefixSpy:
    """Counts the rows, over every forward pass, whose input ids contain `needle` (the prefix's first tokens)."""

    def __init__(self, model, needle: list[int]):
        self.needle, self.rows = needle, 0
        self.handle = model.get_input_embeddings().register_forward_pre_hook(self)

    def __call__(self, module, args):
        ids, n = args[0], len(self.needle)
        if ids.shape[1] >= n:
            windows = ids.unfold(1, n, 1)  # (batch, positions, n)
            self.rows += int((windows == ids.new_tensor(self.needle)).all(-1).any(-1).sum())


def _run(model, tokenizer, chats, batch_size: int, needle: int = MIN_PREFIX_TOKENS, **kwargs) -> tuple[list[str], int]:
    prompts = tokenizer.apply_chat_template(chats, add_generation_prompt=True, tokenize=True, return_dict=False)
    spy = PrefixSpy(model, prompts[0][:needle])
    try:
        answers = generate(model, tokenizer, chats, DECODING, batch_size, bf16=False, **kwargs)
    finally:
        spy.handle.remove()
    return answers, spy.rows


@pytest.fixture(scope="module")
def smollm2(smollm2_dir):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    return (
        AutoModelForCausalLM.from_pretrained(smollm2_dir, dtype=torch.float32).eval(),
        AutoTokenizer.from_pretrained(smollm2_dir),
    )


def test_smollm2_answers_unchanged_and_the_shared_prompt_encoded_once_across_batches(smollm2):
    model, tokenizer = smollm2
    plain, plain_rows = _run(model, tokenizer, _chats(), batch_size=2, prefix_cache=False)
    cached, cached_rows = _run(model, tokenizer, _chats(), batch_size=2)
    assert cached == plain and all(cached)
    assert plain_rows == len(REQUESTS)  # the spy sees the prefix in every row of the uncached path...
    assert cached_rows == 1  # ...and once in all with the cache, though there were two batches


@pytest.fixture(scope="module")
def tiny(tiny_model_dir):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    return AutoModelForCausalLM.from_pretrained(tiny_model_dir).eval(), AutoTokenizer.from_pretrained(tiny_model_dir)


def test_a_short_shared_prefix_is_not_cached(tiny):
    # Long prompts that share only the template's header and a short system prompt (about 10 tokens).
    model, tokenizer = tiny
    tail = " Answer in the house voice: the material first, then the colour, in under fifty words."
    chats = [[{"role": "system", "content": "Be brief."}, {"role": "user", "content": r + tail}] for r in REQUESTS]
    prompts = tokenizer.apply_chat_template(chats, add_generation_prompt=True, tokenize=True, return_dict=False)
    assert min(len(p) for p in prompts) > MIN_PREFIX_TOKENS
    plain, _ = _run(model, tokenizer, chats, batch_size=4, needle=8, prefix_cache=False)
    cached, rows = _run(model, tokenizer, chats, batch_size=4, needle=8)
    assert cached == plain and rows == len(REQUESTS)  # in every row: no separate pass over the prefix


def test_peft_adapter_on_and_off_gives_the_uncached_answers(tiny_model_dir):
    from contextlib import nullcontext

    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    model = get_peft_model(
        AutoModelForCausalLM.from_pretrained(tiny_model_dir),
        LoraConfig(r=2, target_modules=["q_proj", "v_proj"], init_lora_weights=False),
    ).eval()
    for adapter in (model.disable_adapter(), nullcontext()):  # off, then on
        with adapter:
            plain, _ = _run(model, tokenizer, _chats(), batch_size=3, prefix_cache=False)
            cached, rows = _run(model, tokenizer, _chats(), batch_size=3)
        assert cached == plain and all(cached) and rows == 1


def _tiny_gemma(tokenizer_dir, sliding_window: int):
    """A 2-layer random Gemma 3 (one sliding-window layer, one full) with SmolLM2's tokenizer."""
    import torch
    from transformers import AutoTokenizer, Gemma3ForCausalLM, Gemma3TextConfig, GenerationConfig

    torch.manual_seed(0)
    tok = AutoTokenizer.from_pretrained(tokenizer_dir)
    cfg = Gemma3TextConfig(
        vocab_size=len(tok),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        head_dim=32,
        sliding_window=sliding_window,
        layer_types=["sliding_attention", "full_attention"],
        max_position_embeddings=2048,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
        pad_token_id=tok.pad_token_id,
    )
    model = Gemma3ForCausalLM(cfg).eval()
    model.generation_config = GenerationConfig(eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id)
    return model, tok


@pytest.mark.parametrize(("window", "encodings"), [(1024, 1), (64, len(REQUESTS))])
def test_gemma3_caches_within_its_sliding_window_and_falls_back_beyond_it(smollm2_dir, window, encodings):
    # Beyond the window, padding between prefix and suffix would push real tokens out of it.
    model, tokenizer = _tiny_gemma(smollm2_dir, window)
    plain, _ = _run(model, tokenizer, _chats(), batch_size=2, prefix_cache=False)
    cached, rows = _run(model, tokenizer, _chats(), batch_size=2)
    assert cached == plain and all(cached) and rows == encodings


def test_empty_call_answers_nothing(tiny):
    model, tokenizer = tiny
    assert generate(model, tokenizer, [], DECODING, 4, bf16=False) == []


@pytest.mark.parametrize("prefix_cache", [True, False])
def test_preallocated_cache_gives_the_answers_of_transformers_own(smollm2, monkeypatch, prefix_cache):
    import savile.evaluate.kv_cache as kv_cache

    model, tokenizer = smollm2
    made = []
    own = kv_cache.preallocated_cache
    monkeypatch.setattr(kv_cache, "preallocated_cache", lambda model: made.append(own(model)) or made[-1])
    ours, _ = _run(model, tokenizer, _chats(), batch_size=3, prefix_cache=prefix_cache)
    assert made and all(isinstance(layer, kv_cache.PreallocatedLayer) for layer in made[0].layers)
    assert 1 <= made[0].layers[0].reallocations <= 2  # the path ran, and made room once (twice: a prefix)
    monkeypatch.setattr(kv_cache, "preallocated_cache", lambda model: None)  # generate makes its own DynamicCache
    theirs, _ = _run(model, tokenizer, _chats(), batch_size=3, prefix_cache=prefix_cache)
    assert ours == theirs and all(ours)


@pytest.mark.parametrize("inference_mode", [True, False])
def test_preallocated_layer_holds_what_concatenation_holds_and_grows_rarely(inference_mode):
    import torch

    from savile.evaluate.kv_cache import MIN_RESERVE, PreallocatedLayer

    torch.manual_seed(0)
    with torch.inference_mode(inference_mode):  # generate runs under inference_mode, where views keep no base
        _grow_and_repeat(PreallocatedLayer, MIN_RESERVE)


def _grow_and_repeat(PreallocatedLayer, MIN_RESERVE):
    import torch

    layer, keys, values = PreallocatedLayer(), torch.empty(2, 3, 0, 4), torch.empty(2, 3, 0, 4)
    for step, new in enumerate([40] + [1] * 300):  # a prompt, then one position a step
        k, v = torch.randn(2, 3, new, 4), torch.randn(2, 3, new, 4)
        keys, values = torch.cat([keys, k], dim=-2), torch.cat([values, v], dim=-2)
        got_k, got_v = layer.update(k, v)
        assert torch.equal(got_k, keys) and torch.equal(got_v, values)
        if step == 0:
            room = layer._key_room
    assert layer.get_seq_length() == 340
    assert room.shape[-2] == 40 + MIN_RESERVE  # the prompt's update reserved room ahead
    assert layer.reallocations <= 4  # not one a step
    layer.batch_repeat_interleave(2)  # as the prefix cache does: the layer's tensors are replaced...
    k = torch.randn(4, 3, 1, 4)
    got_k, _ = layer.update(k, k)
    assert torch.equal(got_k, torch.cat([keys.repeat_interleave(2, dim=0), k], dim=-2))  # ...and room made anew
