"""technique.method: every trained technique trains, saves and reloads; QLoRA is 4-bit; full moves base weights."""

from __future__ import annotations

import pytest
import torch
from conftest import random_llama, write_config

from savile.config import DEFAULT_LEARNING_RATES, TRAINED_METHODS, TechniqueSettings, load_config
from savile.errors import ConfigError
from savile.train.methods import artefact_name, load_trained, trainable_model


@pytest.fixture(scope="module")
def llama_dir(tmp_path_factory, smollm2_dir):
    return random_llama(tmp_path_factory.mktemp("llama-64"), smollm2_dir, hidden=64, seed=0)


def _batch():
    torch.manual_seed(0)
    return torch.randint(0, 1000, (4, 24))


@pytest.mark.parametrize("method", TRAINED_METHODS)
def test_each_method_trains_and_its_artefact_reloads_to_the_same_logits(method, llama_dir, tmp_path):
    technique = TechniqueSettings(method=method)
    model = trainable_model(llama_dir, technique)
    x = _batch()
    params = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(params, lr=1e-2)
    losses = []
    for _ in range(6):
        loss = model(input_ids=x, labels=x).loss
        loss.backward()
        optimiser.step()
        optimiser.zero_grad()
        losses.append(loss.item())
    assert losses[-1] < losses[0]
    model.eval()
    with torch.no_grad():
        trained = model(input_ids=x).logits
    out = tmp_path / artefact_name(method)
    model.save_pretrained(out)
    reloaded = load_trained(llama_dir, out, method, {"qlora": technique.qlora.model_dump()})
    with torch.no_grad():
        again = reloaded(input_ids=x).logits
    torch.testing.assert_close(again, trained, atol=1e-5, rtol=1e-5)


def test_qlora_base_weights_are_4bit_nf4_and_only_adapters_train(llama_dir):
    import bitsandbytes as bnb

    model = trainable_model(llama_dir, TechniqueSettings(method="qlora"))
    quantised = [m for m in model.modules() if isinstance(m, bnb.nn.Linear4bit)]
    assert len(quantised) == 2 * 7  # q, k, v, o, gate, up, down in each of 2 layers
    for layer in quantised:
        assert layer.weight.dtype == torch.uint8 and layer.weight.quant_state.quant_type == "nf4"
        assert not layer.weight.requires_grad
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert trainable and all("lora_" in n for n in trainable)


def test_under_bf16_a_lora_base_is_held_in_bf16_its_adapters_in_fp32_and_it_trains_to_the_fp32_loss(llama_dir):
    x = _batch()
    losses = {}
    for bf16 in (False, True):
        torch.manual_seed(0)  # the same adapter initialisation both times
        model = trainable_model(llama_dir, TechniqueSettings(method="lora"), bf16=bf16)
        frozen = {p.dtype for p in model.parameters() if not p.requires_grad}
        trainable = {p.dtype for p in model.parameters() if p.requires_grad}
        assert frozen == {torch.bfloat16 if bf16 else torch.float32} and trainable == {torch.float32}
        optimiser = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-2)
        for _ in range(4):
            with torch.autocast("cpu", dtype=torch.bfloat16):
                loss = model(input_ids=x, labels=x).loss
            loss.backward()
            optimiser.step()
            optimiser.zero_grad()
        losses[bf16] = loss.item()
    assert losses[True] == pytest.approx(losses[False], rel=0.02)


@pytest.mark.parametrize("method", ["dora", "qlora", "full"])
def test_methods_that_read_or_update_the_base_keep_it_out_of_bf16(method, llama_dir):
    model = trainable_model(llama_dir, TechniqueSettings(method=method), bf16=True)
    assert torch.bfloat16 not in {p.dtype for p in model.parameters()}


def test_dora_adds_a_magnitude_vector_per_adapted_layer(llama_dir):
    model = trainable_model(llama_dir, TechniqueSettings(method="dora"))
    trainable = [n for n, p in model.named_parameters() if p.requires_grad]
    assert any("lora_magnitude_vector" in n for n in trainable)
    assert all("lora_" in n for n in trainable)


@pytest.fixture(scope="module")
def runs(tmp_path_factory, demo_sources, llama_dir):
    """train.run with full, lora and qlora on the same prepared data."""
    from savile import train
    from savile.data import prepare

    folder = tmp_path_factory.mktemp("techniques")
    path = write_config(
        folder,
        demo_sources,
        model={"base": str(llama_dir)},
        train={
            "max_examples_per_task": 4,
            "batch_size": 4,
            "save_steps": 2,
            "loss_items": 3,
            "precision": "fp32",
            "canaries": False,
        },
    )
    cfg = load_config(path)
    prepared = prepare.run(cfg)
    out = {}
    for method in ("full", "lora", "qlora"):
        sub = load_config(path, [f"technique.method={method}", f"output_dir={folder / method}"])
        out[method] = train.run(sub, prepared)
    return out


def _weights(folder):
    from safetensors.torch import load_file

    return {k: v for f in sorted(folder.glob("*.safetensors")) for k, v in load_file(f).items()}


def test_full_fine_tuning_changes_base_weights_and_lora_does_not(runs, llama_dir):
    base = _weights(llama_dir)
    full = _weights(runs["full"].adapter_dir)
    assert runs["full"].adapter_dir.name == "model" and (runs["full"].adapter_dir / "config.json").exists()
    changed = [k for k in base if not torch.equal(base[k], full[k])]
    assert any("layers.0.self_attn.q_proj.weight" in k for k in changed)
    lora = runs["lora"]
    assert lora.adapter_dir.name == "adapter"
    assert all("lora_" in k for k in _weights(lora.adapter_dir))  # the artefact holds adapters only
    model = load_trained(llama_dir, lora.adapter_dir, "lora")
    merged_base = {
        k.replace("base_model.model.", "").replace(".base_layer", ""): v
        for k, v in model.state_dict().items()
        if "lora_" not in k
    }
    shared = [k for k in base if k in merged_base]
    assert len(shared) == len(base)  # the tied head is saved as the embedding only
    assert all(torch.equal(merged_base[k], base[k]) for k in shared)


def test_each_method_gets_its_default_learning_rate_unless_set(runs, tmp_path, demo_sources):
    assert runs["full"].config["learning_rate"] == DEFAULT_LEARNING_RATES["full"] == 2e-5
    assert runs["lora"].config["learning_rate"] == DEFAULT_LEARNING_RATES["lora"] == 2e-4
    assert runs["full"].method == "full" and runs["lora"].method == "lora"
    path = write_config(tmp_path, demo_sources)
    assert load_config(path, ["technique.method=full", "train.learning_rate=1e-4"]).learning_rate() == 1e-4
    assert load_config(path, ["technique.lora.rank=8"]).technique.lora.scale_alpha == 16


def test_evaluate_loads_a_separate_base_for_full_fine_tuning(runs, llama_dir):
    from savile.evaluate.model import load_models
    from savile.train.methods import load_base

    models = load_models(runs["full"])
    x = _batch()
    with torch.no_grad():
        original = load_base(llama_dir)(input_ids=x).logits
        torch.testing.assert_close(models.plain("base", False)(input_ids=x).logits, original)
        assert not torch.allclose(models.plain("tuned", False)(input_ids=x).logits, original)


def test_qlora_runs_on_its_4bit_base_while_the_untuned_rungs_get_the_fp32_base(runs):
    import bitsandbytes as bnb

    from savile.evaluate.model import load_models
    from savile.evaluate.systems import describe_system

    assert runs["qlora"].versions["bitsandbytes"] and runs["qlora"].adapter_dir.name == "adapter"
    models = load_models(runs["qlora"])
    assert any(isinstance(m, bnb.nn.Linear4bit) for m in models.plain("tuned", True).modules())
    assert not any(isinstance(m, bnb.nn.Linear4bit) for m in models.plain("base", True).modules())
    assert "qlora adapter" in describe_system("tuned", "qlora")


@pytest.mark.parametrize("method", ["prompt", "few-shot", "rag"])
def test_prompting_methods_train_nothing_and_say_where_they_are_scored(method, llama_dir, tmp_path, demo_sources):
    from savile import train

    with pytest.raises(ConfigError, match="trains nothing.*savile compare"):
        trainable_model(llama_dir, TechniqueSettings(method=method))
    cfg = load_config(write_config(tmp_path, demo_sources), [f"technique.method={method}"])
    with pytest.raises(ConfigError, match=f"technique.method: '{method}' trains nothing"):
        train.run(cfg, None)  # stops before reading any data


def test_unknown_method_is_a_config_error(tmp_path, demo_sources):
    with pytest.raises(ConfigError, match="technique.method"):
        load_config(write_config(tmp_path, demo_sources), ["technique.method=prefix-tuning"])
