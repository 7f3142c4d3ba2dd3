"""The `savile` command: a thin layer over the library, one verb per stage.

    savile demo                      # write the demo brand and run every stage on it
    savile init brand-files/         # a starter savile.yaml from a folder of brand files
    savile prepare savile.yaml       # brand files -> runs/prepare/
    savile guide savile.yaml         # the brand guide as Savile reads it
    savile train savile.yaml train.epochs=2
    savile evaluate savile.yaml
    savile report savile.yaml
    savile serve savile.yaml         # OpenAI-compatible API over the registry's adapters
    savile export savile.yaml --format gguf

Each verb loads the config (with dotted overrides), calls the library and prints where the output
went. A user error prints one line per problem and exits with code 2; `--debug` shows tracebacks.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from savile.cli.cost import cost

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Savile: fine-tune a language model on a brand's own tasks, and prove it paid off.",
)
console = Console()
_state = {"debug": False}

ConfigArg = Annotated[Path, typer.Argument(help="Project config YAML.")]
Overrides = Annotated[list[str] | None, typer.Argument(help="Dotted overrides, e.g. train.epochs=2.")]


@app.callback()
def _main(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of errors and every library message.")
    ] = False,
) -> None:
    _state["debug"] = debug
    from savile.allocator import keep_freed_memory

    keep_freed_memory()  # freed tensors stay in the heap for the next step (savile/allocator.py)
    if not debug:
        from savile.library_noise import quiet_libraries

        quiet_libraries()


def _config(config: Path, overrides: list[str] | None):
    from savile.config import load_config

    return load_config(config, overrides)


@app.command()
def prepare(config: ConfigArg, overrides: Overrides = None) -> None:
    """Build pseudonymised, split training and evaluation data from the brand's files."""
    cfg = _config(config, overrides)
    from savile.data import prepare as stage

    result = stage.run(cfg)
    counts = ", ".join(f"{t} {c['train']}/{c['validation']}/{c['test']}" for t, c in result.counts.items())
    rejected = sum(result.rejected.values())
    console.print(
        f"prepared (train/validation/test): {counts}\ndata card: {result.card_path}\n"
        f"rejected source records: {rejected}, dropped examples: {sum(result.dropped.values())} "
        f"(reasons in the data card; records in {result.quarantine_path})"
    )


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="Folder holding the brand's files.")],
    output: Annotated[
        Path | None, typer.Option(help="Where to write the config [default: FOLDER/savile.yaml].")
    ] = None,
) -> None:
    """Inspect a folder of brand files and write a starter savile.yaml, printing every guess with its evidence."""
    from savile.data.starter import write_starter

    guesses, path = write_starter(folder, output)
    for g in guesses:
        console.print(f"{g.key} = {g.value}  ({g.evidence})", markup=False, highlight=False, soft_wrap=True)
    console.print(
        f"starter config: {path} (check the guesses, then `savile prepare {path}`)", markup=False, soft_wrap=True
    )


@app.command()
def guide(config: ConfigArg, overrides: Overrides = None) -> None:
    """Print the brand guide as Savile reads it: keys mapped, policies found, facts and keywords derived."""
    cfg = _config(config, overrides)
    from savile.data.guide import brand_guide

    print(brand_guide(cfg).as_yaml(), end="")


@app.command()
def train(config: ConfigArg, overrides: Overrides = None) -> None:
    """Fine-tune the base model on the prepared data (LoRA through PEFT and the transformers Trainer)."""
    cfg = _config(config, overrides)
    from savile import train as stage
    from savile.records import PreparedData
    from savile.train.data_parallel import is_first_process

    result = stage.run(cfg, PreparedData.load(cfg.stage_dir("prepare")))
    if is_first_process():  # under torchrun every process gets here; one line says it
        console.print(
            f"adapter: {result.adapter_dir}  validation loss: {result.eval_loss:.4f}  ({result.train_seconds:.0f} s)"
        )


@app.command()
def evaluate(config: ConfigArg, overrides: Overrides = None) -> None:
    """Score the baseline ladder and the tuned model on held-out items, run the governance probes and gates.

    Exits with code 3 when a gate fails, so it can stand in a brand's CI.
    """
    if _evaluate(config, overrides):
        from savile.governance.gates import EXIT_GATE_FAILED

        raise typer.Exit(EXIT_GATE_FAILED)


def _evaluate(config: Path, overrides: list[str] | None) -> bool:
    """Run the evaluate stage and print its summary; True when a gate failed."""
    cfg = _config(config, overrides)
    from savile import evaluate as stage
    from savile.records import PreparedData, TrainedModel
    from savile.report.terminal import print_evaluation

    result = stage.run(cfg, PreparedData.load(cfg.stage_dir("prepare")), TrainedModel.load(cfg.stage_dir("train")))
    print_evaluation(console, result)
    console.print(f"per-example scores: {result.examples_path}")
    failed = [g.gate for g in result.gates if g.status == "fail"]
    if failed:
        console.print(f"[red]gate failed:[/red] {', '.join(failed)} (thresholds under `gates:` in the config)")
    return bool(failed)


@app.command()
def report(config: ConfigArg, overrides: Overrides = None) -> None:
    """Write the differential report (HTML and JSON)."""
    cfg = _config(config, overrides)
    from savile import report as stage
    from savile.records import EvalResult, PreparedData, TrainedModel

    result = stage.run(
        cfg,
        PreparedData.load(cfg.stage_dir("prepare")),
        TrainedModel.load(cfg.stage_dir("train")),
        EvalResult.load(cfg.stage_dir("evaluate")),
    )
    console.print(f"report: {result.html_path}\njson:   {result.json_path}")


@app.command()
def compare(config: ConfigArg, overrides: Overrides = None) -> None:
    """Run every model x technique under `compare:` on the same prepared data and held-out items.

    Trained artefacts and answers whose inputs did not change are reused, so a rerun after an
    interruption picks up where it stopped. Writes runs/compare/ (table.md, heatmap.png, manifest.json).
    """
    cfg = _config(config, overrides)
    from savile import compare as stage
    from savile.records import PreparedData
    from savile.report.terminal import print_compare

    result = stage.run(cfg, PreparedData.load(cfg.stage_dir("prepare")))
    print_compare(console, result)
    console.print(f"table: {result.table_path}\nheat map: {result.heatmap_path}\nper-item scores: {result.scores_path}")


@app.command()
def serve(
    config: ConfigArg,
    overrides: Overrides = None,
    engine: Annotated[str | None, typer.Option(help="transformers or vllm [default: serve.engine].")] = None,
) -> None:
    """Serve the base model and the registry's adapters behind an OpenAI-compatible API (keys from serve.keys_file).

    Every adapter is a model, and each of its tasks too as ADAPTER:TASK with the system prompt it was
    trained with. Stop with Ctrl-C.
    """
    cfg = _config(config, overrides)
    if engine not in (None, "transformers", "vllm"):
        from savile.errors import ConfigError

        raise ConfigError([f"--engine: expected transformers or vllm, got {engine!r}."])
    from savile import serve as stage

    console.print(f"serving on http://{cfg.serve.host}:{cfg.serve.port}/v1 (keys: {cfg.path(cfg.serve.keys_file)})")
    stage.run(cfg, engine)


@app.command()
def key(
    config: ConfigArg,
    name: Annotated[str, typer.Argument(help="Who holds the key, e.g. lirelle-web.")],
    allow: Annotated[
        list[str] | None,
        typer.Option("--allow", help="A model the key may call (adapter name, the base's name, or '*'); repeatable."),
    ] = None,
    admin: Annotated[bool, typer.Option("--admin", help="May load and unload adapters and read /metrics.")] = False,
    requests_per_minute: Annotated[
        int | None, typer.Option(help="This key's rate limit [default: serve.requests_per_minute].")
    ] = None,
) -> None:
    """Create an API key for `savile serve`: its sha256 goes to serve.keys_file, the key is printed once."""
    cfg = _config(config, None)
    from savile.serve.keys import add_key

    path = cfg.path(cfg.serve.keys_file)
    secret = add_key(path, name, list(allow or []), admin, requests_per_minute)
    console.print(f"key for {name} (shown once; its hash is in {path}):\n{secret}", highlight=False, soft_wrap=True)


@app.command()
def export(
    config: ConfigArg,
    overrides: Overrides = None,
    format: Annotated[str, typer.Option("--format", "-f", help="merged, vllm, gguf or ollama.")] = "merged",
) -> None:
    """Export the trained model into runs/export/FORMAT/ and re-score it on held-out items.

    merged: 16-bit safetensors with tokenizer and chat template; vllm: the adapter and the `vllm serve`
    command; gguf: f16 and q8_0 files (Q4_K_M where llama-quantize exists) from llama.cpp's converter;
    ollama: a Modelfile per task and the `ollama create` commands. Exits with code 3 when a task's main
    metric drops more than export.max_drop below the unexported model.
    """
    cfg = _config(config, overrides)
    from savile import export as stage
    from savile.records import PreparedData, TrainedModel
    from savile.report.terminal import print_export

    result = stage.run(
        cfg, PreparedData.load(cfg.stage_dir("prepare")), TrainedModel.load(cfg.stage_dir("train")), format
    )
    print_export(console, result)
    console.print(f"written: {cfg.stage_dir('export') / result.format}")
    if result.failed:
        console.print(f"[red]export dropped more than export.max_drop ({result.max_drop}) on a main metric[/red]")
        raise typer.Exit(stage.EXIT_DROP)


@app.command()
def demo(
    folder: Annotated[Path, typer.Argument(help="Project folder to create.")] = Path("demo-brand"),
    seed: Annotated[int, typer.Option(help="Seed of the generated brand files.")] = 7,
    overrides: Annotated[list[str] | None, typer.Option("--set", help="Dotted override, repeatable.")] = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Every training example, up to two epochs with early stopping, 100 test items per task (83 minutes measured on 2 CPU cores).",
        ),
    ] = False,
) -> None:
    """Write the fictional house Maison Lirelle's files and run every stage on them."""
    from savile.demo.project import write_project

    started = time.perf_counter()
    config = write_project(folder, seed=seed, full=full)
    console.print(f"demo brand files and config: {config}")
    failed = False
    for verb in (prepare, train, _evaluate, report):
        name = verb.__name__.lstrip("_")
        console.rule(f"savile {name} {config}")
        t0 = time.perf_counter()
        failed |= bool(verb(config, overrides))  # a failed gate still gets its report
        console.print(f"[dim]{name}: {time.perf_counter() - t0:.0f} s[/dim]")
    console.print(f"demo finished in {(time.perf_counter() - started) / 60:.1f} min")
    if failed:
        from savile.governance.gates import EXIT_GATE_FAILED

        raise typer.Exit(EXIT_GATE_FAILED)


app.command()(cost)  # defined in cli/cost.py, registered last as before


def main() -> None:
    """The `savile` entry point: runs the command line, and turns a SavileError into one red line
    per problem and exit code 2 (`--debug` re-raises it with its traceback)."""
    from savile.errors import SavileError

    try:
        code = app(standalone_mode=False)  # without standalone mode click returns typer.Exit's code
    except SavileError as exc:
        if _state["debug"]:
            raise
        for line in str(exc).splitlines():
            Console(stderr=True).print(f"[red]error:[/red] {line}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except (typer.Exit, SystemExit) as exc:
        sys.exit(getattr(exc, "exit_code", getattr(exc, "code", 0)))
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Abort):
            sys.exit(1)
        raise
    if isinstance(code, int) and code:
        sys.exit(code)
