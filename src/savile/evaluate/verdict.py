"""Is fine-tuning justified on a task? A verdict that picks no winner on the items it then tests.

    v = verdict({"base": [...], "few_shot": [...], "tuned": [...]}, tuned=["tuned"], untuned=["base", "few_shot"])
    v.justified, v.tuned, v.untuned, v.pairs          # a records.evaluation.Verdict

Picking the best tuned and the best untuned rung on the test items and then testing that same pair
is the winner's curse: with no true difference, the larger of several noisy means looks better than
it is. Instead the claim is tested as it is stated, with no selection: "some tuned system beats
every untuned one". For each tuned system the paired CIs against every untuned system must all lie
above zero (an intersection-union test: each comparison at the full level, Berger 1982), and the
tuned systems share the error rate (Bonferroni: each family at 1 - alpha / number of tuned
systems). The report names the tuned system with the best worst-case margin and the untuned rung
that margin is against; every pair's simultaneous CI is kept.
"""

from __future__ import annotations

from collections.abc import Sequence

from savile.evaluate.stats import finite_or_worst, paired_bootstrap
from savile.records.evaluation import Verdict, VerdictPair

__all__ = ["verdict", "RULE"]

RULE = (
    "justified when one tuned system beats every untuned system on the main metric, each paired CI above "
    "zero at 1 - alpha / (number of tuned systems) (intersection-union test with Bonferroni over the tuned systems)"
)


def verdict(
    scores: dict[str, Sequence[float]],
    tuned: Sequence[str],
    untuned: Sequence[str],
    *,
    confidence: float = 0.95,
    n_resamples: int = 10_000,
    seed: int = 0,
    higher_is_better: bool = True,
) -> Verdict:
    """The verdict on per-item main-metric `scores` (system -> scores, same items in the same order):
    every tuned x untuned pair at the shared level, and the tuned system with the best worst case."""
    if not tuned or not untuned:
        raise ValueError(
            f"the verdict needs tuned and untuned systems, got tuned={list(tuned)}, untuned={list(untuned)}; "
            "keep at least one of each in evaluate.systems."
        )
    level = 1 - (1 - confidence) / len(tuned)
    pairs = []
    for t in tuned:
        for u in untuned:
            d = paired_bootstrap(
                "main",
                scores[u],
                scores[t],
                higher_is_better=higher_is_better,
                n_resamples=n_resamples,
                confidence=level,
                seed=seed,
            )
            pairs.append(
                VerdictPair(
                    tuned=t,
                    untuned=u,
                    delta=d.delta,
                    ci_low=d.ci_low,
                    ci_high=d.ci_high,
                    n=d.n,
                    all_tied=d.all_tied,
                    improved=bool(d.improved()),
                )
            )

    def worst(t: str) -> VerdictPair:
        mine = [p for p in pairs if p.tuned == t]
        key = (lambda p: p.ci_low) if higher_is_better else (lambda p: -p.ci_high)
        return min(mine, key=lambda p: finite_or_worst(key(p)))

    best = max(tuned, key=lambda t: finite_or_worst(worst(t).ci_low if higher_is_better else -worst(t).ci_high))
    beats = {t: all(p.improved for p in pairs if p.tuned == t) for t in tuned}
    return Verdict(
        justified=any(beats.values()),
        tuned=best,
        untuned=worst(best).untuned,
        margin=worst(best),
        confidence=level,
        pairs=pairs,
        rule=RULE,
    )
