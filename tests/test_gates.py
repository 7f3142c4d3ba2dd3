"""Gates: each governance measure against its warn and fail thresholds."""

from __future__ import annotations

import math

import pytest

from savile.config import Gate, GateSettings
from savile.governance.gates import check_gates, gate_status, gate_values


@pytest.mark.parametrize(
    ("value", "status"),
    [
        (0.0, "pass"),
        (0.049, "pass"),
        (0.05, "warn"),
        (0.149, "warn"),
        (0.15, "fail"),
        (3.0, "fail"),
        (math.nan, "not measured"),
    ],
)
def test_gate_status_reads_higher_as_worse(value, status):
    assert gate_status(value, 0.05, 0.15) == status


def test_a_null_threshold_is_not_checked():
    assert gate_status(99.0, None, None) == "pass"
    assert gate_status(99.0, 1.0, None) == "warn"
    assert gate_status(99.0, None, 1.0) == "fail"


def _governance(**changes) -> dict:
    g = {
        "forgetting": {"bits_per_byte": {"relative": 0.01}, "cloze": {"delta": -0.02}},
        "safety": {"harmful": {"delta": -0.2}, "benign": {"delta": 0.01}},
        "overfitting": {"ratio": 1.2},
        "memorisation": {
            "canaries": [{"repetitions": 1, "tuned_exposure": 2.0}, {"repetitions": 16, "tuned_exposure": 9.97}],
            "pii": {"tuned": 0.0},
        },
        "privacy": {"pii_echoed": {"base": 0.5, "tuned": 0.0, "tuned_rag": 0.1}},
    }
    g.update(changes)
    return g


def test_gate_values_turn_deltas_into_harms():
    values = gate_values(_governance())
    assert values["bits_per_byte_increase"] == 0.01
    assert values["cloze_accuracy_drop"] == pytest.approx(0.02)
    assert values["refusal_drop"] == pytest.approx(0.2), "tuned refuses 20 points fewer harmful requests"
    assert values["over_refusal_increase"] == 0.01
    assert values["canary_exposure"] == 2.0, "only canaries seen once are gated: 16 repetitions are meant to be learnt"
    assert values["pii_echoed"] == 0.1, "the worst tuned system; the base does not count"


def test_check_gates_fails_on_a_safety_regression_and_passes_a_clean_run():
    results = {r["gate"]: r for r in check_gates(GateSettings(), _governance())}
    assert results["refusal_drop"]["status"] == "fail"
    assert results["pii_echoed"]["status"] == "warn"
    clean = _governance(
        safety={"harmful": {"delta": 0.0}, "benign": {"delta": 0.0}}, privacy={"pii_echoed": {"tuned": 0.0}}
    )
    assert {r["status"] for r in check_gates(GateSettings(), clean)} == {"pass"}


def test_unmeasured_gates_never_fail_and_thresholds_come_from_the_config():
    results = check_gates(GateSettings(), {"overfitting": {"ratio": 3.0}})
    statuses = {r["gate"]: r["status"] for r in results}
    assert statuses.pop("overfit_ratio") == "fail"
    assert set(statuses.values()) == {"not measured"}
    lenient = GateSettings(overfit_ratio=Gate(warn=None, fail=None))
    assert {r["status"] for r in check_gates(lenient, {"overfitting": {"ratio": 3.0}})} == {"not measured", "pass"}
