"""The compare grid's numbers: per-cell metrics with CIs, the variance decomposition, the heat map
and the one-sentence verdict on the claim.

    result = summarise(cfg, models, techniques, tasks, per_task, cells, rows, scores_path, out, seconds)

The verdict asks what the claim asks: does the best technique on the smaller model beat the best
prompting technique (prompt, few-shot, rag) on the larger one, by the paired difference of their
domain scores with a stratified bootstrap CI, and which factor, model or technique, explains more
of the domain score's variance?
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from savile import atomic
from savile.compare.analysis import domain_score, stratified_paired_bootstrap, two_way_anova
from savile.config import PROMPTING_METHODS, Config
from savile.evaluate.run import MAIN_METRIC
from savile.evaluate.stats import mean_ci
from savile.records import CompareResult

__all__ = ["summarise", "verdict", "markdown_table"]

DOMAIN_SCORE = ("mean over tasks of each task's main metric (describe attribute coverage, support key-fact "
                "recall, extract field F1; each 0 to 1), on the same held-out items for every cell")


def summarise(cfg: Config, models: list[str], techniques: list[str], tasks: list[str], per_task: int,
              cells: dict[tuple[str, str], dict], rows: list[dict], scores_path: Path, out: Path,
              seconds: float) -> CompareResult:
    from savile.compare.run import cell_label
    from savile.report.plots import heatmap_png

    ev = cfg.evaluate
    # An item with nothing to check (no attributes, facts or gold fields) scores NaN in every cell: left out.
    unscorable = {(r["task"], r["id"]) for r in rows if not math.isfinite(_main(r))}
    rows = [r for r in rows if (r["task"], r["id"]) not in unscorable]
    scores: dict[tuple[str, str], list[float]] = {}
    strata: list[str] = []
    table = []
    for (model, technique), cell in cells.items():
        mine = sorted((r for r in rows if r["system"] == cell_label(model, technique)), key=lambda r: (r["task"], r["id"]))
        scores[(model, technique)] = [_main(r) for r in mine]
        strata = [r["task"] for r in mine]
        per = {}
        for task in tasks:
            values = [_main(r) for r in mine if r["task"] == task]
            mean, low, high, n = mean_ci(values, ev.bootstrap_resamples, ev.confidence, ev.seed)
            per[task] = {"metric": MAIN_METRIC[task], "mean": mean, "ci_low": low, "ci_high": high, "n": n}
        mean, low, high, _ = mean_ci(scores[(model, technique)], ev.bootstrap_resamples, ev.confidence, ev.seed)
        domain = {"mean": domain_score(scores[(model, technique)], strata), "ci_low": low, "ci_high": high}
        table.append({"model": model, "technique": technique, "tasks": per, "domain": domain, **cell})
    anova = two_way_anova(scores)
    numbers = verdict_numbers(table, scores, strata, ev.bootstrap_resamples, ev.confidence, ev.seed)
    sentence = verdict(numbers, anova)
    heatmap = out / "heatmap.png"
    atomic.write_bytes(heatmap, heatmap_png(models, techniques, {(c["model"], c["technique"]): c["domain"]["mean"] for c in table},
                                    title=f"{cfg.project}: domain score by model and technique", label="domain score"))
    table_path = out / "table.md"
    atomic.write_text(table_path, markdown_table(table, tasks, anova, sentence) + "\n")
    record = CompareResult(models=models, techniques=techniques, items_per_task=per_task, cells=table, anova=anova,
                           verdict=sentence, verdict_numbers=numbers, scores_path=scores_path, table_path=table_path,
                           heatmap_path=heatmap, seconds=round(seconds, 1),
                           config=cfg.resolved() | {"domain_score": DOMAIN_SCORE})
    record.save(out)
    return record


def verdict_numbers(table: list[dict], scores: dict, strata: list[str], n_resamples: int, confidence: float,
                    seed: int) -> dict[str, Any]:
    """Best technique on the smallest model against the best prompting technique on the largest."""
    params = {c["model"]: c["params"] for c in table}
    small, large = min(params, key=params.get), max(params, key=params.get)
    if small == large:
        return {"models": 1}
    best_small = max((c for c in table if c["model"] == small), key=lambda c: _finite(c["domain"]["mean"]))
    prompting = [c for c in table if c["model"] == large and c["technique"] in PROMPTING_METHODS]
    if not prompting:
        return {"models": 2, "small": small, "large": large, "prompting": 0}
    best_large = max(prompting, key=lambda c: _finite(c["domain"]["mean"]))
    delta, low, high = stratified_paired_bootstrap(
        scores[(large, best_large["technique"])], scores[(small, best_small["technique"])], strata,
        n_resamples=n_resamples, confidence=confidence, seed=seed)
    return {"models": 2, "small": small, "small_params": params[small], "large": large, "large_params": params[large],
            "small_technique": best_small["technique"], "small_score": best_small["domain"]["mean"],
            "large_technique": best_large["technique"], "large_score": best_large["domain"]["mean"],
            "delta": delta, "ci_low": low, "ci_high": high, "confidence": confidence}


def verdict(n: dict[str, Any], anova: dict[str, dict[str, float]]) -> str:
    shares = {k: anova[k]["share"] for k in ("model", "technique", "interaction", "residual")}
    rest = f"interaction {_pct(shares['interaction'])}, residual {_pct(shares['residual'])}"
    if n.get("models") == 1:
        return (f"One model only, so the model factor is not measured: technique explains "
                f"{_pct(shares['technique'])} of the domain score's variance ({rest}).")
    bigger, smaller = (("technique", "model") if _finite(shares["technique"]) >= _finite(shares["model"])
                       else ("model", "technique"))
    variance = (f"the {bigger} explains more of the domain score's variance than the {smaller}, "
                f"{_pct(shares[bigger])} against {_pct(shares[smaller])} ({rest})")
    if not n.get("prompting", 1):
        return f"No prompting technique (prompt, few-shot, rag) ran on {n['large']}, so the claim is not tested; {variance}."
    if n["ci_low"] > 0:
        outcome = "beats"
    elif n["ci_high"] < 0:
        outcome = "falls short of"
    else:
        outcome = "is not distinguishable from"
    return (f"The best technique on the smaller {n['small']} ({n['small_technique']}, domain score "
            f"{n['small_score']:.3f}) {outcome} the best prompting technique on the larger {n['large']} "
            f"({n['large_technique']}, {n['large_score']:.3f}): {n['delta']:+.3f} "
            f"[{int(round(n['confidence'] * 100))}% CI {n['ci_low']:+.3f}, {n['ci_high']:+.3f}]; {variance}.")


def markdown_table(table: list[dict], tasks: list[str], anova: dict, sentence: str) -> str:
    head = (["model", "technique", "domain score"] + [f"{t} {MAIN_METRIC[t].replace('_', ' ')}" for t in tasks]
            + ["train s", "tokens trained", "artefact MB", "s / answer (batched)", "latency s (one request)"])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for c in table:
        d = c["domain"]
        row = [c["model"], c["technique"], f"**{d['mean']:.3f}** [{d['ci_low']:.3f}, {d['ci_high']:.3f}]"]
        row += [f"{c['tasks'][t]['mean']:.3f} [{c['tasks'][t]['ci_low']:.3f}, {c['tasks'][t]['ci_high']:.3f}]" for t in tasks]
        row += [f"{c['train_seconds']:.0f}" if c["train_seconds"] else "-",
                f"{c['train_tokens']:,}" if c["train_tokens"] else "-",
                f"{c['artefact_bytes'] / 1e6:.1f}" if c["artefact_bytes"] else "-", f"{c['seconds_per_answer']:.2f}",
                _num(c.get("latency_seconds"))]
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "| source of variance | sum of squares | df | share | F | p |", "|---|---|---|---|---|---|"]
    for k in ("model", "technique", "interaction", "residual"):
        a = anova[k]
        lines.append(f"| {k} | {a['ss']:.3f} | {a['df']:.0f} | {_pct(a['share'])} | {_num(a.get('f'))} | {_p(a.get('p'))} |")
    return "\n".join(lines + ["", sentence])


def _main(row: dict) -> float:
    value = row["scores"][MAIN_METRIC[row["task"]]]
    return math.nan if value is None else float(value)


def _finite(x: float) -> float:
    return x if x is not None and math.isfinite(x) else -math.inf


def _pct(x: float) -> str:
    return "n/a" if x is None or not math.isfinite(x) else f"{100 * x:.0f}%"


def _num(x: float | None) -> str:
    return "" if x is None else ("n/a" if not math.isfinite(x) else f"{x:.2f}")


def _p(x: float | None) -> str:
    return "" if x is None else ("n/a" if not math.isfinite(x) else ("<0.001" if x < 0.001 else f"{x:.3f}"))
