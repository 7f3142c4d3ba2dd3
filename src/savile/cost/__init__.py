"""What it costs: fine-tuning against prompt engineering and retrieval, in dollars and months.

    from savile.cost import estimate, load_cost_settings, load_prices, model_size, training_tokens, write_outputs
    report = estimate(
        model_size("7B"),                                          # or an embedded name, or a local HF dir
        training_tokens(examples=100_000, mean_tokens=300),        # or training_tokens(prepared=Path("runs/prepare"))
        load_cost_settings(["training.epochs=3", "usage.requests_per_month=250000"]),  # or load_config(path).cost
        load_prices(),                                             # savile/cost/prices.yaml, or your own file
        measured=measured_mfu(Path("runs/train"), load_prices()),  # optional: the MFU a real run reached
    )
    write_outputs(report, Path("cost"))                            # cost.json, cost.png

`savile cost` is the same call from the command line. Its settings are the `cost:` section of the
project config (`savile.config.CostSettings`), so a savile.yaml may hold them. Modules: `shape`
(parameter count), `flops` (FLOPs), `throughput` (seconds per micro-batch: the MFU curve fitted to
published runs), `memory` (GiB per technique and GPUs needed), `hardware` (the price table),
`measured` (MFU of a real run), `inputs` (token counts), `api` (monthly paths and break-even),
`estimate` (the report), `output` and `plot` (tables, JSON, PNG).
"""

from savile.config import CostSettings, load_cost_settings
from savile.cost.api import CostPath, break_even_month
from savile.cost.estimate import CostReport, TrainingRow, estimate
from savile.cost.flops import TECHNIQUES, adapter_params, dora_flops, training_flops
from savile.cost.hardware import PricesError, PriceTable, load_prices
from savile.cost.inputs import TrainingTokens, default_model, training_tokens
from savile.cost.measured import MeasuredRun, measured_mfu
from savile.cost.memory import MemoryBreakdown, gpus_needed, memory_needed
from savile.cost.output import report_tables, write_outputs
from savile.cost.shape import ModelShape, ModelSize, model_size, parse_param_count
from savile.cost.throughput import MFU_CEILING, StepTime, microbatch_time, modelled_mfu

__all__ = [
    "estimate",
    "CostReport",
    "TrainingRow",
    "CostPath",
    "break_even_month",
    "model_size",
    "parse_param_count",
    "ModelSize",
    "ModelShape",
    "training_tokens",
    "TrainingTokens",
    "load_cost_settings",
    "CostSettings",
    "default_model",
    "load_prices",
    "PriceTable",
    "PricesError",
    "measured_mfu",
    "MeasuredRun",
    "training_flops",
    "dora_flops",
    "adapter_params",
    "memory_needed",
    "gpus_needed",
    "MemoryBreakdown",
    "microbatch_time",
    "modelled_mfu",
    "StepTime",
    "TECHNIQUES",
    "MFU_CEILING",
    "report_tables",
    "write_outputs",
]
