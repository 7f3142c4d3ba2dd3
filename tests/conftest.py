"""Shared fixtures: the real SmolLM2 tokenizer on a tiny random Llama, and a small demo brand."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from savile.demo.people import ORDER_ID_PATTERN


@pytest.fixture(scope="session")
def smollm2_dir() -> Path:
    """The embedded default model, materialised once into the Savile cache."""
    from savile.models import resolve_model

    return resolve_model("smollm2-135m-instruct")


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory, smollm2_dir) -> Path:
    """A 2-layer, hidden-16 random Llama with SmolLM2's real tokenizer and chat template."""
    import torch
    from transformers import AutoTokenizer, GenerationConfig, LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    tok = AutoTokenizer.from_pretrained(smollm2_dir)
    cfg = LlamaConfig(
        vocab_size=len(tok),
        hidden_size=16,
        intermediate_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        max_position_embeddings=1024,
        tie_word_embeddings=True,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
        pad_token_id=tok.pad_token_id,
    )
    model = LlamaForCausalLM(cfg)
    model.generation_config = GenerationConfig(eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id)
    out = tmp_path_factory.mktemp("tiny-llama")
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return out


@pytest.fixture(scope="session")
def demo_sources(tmp_path_factory):
    from savile.demo import write_sources

    return write_sources(tmp_path_factory.mktemp("brand"), seed=3, n_products=240, n_conversations=90)


def write_config(folder: Path, sources, **sections) -> Path:
    """A project config for `sources` under `folder`, with section overrides."""
    cfg = {
        "project": "test-brand",
        "output_dir": str(folder / "runs"),
        "sources": {k: str(getattr(sources, k)) for k in ("catalogue", "brand_guide", "conversations", "policies")},
        "privacy": {"key_file": str(folder / "pii.key"), "order_id_patterns": [ORDER_ID_PATTERN]},
        **sections,
    }
    path = folder / "savile.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return path


def random_llama(folder, tokenizer_dir, hidden: int, seed: int):
    """A 2-layer random Llama with SmolLM2's tokenizer; every projection is a multiple of 64 wide,
    as bitsandbytes' CPU 4-bit kernel requires (64-value blocks, 32-row tiles)."""
    import torch
    from transformers import AutoTokenizer, GenerationConfig, LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    tok = AutoTokenizer.from_pretrained(tokenizer_dir)
    cfg = LlamaConfig(
        vocab_size=len(tok),
        hidden_size=hidden,
        intermediate_size=2 * hidden,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=1024,
        tie_word_embeddings=True,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
        pad_token_id=tok.pad_token_id,
    )
    model = LlamaForCausalLM(cfg)
    model.generation_config = GenerationConfig(eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id)
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder
