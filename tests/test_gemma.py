"""The second embedded model, Gemma 3 270M base: assembled from its chunk packages, verified, chat-ready."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from savile.errors import ModelError
from savile.models import embedded, resolve_model
from savile.models.embedded import EMBEDDED

GEMMA = EMBEDDED["gemma3-270m"]


@pytest.fixture(scope="session")
def gemma_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("savile-cache")


@pytest.fixture(scope="session")
def gemma_dir(gemma_cache):
    """Gemma materialised once per session into a temporary cache (about a minute on 2 cores)."""
    return resolve_model("gemma3-270m", gemma_cache)


@pytest.fixture(scope="session")
def gemma_tokenizer(gemma_dir):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(gemma_dir)


def test_chunks_become_a_gemma3_directory_and_the_temporary_gguf_is_gone(gemma_dir, gemma_cache):
    names = {p.name for p in gemma_dir.iterdir()}
    assert {
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "generation_config.json",
        "chat_template.jinja",
        "savile-materialised.json",
    } <= names
    assert json.loads((gemma_dir / "config.json").read_text())["model_type"].startswith("gemma3")
    assert not list(gemma_cache.rglob("*.gguf")), "the assembled GGUF must be deleted after conversion"
    assert resolve_model("gemma3-270m", gemma_cache) == gemma_dir  # reused, not rebuilt


def test_tokenizer_renders_gemma_turns_and_generation_stops_at_either_end(gemma_dir, gemma_tokenizer):
    tok = gemma_tokenizer
    eot, eos = tok.convert_tokens_to_ids("<end_of_turn>"), tok.convert_tokens_to_ids("<eos>")
    assert tok.chat_template and tok.eos_token == "<end_of_turn>" and eot != tok.unk_token_id
    assert set(json.loads((gemma_dir / "generation_config.json").read_text())["eos_token_id"]) == {eot, eos}
    chat = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
    text = tok.apply_chat_template(chat, add_generation_prompt=True, tokenize=False)
    assert text == "<bos><start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\n"
    # The loss mask (savile.data.chat.encode) needs the prompt's tokens to prefix the full chat's.
    prompt = tok.apply_chat_template(chat, add_generation_prompt=True, tokenize=True, return_dict=False)
    full = tok.apply_chat_template(
        [*chat, {"role": "assistant", "content": "Hello."}], tokenize=True, return_dict=False
    )
    assert full[: len(prompt)] == prompt and full[len(prompt) :][-2:] == tok.convert_tokens_to_ids(
        ["<end_of_turn>", "\n"]
    )


def test_greedy_completion_answers_in_words(gemma_dir, gemma_tokenizer):
    # A base model: it completes text but has not learnt the chat turns (it echoes a templated
    # question), so the check that the weights survived conversion is a plain completion.
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(gemma_dir, dtype=torch.float32)
    assert 260e6 < model.num_parameters() < 275e6
    batch = gemma_tokenizer("Question: What is the capital of France?\nAnswer:", return_tensors="pt")
    with torch.inference_mode():
        out = model.generate(**batch, do_sample=False, max_new_tokens=8)
    answer = gemma_tokenizer.decode(out[0, batch["input_ids"].shape[1] :], skip_special_tokens=True)
    assert "Paris" in answer and len(re.findall(r"[A-Za-z]{3,}", answer)) >= 2, answer


def _chunks_in(tmp_path, corrupt: int | None = None, drop: int | None = None):
    """A stand-in for `_module_dir` that serves the real chunks from `tmp_path`, one of them damaged or missing."""
    real = {module: embedded._module_dir(module, GEMMA) / file for module, file in GEMMA.chunks}
    for i, (module, file) in enumerate(GEMMA.chunks):
        dest = tmp_path / module / file
        dest.parent.mkdir(parents=True)
        if i == corrupt:
            shutil.copyfile(real[module], dest)
            with dest.open("r+b") as f:
                f.seek(1000)
                byte = f.read(1)
                f.seek(1000)
                f.write(bytes([byte[0] ^ 0xFF]))
        elif i != drop:
            dest.symlink_to(real[module])
    original = embedded._module_dir
    return lambda module, model: tmp_path / module if module in real else original(module, model)


def test_a_corrupted_chunk_is_refused_with_the_install_command(tmp_path, monkeypatch):
    monkeypatch.setattr(embedded, "_module_dir", _chunks_in(tmp_path / "site", corrupt=2))
    with pytest.raises(ModelError, match="sha256") as err:
        resolve_model("gemma3-270m", tmp_path / "cache")
    assert GEMMA.install in str(err.value) and "\n" not in str(err.value)
    assert (
        not list((tmp_path / "cache").rglob("*.gguf")) and not (tmp_path / "cache" / "models" / "gemma3-270m").exists()
    )


def test_a_missing_chunk_is_refused_with_the_install_command(tmp_path, monkeypatch):
    monkeypatch.setattr(embedded, "_module_dir", _chunks_in(tmp_path / "site", drop=3))
    with pytest.raises(ModelError, match="part03") as err:
        resolve_model("gemma3-270m", tmp_path / "cache")
    assert GEMMA.install in str(err.value)
