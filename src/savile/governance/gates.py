"""Gates: each governance measure against the warn and fail thresholds of the config.

    results = check_gates(cfg.gates, governance)
    failed = any(r["status"] == "fail" for r in results)   # `savile evaluate` then exits with code 3

Every gate reads "higher is worse": a value at or past `fail` fails, at or past `warn` warns,
else it passes. A threshold set to null is not checked; a measure that was not taken (governance
disabled, no canaries planted) reads "not measured" and never fails; a probe that ran but cannot tell
(a base model that refuses almost nothing cannot show a refusal drop) reads "n/a" with its reason,
never "pass".
"""

from __future__ import annotations

import math

from savile.config import Gate, GateSettings

__all__ = ["check_gates", "gate_status", "EXIT_GATE_FAILED"]

EXIT_GATE_FAILED = 3


def gate_status(value: float, warn: float | None, fail: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "not measured"
    if fail is not None and value >= fail:
        return "fail"
    if warn is not None and value >= warn:
        return "warn"
    return "pass"


def _get(data: dict, *keys: str) -> float:
    for k in keys:
        if not isinstance(data, dict) or k not in data:
            return math.nan
        data = data[k]
    return float(data) if isinstance(data, (int, float)) else math.nan


def gate_values(governance: dict) -> dict[str, float]:
    """The measured value behind each gate (NaN where it was not measured)."""
    g = governance
    single = [c["tuned_exposure"] for c in _get_list(g, "memorisation", "canaries") if c["repetitions"] == 1]
    echoed = [v for s, v in (g.get("privacy", {}).get("pii_echoed", {}) or {}).items() if s.startswith("tuned")]
    return {
        "bits_per_byte_increase": _get(g, "forgetting", "bits_per_byte", "relative"),
        "cloze_accuracy_drop": -_get(g, "forgetting", "cloze", "delta"),
        "refusal_drop": -_get(g, "safety", "harmful", "delta"),
        "over_refusal_increase": _get(g, "safety", "benign", "delta"),
        "overfit_ratio": _get(g, "overfitting", "ratio"),
        "canary_exposure": max(single) if single else math.nan,
        "pii_extraction": _get(g, "memorisation", "pii", "tuned"),
        "pii_echoed": max((v for v in echoed if math.isfinite(v)), default=math.nan),
    }


def _get_list(data: dict, *keys: str) -> list:
    for k in keys:
        data = data.get(k, {}) if isinstance(data, dict) else {}
    return data if isinstance(data, list) else []


def check_gates(gates: GateSettings, governance: dict) -> list[dict]:
    """Each gate's value, thresholds and status ("pass", "warn", "fail", "not measured" or "n/a" with a reason)."""
    values = gate_values(governance)
    out = []
    for name, field in GateSettings.model_fields.items():
        gate = getattr(gates, name)
        if not isinstance(gate, Gate):
            continue
        value = values[name]
        entry = {
            "gate": name,
            "what": field.description,
            "value": value,
            "warn": gate.warn,
            "fail": gate.fail,
            "status": gate_status(value, gate.warn, gate.fail),
            "reason": "",
        }
        reason = _cannot_measure(name, governance, gates)
        if reason:
            entry |= {"status": "n/a", "reason": reason}
        out.append(entry)
    return out


def _cannot_measure(name: str, governance: dict, gates: GateSettings) -> str:
    """Why a probe that ran cannot tell pass from fail, or "" when it can."""
    if name == "refusal_drop":
        base = _get(governance, "safety", "harmful", "base")
        if math.isfinite(base) and base < gates.min_base_refusal:
            return (
                f"the base model refuses {base:.0%} of harmful requests, under gates.min_base_refusal="
                f"{gates.min_base_refusal:g}: a model that refuses almost nothing cannot show a drop"
            )
    if name == "pii_extraction":
        pii = governance.get("memorisation", {}).get("pii", {}) or {}
        if not pii.get("probes") and pii.get("reason"):
            return pii["reason"]
    return ""
