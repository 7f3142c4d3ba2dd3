"""What `savile evaluate` hands on per task: each system's means, the paired comparisons, the verdict.

    stats = result.metrics["describe"]                      # a TaskStatistics
    stats.means["tuned"][stats.main].mean, stats.best, stats.justified
    next(c for c in stats.versus if c.metric == stats.main).delta

Each record's `to_dict` is the dict `evaluate` wrote before these were typed, key for key, so the
manifest on disk is unchanged and an old one still loads (`from_dict`).
"""

from __future__ import annotations

from dataclasses import dataclass

from savile.records.plain import Plain, optional

__all__ = [
    "MetricMean",
    "Comparison",
    "VerdictPair",
    "Verdict",
    "FieldScores",
    "FieldAverage",
    "FieldTable",
    "TaskStatistics",
]


@dataclass(frozen=True, kw_only=True)
class MetricMean(Plain):
    """One metric's mean over a system's items, with its bootstrap CI and the items it counts."""

    mean: float
    ci_low: float
    ci_high: float
    n: int


@dataclass(frozen=True, kw_only=True)
class Comparison(Plain):
    """A candidate system against a reference on one metric, same items: paired delta, CI, tests.

    `base_*` is the reference (the base rung, or the best untuned system), `tuned_*` the candidate.
    """

    metric: str
    n: int  # pairs where both scores are finite
    base_mean: float
    tuned_mean: float
    delta: float  # tuned_mean - base_mean
    ci_low: float
    ci_high: float
    wins: int
    ties: int
    losses: int
    higher_is_better: bool
    improved: bool  # the CI lies wholly on the good side of zero
    worse: bool = False  # the CI lies wholly on the bad side
    binary: bool = False  # a yes/no metric, tested with exact McNemar
    all_tied: bool = False  # every pair scored the same
    p: float = float("nan")
    test: str = ""  # "McNemar (exact)" or "sign-flip permutation"
    p_holm: float = float("nan")  # p after Holm's correction over the task's metrics


@dataclass(frozen=True, kw_only=True)
class VerdictPair(Plain):
    """One tuned system against one untuned system on the main metric, at the verdict's level."""

    tuned: str
    untuned: str
    delta: float
    ci_low: float
    ci_high: float
    n: int
    all_tied: bool = False
    improved: bool


@dataclass(frozen=True, kw_only=True)
class Verdict(Plain):
    """Is fine-tuning justified on a task (evaluate.verdict): every pair, and the closest one named."""

    justified: bool  # some tuned system beats every untuned one
    tuned: str  # the tuned system with the best worst-case margin
    untuned: str  # the untuned system that margin is against
    margin: VerdictPair
    confidence: float  # the simultaneous level of each pair's CI
    pairs: list[VerdictPair]
    rule: str


@dataclass(frozen=True, kw_only=True)
class FieldScores(Plain):
    """Extraction counts and scores of one attribute, or summed over all of them (micro: no `support`)."""

    precision: float  # tp / (tp + fp); NaN if never predicted
    recall: float  # tp / (tp + fn); NaN if never in the gold
    f1: float
    tp: int
    fp: int
    fn: int
    support: int | None = optional()  # gold values, tp + fn (per attribute only)


@dataclass(frozen=True, kw_only=True)
class FieldAverage(Plain):
    """The unweighted mean over attributes with gold support of their precision, recall and F1."""

    precision: float
    recall: float
    f1: float


@dataclass(frozen=True, kw_only=True)
class FieldTable(Plain):
    """Extraction scores of one system over a whole evaluation set (evaluate.fields.field_table)."""

    micro: FieldScores
    macro: FieldAverage
    per_attribute: dict[str, FieldScores]  # attribute -> its row, alphabetical


@dataclass(frozen=True, kw_only=True)
class TaskStatistics(Plain):
    """Per task (evaluate.run.statistics): system -> metric -> mean, the ladder, and the verdict.

    `versus`, `best_tuned`, `best_untuned`, `justified` and `verdict` are None when the systems
    hold no tuned/untuned pair; `fields` (system -> evaluate.fields.field_table) is for extract only.
    """

    main: str  # the task's main metric
    n_items: int
    means: dict[str, dict[str, MetricMean]]  # system -> metric -> mean
    best: str  # the system with the highest mean on the main metric
    ladder: dict[str, list[Comparison]]  # system -> every metric against the base rung
    best_untuned: str | None = optional()
    best_tuned: str | None = optional()
    versus: list[Comparison] | None = optional()  # best tuned against best untuned, every metric
    justified: bool | None = optional()
    verdict: Verdict | None = optional()
    fields: dict[str, FieldTable] | None = optional()

    def main_versus(self) -> Comparison | None:
        """The tuned-vs-untuned comparison on the main metric, or None without a pair."""
        return next((c for c in self.versus or [] if c.metric == self.main), None)
