"""savile export: merged weights equal base plus adapter, vLLM refusals, GGUF through llama.cpp's converter, Ollama."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys

import pytest
import torch
from conftest import random_llama, write_config

from savile.config import TechniqueSettings, load_config
from savile.errors import ExportError
from savile.export import merge
from savile.export.vllm import check_vllm_adapter
from savile.records import ExportResult
from savile.train.methods import load_base, load_trained, trainable_model


@pytest.fixture(scope="module")
def llama_dir(tmp_path_factory, smollm2_dir):
    # 64 wide: q8_0 quantises blocks of 32 values, bitsandbytes' 4-bit kernel blocks of 64.
    return random_llama(tmp_path_factory.mktemp("llama-64"), smollm2_dir, hidden=64, seed=0)


@pytest.fixture(scope="module")
def project(tmp_path_factory, demo_sources, llama_dir):
    folder = tmp_path_factory.mktemp("export-project")
    small = {"max_new_tokens": 6}
    path = write_config(
        folder,
        demo_sources,
        model={"base": str(llama_dir)},
        train={
            "max_examples_per_task": 8,
            "batch_size": 4,
            "save_steps": 4,
            "learning_rate": 5e-3,
            "precision": "fp32",
            "canaries": False,
            "loss_items": 4,
        },
        evaluate={"batch_size": 4, "describe": small, "support": small, "extract": small},
        export={"max_items_per_task": 2, "gguf_types": ["f16", "q8_0", "q4_k_m"]},
    )
    return load_config(path)


@pytest.fixture(scope="module")
def prepared(project):
    from savile.data import prepare

    return prepare.run(project)


@pytest.fixture(scope="module")
def trained(project, prepared):
    from savile import train

    return train.run(project, prepared)


def _adapter(llama_dir, folder, method: str):
    """A saved adapter of `method` whose update is large enough to move the logits visibly."""
    technique = TechniqueSettings(method=method)
    model = trainable_model(llama_dir, technique)
    torch.manual_seed(1)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.05)
    model.save_pretrained(folder)
    return technique


def _logits(model, ids):
    with torch.no_grad():
        return model(input_ids=ids).logits.float()


_IDS = torch.tensor([[1, 4093, 198, 37964, 42, 13330, 450, 609, 92, 290, 28, 21821]])


@pytest.mark.parametrize("method", ["lora", "qlora", "dora"])
def test_merged_logits_equal_base_plus_adapter(method, llama_dir, trained, tmp_path):
    technique = _adapter(llama_dir, tmp_path / "adapter", method)
    record = dataclasses.replace(
        trained, adapter_dir=tmp_path / "adapter", method=method, config={"technique": technique.model_dump()}
    )
    merge.write_merged(record, tmp_path / "merged", "float16")
    merged, _ = merge.load_merged(tmp_path / "merged")
    assert not any("lora" in n for n, _ in merged.named_parameters())
    tuned = _logits(load_trained(llama_dir, tmp_path / "adapter", method, technique.model_dump()), _IDS)
    base = _logits(load_base(llama_dir), _IDS)
    gap = (_logits(merged, _IDS) - tuned).abs().max().item()
    assert (base - tuned).abs().max().item() > 20 * gap  # the adapter matters, and the merge keeps it
    assert gap < 5e-3 * max(1.0, tuned.abs().max().item())


def test_qlora_merges_into_the_dequantised_base_not_the_original(llama_dir, trained, tmp_path):
    from peft import PeftModel

    technique = _adapter(llama_dir, tmp_path / "adapter", "qlora")
    record = dataclasses.replace(
        trained, adapter_dir=tmp_path / "adapter", method="qlora", config={"technique": technique.model_dump()}
    )
    tuned = _logits(load_trained(llama_dir, tmp_path / "adapter", "qlora", technique.model_dump()), _IDS)
    ours = _logits(merge.merged_model(record, "float16").float(), _IDS)
    naive = _logits(PeftModel.from_pretrained(load_base(llama_dir), tmp_path / "adapter").merge_and_unload(), _IDS)
    assert (ours - tuned).abs().max() < (naive - tuned).abs().max() / 3


def test_export_merged_writes_16_bit_safetensors_tokenizer_and_template_and_rescores(
    project, prepared, trained, llama_dir
):
    from savile import export

    result = export.run(project, prepared, trained, "merged")
    folder = project.stage_dir("export") / "merged"
    assert {
        "model.safetensors",
        "config.json",
        "tokenizer.json",
        "chat_template.jinja",
        "generation_config.json",
    } <= set(result.files)
    assert (folder / "chat_template.jinja").read_text() == (llama_dir / "chat_template.jinja").read_text()
    assert json.loads((folder / "config.json").read_text())["dtype"] == "bfloat16"
    assert result.checks["logits"]["max_abs_logit_diff"] < 0.05 * max(1.0, result.checks["logits"]["max_abs_logit"])
    assert {(s["artefact"], s["task"]) for s in result.scores} == {
        ("merged", t) for t in ("describe", "support", "extract")
    }
    for s in result.scores:
        assert s["items"] == 2 and s["drop"] == pytest.approx(s["unexported"] - s["exported"])
    assert ExportResult.load(folder) == result


def test_main_metric_drop_past_max_drop_is_flagged(project, prepared):
    from savile.data.guide import read_brand_guide
    from savile.export.rescore import REFERENCE, held_out_items, main_metric_drops

    items = held_out_items(project, prepared)
    gold = {e["id"]: e["messages"][-1]["content"] for e in items}
    rows = main_metric_drops(
        project,
        prepared,
        read_brand_guide(project.path(project.sources.brand_guide)),
        items,
        {REFERENCE: gold, "broken": {i: "" for i in gold}, "same": gold},
    )
    by = {(r["artefact"], r["task"]): r for r in rows}
    for task in ("describe", "support", "extract"):
        assert by[("broken", task)]["drop"] > project.export.max_drop and by[("broken", task)]["too_large"]
        assert by[("same", task)]["drop"] == 0 and not by[("same", task)]["too_large"]


def test_vllm_export_copies_the_adapter_and_writes_the_serve_command(project, prepared, trained):
    from savile import export

    result = export.run(project, prepared, trained, "vllm")
    folder = project.stage_dir("export") / "vllm"
    for name in ("adapter_config.json", "adapter_model.safetensors"):
        assert (folder / "test-brand" / name).read_bytes() == (trained.adapter_dir / name).read_bytes()
    (command,) = result.commands
    assert command.startswith("vllm serve ") and "--enable-lora" in command and "--max-lora-rank 16" in command
    assert f"--lora-modules test-brand={folder / 'test-brand'}" in command
    assert command in (folder / "serve.sh").read_text()
    assert {s["artefact"] for s in result.scores} == {"vllm adapter"}


def test_vllm_refuses_dora_modules_to_save_high_ranks_and_full_models(llama_dir, trained, tmp_path):
    _adapter(llama_dir, tmp_path / "dora", "dora")
    with pytest.raises(ExportError, match="DoRA.*--format merged"):
        check_vllm_adapter(dataclasses.replace(trained, adapter_dir=tmp_path / "dora", method="dora"), 512)
    for key, value, message in [("modules_to_save", ["lm_head"], "modules_to_save"), ("r", 1024, "rank 1024")]:
        folder = tmp_path / key
        shutil.copytree(trained.adapter_dir, folder)
        config = json.loads((folder / "adapter_config.json").read_text()) | {key: value}
        (folder / "adapter_config.json").write_text(json.dumps(config))
        with pytest.raises(ExportError, match=message):
            check_vllm_adapter(dataclasses.replace(trained, adapter_dir=folder), 512)
    with pytest.raises(ExportError, match="fully fine-tuned"):
        check_vllm_adapter(dataclasses.replace(trained, method="full"), 512)
    assert check_vllm_adapter(trained, 512)["max_lora_rank"] == 16


def _gguf_field(path, key):
    from gguf import GGUFReader

    field = GGUFReader(path).fields.get(key)
    return field.contents() if field is not None else None


@pytest.fixture(scope="module")
def gguf_export(project, prepared, trained):
    from savile import export

    return export.run(project, prepared, trained, "gguf")


def test_gguf_export_writes_f16_and_q8_0_through_llama_cpp_and_checks_them(project, gguf_export):
    folder = project.stage_dir("export") / "gguf"
    assert {"test-brand-f16.gguf", "test-brand-q8_0.gguf"} <= set(gguf_export.files)
    assert _gguf_field(folder / "test-brand-f16.gguf", "general.file_type") == 1  # llama.cpp's MOSTLY_F16
    assert _gguf_field(folder / "test-brand-q8_0.gguf", "general.file_type") == 7  # MOSTLY_Q8_0
    chat_template = (project.stage_dir("export") / "merged" / "chat_template.jinja").read_text()
    for kind in ("f16", "q8_0"):
        assert _gguf_field(folder / f"test-brand-{kind}.gguf", "tokenizer.chat_template") == chat_template
        assert (
            gguf_export.checks[kind] | {"prompts_tokenised_alike": 6, "architecture": "llama"}
            == gguf_export.checks[kind]
        )
    if shutil.which("llama-quantize") is None:
        assert "test-brand-q4_k_m.gguf" not in gguf_export.files and any(
            "q4_k_m skipped" in n for n in gguf_export.notes
        )
    else:
        assert _gguf_field(folder / "test-brand-q4_k_m.gguf", "general.file_type") == 15  # MOSTLY_Q4_K_M
    assert {s["artefact"] for s in gguf_export.scores} >= {"gguf f16", "gguf q8_0"}


def test_gguf_f16_gives_the_merged_models_logits(project, gguf_export):
    from savile.export.gguf import load_gguf

    merged_dir = project.stage_dir("export") / "merged"
    merged, _ = merge.load_merged(merged_dir)
    f16, _ = load_gguf(project.stage_dir("export") / "gguf" / "test-brand-f16.gguf", merged_dir)
    q8, _ = load_gguf(project.stage_dir("export") / "gguf" / "test-brand-q8_0.gguf", merged_dir)
    reference = _logits(merged, _IDS)
    f16_gap, q8_gap = [(_logits(m, _IDS) - reference).abs().max().item() for m in (f16, q8)]
    assert f16_gap < 1e-3 * max(1.0, reference.abs().max().item())
    assert f16_gap <= q8_gap  # 8-bit rounding costs more than bf16 -> f16


def test_gguf_check_catches_a_lost_chat_template_and_a_wrong_pre_tokenizer(project, gguf_export, tmp_path):
    from savile.export.gguf import check_gguf

    path = project.stage_dir("export") / "gguf" / "test-brand-q8_0.gguf"
    prompts = ["Describe the Sac Lirelle: calfskin, noir, 32 cm.", "Where is order LR-1234567?"]
    other = shutil.copytree(project.stage_dir("export") / "merged", tmp_path / "other")
    (other / "chat_template.jinja").write_text("{% for m in messages %}{{ m['content'] }}{% endfor %}")
    with pytest.raises(ExportError, match="chat template"):
        check_gguf(path, other, prompts)
    shutil.copy2(project.stage_dir("export") / "merged" / "chat_template.jinja", other / "chat_template.jinja")
    tokenizer = json.loads((other / "tokenizer.json").read_text())
    tokenizer["pre_tokenizer"]["add_prefix_space"] = True  # a space before the first word: other ids for the same text
    (other / "tokenizer.json").write_text(json.dumps(tokenizer))
    with pytest.raises(ExportError, match="tokenises 2 of 2 test prompts differently"):
        check_gguf(path, other, prompts)


def test_ollama_modelfile_runs_the_gguf_with_the_chat_template_stops_and_task_prompt(
    project, prepared, trained, gguf_export
):
    from savile import export
    from savile.data.guide import read_brand_guide
    from savile.data.prompts import task_prompt

    result = export.run(project, prepared, trained, "ollama")
    folder = project.stage_dir("export") / "ollama"
    text = (folder / "Modelfile.support").read_text()
    source = (folder / text.split("FROM ", 1)[1].split("\n", 1)[0]).resolve()
    assert source == (project.stage_dir("export") / "gguf" / "test-brand-q8_0.gguf").resolve()
    chatml = (
        "{{ if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n<|im_start|>user\n{{ .Prompt }}<|im_end|>\n"
        "<|im_start|>assistant\n{{ else }}<|im_start|>user\n{{ .Prompt }}<|im_end|>\n<|im_start|>assistant\n"
        "{{ end }}{{ .Response }}<|im_end|>\n"
    )
    assert f'TEMPLATE """{chatml}"""' in text
    guide = read_brand_guide(project.path(project.sources.brand_guide))
    assert f'SYSTEM """{task_prompt("support", guide)}"""' in text and 'PARAMETER stop """<|im_end|>"""' in text
    assert result.commands == [
        f"ollama create test-brand-{t} -f {folder / f'Modelfile.{t}'}" for t in ("describe", "support", "extract")
    ]
    assert {s["artefact"] for s in result.scores} == {"ollama q8_0"}


def test_ollama_refuses_a_chat_template_that_is_not_turn_by_turn(llama_dir):
    from transformers import AutoTokenizer

    from savile.export.ollama import ollama_template

    tokenizer = AutoTokenizer.from_pretrained(llama_dir)
    assert ollama_template(tokenizer, strip_bos=False).after == "<|im_end|>\n"
    tokenizer.chat_template = "{{ messages | length }}{% for m in messages %}{{ m['content'] }}\n{% endfor %}"
    with pytest.raises(ExportError, match="turn by turn"):
        ollama_template(tokenizer, strip_bos=False)


def test_cli_export_prints_the_command_and_exits_0(project, trained):
    config = project.root / "savile.yaml"
    proc = subprocess.run(
        [sys.executable, "-m", "savile", "export", str(config), "--format", "vllm"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert "run: vllm serve" in proc.stdout and "re-scored on held-out items" in proc.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "savile", "export", str(config), "--format", "onnx"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "'onnx' is not one of merged, vllm, gguf, ollama" in bad.stderr
