"""What `savile compare` hands on per (model, technique) cell of its grid.

    cell = result.cells[0]                                  # a GridCell
    cell.domain.mean, cell.tasks["describe"].ci_low, cell.train_seconds

`to_dict` is the dict compare wrote before cells were typed, key for key.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from savile.records.plain import Plain, optional

__all__ = ["TaskMean", "DomainScore", "GridCell"]


@dataclass(frozen=True, kw_only=True)
class TaskMean(Plain):
    """A cell's mean of one task's main metric, with its bootstrap CI."""

    metric: str
    mean: float
    ci_low: float
    ci_high: float
    n: int


@dataclass(frozen=True, kw_only=True)
class DomainScore(Plain):
    """A cell's domain score: the mean over tasks of the main metric, with a CI over items."""

    mean: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True, kw_only=True)
class GridCell(Plain):
    """One model x technique: its scores, what generating cost, and what training cost."""

    model: str
    technique: str
    tasks: dict[str, TaskMean]
    domain: DomainScore
    generate_seconds: dict[str, float]  # task -> seconds, batched
    seconds_per_answer: float
    system: str  # the ladder rung that answered
    latency_seconds: float = math.nan  # median seconds of one request alone (NaN: not measured)
    latency_tokens: float = math.nan
    latency_task: str | None = optional()
    params: int
    train_seconds: float
    train_tokens: int
    artefact_bytes: int
