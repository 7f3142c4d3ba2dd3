"""`savile cost`: training FLOPs, GPU hours, dollars and memory against hosted-API paths over months.

    savile cost --model 7B --examples 2000 --mean-tokens 400
    savile cost savile.yaml --set usage.requests_per_month=50000

The options, each with its help, are the `Cost*` types below; the body loads the inputs, calls
`savile.cost` and prints where the JSON and the plot went.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

__all__ = ["cost"]

console = Console()


def _config(config: Path):
    from savile.config import load_config

    return load_config(config, None)


# The options of `savile cost`, each with its help; the command's signature below stays readable.
CostConfig = Annotated[
    Path | None,
    typer.Argument(
        help="Project config YAML whose `cost:` section the options and --set override; with it, --prepared defaults to the project's prepare folder."
    ),
]
CostModel = Annotated[
    str | None,
    typer.Option(
        help="Embedded name, local HF directory, or a parameter count (7B, 135M, 7e9); default: the --prepared data's base model, else the project's model.base, else Savile's default."
    ),
]
CostPrepared = Annotated[Path | None, typer.Option(help="Prepare-stage folder (runs/prepare): train-split tokens.")]
CostExamples = Annotated[int | None, typer.Option(help="Training examples, with --mean-tokens, instead of --prepared.")]
CostMeanTokens = Annotated[float | None, typer.Option(help="Mean tokens per training example.")]
CostEpochs = Annotated[float | None, typer.Option(help="cost.training.epochs: passes over the data [default 1].")]
CostTechnique = Annotated[
    str | None,
    typer.Option(
        help="cost.training.technique: lora, qlora, dora, full or all [default all; the fine-tune path uses lora]."
    ),
]
CostGpu = Annotated[
    str | None,
    typer.Option(help="cost.training.gpu: GPU type that trains the fine-tune path [default: cheapest that fits]."),
]
CostMfu = Annotated[
    float | None,
    typer.Option(
        help="cost.training.mfu: one model FLOPs utilisation on GPUs [default: the curve fitted to published runs, or measured on its own GPU]."
    ),
]
CostMeasured = Annotated[
    Path | None,
    typer.Option(help="Train-stage folder whose measured MFU to use [default: runs/train beside --prepared]."),
]
CostRequests = Annotated[
    int | None,
    typer.Option(help="cost.usage.requests_per_month: requests a month on every path [default 100000]."),
]
CostApiModel = Annotated[
    str | None,
    typer.Option(help="cost.usage.api_model: hosted API model of the prompt and retrieval paths [default gpt-4.1]."),
]
CostPrices = Annotated[Path | None, typer.Option(help="Price table YAML [default: savile/cost/prices.yaml].")]
CostOut = Annotated[Path, typer.Option(help="Folder for cost.json and cost.png.")]
CostJson = Annotated[Path | None, typer.Option("--json", help="Write the JSON here instead of OUT/cost.json.")]
CostSettings = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Any other key of the config reference's cost section, repeatable, `cost.` optional: usage.few_shot_examples=8, cost.project.people_cost=12000.",
    ),
]


def cost(
    config: CostConfig = None,
    model: CostModel = None,
    prepared: CostPrepared = None,
    examples: CostExamples = None,
    mean_tokens: CostMeanTokens = None,
    epochs: CostEpochs = None,
    technique: CostTechnique = None,
    gpu: CostGpu = None,
    mfu: CostMfu = None,
    measured: CostMeasured = None,
    requests_per_month: CostRequests = None,
    api_model: CostApiModel = None,
    prices: CostPrices = None,
    out: CostOut = Path("cost"),
    json_path: CostJson = None,
    settings: CostSettings = None,
) -> None:
    """Estimate training FLOPs, GPU hours, dollars and memory, and compare with hosted-API paths over months."""
    from savile import cost as lib

    cfg = _config(config) if config else None
    options = {
        "cost.training.epochs": epochs,
        "cost.training.technique": technique,
        "cost.training.gpu": gpu,
        "cost.training.mfu": mfu,
        "cost.usage.requests_per_month": requests_per_month,
        "cost.usage.api_model": api_model,
    }
    inputs = lib.load_cost_settings(
        settings, {k: v for k, v in options.items() if v is not None}, cfg.cost if cfg else None
    )
    if cfg is not None and prepared is None and examples is None and mean_tokens is None:
        prepared = cfg.stage_dir("prepare")
    table = lib.load_prices(prices)
    tokens = lib.training_tokens(prepared, examples, mean_tokens)
    if measured is None and prepared is not None and (prepared.parent / "train" / "manifest.json").exists():
        measured = prepared.parent / "train"
    run = lib.measured_mfu(measured, table) if measured else None
    size = lib.model_size(model or lib.default_model(prepared, cfg), cfg.model.cache_dir if cfg else None)
    report = lib.estimate(size, tokens, inputs, table, run)
    for t in lib.report_tables(report):
        console.print(t)
    for note in report.notes:
        console.print(f"[dim]- {note}[/dim]")
    json_file, png_file = lib.write_outputs(report, out, json_path)
    console.print(f"json: {json_file}\nplot: {png_file}")
