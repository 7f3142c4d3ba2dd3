"""`savile cost`: the arithmetic against cases worked by hand, the inputs' errors, and the CLI's files."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from savile.cost import (
    CostPath,
    PricesError,
    break_even_month,
    default_model,
    estimate,
    load_cost_settings,
    load_prices,
    measured_mfu,
    memory_needed,
    microbatch_time,
    model_size,
    parse_param_count,
    throughput,
    training_flops,
    training_tokens,
)
from savile.cost.api import prompt_path, retrieval_path, serving_hours
from savile.cost.flops import adapter_params
from savile.cost.hardware import DEFAULT_PRICES
from savile.cost.memory import gpus_needed
from savile.cost.shape import REFERENCE_SHAPES, shape_from_config
from savile.cost.throughput import modelled_mfu
from savile.errors import ConfigError, SavileError
from savile.records import PreparedData, TrainedModel

SMOLLM2_CONFIG = {
    "hidden_size": 576,
    "intermediate_size": 1536,
    "num_hidden_layers": 30,
    "num_attention_heads": 9,
    "num_key_value_heads": 3,
    "vocab_size": 49152,
    "tie_word_embeddings": True,
    "head_dim": 64,
}


@pytest.fixture(scope="module")
def prices():
    return load_prices()


def test_parameter_counts_parse():
    assert parse_param_count("7B") == 7_000_000_000
    assert parse_param_count("135M") == 135_000_000
    assert parse_param_count("7e9") == 7_000_000_000
    assert parse_param_count(" 1.5b ") == 1_500_000_000
    assert parse_param_count("smollm2-135m-instruct") is None and parse_param_count("7 apples") is None


def test_smollm2_count_from_its_config_matches_the_published_size(smollm2_dir):
    # 49152*576 embedding (tied) + 30 x (attention 884,736 + MLP 2,654,208 + norms 1,152) + 576 = 134,515,008
    size = model_size(str(smollm2_dir))
    assert size.params == 134_515_008 and not size.assumed_shape
    assert abs(size.params - 134.5e6) / 134.5e6 < 0.01
    assert model_size("smollm2-135m-instruct").params == size.params


def test_reference_shapes_reproduce_published_counts():
    counts = {s.name: s.n_params for s in REFERENCE_SHAPES}
    assert counts["Llama-2-7B"] == 6_738_415_616 and counts["Llama-3.1-8B"] == 8_030_261_248
    assert counts["Llama-2-70B"] == 68_976_648_192


def test_a_bare_count_keeps_its_value_and_names_the_assumed_shape():
    size = model_size("7B")
    assert size.params == 7_000_000_000 and size.assumed_shape and size.shape.name == "Llama-2-7B"
    assert model_size("3B").shape.name == "Llama-3.2-3B"
    assert "more than 2x" in model_size("400B").source


def test_mixture_of_experts_config_is_refused():
    with pytest.raises(SavileError, match="mixture-of-experts"):
        shape_from_config(SMOLLM2_CONFIG | {"num_local_experts": 8}, "moe")


def test_flops_seconds_and_dollars_by_hand(prices):
    # full: 6 x 7e9 x 1e8 = 4.2e18 FLOPs
    assert training_flops("full", 7e9, 1e8) == pytest.approx(4.2e18)
    # LoRA: 4 x 7e9 x 1e8 + 6 x 4e7 x 1e8 = 2.8e18 + 2.4e16 = 2.824e18; checkpointing adds 2 x 7e9 x 1e8 = 1.4e18
    assert training_flops("lora", 7e9, 1e8, adapter=4e7) == pytest.approx(2.824e18)
    assert training_flops("lora", 7e9, 1e8, adapter=4e7, checkpointing=True) == pytest.approx(4.224e18)
    # With --mfu set, one micro-batch of 1e4 tokens of full fine-tuning: 4.2e14 / (989e12 x 0.35) = 1.2134 s, no overhead
    size = model_size("7B")
    step = microbatch_time("full", size, 1e4, prices.gpu("H100 SXM").bf16_tflops * 1e12, mfu=0.35)
    assert step.seconds == pytest.approx(1.21335, rel=1e-4) and step.mfu == pytest.approx(0.35)
    # 10,000 such micro-batches: 3.370 h x $3.00 = $10.11
    assert step.seconds * 1e4 / 3600 * prices.gpu("H100 SXM").usd_per_hour == pytest.approx(10.11, abs=0.01)
    # The curve: overhead 32 layers x OVERHEAD_PER_LAYER_S + FLOPs / (peak x MFU_CEILING)
    curve = microbatch_time("full", size, 1e4, 989e12)
    assert curve.seconds == pytest.approx(
        32 * throughput.OVERHEAD_PER_LAYER_S + 4.2e14 / (989e12 * throughput.MFU_CEILING)
    )


def test_mfu_curve_rises_with_tokens_and_model_size():
    small, big = model_size("smollm2-135m-instruct"), model_size("70B")
    curve = [modelled_mfu(model_size("7B"), t, 989e12) for t in (128, 512, 2048, 8192)]
    assert curve == sorted(curve) and curve[0] < 0.1 < 0.4 < curve[-1] < throughput.MFU_CEILING
    assert (
        modelled_mfu(small, 512, 989e12) < modelled_mfu(model_size("7B"), 512, 989e12) < modelled_mfu(big, 512, 989e12)
    )
    # a faster GPU spends a larger share of each step on the fixed overhead
    assert modelled_mfu(model_size("7B"), 512, 989e12) < modelled_mfu(model_size("7B"), 512, 312e12)


def test_qlora_slowdown_is_larger_for_small_steps_and_can_be_set():
    size = model_size("7B")
    short, long = (microbatch_time("qlora", size, t, 312e12, checkpointing=True) for t in (256, 2048))
    assert short.qlora_factor > 1.8 > 1.3 > long.qlora_factor > 1.2
    # the dequantisation is per weight and pass, so the same number of seconds at any length
    assert short.dequant_s == pytest.approx(long.dequant_s)
    fixed = microbatch_time("qlora", size, 256, 312e12, qlora_slowdown=1.39)
    assert fixed.seconds == pytest.approx(1.39 * microbatch_time("lora", size, 256, 312e12).seconds)


def test_dora_costs_its_weight_norm_per_microbatch():
    size = model_size("7B")
    lora, dora = (microbatch_time(t, size, 300, 989e12, adapter=4e7, rank=16) for t in ("lora", "dora"))
    # 3 x (2 x 16 + 3) x linear weights = 105 x 6.73e9 = 7.07e11 FLOPs more per micro-batch, whatever its tokens
    assert dora.flops - lora.flops == pytest.approx(105 * size.params * size.shape.linear_params / size.shape.n_params)
    assert dora.seconds > lora.seconds
    long_lora, long_dora = (microbatch_time(t, size, 30_000, 989e12, adapter=4e7) for t in ("lora", "dora"))
    assert long_dora.seconds / long_lora.seconds < dora.seconds / lora.seconds


def test_lora_adapter_size_by_hand():
    # SmolLM2 r=16, all linear: per layer 16 x [(576+576)x2 + (576+192)x2 + (576+1536)x3] = 162,816; x 30 = 4,884,480
    smol = model_size("smollm2-135m-instruct")
    assert adapter_params(smol, 16) == 4_884_480
    # Llama-2-7B r=8 on q and v: 8 x (4096+4096) x 2 x 32 layers = 4,194,304 (PEFT's well-known figure)
    assert adapter_params(model_size("6738415616"), 8, ["q_proj", "v_proj"]) == 4_194_304


def test_memory_by_hand():
    exact7b = model_size("6738415616")  # Llama-2-7B's own count, so the shape is exact
    full = memory_needed("full", exact7b, rank=16, seq_len=512, micro_batch=1, checkpointing=False)
    assert full.weights_gib == pytest.approx(13.477e9 / 2**30, abs=1e-3)  # 2 bytes x 6.738e9
    assert full.optimizer_gib == pytest.approx(94.338e9 / 2**30, abs=1e-3)  # 14 bytes x 6.738e9
    # activations (SDPA: no score matrix): s.b.h = 512 x 4096 = 2,097,152; x 34 = 71,303,168 per layer; x 32 layers
    # = 2,281,701,376; + fp32 logits 4 x 512 x 32000 = 65,536,000 -> 2,347,237,376 bytes
    assert full.activations_gib == pytest.approx(2_347_237_376 / 2**30)
    # eager attention adds 5 x 32 heads x 512^2 = 41,943,040 per layer, 1,342,177,280 in all
    eager = memory_needed("full", exact7b, 16, 512, 1, False, attention="eager")
    assert eager.activations_gib - full.activations_gib == pytest.approx(1_342_177_280 / 2**30)
    ckpt = memory_needed("lora", exact7b, rank=16, seq_len=512, micro_batch=1, checkpointing=True)
    # 32 layer inputs x 2 x 2,097,152 + one layer's 71,303,168 + logits 65,536,000 = 271,056,896
    assert ckpt.activations_gib == pytest.approx(271_056_896 / 2**30)
    # QLoRA: 6,476,005,376 linear weights x 4.127/8 + 262,410,240 others x 2 = 3.866e9 bytes
    qlora = memory_needed("qlora", exact7b, rank=16, seq_len=512, micro_batch=1, checkpointing=False)
    assert qlora.weights_gib == pytest.approx(3.866e9 / 2**30, abs=1e-3)
    assert qlora.optimizer_gib == pytest.approx(12 * adapter_params(exact7b, 16) / 2**30)
    assert full.fits(140.4) and not full.fits(79.6) and qlora.fits(22.5)


def test_memory_options_8bit_optimiser_and_sharding():
    size = model_size("6738415616")
    adam = memory_needed("full", size, 16, 512, 1, True)
    eight = memory_needed("full", size, 16, 512, 1, True, optimizer="paged_adamw_8bit")
    assert adam.optimizer_gib - eight.optimizer_gib == pytest.approx(
        6 * size.params / 2**30
    )  # 8 -> 2 bytes a parameter
    four = memory_needed("full", size, 16, 512, 1, True, gpus=4)
    assert four.optimizer_gib == pytest.approx(adam.optimizer_gib / 4)
    assert four.activations_gib == adam.activations_gib and four.total_gib < adam.total_gib / 3
    assert gpus_needed("full", size, 79.6, rank=16, seq_len=512, micro_batch=1, checkpointing=True).gpus == 2
    assert gpus_needed("full", size, 1.0, rank=16, seq_len=512, micro_batch=1, checkpointing=True) is None


def test_api_paths_by_hand(prices):
    inputs = load_cost_settings()
    # prompt: 2000 guide + 5 x 300 examples + 150 user = 3650 tokens x $2/M + 250 x $8/M = $0.0093; x 100,000 = $930
    assert prompt_path(inputs, prices).monthly_usd == pytest.approx(930.0)
    # retrieval: (2000 + 5 x 200 + 150) x $2/M + 250 x $8/M = $0.0083 x 100,000 = $830, + queries 100,000 x 150 x $0.02/M = $0.30
    rag = retrieval_path(inputs, prices)
    assert rag.monthly_usd == pytest.approx(830.30)
    assert rag.one_off_usd == pytest.approx(0.40)  # 100,000 items x 200 tokens x $0.02/M
    # hours from throughput: 100,000 requests x 250 tokens / 50 tokens/s / 3600 = 138.9 h
    hours, _ = serving_hours(load_cost_settings(["hosting.tokens_per_second=50"]))
    assert hours == pytest.approx(138.89, abs=0.01)


def test_break_even_by_hand():
    # fine-tune: $10,000 once + $584 a month; API $2,000 a month. Month 7: 14,088 vs 14,000; month 8: 14,672 < 16,000
    tuned = CostPath("tuned", 10_000, 584, [10_000 + 584 * m for m in range(1, 25)], {})
    api = CostPath("api", 0, 2_000, [2_000 * m for m in range(1, 25)], {})
    assert break_even_month(tuned, api) == 8
    cheap_api = CostPath("api", 0, 500, [500 * m for m in range(1, 25)], {})
    assert break_even_month(tuned, cheap_api) is None


def test_estimate_picks_the_cheapest_fitting_gpu_and_charges_recompute(prices):
    report = estimate(
        model_size("7B"), training_tokens(examples=100_000, mean_tokens=300), load_cost_settings(), prices
    )
    lora = [r for r in report.training if r.technique == "lora"]
    assert report.chosen == min((r for r in lora if r.fits != "no"), key=lambda r: r.usd)
    l4 = next(r for r in lora if r.device == "L4")
    assert l4.fits == "with checkpointing" and l4.flops == pytest.approx(
        6 * 7e9 * 3e7 + 6 * adapter_params(model_size("7B"), 16) * 3e7
    )
    # micro-batch 4 x the mean example of 300 tokens
    assert l4.tokens_per_microbatch == 1200 and l4.mfu_source == "curve"
    json.dumps(report.to_dict())  # serialisable as written


def test_a_run_that_fits_no_single_gpu_is_priced_for_the_count_it_takes(prices):
    report = estimate(
        model_size("7B"), training_tokens(examples=100_000, mean_tokens=300), load_cost_settings(), prices
    )
    full = {r.device: r for r in report.training if r.technique == "full"}
    assert full["H200"].fits == "yes" and full["H200"].gpus == 1
    h100 = full["H100 SXM"]
    assert h100.fits == "sharded" and h100.gpus == 2 and h100.memory_gib <= 79.6
    # GPU-hours do not change with the count (ideal scaling); wall time is shared among the GPUs
    assert h100.seconds == pytest.approx(h100.gpu_hours * 3600 / 2)
    assert h100.usd == pytest.approx(h100.gpu_hours * prices.gpu("H100 SXM").usd_per_hour)
    assert full["L4"].gpus > full["L40S"].gpus > 2
    chosen = estimate(
        model_size("7B"),
        training_tokens(examples=1000, mean_tokens=300),
        load_cost_settings(["training.technique=full", "training.gpu=H100 SXM"]),
        prices,
    )
    assert any("2 GPUs with ZeRO-3" in n for n in chosen.notes)


def _train_manifest(folder, base, tokens=10_000, seconds=1_000.0, method="lora", train_examples=None, **config):
    """A train stage's record over a SmolLM2-shaped base; its config keeps LoRA under `train`, as older Savile did."""
    base.mkdir(parents=True, exist_ok=True)
    (base / "config.json").write_text(json.dumps(SMOLLM2_CONFIG))
    TrainedModel(
        adapter_dir=folder / "adapter",
        base_model="smollm2-135m-instruct",
        base_path=str(base),
        method=method,
        data_fingerprint="f",
        seed=0,
        train_examples=train_examples or {"describe": 80},
        train_tokens=tokens,
        dropped_too_long=0,
        loss_history=[],
        eval_loss=1.0,
        train_seconds=seconds,
        resumed_from="",
        versions={},
        config={
            "train": {"lora": {"rank": 16, "target_modules": "all-linear"}, "epochs": 1, "batch_size": 8},
            "bf16": True,
            **config,
        },
    ).save(folder)
    return folder


def test_measured_mfu_by_hand_and_kept_to_its_device(tmp_path, prices):
    # 4 x 134,515,008 x 1e4 + 6 x 4,884,480 x 1e4 = 5.3806e12 + 2.931e11 = 5.6737e12 FLOPs in 1,000 s
    # against a 1e10 FLOP/s peak -> MFU 0.5674
    run = measured_mfu(_train_manifest(tmp_path / "train", tmp_path / "base"), prices, peak_flops=1e10)
    assert run.flops == pytest.approx(5.673669e12) and run.mfu == pytest.approx(0.5674, abs=1e-4)
    assert run.device == "cpu" and "assumed" in run.device_note
    report = estimate(
        model_size("7B"), training_tokens(examples=1000, mean_tokens=300), load_cost_settings(), prices, run
    )
    assert {r.mfu_source for r in report.training if r.device != "cpu (this machine)"} == {"curve"}
    cpu = {r.technique: r for r in report.training if r.device == "cpu (this machine)"}
    assert {r.mfu_source for r in cpu.values()} == {"measured"}
    # a CPU run gets no GPU QLoRA factor: the same FLOPs take the same time at the measured rate
    assert cpu["qlora"].qlora_factor == 1.0 and cpu["qlora"].seconds == pytest.approx(cpu["lora"].seconds)
    assert cpu["lora"].seconds == pytest.approx(cpu["lora"].flops / (1e10 * run.mfu))
    assert any("does not transfer to GPUs" in n for n in report.notes)


def test_a_cpu_run_is_measured_against_the_peak_its_manifest_records(tmp_path, prices):
    folder = _train_manifest(
        tmp_path / "train", tmp_path / "base", device="cpu", cpu_peak_flops={"bf16": 1e10, "fp32": 5e9}
    )
    assert measured_mfu(folder, prices).mfu == pytest.approx(0.5674, abs=1e-4)  # the by-hand run above, at 1e10 FLOP/s
    older = _train_manifest(tmp_path / "older", tmp_path / "base", device="cpu")
    with pytest.raises(SavileError, match="records no CPU matmul peak in bf16.*pass --mfu"):
        measured_mfu(older, prices)


def test_savile_cost_imports_neither_torch_nor_transformers(tmp_path):
    """The estimate is arithmetic: the command, the stage records and a measured run load no deep-learning library."""
    prepared = _prepared(
        tmp_path / "runs" / "prepare",
        counts={"describe": {"train": 100}},
        tokens={"describe": {"train": 30_000}},
        config={"model": {"base": "7B"}},
    ).parent
    _train_manifest(
        tmp_path / "runs" / "train", tmp_path / "base", device="cpu", cpu_peak_flops={"bf16": 1e10, "fp32": 5e9}
    )
    out = tmp_path / "cost"
    script = (
        "import sys\n"
        "from savile.cli import main\n"
        f"sys.argv = ['savile', 'cost', '--prepared', {str(prepared)!r}, '--set', 'usage.few_shot_examples=8', '--out', {str(out)!r}]\n"
        "main()\n"
        "print(sorted(name for name in ('torch', 'transformers') if name in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"
    report = json.loads((out / "cost.json").read_text())
    assert report["measured"]["device"] == "cpu" and report["model"]["spec"] == "7B", "the records were read"


def test_measured_gpu_run_sets_the_mfu_of_that_gpu_only(tmp_path, prices):
    folder = _train_manifest(
        tmp_path / "train", tmp_path / "base", tokens=10**9, seconds=3600, device="NVIDIA H100 80GB HBM3"
    )
    run = measured_mfu(folder, prices)
    assert run.device == "H100 SXM" and run.peak_flops == 989e12
    report = estimate(
        model_size("7B"), training_tokens(examples=1000, mean_tokens=300), load_cost_settings(), prices, run
    )
    assert {(r.device, r.technique) for r in report.training if r.mfu_source == "measured"} == {("H100 SXM", "lora")}
    assert prices.gpu_for_device("NVIDIA L40S") == "L40S" and prices.gpu_for_device("NVIDIA L4") == "L4"


def _prepared(folder, counts, tokens, config):
    """A prepare stage's record; the cost model reads its token and example counts and its model."""
    return PreparedData(
        train_path=folder / "train.jsonl",
        validation_path=folder / "validation.jsonl",
        test_path=folder / "test.jsonl",
        card_path=folder / "data_card.md",
        quarantine_path=folder / "quarantine.jsonl",
        counts=counts,
        tokens=tokens,
        vocabulary={},
        pii_replaced={},
        dropped={},
        rejected={},
        warnings=[],
        fingerprint="f",
        config=config,
    ).save(folder)


def test_training_tokens_from_a_prepared_record(tmp_path):
    _prepared(
        tmp_path,
        counts={"describe": {"train": 10, "validation": 2}, "support": {"train": 5, "validation": 1}},
        tokens={"describe": {"train": 2_000, "validation": 400}, "support": {"train": 1_000, "validation": 150}},
        config={"model": {"base": "7B"}},
    )
    tokens = training_tokens(prepared=tmp_path)
    assert (tokens.per_epoch, tokens.examples, tokens.mean_tokens) == (3_000, 15, 200)
    assert default_model(tmp_path) == "7B" and default_model(None) == "smollm2-135m-instruct"
    with pytest.raises(SavileError, match="not both"):
        training_tokens(prepared=tmp_path, examples=3)
    with pytest.raises(SavileError, match="--mean-tokens"):
        training_tokens(examples=3)


def test_a_missing_or_wrong_stage_folder_names_the_command_that_makes_it(tmp_path):
    with pytest.raises(SavileError, match="run `savile prepare` first"):
        training_tokens(prepared=tmp_path / "nothing")
    _prepared(tmp_path / "prepare", counts={"describe": {"train": 1}}, tokens={"describe": {"train": 10}}, config={})
    with pytest.raises(SavileError, match="not a train manifest"):
        measured_mfu(tmp_path / "prepare", peak_flops=1e10)


def test_price_file_problems_are_all_reported(tmp_path, prices):
    bad = yaml.safe_load(DEFAULT_PRICES.read_text())
    bad["gpus"]["L4"]["bf16_tflops"] = -1
    bad["gpus"]["L4"]["colour"] = "green"
    path = tmp_path / "prices.yaml"
    path.write_text(yaml.safe_dump(bad))
    with pytest.raises(PricesError) as err:
        load_prices(path)
    lines = str(err.value).splitlines()
    assert any("gpus.L4.bf16_tflops" in line and "-1" in line for line in lines) and any(
        "gpus.L4.colour: unknown key" in line for line in lines
    )
    with pytest.raises(PricesError, match="not found"):
        load_prices(tmp_path / "missing.yaml")
    with pytest.raises(PricesError, match="H100 SXM"):
        prices.gpu("H1000")


def test_cost_settings_are_validated_with_the_config_error_lines():
    with pytest.raises(ConfigError) as err:
        load_cost_settings(["training.mfu=1.5", "usage.requests=3", "nonsense"])
    problems = err.value.problems
    assert len(problems) == 3
    assert any(p.startswith("cost.training.mfu:") and "1.5" in p for p in problems)
    assert (
        "cost.usage.requests: unknown key; remove it or fix its spelling (see the config reference in the README)."
        in problems
    )
    assert any("key.path=value" in p for p in problems)
    typed = load_cost_settings(["cost.project.months=12"], {"usage.api_model": "gpt-4.1-mini"})
    assert typed.project.months == 12 and typed.usage.api_model == "gpt-4.1-mini"


def test_cli_writes_json_and_png(tmp_path):
    out = tmp_path / "cost"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "savile",
            "cost",
            "--model",
            "7B",
            "--examples",
            "100000",
            "--mean-tokens",
            "300",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads((out / "cost.json").read_text())
    assert data["model"]["params"] == 7_000_000_000 and data["tokens"]["total"] == 30_000_000
    assert set(data["break_even_month"]) == {p["name"] for p in data["paths"][:2]}
    assert (out / "cost.png").read_bytes()[:4] == b"\x89PNG"
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "savile",
            "cost",
            "--model",
            "7B",
            "--examples",
            "10",
            "--mean-tokens",
            "3",
            "--technique",
            "sgd",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "training.technique" in bad.stderr


def _savile(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "savile", *args], capture_output=True, text=True)


def test_a_projects_cost_section_is_read_and_set_overrides_it(tmp_path):
    config = tmp_path / "savile.yaml"
    project = {
        "project": "p",
        "sources": {"catalogue": "c.csv", "brand_guide": "g.yaml", "conversations": "m.jsonl"},
        "cost": {"usage": {"requests_per_month": 250_000}, "project": {"people_cost": 10_000}},
    }
    config.write_text(yaml.safe_dump(project))
    out = tmp_path / "cost"
    done = _savile(
        "cost",
        str(config),
        "--model",
        "7B",
        "--examples",
        "1000",
        "--mean-tokens",
        "300",
        "--epochs",
        "2",
        "--set",
        "project.people_cost=12000",
        "--set",
        "cost.usage.few_shot_examples=8",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    inputs = json.loads((out / "cost.json").read_text())["inputs"]
    assert inputs["usage"]["requests_per_month"] == 250_000, "from the project's cost section"
    assert inputs["project"]["people_cost"] == 12_000, "--set wins over the file"
    assert inputs["usage"]["few_shot_examples"] == 8 and inputs["training"]["epochs"] == 2


def test_a_bad_cost_key_gets_the_config_error_line_and_exit_2(tmp_path):
    bad = _savile(
        "cost",
        "--model",
        "7B",
        "--examples",
        "10",
        "--mean-tokens",
        "3",
        "--set",
        "usage.requests=3",
        "--set",
        "cost.training.lora_rank=0",
        "--out",
        str(tmp_path / "cost"),
    )
    lines = [line for line in bad.stderr.splitlines() if line.strip()]
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert sorted(lines) == [
        "error: cost.training.lora_rank: input should be greater than 0, got 0.",
        "error: cost.usage.requests: unknown key; remove it or fix its spelling (see the config reference in the README).",
    ], bad.stderr


def _published():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "cost_vs_published.py"
    spec = importlib.util.spec_from_file_location("cost_vs_published", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def test_shipped_constants_are_the_fit_to_the_published_runs_and_meet_the_targets():
    bench = _published()
    mfu, per_layer, dequant = bench.fit(bench.RUNS)
    assert mfu == pytest.approx(throughput.MFU_CEILING, rel=0.01)
    assert per_layer == pytest.approx(throughput.OVERHEAD_PER_LAYER_S, rel=0.01)
    assert dequant == pytest.approx(throughput.DEQUANT_FLOPS_PER_WEIGHT, rel=0.01)
    timed = [r for r in bench.RUNS if r.seconds is not None]
    ratios = [r.seconds / bench.predict_seconds(r) for r in timed]
    assert len(timed) >= 8 and max(max(x, 1 / x) for x in ratios) <= 2.0
    median = sorted(ratios)[len(ratios) // 2]
    assert 1 / 1.3 <= median <= 1.3
    sized = [r for r in bench.RUNS if r.memory_gib is not None]
    assert all(abs(bench.predict_memory_gib(r) / r.memory_gib - 1) <= 0.25 for r in sized)
    # leave-one-out: a fit that never saw a run still predicts it within 2x
    assert max(max(x, 1 / x) for x in bench.leave_one_out(bench.RUNS)) <= 2.0


def test_packing_eager_attention_and_a_set_mfu_reach_the_estimate(prices):
    tokens = training_tokens(examples=10_000, mean_tokens=300)
    plain = estimate(model_size("7B"), tokens, load_cost_settings(["training.technique=lora"]), prices)
    packed = estimate(
        model_size("7B"),
        tokens,
        load_cost_settings(["training.technique=lora", "training.packing=true", "training.seq_len=2048"]),
        prices,
    )
    h100 = {r.device: r for r in plain.training}["H100 SXM"]
    packed_h100 = {r.device: r for r in packed.training}["H100 SXM"]
    assert (h100.tokens_per_microbatch, packed_h100.tokens_per_microbatch) == (1200, 8192)
    assert packed_h100.mfu > h100.mfu and packed_h100.usd < h100.usd  # same FLOPs, fewer fixed costs
    eager = estimate(
        model_size("7B"), tokens, load_cost_settings(["training.technique=lora", "training.attention=eager"]), prices
    )
    assert eager.memory["lora"].activations_gib > plain.memory["lora"].activations_gib
    fixed = estimate(
        model_size("7B"), tokens, load_cost_settings(["training.technique=lora", "training.mfu=0.35"]), prices
    )
    assert all(r.mfu == pytest.approx(0.35) and r.mfu_source == "set" for r in fixed.training)


def test_a_dora_run_is_measured_with_its_weight_norm(tmp_path, prices):
    lora = measured_mfu(_train_manifest(tmp_path / "lora", tmp_path / "base"), prices, peak_flops=1e10)
    folder = _train_manifest(tmp_path / "dora", tmp_path / "base", method="dora", train_examples={"describe": 80})
    dora = measured_mfu(folder, prices, peak_flops=1e10)
    # 80 examples / batch 8 = 10 micro-batches, each 3 x (2 x 16 + 3) x SmolLM2's 106,168,320 linear weights
    assert dora.technique == "dora" and dora.flops - lora.flops == pytest.approx(10 * 105 * 106_168_320)
