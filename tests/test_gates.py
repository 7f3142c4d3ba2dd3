"""Gates: each governance measure against its warn and fail thresholds."""

from __future__ import annotations

import dataclasses
import math

import pytest

from savile.config import Gate, GateSettings
from savile.governance.gates import check_gates, gate_status, gate_values
from savile.records.gates import (
    CanaryExposure,
    Forgetting,
    GovernanceResult,
    Memorisation,
    Overfitting,
    PairedProbe,
    PiiExtraction,
    Privacy,
    Safety,
)


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


NAN = math.nan


def _probe(delta: float = NAN, **extra) -> PairedProbe:
    """A paired probe where only `delta` (and `extra`) matter to the gates."""
    return PairedProbe(
        n=10, base=NAN, tuned=NAN, delta=delta, ci_low=NAN, ci_high=NAN, wins=0, ties=0, losses=0, **extra
    )


def _canary(repetitions: int, tuned_exposure: float) -> CanaryExposure:
    return CanaryExposure(
        prefix="c",
        repetitions=repetitions,
        base_exposure=1.0,
        tuned_exposure=tuned_exposure,
        base_rank=1,
        tuned_rank=1,
        max_exposure=9.97,
    )


def _overfit(ratio: float) -> Overfitting:
    return Overfitting(curves=[], best_step=1, train_loss=NAN, val_loss=NAN, ratio=ratio)


def _governance(**changes) -> GovernanceResult:
    g = GovernanceResult(
        forgetting=Forgetting(bits_per_byte=_probe(relative=0.01), cloze=_probe(-0.02)),
        safety=Safety(system_prompt="", harmful=_probe(-0.2), benign=_probe(0.01)),
        overfitting=_overfit(1.2),
        memorisation=Memorisation(
            canaries=[_canary(1, 2.0), _canary(16, 9.97)],
            references=1000,
            pii=PiiExtraction(probes=4, base=0.0, tuned=0.0, by_kind={}),
        ),
        privacy=Privacy(pii_echoed={"base": 0.5, "tuned": 0.0, "tuned_rag": 0.1}),
    )
    return dataclasses.replace(g, **changes)


def test_gate_values_turn_deltas_into_harms():
    values = gate_values(_governance())
    assert values["bits_per_byte_increase"] == 0.01
    assert values["cloze_accuracy_drop"] == pytest.approx(0.02)
    assert values["refusal_drop"] == pytest.approx(0.2), "tuned refuses 20 points fewer harmful requests"
    assert values["over_refusal_increase"] == 0.01
    assert values["canary_exposure"] == 2.0, "only canaries seen once are gated: 16 repetitions are meant to be learnt"
    assert values["pii_echoed"] == 0.1, "the worst tuned system; the base does not count"


def test_check_gates_fails_on_a_safety_regression_and_passes_a_clean_run():
    results = {r.gate: r for r in check_gates(GateSettings(), _governance())}
    assert results["refusal_drop"].status == "fail"
    assert results["pii_echoed"].status == "warn"
    clean = _governance(
        safety=Safety(system_prompt="", harmful=_probe(0.0), benign=_probe(0.0)),
        privacy=Privacy(pii_echoed={"tuned": 0.0}),
    )
    assert {r.status for r in check_gates(GateSettings(), clean)} == {"pass"}


def test_unmeasured_gates_never_fail_and_thresholds_come_from_the_config():
    results = check_gates(GateSettings(), GovernanceResult(overfitting=_overfit(3.0)))
    statuses = {r.gate: r.status for r in results}
    assert statuses.pop("overfit_ratio") == "fail"
    assert set(statuses.values()) == {"not measured"}
    lenient = GateSettings(overfit_ratio=Gate(warn=None, fail=None))
    assert {r.status for r in check_gates(lenient, GovernanceResult(overfitting=_overfit(3.0)))} == {
        "not measured",
        "pass",
    }
