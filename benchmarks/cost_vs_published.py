"""Does `savile cost` predict published training runs? Time and memory against the tables that printed them.

    .venv/bin/python benchmarks/cost_vs_published.py

Each row is a run someone measured and published: the source (repository and file, at the commit
read), model, technique, GPU, tokens per micro-batch, micro-batches in the measured unit, and the
measured time or peak memory. The script predicts each with `savile.cost` (throughput.py,
memory.py), prints the ratio published / predicted, the median, and PASS/FAIL against the targets
(every time within 2x, the median within 1.3x, every memory figure within 25%). It then refits the
three constants of the time model to these rows (weighted least squares on relative error), checks
they are the ones shipped in `savile/cost/throughput.py`, and prints leave-one-out ratios: each row
predicted from a fit that never saw it. Arithmetic only, no GPU, under a second.

Sources (read at these commits):
- litgpt: github.com/Lightning-AI/litgpt `tutorials/resource-tables.md` (commit 26857050, table dated
  10/20/2023): A100-SXM4-40GB, bf16-true, Alpaca, LoRA r=8 on query and value (the "trainable
  parameters" column), "Time 1k iterations" = 1,000 micro-batches; "Max GPU RAM" is
  torch.cuda.max_memory_allocated() / 1e9. Alpaca's tokens per example: its median, 110
  (`tutorials/oom.md`); the longest Llama 2 example, 1,304 tokens, and phi-1.5's, 1,044, set the memory peak.
- Qwen: github.com/QwenLM/Qwen `README.md`, "Profiling of Memory and Speed" (commit 2df8e8ac):
  A100-SXM4-80G, FlashAttention 2, batch 1 x gradient accumulation 8 per iteration, sequences
  padded to the stated length (`finetune.py` pads to model_max_length); LoRA r=64 on c_attn,
  c_proj, w1, w2 (`finetune.py` defaults) with gradient checkpointing (`finetune/*.sh`); Q-LoRA
  on the Int4 (GPTQ) chat model; full-parameter on 2 GPUs with DeepSpeed ZeRO-3 (`finetune_ds.sh`),
  taken as 8 micro-batches per GPU per iteration. Memory "G" taken as GiB.
  Qwen-7B's shape: hidden 4096, 32 layers, 32 heads, intermediate 22016 (two 11008 halves), vocab 151936.
- llm-foundry: github.com/mosaicml/llm-foundry `scripts/train/benchmarking/README.md` (commit
  8c8dd48f): MPT pre-training throughput, 8 GPUs, FSDP full shard, 2048-token packed sequences,
  no activation checkpointing; per micro-batch seconds = micro-batch x 2048 / "Throughput (T/s/GPU)".
  Shapes from `scripts/train/yamls/pretrain/mpt-{1b,7b}.yaml`, counts from the table's NumParams.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

import numpy as np

from savile.cost import throughput
from savile.cost.memory import GIB, memory_needed
from savile.cost.shape import REFERENCE_SHAPES, ModelShape, ModelSize
from savile.cost.throughput import microbatch_time, passes, quantised_weights

A100, H100 = 312e12, 989e12  # dense bf16 peaks, FLOP/s (NVIDIA datasheets; the price table's figures)
TIME_WITHIN, MEDIAN_WITHIN, MEMORY_WITHIN = 2.0, 1.3, 0.25

LITGPT = "Lightning-AI/litgpt tutorials/resource-tables.md"
QWEN = "QwenLM/Qwen README.md#profiling-of-memory-and-speed"
FOUNDRY = "mosaicml/llm-foundry scripts/train/benchmarking/README.md"


def _ref(name: str) -> ModelSize:
    shape = next(s for s in REFERENCE_SHAPES if s.name == name)
    return ModelSize(name, shape.n_params, shape, "reference shape", False)


def _shaped(shape: ModelShape, params: int | None = None) -> ModelSize:
    return ModelSize(shape.name, params or shape.n_params, shape, "published config", False)


# GPT-NeoX/MPT-style 4x MLPs (two matrices of h x 4h) written as the equivalent gated MLP (three of h x 8h/3).
PHI15 = _shaped(ModelShape("phi-1.5", 2048, 5461, 24, 32, 32, 51200, False))  # litgpt/config.py
STABLELM3B = _shaped(ModelShape("StableLM-alpha-3B", 4096, 10923, 16, 32, 32, 50254, False))  # litgpt Config defaults
LLAMA7B, LLAMA13B = _ref("Llama-2-7B"), _ref("Llama-2-13B")
QWEN7B = _shaped(ModelShape("Qwen-7B", 4096, 11008, 32, 32, 32, 151936, False))
MPT7B = _shaped(ModelShape("MPT-7B", 4096, 10923, 32, 32, 32, 50368, True), 6_658_859_008)
MPT1B = _shaped(ModelShape("MPT-1B", 2048, 5461, 24, 16, 16, 50368, True), 1_315_950_592)


@dataclass(frozen=True)
class Run:
    """One published run: what ran, and what was measured (seconds per micro-batch per GPU, or peak memory)."""

    source: str
    label: str
    size: ModelSize
    technique: str
    gpu: str
    peak: float
    tokens: float  # computed tokens per micro-batch (padding included)
    seconds: float | None = None  # measured seconds per micro-batch on one GPU
    published: str = ""  # the published figure as printed
    adapter: float = 0.0
    rank: int = 8
    checkpointing: bool = False
    memory_gib: float | None = None
    memory: dict = field(default_factory=dict)  # memory_needed settings
    unit: str = "s/micro-batch"  # how the source states its time; `in_unit` converts to it

    def in_unit(self, seconds: float) -> float:
        """Seconds per micro-batch stated the way the source states its time."""
        if self.unit == "min / 1k iter":
            return seconds * 1000 / 60
        if self.unit == "s/it":
            return seconds * 8
        return self.tokens / seconds  # tokens/s/GPU

    @property
    def tokens_per_unit(self) -> float:
        """Tokens computed in the measured unit on one GPU: 1k iterations, one 8-micro-batch iteration, one micro-batch."""
        return self.tokens * {"min / 1k iter": 1000, "s/it": 8}.get(self.unit, 1)


def _litgpt(label, size, technique, minutes, adapter, gb=None, longest=1304, micro_batch=1):
    mem = {"seq_len": longest, "micro_batch": micro_batch, "targets": ["q_proj", "v_proj"]}
    return Run(
        LITGPT,
        label,
        size,
        technique,
        "A100-SXM4-40GB",
        A100,
        110 * micro_batch,
        minutes * 60 / 1000,
        f"{minutes} min / 1k iter" + (f", {gb} GB" if gb else ""),
        adapter,
        8,
        False,
        gb * 1e9 / GIB if gb else None,
        mem,
        "min / 1k iter",
    )


def _qwen(label, technique, length, s_per_it, g=None, gpus=1):
    mem = {"seq_len": length, "micro_batch": 1, "gpus": gpus}
    return Run(
        QWEN,
        label,
        QWEN7B,
        technique,
        "A100-SXM4-80G" + (f" x {gpus}" if gpus > 1 else ""),
        A100,
        length,
        s_per_it / 8,
        f"{s_per_it} s/it" + (f", {g}G" if g else ""),
        4_472_832 * 32 if technique != "full" else 0,
        64,
        True,
        g,
        mem,
        "s/it",
    )


def _foundry(label, size, gpu, peak, micro_batch, tokens_per_s):
    return Run(
        FOUNDRY,
        label,
        size,
        "full",
        gpu + " x 8",
        peak,
        micro_batch * 2048,
        micro_batch * 2048 / tokens_per_s,
        f"{tokens_per_s:,} tokens/s/GPU",
        unit="tokens/s/GPU",
    )


RUNS = [
    _litgpt("phi-1.5 LoRA", PHI15, "lora", 1.62, 1_572_864, 4.82, longest=1044),
    _litgpt("StableLM-3B LoRA", STABLELM3B, "lora", 1.24, 2_097_152),
    _litgpt("Llama-2-7B LoRA", LLAMA7B, "lora", 2.36, 4_194_304, 21.30),
    _litgpt("Llama-2-7B QLoRA nf4-dq", LLAMA7B, "qlora", 3.83, 4_194_304, 13.84),
    _litgpt("Llama-2-7B LoRA mb 2", LLAMA7B, "lora", 2.52, 4_194_304, 29.07, micro_batch=2),
    _litgpt("Llama-2-13B LoRA", LLAMA13B, "lora", 3.19, 6_553_600, 38.12),
    _litgpt("Llama-2-13B QLoRA nf4-dq", LLAMA13B, "qlora", 6.55, 6_553_600, 22.55),
    _qwen("Qwen-7B LoRA 8 x 256", "lora", 256, 1.2, 20.1),
    _qwen("Qwen-7B LoRA 8 x 1024", "lora", 1024, 2.8, 21.5),
    _qwen("Qwen-7B LoRA 8 x 2048", "lora", 2048, 5.2, 23.8),
    _qwen("Qwen-7B Q-LoRA 8 x 256", "qlora", 256, 3.0, 11.5),
    _qwen("Qwen-7B Q-LoRA 8 x 2048", "qlora", 2048, 7.0, 13.9),
    _qwen("Qwen-7B full 8 x 1024", "full", 1024, 4.5, gpus=2),
    _foundry("MPT-7B full, mb 6", MPT7B, "H100", H100, 6, 10_643),
    _foundry("MPT-7B full, mb 6", MPT7B, "A100-80GB", A100, 6, 4_641),
    _foundry("MPT-1B full, mb 14", MPT1B, "H100", H100, 14, 45_455),
    _foundry("MPT-1B full, mb 14", MPT1B, "A100-80GB", A100, 14, 20_513),
]


def predict_seconds(run: Run) -> float:
    return microbatch_time(
        run.technique,
        run.size,
        run.tokens,
        run.peak,
        adapter=run.adapter,
        rank=run.rank,
        checkpointing=run.checkpointing,
    ).seconds


def predict_memory_gib(run: Run) -> float:
    settings = {"targets": "all-linear", "checkpointing": run.checkpointing} | run.memory
    return memory_needed(run.technique, run.size, run.rank, **settings).total_gib


def _previous_model(run: Run) -> float:
    """Seconds per micro-batch under the model this one replaced: every GPU at MFU 0.35, QLoRA 1.39x LoRA."""
    return microbatch_time(
        run.technique,
        run.size,
        run.tokens,
        run.peak,
        adapter=run.adapter,
        rank=run.rank,
        checkpointing=run.checkpointing,
        mfu=0.35,
        qlora_slowdown=1.39,
    ).seconds


def _features(run: Run) -> list[float]:
    """The time model is linear in (overhead per layer, 1 / MFU ceiling, dequantisation FLOPs per weight)."""
    step = microbatch_time(
        run.technique if run.technique != "qlora" else "lora",
        run.size,
        run.tokens,
        run.peak,
        adapter=run.adapter,
        rank=run.rank,
        checkpointing=run.checkpointing,
        mfu=1.0,
    )
    dequant = passes(run.checkpointing) * quantised_weights(run.size) / run.peak if run.technique == "qlora" else 0.0
    return [run.size.shape.layers, step.compute_s, dequant]


def fit(runs: list[Run]) -> tuple[float, float, float]:
    """(MFU ceiling, overhead seconds per layer, dequantisation FLOPs per weight), minimising relative squared error."""
    timed = [r for r in runs if r.seconds is not None]
    x = np.array([_features(r) for r in timed]) / np.array([[r.seconds] for r in timed])
    coef, *_ = np.linalg.lstsq(x, np.ones(len(timed)), rcond=None)
    per_layer, inverse_mfu, dequant = coef
    return 1 / inverse_mfu, per_layer, dequant


def _with(constants: tuple[float, float, float], run: Run) -> float:
    mfu, per_layer, dequant = constants
    f = _features(run)
    return per_layer * f[0] + f[1] / mfu + dequant * f[2]


def leave_one_out(runs: list[Run]) -> list[float]:
    timed = [r for r in runs if r.seconds is not None]
    return [r.seconds / _with(fit([o for o in timed if o is not r]), r) for r in timed]


def main() -> None:
    timed = [r for r in RUNS if r.seconds is not None]
    print(
        f"{'source':<12} {'run':<26} {'GPU':<18} {'tok/mb':>7} {'tok/unit':>9} {'unit':<14} {'published':>10} "
        f"{'predicted':>10} {'MFU':>5} {'ratio':>6} {'was':>6}"
    )
    ratios, before = [], []
    for r in timed:
        step = microbatch_time(
            r.technique, r.size, r.tokens, r.peak, adapter=r.adapter, rank=r.rank, checkpointing=r.checkpointing
        )
        ratios.append(r.seconds / step.seconds)
        before.append(r.seconds / _previous_model(r))
        print(
            f"{r.source.split('/')[1].split()[0]:<12} {r.label:<26} {r.gpu:<18} {r.tokens:>7,.0f} {r.tokens_per_unit:>9,.0f} "
            f"{r.unit:<14} {r.in_unit(r.seconds):>10,.2f} {r.in_unit(step.seconds):>10,.2f} {step.mfu:>5.2f} {ratios[-1]:>5.2f}x "
            f"{before[-1]:>5.2f}x"
        )
    print(
        "ratio: published time / predicted time (>1: the model is too fast); MFU: what the model says the run reached;\n"
        "was: the same ratio under the previous model (one MFU of 0.35, QLoRA x 1.39)"
    )
    print(
        f"previous model: median {statistics.median(before):.2f}x, worst {max(max(x, 1 / x) for x in before):.2f}x off"
    )
    worst = max(max(x, 1 / x) for x in ratios)
    median = statistics.median(ratios)
    time_ok = worst <= TIME_WITHIN and max(median, 1 / median) <= MEDIAN_WITHIN
    print(
        f"\ntime (published / predicted): {len(ratios)} runs, median {median:.2f}x, worst {worst:.2f}x off "
        f"-> {'PASS' if time_ok else 'FAIL'} (every run within {TIME_WITHIN:g}x, median within {MEDIAN_WITHIN:g}x)"
    )

    print(f"\n{'source':<12} {'run':<26} {'published':<28} {'pred GiB':>9} {'pub GiB':>8} {'error':>7}")
    errors = []
    for r in (r for r in RUNS if r.memory_gib is not None):
        predicted = predict_memory_gib(r)
        errors.append(predicted / r.memory_gib - 1)
        print(
            f"{r.source.split('/')[1].split()[0]:<12} {r.label:<26} {r.published:<28} {predicted:>9.2f} {r.memory_gib:>8.2f} {errors[-1]:>+7.1%}"
        )
    mem_ok = max(abs(e) for e in errors) <= MEMORY_WITHIN
    print(
        f"\nmemory: {len(errors)} runs, worst {max(errors, key=abs):+.1%} -> {'PASS' if mem_ok else 'FAIL'} (every run within {MEMORY_WITHIN:.0%})"
    )

    mfu, per_layer, dequant = fit(RUNS)
    shipped = (throughput.MFU_CEILING, throughput.OVERHEAD_PER_LAYER_S, throughput.DEQUANT_FLOPS_PER_WEIGHT)
    print(
        f"\nfit on all {len(timed)} timed runs: MFU ceiling {mfu:.3f}, overhead {per_layer * 1e3:.2f} ms per layer per "
        f"micro-batch, dequantisation {dequant:,.0f} FLOP-equivalents per weight per pass"
    )
    print(f"shipped in savile/cost/throughput.py: {shipped[0]:.3f}, {shipped[1] * 1e3:.2f} ms, {shipped[2]:,.0f}")
    loo = leave_one_out(RUNS)
    loo_worst, loo_median = max(max(x, 1 / x) for x in loo), statistics.median(loo)
    print("leave-one-out (each run predicted by a fit without it): " + ", ".join(f"{x:.2f}" for x in loo))
    print(
        f"leave-one-out: median {loo_median:.2f}x, worst {loo_worst:.2f}x off "
        f"-> {'PASS' if loo_worst <= TIME_WITHIN else 'FAIL'} against the {TIME_WITHIN:g}x target"
    )

    print("\nmodelled LoRA MFU by tokens per micro-batch (rows) and model (columns), on an H100 / an A100:")
    sizes = [_ref("SmolLM2-135M"), _ref("SmolLM2-1.7B"), LLAMA7B, _ref("Llama-2-70B")]
    print(f"{'tokens':>8} " + " ".join(f"{s.spec:>22}" for s in sizes))
    for tokens in (128, 512, 2048, 8192, 32768):
        cells = [
            f"{throughput.modelled_mfu(s, tokens, H100):.2f} / {throughput.modelled_mfu(s, tokens, A100):.2f}"
            for s in sizes
        ]
        print(f"{tokens:>8,} " + " ".join(f"{c:>22}" for c in cells))
    print(f"\nOVERALL: {'PASS' if time_ok and mem_ok else 'FAIL'}")


if __name__ == "__main__":
    main()
