"""Typed records passed between stages, each saved as `manifest.json` beside its artefacts.

    prepared = PreparedData.load(cfg.stage_dir("prepare"))
    trained = train.run(cfg, prepared)        # -> TrainedModel, saved under runs/train/

Paths are stored relative to the manifest's folder, so a run folder can be moved or copied. What
evaluate and compare hand on inside their records (per-task statistics, gates, governance, grid
cells) are small typed records too: `records.evaluation`, `records.gates`, `records.grid`.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from savile import atomic
from savile.errors import SavileError
from savile.records.evaluation import TaskStatistics
from savile.records.gates import GateResult, GovernanceResult
from savile.records.grid import GridCell
from savile.records.plain import StaleRecord, decode, encode

__all__ = [
    "PreparedData",
    "TrainedModel",
    "EvalResult",
    "ReportResult",
    "CompareResult",
    "ExportResult",
    "MANIFEST",
    "withdraw",
    "TaskStatistics",
    "GateResult",
    "GovernanceResult",
    "GridCell",
]

MANIFEST = "manifest.json"
R = TypeVar("R", bound="_Record")


class _Record:
    stage: ClassVar[str]
    verb: ClassVar[str]

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        data = {"stage": self.stage}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            data[f.name] = _relative(value, folder) if isinstance(value, Path) else encode(value)
        # Renamed into place: a run killed while saving leaves the previous manifest or none, never half of one.
        return atomic.write_text(folder / MANIFEST, json.dumps(data, indent=2, ensure_ascii=False) + "\n")

    @classmethod
    def load(cls: type[R], folder: Path) -> R:
        path = folder / MANIFEST
        if not path.exists():
            raise SavileError(f"{path} not found: run `savile {cls.verb}` first.")
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.pop("stage", None) != cls.stage:
            raise SavileError(f"{path} is not a {cls.stage} manifest; point at the {cls.stage} folder.")
        kwargs = {}
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            if f.name not in data and (
                f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
            ):
                continue  # written by an older Savile: the field keeps its default
            if f.name not in data:
                raise SavileError(
                    f"{path} was written by an older Savile and lacks {f.name!r}; rerun `savile {cls.verb}`."
                )
            value = data[f.name]
            is_path = f.type in ("Path", Path, "Path | None") and value is not None
            try:
                kwargs[f.name] = (folder / value).resolve() if is_path else decode(hints[f.name], value)
            except StaleRecord as exc:
                raise SavileError(
                    f"{path} was written by an older Savile: in {f.name!r}, {exc}; rerun `savile {cls.verb}`."
                ) from None
        return cls(**kwargs)


def withdraw(folder: Path) -> None:
    """Remove a stage's manifest before its artefacts are replaced, so that no later stage reads a
    record while the files it names are being rewritten; `save` puts the new one back."""
    (folder / MANIFEST).unlink(missing_ok=True)


def _relative(path: Path, folder: Path) -> str:
    try:
        return str(path.resolve().relative_to(folder.resolve()))
    except ValueError:
        return str(path.resolve())


@dataclass(frozen=True)
class PreparedData(_Record):
    """Written by `data.prepare.run`, read by `train.run` and `evaluate.run` (each split through `examples`)."""

    stage: ClassVar[str] = "prepare"
    verb: ClassVar[str] = "prepare"
    train_path: Path  # JSONL, one {"id", "task", "split", "group", "messages", "meta", "n_tokens"} per line
    validation_path: Path  # held-out groups for checkpoint choice, loss curves and the overfit gate
    test_path: Path  # held-out groups read once, by the final scoring
    card_path: Path  # data card (Markdown)
    quarantine_path: Path  # JSONL: every rejected record and dropped example, with source, location and reason
    counts: dict[str, dict[str, int]]  # task -> split -> examples
    tokens: dict[str, dict[str, int]]  # task -> split -> tokens under the base model's chat template
    vocabulary: dict[str, list[str]]  # attribute -> the catalogue's closed set of values
    pii_replaced: dict[str, int]  # kind -> values pseudonymised
    dropped: dict[str, int]  # why -> examples dropped after building (too long, duplicates, contamination)
    rejected: dict[str, int]  # reason -> source records quarantined
    warnings: list[str]
    fingerprint: str  # sha256 of the sources and the prepare settings
    held_out_by_mention: int = 0  # conversations moved out of training for naming a held-out product
    config: dict[str, Any] = field(default_factory=dict)

    def examples(self, split: str) -> list[dict]:
        """The prepared examples of `split` ("train", "validation" or "test"), in file order.

        train = prepared.examples("train")    # evaluate alone reads "test", once, for the final scoring
        """
        paths = {"train": self.train_path, "validation": self.validation_path, "test": self.test_path}
        if split not in paths:
            raise ValueError(f"split must be one of {', '.join(paths)}, got {split!r}.")
        with paths[split].open(encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]


@dataclass(frozen=True)
class TrainedModel(_Record):
    """Written by `train.run`: a PEFT adapter over the base model (the whole model for method full), and how it was made."""

    stage: ClassVar[str] = "train"
    verb: ClassVar[str] = "train"
    adapter_dir: Path  # the adapter, or for method full the whole model
    base_model: str  # the spec as configured
    base_path: str  # the local directory it resolved to
    method: str
    data_fingerprint: str
    seed: int
    train_examples: dict[str, int]
    train_tokens: int
    dropped_too_long: int
    loss_history: list[dict[str, float]]
    eval_loss: float
    train_seconds: float
    resumed_from: str  # checkpoint an interrupted run resumed from, "" for a fresh run
    versions: dict[str, str]
    loss_curves: list[dict[str, float]] = field(
        default_factory=list
    )  # {"step", "train_loss", "val_loss"} per checkpoint
    best_step: int = 0  # the checkpoint kept: lowest validation loss
    canaries: list[dict[str, Any]] = field(
        default_factory=list
    )  # {"prefix", "secret", "repetitions"} planted in training
    trained_ids_path: Path | None = None  # JSON list of the prepared examples' ids that were trained on
    task_prompts: dict[str, str] = field(default_factory=dict)  # task -> the system prompt it was trained with
    config: dict[str, Any] = field(default_factory=dict)
    # What a bitwise rerun must match: seeds, precision, deterministic-kernel settings, device, library versions.
    reproducibility: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EvalResult(_Record):
    """Written by `evaluate.run`: per-example scores, paired statistics over the ladder, governance and gates."""

    stage: ClassVar[str] = "evaluate"
    verb: ClassVar[str] = "evaluate"
    examples_path: Path  # JSONL, one line per (task, item, system)
    systems: dict[str, str]  # system name -> what it is
    metrics: dict[str, TaskStatistics]  # task -> means, ladder deltas, verdict (evaluate.run.statistics)
    decoding: dict[str, dict[str, Any]]
    prompts: dict[str, dict[str, str]]  # system -> task -> system prompt
    seconds: float
    generate_seconds: float = 0.0
    generate_timings: dict[str, dict[str, float]] = field(default_factory=dict)  # system -> task -> seconds
    governance: GovernanceResult = field(default_factory=GovernanceResult)  # forgetting, safety, overfitting, ...
    gates: list[GateResult] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportResult(_Record):
    """Written by `report.run`: where the HTML report, its JSON and the model card went."""

    stage: ClassVar[str] = "report"
    verb: ClassVar[str] = "report"
    html_path: Path
    json_path: Path
    card_path: Path | None = None  # the model card (README.md) written into the adapter folder


@dataclass(frozen=True)
class CompareResult(_Record):
    """Written by `compare.run`: the models x techniques grid on the same held-out items."""

    stage: ClassVar[str] = "compare"
    verb: ClassVar[str] = "compare"
    models: list[str]
    techniques: list[str]
    items_per_task: int
    cells: list[GridCell]  # per (model, technique): task main metrics with CIs, domain score, costs
    effects: dict[str, dict[str, float]]  # model, technique: effect, CI, within-item permutation p (compare.effects)
    verdict: str
    verdict_numbers: dict[str, Any]
    scores_path: Path  # JSONL, one line per (task, item, cell)
    table_path: Path  # Markdown table of the grid
    heatmap_path: Path  # PNG of the domain score per cell
    seconds: float
    config: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ExportResult(_Record):
    """Written by `export.run` into runs/export/<format>/: what was written, how to run it, and its re-score."""

    stage: ClassVar[str] = "export"
    verb: ClassVar[str] = "export"
    format: str  # merged, vllm, gguf or ollama
    files: dict[str, int]  # file (relative to the manifest) -> bytes
    commands: list[str]  # what a brand runs next: `vllm serve ...`, `ollama create ...`
    checks: dict[str, Any]  # per artefact: what was verified on it (logits, chat template, tokenisation)
    scores: list[dict[str, Any]]  # per artefact and task: main metric exported vs unexported, drop, items
    max_drop: float
    failed: bool  # a task's main metric dropped more than max_drop
    notes: list[str]
    seconds: float
    config: dict[str, Any] = field(default_factory=dict)
