"""The MFU a Savile training run actually reached, from its manifest: utilisation grounded in measurement.

    run = measured_mfu(Path("runs/train"))
    run.mfu, run.device, run.peak_flops     # e.g. 0.21, 'cpu', 9.4e11

MFU = model FLOPs of the run (the FLOPs model in `flops.py`, with the run's own base model,
method, adapter rank and target layers) / (train_seconds x the device's peak). The peak of a GPU
is its datasheet bf16 figure from the price table; a CPU has no datasheet figure here, so its
peak is the matmul rate the train stage measured beside the run (best of a few timed large
matmuls in the precision the run used) and recorded in its manifest. Nothing is timed here, so
`savile cost` needs no torch: a CPU run whose manifest predates that record gets an error naming
the fix (rerun `savile train`, or pass --mfu).

The manifest is read as the train stage's record, `savile.records.TrainedModel`. The device is its
config's `device` (a CUDA device name, or 'cpu') where the train stage records one; manifests
without it are taken to be CPU runs on this machine, and the output says so. An MFU measured on a CPU describes that CPU's matmul kernels, not a GPU's: it is used only for the
estimate on that device and never transferred to the GPU rows. It is the run's effective rate, with
no QLoRA factor taken out or put back: a CPU row is the measured rate applied to the FLOPs.
DoRA runs are counted with DoRA's extra FLOPs per micro-batch (`flops.dora_flops`).

Tokens are the manifest's `train_tokens` (real tokens, padding excluded), so padding waste shows
up as lower MFU, as it should: it is real cost.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from savile.config import LoraSettings, TrainSettings
from savile.cost.flops import adapter_params, dora_flops, technique_of, training_flops
from savile.cost.hardware import PriceTable
from savile.cost.shape import ModelSize, shape_from_config
from savile.errors import SavileError
from savile.records import TrainedModel

__all__ = ["MeasuredRun", "measured_mfu"]


@dataclass(frozen=True)
class MeasuredRun:
    """What a real training run achieved, and the MFU it implies."""

    run_dir: str
    device: str  # 'cpu' or a GPU name from the price table
    device_note: str  # where the device came from
    technique: str
    params: int
    adapter_params: int
    tokens: int
    seconds: float
    flops: float
    peak_flops: float
    precision: str
    mfu: float

    @property
    def on_cpu(self) -> bool:
        """Whether the run trained on a CPU."""
        return self.device == "cpu"

    def to_dict(self) -> dict:
        """The run as plain JSON-ready data, with its tokens per second."""
        return asdict(self) | {"tokens_per_second": self.tokens / self.seconds}


def measured_mfu(run_dir: Path, prices: PriceTable | None = None, peak_flops: float | None = None) -> MeasuredRun:
    """The MFU of the train run in `run_dir`; `peak_flops` skips the peak look-up (tests, known hardware)."""
    trained = TrainedModel.load(run_dir)
    cfg = trained.config
    size = _base_size(trained)
    # Configs before the technique section kept the LoRA settings under train; a key a config lacks takes the schema's default.
    lora = LoraSettings().model_dump() | (cfg.get("technique", {}).get("lora") or cfg.get("train", {}).get("lora", {}))
    technique = technique_of(trained.method)
    adapter = adapter_params(size, lora["rank"], lora["target_modules"]) if technique != "full" else 0
    tokens, seconds = int(trained.train_tokens), float(trained.train_seconds)
    if tokens <= 0 or seconds <= 0:
        raise SavileError(
            f"{run_dir}: train_tokens={tokens}, train_seconds={seconds}; a run that trained nothing measures nothing, point --measured at a finished run."
        )
    flops = training_flops(technique, size.params, tokens, adapter)
    if technique == "dora":
        flops += dora_flops(size, lora["rank"]) * _microbatches(trained)
    device, note = _device(trained, prices)
    precision = "bf16" if cfg.get("bf16") or device != "cpu" else "fp32"
    if peak_flops is None and device == "cpu":
        peak_flops = _cpu_peak(trained, precision, run_dir)
    elif peak_flops is None:
        assert prices is not None  # _device names a GPU only by finding it in the price table
        peak_flops = prices.gpu(device).bf16_tflops * 1e12
    # No QLoRA factor: the seconds already hold whatever dequantisation cost on this device, and a GPU's
    # NF4 kernels say nothing about a CPU's. The MFU is the run's own, reused only for its device and technique.
    mfu = flops / (seconds * peak_flops)
    return MeasuredRun(
        str(run_dir), device, note, technique, size.params, adapter, tokens, seconds, flops, peak_flops, precision, mfu
    )


def _cpu_peak(trained: TrainedModel, precision: str, run_dir: Path) -> float:
    """The matmul rate the train stage measured beside the run: the same machine under the same load."""
    recorded = trained.config.get("cpu_peak_flops", {}).get(precision)
    if not recorded:
        raise SavileError(
            f"{run_dir}: the train manifest records no CPU matmul peak in {precision} (written by a Savile "
            "that did not measure one), so its MFU cannot be computed; rerun `savile train`, or pass --mfu "
            "instead of --measured."
        )
    return recorded


def _microbatches(trained: TrainedModel) -> float:
    """Micro-batches the run computed: its examples over the batch size, times epochs (the schema's where the config lacks them)."""
    train = TrainSettings().model_dump() | trained.config.get("train", {})
    return sum(trained.train_examples.values()) * train["epochs"] / train["batch_size"]


def _base_size(trained: TrainedModel) -> ModelSize:
    config = Path(trained.base_path) / "config.json"
    if not config.exists():
        raise SavileError(
            f"{config} not found: the run's base model has moved; rerun `savile train`, or pass --mfu instead of --measured."
        )
    shape = shape_from_config(json.loads(config.read_text(encoding="utf-8")), name=trained.base_model, where=config)
    return ModelSize(trained.base_model, shape.n_params, shape, f"config.json at {config.parent}", False)


def _device(trained: TrainedModel, prices: PriceTable | None) -> tuple[str, str]:
    name = trained.config.get("device")
    if not name:
        return "cpu", "assumed: the train manifest records no device, so taken as a CPU run on this machine"
    if name.lower().startswith("cpu"):
        return "cpu", "from the train manifest"
    gpu = prices.gpu_for_device(name) if prices else None
    if gpu is None:
        raise SavileError(
            f"the measured run's device {name!r} matches no GPU in the price table; add it "
            "(with a `match` substring) to a --prices file, or pass --mfu instead of --measured."
        )
    return gpu, f"{name!r} from the train manifest"
