"""Model specs resolve to local HF directories, or fail with one line naming the alternatives."""

from __future__ import annotations

import json

import pytest

from savile.errors import ModelError
from savile.models import resolve_model


def test_embedded_model_is_materialised_with_the_end_of_turn_token(smollm2_dir):
    names = {p.name for p in smollm2_dir.iterdir()}
    assert {
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "generation_config.json",
        "chat_template.jinja",
    } <= names
    gen = json.loads((smollm2_dir / "generation_config.json").read_text())
    tok = json.loads((smollm2_dir / "tokenizer.json").read_text())
    im_end = next(t["id"] for t in tok["added_tokens"] if t["content"] == "<|im_end|>")
    assert gen["eos_token_id"] == im_end
    assert resolve_model("smollm2-135m-instruct") == smollm2_dir  # reused, not rebuilt


def test_local_directory_is_used_as_is(tiny_model_dir):
    assert resolve_model(str(tiny_model_dir)) == tiny_model_dir


def test_directory_without_config_is_rejected(tmp_path):
    with pytest.raises(ModelError, match="without config.json"):
        resolve_model(str(tmp_path))


def test_hub_id_offline_names_the_alternatives(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    with pytest.raises(ModelError) as err:
        resolve_model("someorg/some-model-that-is-not-cached", tmp_path)
    msg = str(err.value)
    assert "\n" not in msg and "smollm2-135m-instruct" in msg and ".gguf" in msg


def test_unknown_spec_is_rejected(tmp_path):
    with pytest.raises(ModelError, match="neither an embedded model"):
        resolve_model("not-a-model", tmp_path)
