"""`savile evaluate`: the baseline ladder and the tuned model on the same held-out items, paired.

    result = savile.evaluate.run(cfg, prepared, trained)

Every system answers the same items with the same greedy decoding; the per-example scores go to
JSONL, and per task: each system's means with bootstrap CIs, every rung against the base with
paired CIs, exact McNemar or sign-flip p-values and Holm's correction, and the verdict: is the best
tuned system better than the best untuned one on the task's main metric? Then the governance
probes (forgetting, safety, overfitting, memorisation) and the gates.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Sequence
from typing import Any

from savile import atomic
from savile.config import Config
from savile.data.guide import brand_guide
from savile.evaluate.answer import answer_items
from savile.evaluate.governance import overfitting
from savile.evaluate.governance import run as run_governance
from savile.evaluate.score import METRICS, score_items
from savile.evaluate.stats import (
    PairedDelta,
    finite_or_worst,
    holm,
    mcnemar_exact,
    mean_ci,
    paired_bootstrap,
    sign_flip_p,
)
from savile.evaluate.systems import DESCRIPTIONS, TUNED, Ladder, describe_system
from savile.evaluate.verdict import verdict
from savile.governance.gates import check_gates
from savile.records import EvalResult, PreparedData, TrainedModel
from savile.records.evaluation import Comparison, MetricMean, TaskStatistics
from savile.records.gates import GovernanceResult

__all__ = ["run", "select_items", "statistics", "MAIN_METRIC"]

# Main metrics no degenerate answer can win (tests/test_adversarial.py): the product sheet echoed,
# the whole vocabulary listed, every policy recited or every key with every value all lose.
MAIN_METRIC = {"describe": "description_f1", "support": "fact_f1", "extract": "field_f1"}


def select_items(prepared: PreparedData, tasks: Sequence[str], per_task: int, seed: int) -> list[dict]:
    """A seeded sample of test items per task (the only read of the test split); support items need
    policy facts to score."""
    rng = random.Random(seed)
    held_out = prepared.examples("test")
    items = []
    for task in tasks:
        pool = [e for e in held_out if e["task"] == task]
        if task == "support":
            pool = [e for e in pool if e["meta"]["facts"]]
        items += pool if len(pool) <= per_task else rng.sample(pool, per_task)
    return items


def run(cfg: Config, prepared: PreparedData, trained: TrainedModel) -> EvalResult:
    """Answer and score the held-out items with every system of the ladder, run the governance
    probes and the gates; writes runs/evaluate/ (examples.jsonl, manifest.json) and returns its record."""
    from savile.evaluate.model import load_models
    from savile.train.hardware import use_bf16

    guide = brand_guide(cfg)
    tasks: list[str] = list(cfg.prepare.tasks)
    systems: list[str] = [s for s in DESCRIPTIONS if s in cfg.evaluate.systems]
    items = select_items(prepared, tasks, cfg.evaluate.max_items_per_task, cfg.evaluate.seed)
    ladder = Ladder.build(cfg, prepared, guide)
    models = load_models(trained)
    bf16 = use_bf16(cfg.train.precision)
    start = time.perf_counter()
    outputs, prompts, timings = _answer_all(cfg, ladder, models, bf16, items, tasks, systems)
    generate_seconds = time.perf_counter() - start

    out = cfg.stage_dir("evaluate")
    out.mkdir(parents=True, exist_ok=True)
    rows = score_items(cfg, prepared, guide, items, outputs)
    examples_path = out / "examples.jsonl"
    with atomic.open_text(examples_path) as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")

    # The loss curves are already measured, so the overfitting gate holds even without the probes.
    governance = (
        run_governance(cfg, prepared, trained, models, guide, rows)
        if cfg.governance.enabled
        else GovernanceResult(overfitting=overfitting(trained))
    )
    record = EvalResult(
        examples_path=examples_path,
        systems={s: describe_system(s, trained.method) for s in systems},
        metrics=statistics(rows, tasks, systems, cfg),
        decoding={t: getattr(cfg.evaluate, t).model_dump() for t in tasks},
        prompts=prompts,
        seconds=round(time.perf_counter() - start, 1),
        generate_seconds=round(generate_seconds, 1),
        generate_timings=timings,
        governance=governance,
        gates=check_gates(cfg.gates, governance),
        config=cfg.resolved(),
    )
    record.save(out)
    return record


def _answer_all(
    cfg: Config, ladder: Ladder, models: Any, bf16: bool, items: list[dict], tasks: list[str], systems: list[str]
) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]], dict[str, dict[str, float]]]:
    """Every system's answers to every task's items: (system -> id -> answer, system -> task -> system
    prompt, system -> task -> seconds)."""
    outputs: dict[str, dict[str, str]] = {s: {} for s in systems}
    prompts: dict[str, dict[str, str]] = {s: {} for s in systems}
    timings: dict[str, dict[str, float]] = {}
    for task in tasks:
        task_items = [e for e in items if e["task"] == task]
        decoding = getattr(cfg.evaluate, task)
        for system in systems:
            chats = ladder.chats(system, task, task_items)
            prompts[system][task] = ladder.system_prompt(system, task)
            answers, seconds = answer_items(
                models.plain("tuned" if system in TUNED else "base", bf16),
                models.tokenizer,
                task_items,
                chats,
                decoding,
                cfg.evaluate.batch_size,
                bf16,
                label=f"{task}: {system}",
            )
            timings.setdefault(system, {})[task] = round(seconds, 1)
            outputs[system].update(answers)
    return outputs, prompts, timings


def statistics(
    rows: list[dict], tasks: Sequence[str], systems: Sequence[str], cfg: Config
) -> dict[str, TaskStatistics]:
    """Per task: system means, every rung against base, and the tuned-vs-best-untuned verdict."""
    table: dict[str, TaskStatistics] = {}
    for task in tasks:
        by_system = {
            s: sorted((r for r in rows if r["task"] == task and r["system"] == s), key=lambda r: r["id"])
            for s in systems
        }
        if any(by_system.values()):
            table[task] = _task_statistics(task, by_system, list(systems), cfg)
    return table


def _task_statistics(task: str, by_system: dict[str, list[dict]], systems: list[str], cfg: Config) -> TaskStatistics:
    ev = cfg.evaluate
    main = MAIN_METRIC[task]
    means = {s: _means(task, by_system[s], cfg) for s in systems}
    untuned = [s for s in systems if s not in TUNED]
    tuned = [s for s in systems if s in TUNED]
    ranked = sorted(systems, key=lambda s: -finite_or_worst(means[s][main].mean))
    pair: dict[str, Any] = {}
    if untuned and tuned:
        # No winner picked on the items it is tested on: the verdict tests every tuned system
        # against every untuned one at once (evaluate.verdict), then names the closest pair.
        v = verdict(
            {s: [r["scores"][main] for r in by_system[s]] for s in systems},
            tuned,
            untuned,
            confidence=ev.confidence,
            n_resamples=ev.bootstrap_resamples,
            seed=ev.seed,
        )
        pair = {
            "best_untuned": v.untuned,
            "best_tuned": v.tuned,
            "versus": _compare(task, by_system[v.untuned], by_system[v.tuned], cfg),
            "justified": v.justified,
            "verdict": v,
        }
    fields = None
    if task == "extract":
        from savile.evaluate.fields import field_table

        fields = {s: field_table([r["scores"] for r in by_system[s]]) for s in systems}
    return TaskStatistics(
        main=main,
        n_items=len(by_system[systems[0]]),
        means=means,
        best=ranked[0],
        ladder={
            s: _compare(task, by_system["base"], by_system[s], cfg)
            for s in systems
            if s != "base" and "base" in systems
        },
        fields=fields,
        **pair,
    )


def _means(task: str, rows: list[dict], cfg: Config) -> dict[str, MetricMean]:
    """Each metric's mean with its bootstrap CI over one system's rows."""
    ev = cfg.evaluate
    means = {}
    for metric, _, binary in METRICS[task]:
        values = [r["scores"][metric] for r in rows]
        mean, low, high, n = mean_ci(values, ev.bootstrap_resamples, ev.confidence, ev.seed, binary=binary)
        means[metric] = MetricMean(mean=mean, ci_low=low, ci_high=high, n=n)
    return means


def _compare(task: str, ref_rows: list[dict], cand_rows: list[dict], cfg: Config) -> list[Comparison]:
    """Every metric of a candidate against a reference on the same items: paired CI, p and Holm's p."""
    ev = cfg.evaluate
    entries = []
    for metric, higher, binary in METRICS[task]:
        a = [r["scores"][metric] for r in ref_rows]
        b = [r["scores"][metric] for r in cand_rows]
        delta = paired_bootstrap(
            metric,
            a,
            b,
            higher_is_better=higher,
            n_resamples=ev.bootstrap_resamples,
            confidence=ev.confidence,
            seed=ev.seed,
        )
        p = mcnemar_exact(metric, a, b).p_value if binary else sign_flip_p(a, b, ev.bootstrap_resamples, ev.seed)
        test = "McNemar (exact)" if binary else "sign-flip permutation"
        entries.append((delta, binary, p, test))
    adjusted = holm([p for _, _, p, _ in entries])
    return [
        Comparison(
            **delta.to_dict(),
            improved=delta.improved(),
            worse=_worse(delta),
            binary=binary,
            all_tied=delta.all_tied,
            p=p,
            test=test,
            p_holm=p_holm,
        )
        for (delta, binary, p, test), p_holm in zip(entries, adjusted, strict=True)
    ]


def _worse(delta: PairedDelta) -> bool:
    return bool(delta.ci_high < 0 if delta.higher_is_better else delta.ci_low > 0)
