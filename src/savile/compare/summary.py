"""The compare grid's numbers: per-cell metrics with CIs, the model and technique effects, the heat
map and the one-sentence verdict on the claim.

    result = summarise(cfg, models, techniques, tasks, per_task, cells, rows, scores_path, out, seconds)

The verdict asks what the claim asks, without picking winners on the items it tests: does some
technique on the smaller model beat every prompting technique (prompt, few-shot, rag) on the larger
one? Each such pair's paired difference of domain scores gets a stratified bootstrap CI at
1 - alpha / (techniques on the smaller model), and the claim holds when one technique's CIs all lie
above zero (an intersection-union test, as for evaluate's verdict). Then: which factor moves the
domain score more, with items as blocks (compare.effects)?
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from savile import atomic
from savile.compare.analysis import domain_score, stratified_paired_bootstrap
from savile.compare.effects import factor_effects
from savile.config import PROMPTING_METHODS, Config
from savile.evaluate.run import MAIN_METRIC
from savile.evaluate.stats import mean_ci
from savile.records import CompareResult
from savile.records.grid import DomainScore, GridCell, TaskMean
from savile.report.numbers import num

__all__ = ["summarise", "grid_cells", "verdict", "verdict_numbers", "markdown_table"]

DOMAIN_SCORE = (
    "mean over tasks of each task's main metric (describe description F1, support fact F1, extract "
    "field F1; each 0 to 1), on the same test items for every cell"
)


def summarise(
    cfg: Config,
    models: list[str],
    techniques: list[str],
    tasks: list[str],
    per_task: int,
    cells: dict[tuple[str, str], dict],
    rows: list[dict],
    scores_path: Path,
    out: Path,
    seconds: float,
) -> CompareResult:
    """The grid's record from each cell's measures (`cells`: compare.run's per-cell costs) and the
    scored rows: per-cell means, effects, verdict, table.md and heatmap.png, saved under `out`."""
    from savile.report.plots import heatmap_png

    ev = cfg.evaluate
    table, scores, strata = grid_cells(cells, rows, tasks, ev.bootstrap_resamples, ev.confidence, ev.seed)
    y = np.array([[scores[(m, t)] for t in techniques] for m in models])
    effects = factor_effects(
        y,
        strata,
        n_permutations=ev.bootstrap_resamples,
        n_resamples=ev.bootstrap_resamples,
        confidence=ev.confidence,
        seed=ev.seed,
    )
    numbers = verdict_numbers(table, scores, strata, ev.bootstrap_resamples, ev.confidence, ev.seed)
    sentence = verdict(numbers, effects)
    heatmap = out / "heatmap.png"
    atomic.write_bytes(
        heatmap,
        heatmap_png(
            models,
            techniques,
            {(c.model, c.technique): c.domain.mean for c in table},
            title=f"{cfg.project}: domain score by model and technique",
            label="domain score",
        ),
    )
    table_path = out / "table.md"
    atomic.write_text(table_path, markdown_table(table, tasks, effects, sentence) + "\n")
    record = CompareResult(
        models=models,
        techniques=techniques,
        items_per_task=per_task,
        cells=table,
        effects=effects,
        verdict=sentence,
        verdict_numbers=numbers,
        scores_path=scores_path,
        table_path=table_path,
        heatmap_path=heatmap,
        seconds=round(seconds, 1),
        config=cfg.resolved() | {"domain_score": DOMAIN_SCORE},
    )
    record.save(out)
    return record


def grid_cells(
    cells: dict[tuple[str, str], dict],
    rows: list[dict],
    tasks: list[str],
    n_resamples: int,
    confidence: float,
    seed: int,
) -> tuple[list[GridCell], dict[tuple[str, str], list[float]], list[str]]:
    """Each cell's task means and domain score with CIs: (the cells in grid order, (model, technique) ->
    per-item main-metric scores sorted by (task, id), the task of each of those items)."""
    from savile.compare.run import cell_label

    # An item with nothing to check (no attributes, facts or gold fields) scores NaN in every cell: left out.
    unscorable = {(r["task"], r["id"]) for r in rows if not math.isfinite(_main(r))}
    rows = [r for r in rows if (r["task"], r["id"]) not in unscorable]
    scores: dict[tuple[str, str], list[float]] = {}
    strata: list[str] = []
    table = []
    for (model, technique), cell in cells.items():
        mine = sorted(
            (r for r in rows if r["system"] == cell_label(model, technique)), key=lambda r: (r["task"], r["id"])
        )
        scores[(model, technique)] = [_main(r) for r in mine]
        strata = [r["task"] for r in mine]
        per = {}
        for task in tasks:
            values = [_main(r) for r in mine if r["task"] == task]
            mean, low, high, n = mean_ci(values, n_resamples, confidence, seed)
            per[task] = TaskMean(metric=MAIN_METRIC[task], mean=mean, ci_low=low, ci_high=high, n=n)
        mean, low, high, _ = mean_ci(scores[(model, technique)], n_resamples, confidence, seed)
        domain = DomainScore(mean=domain_score(scores[(model, technique)], strata), ci_low=low, ci_high=high)
        table.append(GridCell(model=model, technique=technique, tasks=per, domain=domain, **cell))
    return table, scores, strata


def verdict_numbers(
    table: list[GridCell], scores: dict, strata: list[str], n_resamples: int, confidence: float, seed: int
) -> dict[str, Any]:
    """Every technique on the smallest model against every prompting technique on the largest, at once:
    the closest pair's numbers, every pair, and whether the small model's best beats them all."""
    params = {c.model: c.params for c in table}
    small, large = min(params, key=params.__getitem__), max(params, key=params.__getitem__)
    if small == large:
        return {"models": 1}
    mine = [c.technique for c in table if c.model == small]
    prompting = [c.technique for c in table if c.model == large and c.technique in PROMPTING_METHODS]
    if not prompting:
        return {"models": 2, "small": small, "large": large, "prompting": 0}
    level = 1 - (1 - confidence) / len(mine)
    pairs: list[dict[str, Any]] = []
    for t in mine:
        for p in prompting:
            delta, low, high = stratified_paired_bootstrap(
                scores[(large, p)], scores[(small, t)], strata, n_resamples=n_resamples, confidence=level, seed=seed
            )
            pairs.append({"small_technique": t, "large_technique": p, "delta": delta, "ci_low": low, "ci_high": high})
    worst = {t: min((q for q in pairs if q["small_technique"] == t), key=lambda q: q["ci_low"]) for t in mine}
    best = max(mine, key=lambda t: worst[t]["ci_low"])
    closest = worst[best]
    score = {c.technique: c.domain.mean for c in table if c.model == small}
    rival = {c.technique: c.domain.mean for c in table if c.model == large}
    return {
        "models": 2,
        "small": small,
        "small_params": params[small],
        "large": large,
        "large_params": params[large],
        "small_technique": best,
        "small_score": score[best],
        "large_technique": closest["large_technique"],
        "large_score": rival[closest["large_technique"]],
        "delta": closest["delta"],
        "ci_low": closest["ci_low"],
        "ci_high": closest["ci_high"],
        "confidence": level,
        "beats_all": all(q["ci_low"] > 0 for q in pairs if q["small_technique"] == best),
        "falls_short": all(q["ci_high"] < 0 for q in pairs if q["small_technique"] == best),
        "pairs": pairs,
    }


def verdict(n: dict[str, Any], effects: dict[str, dict[str, float]]) -> str:
    """The one-sentence verdict from `verdict_numbers` and the factor `effects` (compare.effects)."""

    def said(f: str) -> str:
        e = effects[f]
        return f"{e['effect']:.3f} [{e['ci_low']:.3f}, {e['ci_high']:.3f}], p {_p(e['p'])}"

    if n.get("models") == 1:
        return (
            f"One model only, so the model factor is not measured: changing the technique moves the domain score by "
            f"{said('technique')} on average (items as blocks)."
        )
    bigger, smaller = (
        ("technique", "model")
        if effects["technique"]["effect"] >= effects["model"]["effect"]
        else ("model", "technique")
    )
    factors = (
        f"changing the {bigger} moves the domain score more than changing the {smaller}: {said(bigger)} against "
        f"{said(smaller)} (mean absolute difference between levels, 95% CI over items, permutation p within items)"
    )
    if not n.get("prompting", 1):
        return f"No prompting technique (prompt, few-shot, rag) ran on {n['large']}, so the claim is not tested; {factors}."
    outcome = (
        "beats every prompting technique on"
        if n["beats_all"]
        else "falls short of every prompting technique on"
        if n["falls_short"]
        else "does not beat every prompting technique on"
    )
    return (
        f"The best technique on the smaller {n['small']} ({n['small_technique']}, domain score {n['small_score']:.3f}) "
        f"{outcome} the larger {n['large']}; against the closest, {n['large_technique']} ({n['large_score']:.3f}): "
        f"{n['delta']:+.3f} [{100 * n['confidence']:.1f}% simultaneous CI {n['ci_low']:+.3f}, {n['ci_high']:+.3f}]; "
        f"{factors}."
    )


def markdown_table(table: list[GridCell], tasks: list[str], effects: dict, sentence: str) -> str:
    """table.md: a row per cell (scores with CIs and costs), the factor effects, then the verdict."""
    head = (
        ["model", "technique", "domain score"]
        + [f"{t} {MAIN_METRIC[t].replace('_', ' ')}" for t in tasks]
        + ["train s", "tokens trained", "artefact MB", "s / answer (batched)", "latency s (one request)"]
    )
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for c in table:
        d = c.domain
        row = [c.model, c.technique, f"**{d.mean:.3f}** [{d.ci_low:.3f}, {d.ci_high:.3f}]"]
        row += [f"{c.tasks[t].mean:.3f} [{c.tasks[t].ci_low:.3f}, {c.tasks[t].ci_high:.3f}]" for t in tasks]
        row += [
            f"{c.train_seconds:.0f}" if c.train_seconds else "-",
            f"{c.train_tokens:,}" if c.train_tokens else "-",
            f"{c.artefact_bytes / 1e6:.1f}" if c.artefact_bytes else "-",
            f"{c.seconds_per_answer:.2f}",
            num(c.latency_seconds, 2, none=""),
        ]
        lines.append("| " + " | ".join(row) + " |")
    lines += [
        "",
        "| factor | levels | effect on the domain score | 95% CI | permutation p (within items) |",
        "|---|---|---|---|---|",
    ]
    for k in ("model", "technique"):
        e = effects[k]
        lines.append(
            f"| {k} | {e['levels']} | {e['effect']:.3f} | [{e['ci_low']:.3f}, {e['ci_high']:.3f}] | {_p(e['p'])} |"
        )
    return "\n".join(lines + ["", sentence])


def _main(row: dict) -> float:
    value = row["scores"][MAIN_METRIC[row["task"]]]
    return math.nan if value is None else float(value)


def _p(x: float | None) -> str:
    return "" if x is None else ("n/a" if not math.isfinite(x) else ("<0.001" if x < 0.001 else f"{x:.3f}"))
