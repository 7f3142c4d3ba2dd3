"""`savile.cost.estimate`: training cost per GPU and technique, and the comparison over months.

    from savile.cost import estimate, model_size, training_tokens, load_cost_settings, load_prices
    report = estimate(model_size("7B"), training_tokens(examples=100_000, mean_tokens=300),
                      load_cost_settings(["training.epochs=3"]), load_prices())
    report.break_even          # {'prompt engineering (gpt-4.1)': 1, 'retrieval (gpt-4.1)': 1}
    report.to_dict()           # what `savile cost` writes as cost.json

Each GPU x technique row: the run cut into micro-batches (micro_batch x the mean example, or
x seq_len when packed), each micro-batch timed by `throughput.microbatch_time` (FLOPs at the fitted
MFU curve, plus the fixed per-step cost and QLoRA's dequantisation), GPU-hours = micro-batches x
seconds, dollars = GPU-hours x price, memory in GiB per GPU (memory.py) and a fit verdict: 'yes',
'with checkpointing' (only with gradient checkpointing, whose recomputation the row's time then
includes), 'sharded' (ZeRO-3 / FSDP over `gpus` GPUs, the fewest that hold it; GPU-hours and
dollars for that count, under ideal scaling) or 'no' (more than 64 of that card). The fine-tune
path trains with the chosen technique on the chosen GPU, or the cheapest row that fits, and serves
on the cheapest GPU that holds the model in bf16 with a 20% margin for the KV cache.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from savile.config import CostSettings
from savile.cost.api import CostPath, break_even_month, finetune_path, prompt_path, retrieval_path
from savile.cost.flops import TECHNIQUES, adapter_params
from savile.cost.hardware import PriceTable
from savile.cost.inputs import TrainingTokens
from savile.cost.measured import MeasuredRun
from savile.cost.memory import GIB, MAX_GPUS, OVERHEAD_GIB, MemoryBreakdown, gpus_needed, memory_needed
from savile.cost.shape import ModelSize
from savile.cost.throughput import microbatch_time

__all__ = ["TrainingRow", "CostReport", "estimate", "serving_gpu", "tokens_per_microbatch"]

SERVE_MARGIN = 1.2  # bf16 weights x this leaves room for the KV cache of a few concurrent requests


@dataclass(frozen=True)
class TrainingRow:
    """One technique trained on one device type."""

    device: str
    technique: str
    flops: float
    mfu: float  # utilisation reached: FLOPs / (peak x seconds), overhead and dequantisation included
    mfu_source: str  # 'curve' (fitted to published runs), 'set' (training.mfu) or 'measured'
    seconds: float  # wall time on `gpus` GPUs
    gpu_hours: float
    usd: float | None  # None where the device has no hourly price (a CPU)
    memory_gib: float | None  # per GPU
    fits: str  # 'yes', 'with checkpointing', 'sharded', 'no', or 'n/a' off the table
    gpus: int = 1
    tokens_per_microbatch: float = 0.0
    qlora_factor: float = 1.0


@dataclass(frozen=True)
class CostReport:
    """Everything `savile cost` prints and writes."""

    model: ModelSize
    tokens: TrainingTokens
    epochs: float
    inputs: CostSettings
    prices_as_of: str
    prices_source: str
    memory: dict[str, MemoryBreakdown]
    training: list[TrainingRow]
    chosen: TrainingRow
    paths: list[CostPath]
    break_even: dict[str, int | None]
    measured: MeasuredRun | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def total_tokens(self) -> float:
        """Training tokens over all epochs."""
        return self.tokens.per_epoch * self.epochs

    def to_dict(self) -> dict:
        """The whole report as plain JSON-ready data (what `savile cost` writes as cost.json)."""
        return {
            "model": self.model.to_dict(),
            "tokens": self.tokens.to_dict() | {"epochs": self.epochs, "total": self.total_tokens},
            "inputs": self.inputs.model_dump(mode="json"),
            "prices": {"as_of": self.prices_as_of, "source": self.prices_source},
            "memory": {t: m.to_dict() for t, m in self.memory.items()},
            "training": [asdict(r) for r in self.training],
            "chosen": asdict(self.chosen),
            "paths": [p.to_dict() for p in self.paths],
            "break_even_month": self.break_even,
            "measured": self.measured.to_dict() if self.measured else None,
            "notes": self.notes,
        }


def estimate(
    size: ModelSize,
    tokens: TrainingTokens,
    inputs: CostSettings,
    prices: PriceTable,
    measured: MeasuredRun | None = None,
) -> CostReport:
    """The cost report for training `size` on `tokens` under `inputs` and `prices`.

    Memory and training time and cost for each technique on each GPU (and on the measured CPU when `measured`
    is a CPU run), the chosen row, the three paths by month, and the break-even months.
    """
    t = inputs.training
    techniques = list(TECHNIQUES) if t.technique == "all" else [t.technique]
    memory = {tech: _memory(tech, size, inputs, t.gradient_checkpointing, t.gpus) for tech in techniques}
    rows = [_gpu_row(name, tech, size, tokens, inputs, prices, measured) for tech in techniques for name in prices.gpus]
    if measured is not None and measured.on_cpu:
        rows += [_cpu_row(tech, size, tokens, inputs, measured) for tech in techniques]
    chosen = _chosen(rows, "lora" if t.technique == "all" else t.technique, t.gpu, prices)
    serve = serving_gpu(size, inputs, prices)
    paths = [prompt_path(inputs, prices), retrieval_path(inputs, prices)]
    tuned = finetune_path(inputs, prices, chosen.usd or 0.0, chosen.technique, chosen.device, serve)
    paths.append(tuned)
    return CostReport(
        model=size,
        tokens=tokens,
        epochs=t.epochs,
        inputs=inputs,
        prices_as_of=prices.as_of,
        prices_source=prices.source,
        memory=memory,
        training=rows,
        chosen=chosen,
        paths=paths,
        break_even={p.name: break_even_month(tuned, p) for p in paths[:2]},
        measured=measured,
        notes=_notes(size, inputs, chosen, measured, prices),
    )


def tokens_per_microbatch(tokens: TrainingTokens, inputs: CostSettings) -> float:
    """Tokens one micro-batch computes: micro_batch sequences of seq_len when packed, else of the mean example."""
    t = inputs.training
    length = t.seq_len if t.packing or not tokens.examples else min(tokens.mean_tokens, t.seq_len)
    return t.micro_batch * length


def _memory(technique: str, size: ModelSize, inputs: CostSettings, checkpointing: bool, gpus: int) -> MemoryBreakdown:
    t = inputs.training
    return memory_needed(
        technique,
        size,
        t.lora_rank,
        t.seq_len,
        t.micro_batch,
        checkpointing,
        attention=t.attention,
        optimizer=t.optimizer,
        gpus=gpus,
    )


def _fit(technique: str, size: ModelSize, inputs: CostSettings, memory_gib: float) -> tuple[str, MemoryBreakdown]:
    """The verdict and the memory of the cheapest way to hold the run on GPUs of `memory_gib`."""
    t = inputs.training
    mem = _memory(technique, size, inputs, t.gradient_checkpointing, t.gpus)
    if mem.fits(memory_gib):
        return ("yes" if t.gpus == 1 else "sharded"), mem
    recomputed = _memory(technique, size, inputs, True, t.gpus)
    if t.gpus == 1 and recomputed.fits(memory_gib):
        return "with checkpointing", recomputed
    settings = {
        "rank": t.lora_rank,
        "seq_len": t.seq_len,
        "micro_batch": t.micro_batch,
        "attention": t.attention,
        "optimizer": t.optimizer,
        "gpus": t.gpus,
    }
    # Sharding over more GPUs costs no extra GPU-hours (ideal scaling); recomputation costs a third more, so try it last.
    for checkpointing in sorted({t.gradient_checkpointing, True}):
        sharded = gpus_needed(technique, size, memory_gib, checkpointing=checkpointing, **settings)
        if sharded is not None:
            return "sharded", sharded
    return "no", _memory(technique, size, inputs, True, MAX_GPUS)


def _mfu(device: str, technique: str, inputs: CostSettings, measured: MeasuredRun | None) -> tuple[float | None, str]:
    if inputs.training.mfu is not None:
        return inputs.training.mfu, "set"
    if measured is not None and measured.device == device and measured.technique == technique:
        return measured.mfu, "measured"
    return None, "curve"


def _gpu_row(
    name: str,
    technique: str,
    size: ModelSize,
    tokens: TrainingTokens,
    inputs: CostSettings,
    prices: PriceTable,
    measured: MeasuredRun | None,
) -> TrainingRow:
    t, gpu = inputs.training, prices.gpu(name)
    fits, mem = _fit(technique, size, inputs, gpu.memory_gib)
    adapter = adapter_params(size, t.lora_rank) if technique != "full" else 0
    per_mb = tokens_per_microbatch(tokens, inputs)
    microbatches = tokens.per_epoch * t.epochs / per_mb
    mfu, source = _mfu(name, technique, inputs, measured)
    step = microbatch_time(
        technique,
        size,
        per_mb,
        gpu.bf16_tflops * 1e12,
        adapter=adapter,
        rank=t.lora_rank,
        checkpointing=mem.checkpointing,
        mfu=mfu,
        qlora_slowdown=t.qlora_slowdown,
    )
    gpu_seconds = microbatches * step.seconds
    return TrainingRow(
        name,
        technique,
        microbatches * step.flops,
        step.mfu,
        source,
        gpu_seconds / mem.gpus,
        gpu_seconds / 3600,
        gpu_seconds / 3600 * gpu.usd_per_hour,
        mem.total_gib,
        fits,
        mem.gpus,
        per_mb,
        step.qlora_factor,
    )


def _cpu_row(
    technique: str, size: ModelSize, tokens: TrainingTokens, inputs: CostSettings, measured: MeasuredRun
) -> TrainingRow:
    """The measured CPU rate applied to the FLOPs: no GPU overhead term and no GPU QLoRA factor."""
    t = inputs.training
    adapter = adapter_params(size, t.lora_rank) if technique != "full" else 0
    per_mb = tokens_per_microbatch(tokens, inputs)
    microbatches = tokens.per_epoch * t.epochs / per_mb
    step = microbatch_time(
        "lora" if technique == "qlora" else technique,
        size,
        per_mb,
        measured.peak_flops,
        adapter=adapter,
        rank=t.lora_rank,
        checkpointing=t.gradient_checkpointing,
        mfu=measured.mfu,
    )
    seconds = microbatches * step.seconds
    return TrainingRow(
        "cpu (this machine)",
        technique,
        microbatches * step.flops,
        measured.mfu,
        "measured",
        seconds,
        seconds / 3600,
        None,
        None,
        "n/a",
        1,
        per_mb,
        1.0,
    )


def _chosen(rows: list[TrainingRow], technique: str, gpu: str | None, prices: PriceTable) -> TrainingRow:
    candidates = [r for r in rows if r.technique == technique and r.usd is not None]
    if gpu is not None:
        prices.gpu(gpu)  # names the valid choices when it is not in the table
        return next(r for r in candidates if r.device == gpu)
    fitting = [r for r in candidates if r.fits != "no"] or candidates
    # candidates hold only priced rows; the inf is for the type checker, never chosen
    return min(fitting, key=lambda r: r.usd if r.usd is not None else math.inf)


def serving_gpu(size: ModelSize, inputs: CostSettings, prices: PriceTable) -> str:
    """The hosting GPU: as configured, else the cheapest whose memory holds bf16 weights x 1.2 + overhead."""
    if inputs.hosting.gpu is not None:
        prices.gpu(inputs.hosting.gpu)
        return inputs.hosting.gpu
    need = 2 * size.params / GIB * SERVE_MARGIN + OVERHEAD_GIB
    fitting = [n for n, g in prices.gpus.items() if g.memory_gib >= need] or [
        max(prices.gpus, key=lambda n: prices.gpus[n].memory_gib)
    ]
    return min(fitting, key=lambda n: prices.gpus[n].usd_per_hour)


def _notes(
    size: ModelSize, inputs: CostSettings, chosen: TrainingRow, measured: MeasuredRun | None, prices: PriceTable
) -> list[str]:
    notes = [f"Prices are examples as of {prices.as_of} ({prices.source}); check them before deciding."]
    if size.assumed_shape:
        notes.append(
            f"{size.spec} is a bare parameter count: the shape behind activation memory and adapter size is "
            f"{size.source.removeprefix('count; shape ')}."
        )
    if inputs.training.mfu is None:
        notes.append(
            f"GPU times use the MFU curve fitted to published runs (benchmarks/cost_vs_published.py): "
            f"{chosen.tokens_per_microbatch:,.0f} tokens per micro-batch reach {chosen.mfu:.2f} on the {chosen.device}."
        )
    if measured is not None and measured.on_cpu:
        notes.append(
            f"MFU {measured.mfu:.3f} was measured on a CPU ({measured.device_note}); a CPU-measured MFU does "
            "not transfer to GPUs, whose rows keep the fitted curve (or --mfu)."
        )
    if chosen.fits == "sharded":
        notes.append(
            f"{chosen.technique} on {chosen.device}: {chosen.gpus} GPUs with ZeRO-3 / FSDP full sharding; "
            "GPU-hours and dollars are for that count under ideal scaling (communication not counted)."
        )
    if chosen.fits == "no":
        notes.append(f"{chosen.technique} does not fit {MAX_GPUS} x {chosen.device} even sharded: pick another GPU.")
    if not (inputs.project.people_cost or inputs.project.data_prep_cost):
        notes.append(
            "People and data preparation are not counted (project.people_cost and project.data_prep_cost are 0); "
            "they usually cost more than the GPU time."
        )
    return notes
