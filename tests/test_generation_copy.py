"""The generation copy (`evaluate.model.plain_copy`): the adapter merged or removed, the original untouched."""

from __future__ import annotations

import pytest

from savile.evaluate.model import Models, plain_copy


@pytest.fixture(scope="module")
def peft_model(tiny_model_dir):
    """A tiny Llama with a LoRA adapter whose B matrices are non-zero, so the adapter changes the logits."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(0)
    base = AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32)
    model = get_peft_model(base, LoraConfig(r=4, lora_alpha=8, target_modules="all-linear", task_type="CAUSAL_LM"))
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.2)
    return model.eval()


def _logits(model, ids):
    import torch

    with torch.inference_mode():
        return model(input_ids=ids).logits.float()


def _ids():
    import torch

    return torch.tensor([[1, 17, 243, 99, 5, 61, 7]])


def test_the_tuned_copy_is_the_adapter_merged(peft_model):
    import torch

    plain = plain_copy(peft_model, bf16=False)
    assert not hasattr(plain, "peft_config") and all("lora" not in n for n, _ in plain.named_parameters())
    assert torch.allclose(_logits(plain, _ids()), _logits(peft_model, _ids()), atol=1e-4)


def test_the_base_copy_is_the_adapter_removed(peft_model):
    import torch

    plain = plain_copy(peft_model, bf16=False, adapter=False)
    with peft_model.disable_adapter():
        base = _logits(peft_model, _ids())
    assert torch.allclose(_logits(plain, _ids()), base, atol=1e-5)
    assert not torch.allclose(_logits(plain, _ids()), _logits(peft_model, _ids()), atol=1e-3)  # the adapter mattered


def test_the_original_keeps_its_adapter_and_precision(peft_model):
    import torch

    before = _logits(peft_model, _ids())
    copy = plain_copy(peft_model, bf16=True)
    assert all(p.dtype == torch.bfloat16 for p in copy.parameters())
    assert all(p.dtype == torch.float32 for p in peft_model.parameters())
    assert torch.equal(_logits(peft_model, _ids()), before)  # not merged in place
    assert (_logits(copy, _ids()).argmax(-1) == before.argmax(-1)).float().mean() > 0.8  # bf16 rounding only


def test_models_build_each_copy_once(peft_model):
    models = Models(tokenizer=None, tuned=peft_model)
    tuned, base = models.plain("tuned", False), models.plain("base", False)
    assert tuned is not base
    assert models.plain("tuned", False) is tuned and models.plain("few_shot", False) is base
