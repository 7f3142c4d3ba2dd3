"""`savile.cost.estimate`: training cost per GPU and technique, and the comparison over months.

    from savile.cost import estimate, model_size, training_tokens, cost_inputs, load_prices
    report = estimate(model_size("7B"), training_tokens(examples=100_000, mean_tokens=300),
                      cost_inputs(["training.epochs=3"]), load_prices())
    report.break_even          # {'prompt engineering (gpt-4.1)': 1, 'retrieval (gpt-4.1)': 1}
    report.to_dict()           # what `savile cost` writes as cost.json

Each GPU x technique row: FLOPs (flops.py), hours = FLOPs / (peak x MFU), dollars = hours x
price, memory (memory.py) and a fit verdict: 'yes', 'with checkpointing' (only with gradient
checkpointing, whose recomputation the row's time then includes) or 'no' (needs several GPUs;
GPU-hours and dollars still hold under ideal scaling). The fine-tune path trains with the chosen
technique on the chosen GPU, or the cheapest GPU it fits, and serves on the cheapest GPU that
holds the model in bf16 with a 20% margin for the KV cache.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from savile.cost.api import CostPath, break_even_month, finetune_path, prompt_path, retrieval_path
from savile.cost.flops import ASSUMED_MFU, TECHNIQUES, adapter_params, training_flops, training_seconds
from savile.cost.hardware import PriceTable
from savile.cost.inputs import CostInputs, TrainingTokens
from savile.cost.measured import MeasuredRun
from savile.cost.memory import OVERHEAD_GB, MemoryBreakdown, memory_needed
from savile.cost.shape import ModelSize

__all__ = ["TrainingRow", "CostReport", "estimate", "serving_gpu"]

SERVE_MARGIN = 1.2   # bf16 weights x this leaves room for the KV cache of a few concurrent requests


@dataclass(frozen=True)
class TrainingRow:
    """One technique trained on one device type."""

    device: str
    technique: str
    flops: float
    mfu: float
    mfu_source: str          # 'assumed', 'set' (training.mfu) or 'measured'
    seconds: float
    gpu_hours: float
    usd: float | None        # None where the device has no hourly price (a CPU)
    memory_gb: float | None
    fits: str                # 'yes', 'with checkpointing', 'no', or 'n/a' off the table


@dataclass(frozen=True)
class CostReport:
    """Everything `savile cost` prints and writes."""

    model: ModelSize
    tokens: TrainingTokens
    epochs: float
    inputs: CostInputs
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
        return self.tokens.per_epoch * self.epochs

    def to_dict(self) -> dict:
        return {
            "model": self.model.to_dict(), "tokens": self.tokens.to_dict() | {"epochs": self.epochs, "total": self.total_tokens},
            "inputs": self.inputs.model_dump(mode="json"), "prices": {"as_of": self.prices_as_of, "source": self.prices_source},
            "memory": {t: m.to_dict() for t, m in self.memory.items()},
            "training": [asdict(r) for r in self.training], "chosen": asdict(self.chosen),
            "paths": [p.to_dict() for p in self.paths], "break_even_month": self.break_even,
            "measured": self.measured.to_dict() if self.measured else None, "notes": self.notes,
        }


def estimate(size: ModelSize, tokens: TrainingTokens, inputs: CostInputs, prices: PriceTable,
             measured: MeasuredRun | None = None) -> CostReport:
    t = inputs.training
    techniques = list(TECHNIQUES) if t.technique == "all" else [t.technique]
    total = tokens.per_epoch * t.epochs
    memory = {tech: _memory(tech, size, inputs, t.gradient_checkpointing) for tech in techniques}
    rows = [_gpu_row(name, tech, size, total, inputs, prices, measured) for tech in techniques for name in prices.gpus]
    if measured is not None and measured.on_cpu:
        rows += [_cpu_row(tech, size, total, inputs, measured) for tech in techniques]
    chosen = _chosen(rows, "lora" if t.technique == "all" else t.technique, t.gpu, prices)
    serve = serving_gpu(size, inputs, prices)
    paths = [prompt_path(inputs, prices), retrieval_path(inputs, prices)]
    tuned = finetune_path(inputs, prices, chosen.usd or 0.0, chosen.technique, chosen.device, serve)
    paths.append(tuned)
    return CostReport(
        model=size, tokens=tokens, epochs=t.epochs, inputs=inputs, prices_as_of=prices.as_of, prices_source=prices.source,
        memory=memory, training=rows, chosen=chosen, paths=paths,
        break_even={p.name: break_even_month(tuned, p) for p in paths[:2]}, measured=measured,
        notes=_notes(size, inputs, chosen, measured, prices),
    )


def _memory(technique: str, size: ModelSize, inputs: CostInputs, checkpointing: bool) -> MemoryBreakdown:
    t = inputs.training
    return memory_needed(technique, size, t.lora_rank, t.seq_len, t.micro_batch, checkpointing)


def _mfu(device: str, inputs: CostInputs, measured: MeasuredRun | None) -> tuple[float, str]:
    if inputs.training.mfu is not None:
        return inputs.training.mfu, "set"
    if measured is not None and measured.device == device:
        return measured.mfu, "measured"
    return ASSUMED_MFU, "assumed"


def _gpu_row(name: str, technique: str, size: ModelSize, tokens: float, inputs: CostInputs,
             prices: PriceTable, measured: MeasuredRun | None) -> TrainingRow:
    t, gpu = inputs.training, prices.gpu(name)
    ckpt = t.gradient_checkpointing
    mem = _memory(technique, size, inputs, ckpt)
    fits = "yes" if mem.fits(gpu.memory_gb) else "no"
    if fits == "no" and not ckpt and _memory(technique, size, inputs, True).fits(gpu.memory_gb):
        fits, ckpt, mem = "with checkpointing", True, _memory(technique, size, inputs, True)
    adapter = adapter_params(size, t.lora_rank) if technique != "full" else 0
    flops = training_flops(technique, size.params, tokens, adapter, ckpt)
    mfu, source = _mfu(name, inputs, measured)
    seconds = training_seconds(flops, gpu.bf16_tflops * 1e12, mfu, technique, t.qlora_slowdown)
    return TrainingRow(name, technique, flops, mfu, source, seconds, seconds / 3600, seconds / 3600 * gpu.usd_per_hour, mem.total_gb, fits)


def _cpu_row(technique: str, size: ModelSize, tokens: float, inputs: CostInputs, measured: MeasuredRun) -> TrainingRow:
    t = inputs.training
    adapter = adapter_params(size, t.lora_rank) if technique != "full" else 0
    flops = training_flops(technique, size.params, tokens, adapter, t.gradient_checkpointing)
    seconds = training_seconds(flops, measured.peak_flops, measured.mfu, technique, t.qlora_slowdown)
    return TrainingRow("cpu (this machine)", technique, flops, measured.mfu, "measured", seconds, seconds / 3600, None, None, "n/a")


def _chosen(rows: list[TrainingRow], technique: str, gpu: str | None, prices: PriceTable) -> TrainingRow:
    candidates = [r for r in rows if r.technique == technique and r.usd is not None]
    if gpu is not None:
        prices.gpu(gpu)  # names the valid choices when it is not in the table
        return next(r for r in candidates if r.device == gpu)
    fitting = [r for r in candidates if r.fits != "no"] or candidates
    return min(fitting, key=lambda r: r.usd)


def serving_gpu(size: ModelSize, inputs: CostInputs, prices: PriceTable) -> str:
    """The hosting GPU: as configured, else the cheapest whose memory holds bf16 weights x 1.2 + overhead."""
    if inputs.hosting.gpu is not None:
        prices.gpu(inputs.hosting.gpu)
        return inputs.hosting.gpu
    need = 2 * size.params / 1e9 * SERVE_MARGIN + OVERHEAD_GB
    fitting = [n for n, g in prices.gpus.items() if g.memory_gb >= need] or [max(prices.gpus, key=lambda n: prices.gpus[n].memory_gb)]
    return min(fitting, key=lambda n: prices.gpus[n].usd_per_hour)


def _notes(size: ModelSize, inputs: CostInputs, chosen: TrainingRow, measured: MeasuredRun | None, prices: PriceTable) -> list[str]:
    notes = [f"Prices are examples as of {prices.as_of} ({prices.source}); check them before deciding."]
    if size.assumed_shape:
        notes.append(f"{size.spec} is a bare parameter count: the shape behind activation memory and adapter size is "
                     f"{size.source.removeprefix('count; shape ')}.")
    if measured is not None and measured.on_cpu:
        notes.append(f"MFU {measured.mfu:.3f} was measured on a CPU ({measured.device_note}); a CPU-measured MFU does "
                     f"not transfer to GPUs, whose rows use {inputs.training.mfu or ASSUMED_MFU:.2f}.")
    if chosen.fits == "no":
        notes.append(f"{chosen.technique} does not fit one {chosen.device}: it needs several GPUs (FSDP or DeepSpeed ZeRO); "
                     "GPU-hours and dollars assume ideal scaling.")
    if not (inputs.project.people_cost or inputs.project.data_prep_cost):
        notes.append("People and data preparation are not counted (project.people_cost and project.data_prep_cost are 0); "
                     "they usually cost more than the GPU time.")
    return notes
