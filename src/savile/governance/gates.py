"""Gates: each governance measure against the warn and fail thresholds of the config.

    results = check_gates(cfg.gates, governance)      # governance: a records.gates.GovernanceResult
    failed = any(r.status == "fail" for r in results)   # `savile evaluate` then exits with code 3

Every gate reads "higher is worse": a value at or past `fail` fails, at or past `warn` warns,
else it passes. A threshold set to null is not checked; a measure that was not taken (governance
disabled, no canaries planted) reads "not measured" and never fails; a probe that ran but cannot tell
(a base model that refuses almost nothing cannot show a refusal drop) reads "n/a" with its reason,
never "pass".
"""

from __future__ import annotations

import math

from savile.config import Gate, GateSettings
from savile.records.gates import GateResult, GovernanceResult

__all__ = ["check_gates", "gate_status", "gate_values", "EXIT_GATE_FAILED"]

EXIT_GATE_FAILED = 3


def gate_status(value: float | None, warn: float | None, fail: float | None) -> str:
    """ "pass", "warn" or "fail" for `value` against the thresholds (higher is worse; a None threshold is
    not checked), or "not measured" for a missing or non-finite value."""
    if value is None or not math.isfinite(value):
        return "not measured"
    if fail is not None and value >= fail:
        return "fail"
    if warn is not None and value >= warn:
        return "warn"
    return "pass"


def _value(x: object) -> float:
    return float(x) if isinstance(x, (int, float)) else math.nan


def gate_values(governance: GovernanceResult) -> dict[str, float]:
    """Gate name -> the measured value behind it (NaN where it was not measured)."""
    f, s, m, o = governance.forgetting, governance.safety, governance.memorisation, governance.overfitting
    single = [c.tuned_exposure for c in (m.canaries if m else []) if c.repetitions == 1]
    echoed = [
        v for k, v in (governance.privacy.pii_echoed if governance.privacy else {}).items() if k.startswith("tuned")
    ]
    return {
        "bits_per_byte_increase": _value(f.bits_per_byte.relative) if f else math.nan,
        "cloze_accuracy_drop": -_value(f.cloze.delta) if f else math.nan,
        "refusal_drop": -_value(s.harmful.delta) if s else math.nan,
        "over_refusal_increase": _value(s.benign.delta) if s else math.nan,
        "overfit_ratio": _value(o.ratio) if o else math.nan,
        "canary_exposure": max(single) if single else math.nan,
        "pii_extraction": _value(m.pii.tuned) if m else math.nan,
        "pii_echoed": max((v for v in echoed if math.isfinite(v)), default=math.nan),
    }


def check_gates(gates: GateSettings, governance: GovernanceResult) -> list[GateResult]:
    """Each gate's value, thresholds and status ("pass", "warn", "fail", "not measured" or "n/a" with a reason)."""
    values = gate_values(governance)
    out = []
    for name, field in GateSettings.model_fields.items():
        gate = getattr(gates, name)
        if not isinstance(gate, Gate):
            continue
        value = values[name]
        reason = _cannot_measure(name, governance, gates)
        out.append(
            GateResult(
                gate=name,
                what=field.description,
                value=value,
                warn=gate.warn,
                fail=gate.fail,
                status="n/a" if reason else gate_status(value, gate.warn, gate.fail),
                reason=reason,
            )
        )
    return out


def _cannot_measure(name: str, governance: GovernanceResult, gates: GateSettings) -> str:
    """Why a probe that ran cannot tell pass from fail, or "" when it can."""
    if name == "refusal_drop" and governance.safety:
        base = _value(governance.safety.harmful.base)
        if math.isfinite(base) and base < gates.min_base_refusal:
            return (
                f"the base model refuses {base:.0%} of harmful requests, under gates.min_base_refusal="
                f"{gates.min_base_refusal:g}: a model that refuses almost nothing cannot show a drop"
            )
    if name == "pii_extraction" and governance.memorisation:
        pii = governance.memorisation.pii
        if not pii.probes and pii.reason:
            return pii.reason
    return ""
