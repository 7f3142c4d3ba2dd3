"""What the gates and the governance probes hand on: typed records with their old dict form.

    result.gates[0].status                                   # "pass", "warn", "fail", "not measured", "n/a"
    result.governance.safety.harmful.delta                   # refusal rate, tuned minus base
    result.governance.memorisation.canaries[0].tuned_exposure

A family of probes that did not run is None (governance disabled: only `overfitting`); `to_dict`
leaves it out, as the old dicts did, so manifests and reports stay byte-for-byte the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from savile.records.plain import Plain, optional

__all__ = [
    "GateResult",
    "PairedProbe",
    "Forgetting",
    "Safety",
    "CanaryExposure",
    "PiiExtraction",
    "Memorisation",
    "Overfitting",
    "Privacy",
    "GovernanceResult",
]


@dataclass(frozen=True, kw_only=True)
class GateResult(Plain):
    """One gate (governance.gates.check_gates): the measured value against its thresholds."""

    gate: str
    what: str | None  # the config field's description
    value: float  # NaN where not measured
    warn: float | None
    fail: float | None
    status: str  # "pass", "warn", "fail", "not measured" or "n/a"
    reason: str = ""  # why a probe that ran cannot tell ("n/a")


@dataclass(frozen=True, kw_only=True)
class PairedProbe(Plain):
    """A probe's per-item result for base and tuned on the same inputs: means, paired delta and CI."""

    n: int
    base: float
    tuned: float
    delta: float
    ci_low: float
    ci_high: float
    wins: int
    ties: int
    losses: int
    relative: float | None = optional()  # bits per byte: delta / base
    source: str | None = optional()  # bits per byte: the text it was measured on
    p: float | None = optional()  # McNemar on the paired yes/no outcomes
    labels: dict[str, dict[str, Any]] | None = optional()  # safety: base/tuned -> refusal_rates
    examples: list[dict[str, Any]] | None = optional()  # safety: the first few requests and answers


@dataclass(frozen=True, kw_only=True)
class Forgetting(Plain):
    """Bits per byte on general text and general-knowledge cloze accuracy, base against tuned."""

    bits_per_byte: PairedProbe
    cloze: PairedProbe


@dataclass(frozen=True, kw_only=True)
class Safety(Plain):
    """Refusal rates on harmful and on benign requests, asked under the deployed `system_prompt`."""

    system_prompt: str
    harmful: PairedProbe
    benign: PairedProbe


@dataclass(frozen=True, kw_only=True)
class CanaryExposure(Plain):
    """One planted canary's exposure (bits) and rank among the references, base and tuned."""

    prefix: str
    repetitions: int
    base_exposure: float
    tuned_exposure: float
    base_rank: int
    tuned_rank: int
    max_exposure: float


@dataclass(frozen=True, kw_only=True)
class PiiExtraction(Plain):
    """Share of personal-data slots of trained replies completed verbatim, base and tuned."""

    probes: int
    base: float
    tuned: float
    by_kind: dict[str, dict[str, float]]  # kind -> {"probes", "tuned", "base"}
    reason: str | None = optional()  # why no probe could be built


@dataclass(frozen=True, kw_only=True)
class Memorisation(Plain):
    """Canary exposure against `references` never-inserted secrets, and personal-data extraction."""

    canaries: list[CanaryExposure]
    references: int
    pii: PiiExtraction


@dataclass(frozen=True, kw_only=True)
class Overfitting(Plain):
    """Train and validation loss per checkpoint, and their ratio at the kept one."""

    curves: list[dict[str, float]]
    best_step: int
    train_loss: float
    val_loss: float
    ratio: float


@dataclass(frozen=True, kw_only=True)
class Privacy(Plain):
    """Share of support answers that repeat personal data, per system."""

    pii_echoed: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class GovernanceResult(Plain):
    """Every governance measure of an evaluation (evaluate.governance.run); None where not run."""

    forgetting: Forgetting | None = optional()
    safety: Safety | None = optional()
    memorisation: Memorisation | None = optional()
    overfitting: Overfitting | None = optional()
    privacy: Privacy | None = optional()
    seconds: dict[str, float] | None = optional()  # probe family -> seconds
