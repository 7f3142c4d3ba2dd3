"""Render the report data as one self-contained HTML page (inline CSS, plots as data URIs).

Order: the verdict, then per task the ladder, the tuned-vs-best-untuned table and (extract) the
per-attribute table, training and overfitting, the governance section with its gates, the samples,
and the method. Nothing is loaded from outside the file.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

from savile.records.evaluation import Comparison, TaskStatistics
from savile.records.gates import GateResult, GovernanceResult, Memorisation, Overfitting, PairedProbe
from savile.report.numbers import num as _num
from savile.report.samples import highlight

__all__ = ["render"]

_CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:76rem;color:#222;padding:0 1rem}
h1{font-weight:600}h2{margin-top:2.4rem;border-bottom:1px solid #ddd}h3{margin-top:1.6rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.92rem}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:right}
th{background:#f6f4f0}td:first-child,th:first-child{text-align:left}
.good{color:#0a6b2d;font-weight:600}.bad{color:#a31515;font-weight:600}.flat{color:#666}
.verdict{border:2px solid #222;padding:1rem 1.4rem;background:#faf9f7}.verdict p{margin:.3rem 0}
.pass{background:#e3f4e8}.warn{background:#fff3cd}.fail{background:#f8d7da}.skip{background:#eee}
.best{font-weight:700}.grid{display:grid;grid-template-columns:repeat(3,1fr);gap:.8rem}
.grid pre,.prompt{white-space:pre-wrap;background:#faf9f7;padding:.5rem;border:1px solid #eee;margin:0;font-size:.88rem}
mark.hal{background:#ffb3b3}mark.ban{background:#ffd27f;text-decoration:line-through}
.note{color:#555;font-size:.9rem}.wide{overflow-x:auto}td.what{text-align:left}
"""


def _p(p: float | None) -> str:
    return "" if p is None or not math.isfinite(p) else "&lt;0.0001" if p < 1e-4 else _num(p, 4)


def _ci(low: float, high: float, all_tied: bool = False) -> str:
    return "all pairs tie" if all_tied else f"[{_num(low)}, {_num(high)}]"


def _cls(entry: Comparison) -> tuple[str, str]:
    if entry.improved:
        return "good", "better"
    if entry.worse:
        return "bad", "worse"
    return "flat", "no clear difference"


def _verdict(tasks: dict[str, TaskStatistics], gates: list[GateResult]) -> str:
    justified = [t for t, e in tasks.items() if e.justified]
    lines = []
    for task, e in tasks.items():
        d, v = e.main_versus(), e.verdict
        if d is None or v is None:
            lines.append(
                f"<p><b>{escape(task)}</b>: best system <b>{escape(e.best)}</b> (no tuned/untuned pair compared).</p>"
            )
            continue
        word = (
            "<span class='good'>fine-tuning justified</span>"
            if e.justified
            else "<span class='bad'>fine-tuning not justified</span>"
        )
        others = "; ".join(
            f"{escape(p.untuned)} {p.delta:+.3f} {_ci(p.ci_low, p.ci_high, p.all_tied)}"
            for p in v.pairs
            if p.tuned == v.tuned
        )
        lines.append(
            f"<p><b>{escape(task)}</b>: {word}. On {escape(e.main)}, {escape(v.tuned)} ({_num(d.tuned_mean)}) against "
            f"every untuned system, {round(100 * v.confidence, 1)}% simultaneous CIs: {others}. Closest: "
            f"{escape(v.untuned)} ({_num(d.base_mean)}).</p>"
        )
    counts = {s: sum(g.status == s for g in gates) for s in ("pass", "warn", "fail", "not measured", "n/a")}
    gate_line = (
        f"Governance gates: {counts['pass']} pass, {counts['warn']} warn, {counts['fail']} fail"
        + (f", {counts['not measured']} not measured" if counts["not measured"] else "")
        + (f", {counts['n/a']} n/a" if counts["n/a"] else "")
        + "."
    )
    failed = [g.gate for g in gates if g.status == "fail"]
    headline = (
        f"Fine-tuning paid off on {len(justified)} of {len(tasks)} tasks"
        + (f" ({', '.join(justified)})" if justified else "")
        + "."
    )
    return (
        f"<div class='verdict'><h2 style='margin-top:0;border:0'>Verdict</h2><p><b>{escape(headline)}</b> "
        f"{escape(gate_line)}{' Failed: ' + escape(', '.join(failed)) + '.' if failed else ''}</p>{''.join(lines)}"
        "<p class='note'>Justified means: one tuned system beats every untuned system (prompt engineering, few-shot and "
        "retrieval) on the task's main metric, every paired CI above zero, at a level shared between the tuned systems; "
        "no winner is picked on the test items first.</p></div>"
    )


def _ladder(task: str, e: TaskStatistics, png: str) -> str:
    metrics = list(next(iter(e.means.values())))
    head = "<tr><th>system</th>" + "".join(f"<th>{escape(m)}</th>" for m in metrics) + "</tr>"
    body = []
    for system, means in e.means.items():
        cells = "".join(
            f"<td>{_num(v.mean)}<br><span class='note'>{_ci(v.ci_low, v.ci_high)}</span></td>" for v in means.values()
        )
        cls = " class='best'" if system == e.best else ""
        body.append(f"<tr><td{cls}>{escape(system)}</td>{cells}</tr>")
    table = f"<div class='wide'><table>{head}{''.join(body)}</table></div>"
    ladder_rows = []
    for system, entries in e.ladder.items():
        d = next(x for x in entries if x.metric == e.main)
        cls, word = _cls(d)
        ladder_rows.append(
            f"<tr><td>{escape(system)}</td><td class='{cls}'>{d.delta:+.3f}</td><td>{_ci(d.ci_low, d.ci_high, d.all_tied)}</td>"
            f"<td>{d.wins}/{d.ties}/{d.losses}</td><td>{_p(d.p_holm)}</td><td class='{cls}'>{word}</td></tr>"
        )
    ladder = (
        (
            "<p class='note'>Each rung against the base (prompt engineering) on "
            f"{escape(e.main)}:</p><table><tr><th>system</th><th>delta</th><th>95% CI</th><th>wins/ties/losses</th>"
            f"<th>Holm p</th><th></th></tr>{''.join(ladder_rows)}</table>"
        )
        if ladder_rows
        else ""
    )
    return (
        f"<h3>{escape(task)} ({e.n_items} items; main metric {escape(e.main)})</h3>"
        f"<img alt='{escape(task)} ladder' src='data:image/png;base64,{png}'>{table}{ladder}{_versus(e)}"
    )


def _versus(e: TaskStatistics) -> str:
    if e.versus is None or e.best_untuned is None or e.best_tuned is None:
        return ""
    head = (
        "<tr><th>metric</th><th>better</th><th>n</th><th>"
        + escape(e.best_untuned)
        + "</th><th>"
        + escape(e.best_tuned)
        + "</th><th>delta</th><th>95% CI</th><th>wins/ties/losses</th><th>test</th><th>p</th>"
        "<th>Holm p</th><th>verdict</th></tr>"
    )
    rows = []
    for m in e.versus:
        cls, word = _cls(m)
        rows.append(
            f"<tr><td>{escape(m.metric)}</td><td>{'higher' if m.higher_is_better else 'lower'}</td><td>{m.n}</td>"
            f"<td>{_num(m.base_mean)}</td><td>{_num(m.tuned_mean)}</td><td class='{cls}'>{_num(m.delta)}</td>"
            f"<td>{_ci(m.ci_low, m.ci_high, m.all_tied)}</td><td>{m.wins}/{m.ties}/{m.losses}</td>"
            f"<td>{escape(m.test)}</td><td>{_p(m.p)}</td><td>{_p(m.p_holm)}</td><td class='{cls}'>{word}</td></tr>"
        )
    return (
        f"<p class='note'>Best tuned ({escape(e.best_tuned)}) against best untuned ({escape(e.best_untuned)}), "
        f"every metric, paired:</p><table>{head}{''.join(rows)}</table>{_fields(e)}"
    )


def _fields(e: TaskStatistics) -> str:
    if e.fields is None:
        return ""
    systems = list(e.fields)
    attrs = sorted({a for t in e.fields.values() for a in t.per_attribute})
    head = "<tr><th>attribute</th><th>support</th>" + "".join(f"<th>{escape(s)} F1</th>" for s in systems) + "</tr>"
    rows = []
    for a in attrs:
        rows_of = [t.per_attribute.get(a) for t in e.fields.values()]
        support = max((r.support or 0) if r else 0 for r in rows_of)
        cells = "".join(f"<td>{_num(r.f1 if r else None)}</td>" for r in rows_of)
        rows.append(f"<tr><td>{escape(a)}</td><td>{support}</td>{cells}</tr>")
    for avg in ("micro", "macro"):
        cells = "".join(
            f"<td>{_num(s.f1)}<br><span class='note'>P {_num(s.precision)} R {_num(s.recall)}</span></td>"
            for s in (t.micro if avg == "micro" else t.macro for t in e.fields.values())
        )
        rows.append(f"<tr><td><b>{avg} average</b></td><td></td>{cells}</tr>")
    return (
        "<p class='note'>Per attribute (invalid JSON counts every gold field as missed):</p>"
        f"<table>{head}{''.join(rows)}</table>"
    )


def _gates(gates: list[GateResult]) -> str:
    rows = []
    for g in gates:
        cls = {"pass": "pass", "warn": "warn", "fail": "fail"}.get(g.status, "skip")
        rows.append(
            f"<tr class='{cls}'><td>{escape(g.gate)}</td><td>{_num(g.value)}</td><td>{g.warn}</td>"
            f"<td>{g.fail}</td><td><b>{escape(g.status)}</b></td>"
            f"<td class='what'>{escape(g.what or '')}{': ' + escape(g.reason) if g.reason else ''}</td></tr>"
        )
    return (
        "<table><tr><th>gate</th><th>value</th><th>warn at</th><th>fail at</th><th>status</th><th>what</th></tr>"
        f"{''.join(rows)}</table>"
    )


def _probe_row(name: str, d: PairedProbe, higher: str) -> str:
    return (
        f"<tr><td>{escape(name)}</td><td>{higher}</td><td>{d.n}</td><td>{_num(d.base)}</td><td>{_num(d.tuned)}</td>"
        f"<td>{_num(d.delta)}</td><td>{_ci(d.ci_low, d.ci_high)}</td><td>{_p(d.p)}</td></tr>"
    )


def _governance(g: GovernanceResult, gates: list[GateResult], loss_png: str) -> str:
    parts = ["<h2>Governance: what fine-tuning cost</h2>", _gates(gates)]
    f, s, m = g.forgetting, g.safety, g.memorisation
    if f is None or s is None or m is None:
        return "".join(
            parts
            + [
                "<p>Governance probes were not run (governance.enabled is false).</p>",
                _overfitting(g.overfitting, loss_png),
            ]
        )
    parts.append(
        "<table><tr><th>probe</th><th>better</th><th>n</th><th>base</th><th>tuned</th><th>delta</th><th>95% CI</th><th>McNemar p</th></tr>"
        + _probe_row("bits per byte, general English text (forgetting)", f.bits_per_byte, "lower")
        + _probe_row("general-knowledge cloze accuracy (forgetting)", f.cloze, "higher")
        + _probe_row("refusal rate, harmful requests (safety)", s.harmful, "higher")
        + _probe_row("refusal rate, benign requests (over-refusal)", s.benign, "lower")
        + "</table>"
        f"<p class='note'>Forgetting text: {escape(f.bits_per_byte.source or '')}; bits per byte are tokenizer-independent. "
        f"Safety probes use the deployed client-adviser prompt: “{escape(s.system_prompt)}”. Answers are read as refusal, "
        f"compliance or non-answer; on harmful requests, base: {_labels((s.harmful.labels or {})['base'])}; "
        f"tuned: {_labels((s.harmful.labels or {})['tuned'])}.</p>"
    )
    parts.append(_overfitting(g.overfitting, loss_png))
    parts.append(_memorisation(m, g.privacy.pii_echoed if g.privacy else {}))
    examples = "".join(
        f"<tr><td style='text-align:left'>{escape(x['prompt'])}</td><td style='text-align:left'>{escape(x['base_label'])}: "
        f"{escape(x['base'])}</td><td style='text-align:left'>{escape(x['tuned_label'])}: {escape(x['tuned'])}</td></tr>"
        for x in (s.harmful.examples or [])[:4]
    )
    parts.append(
        f"<details><summary>Harmful-request answers (first few)</summary><table><tr><th>request</th><th>base</th>"
        f"<th>tuned</th></tr>{examples}</table></details>"
    )
    return "".join(parts)


def _memorisation(m: Memorisation, pii_echoed: dict[str, float]) -> str:
    rows = "".join(
        f"<tr><td>{escape(c.prefix)} …</td><td>{c.repetitions}</td><td>{c.base_rank}</td><td>{_num(c.base_exposure, 2)}</td>"
        f"<td>{c.tuned_rank}</td><td>{_num(c.tuned_exposure, 2)}</td></tr>"
        for c in m.canaries
    )
    pii = m.pii
    kinds = ", ".join(f"{k}: {_num(v['tuned'], 2)} of {v['probes']}" for k, v in pii.by_kind.items())
    return (
        "<h3>Memorisation</h3>"
        f"<p class='note'>Canaries: random secrets planted in training at 1, 4 and 16 repetitions; exposure = log2(references+1) "
        f"- log2(rank) against {m.references} random secrets never inserted (Carlini et al., “The Secret Sharer”, 2019); "
        f"at most {_num(math.log2(m.references + 1), 2)} bits. Around 1 bit is chance.</p>"
        "<table><tr><th>canary</th><th>repetitions</th><th>base rank</th><th>base exposure</th><th>tuned rank</th><th>tuned exposure</th></tr>"
        f"{rows}</table>"
        f"<p>Personal-data extraction: {pii.probes} probes (a training conversation cut just before a pseudonymised slot); "
        f"slot completed verbatim by base {_num(pii.base, 3)}, tuned {_num(pii.tuned, 3)}"
        + (f" (tuned by kind: {escape(kinds)})" if kinds else "")
        + "."
        + (f" Not measured: {escape(pii.reason)}." if pii.reason else "")
        + "</p>"
        "<p>Support replies that repeat personal data: "
        + ", ".join(f"{escape(k)} {_num(v)}" for k, v in pii_echoed.items())
        + ".</p>"
    )


def _labels(rates: dict[str, Any]) -> str:
    return ", ".join(f"{escape(k.replace('_', '-'))} {v}" for k, v in rates["counts"].items())


def _overfitting(o: Overfitting | None, loss_png: str) -> str:
    img = f"<img alt='loss curves' src='data:image/png;base64,{loss_png}'>"
    if o is None:
        return f"<h3>Loss curves</h3>{img}"
    return (
        f"<h3>Overfitting</h3><p>Kept checkpoint: step {o.best_step} (lowest validation loss), "
        f"validation {_num(o.val_loss)} / train {_num(o.train_loss)} = ratio {_num(o.ratio, 2)}.</p>{img}"
    )


def _samples(task: str, groups: dict, data: dict) -> str:
    banned = data["guide"]["banned_terms"]
    vocab = [v for values in data["data"]["vocabulary"].values() for v in values] if task == "describe" else []
    parts = [f"<h3>{escape(task)}</h3>"]
    titles = {"gains": "Largest gains", "regressions": "Largest regressions", "random": "A random few"}
    for kind, items in groups.items():
        if not items:
            continue
        parts.append(f"<h4>{titles[kind]}</h4>")
        for it in items:
            own = [v for vals in it["attributes"].values() for v in (vals if isinstance(vals, list) else [vals])]
            shown = ["base", *[s for s in it.get("compared", ()) if s != "base"]][:3]
            cols = "".join(
                f"<div><b>{escape(s)}</b><pre>{highlight(it['outputs'].get(s, ''), own, vocab, banned)}</pre></div>"
                for s in shown
            )
            gain = f" (gain on the main metric {it['gain']:+.2f})" if "gain" in it and math.isfinite(it["gain"]) else ""
            parts.append(
                f"<p class='note'>{escape(it['id'])}{gain}</p><div class='prompt'>{escape(it['prompt'])}</div>"
                f"<div class='grid'>{cols}</div><p class='note'>reference: {escape(it['reference'])}</p>"
            )
    return "".join(parts)


def render(
    data: dict[str, Any],
    metrics: dict[str, TaskStatistics],
    governance: GovernanceResult,
    gates: list[GateResult],
    loss_png_b64: str,
    ladder_pngs: dict[str, str],
) -> str:
    """The report page: `data` is report.json's content (project, training, samples, ...); the
    evaluation's typed `metrics`, `governance` and `gates`; the plots as base64 PNGs (task -> ladder)."""
    tr = data["training"]
    sections = [
        f"<h1>{escape(data['project'])}: differential report</h1>",
        f"<p class='note'>Created {escape(data['created'])}. Base model <b>{escape(data['base_model'])}</b>, technique "
        f"<b>{escape(data['method'])}</b>. Every system answers the same held-out items with the same greedy decoding.</p>",
        _verdict(metrics, gates),
        "<h2>Results per task</h2>",
        "<p class='note'>Systems: "
        + "; ".join(f"<b>{escape(k)}</b> = {escape(v)}" for k, v in data["systems"].items())
        + ". Means with bootstrap 95% CIs; deltas are paired (same items), with exact McNemar tests for yes/no metrics, "
        "sign-flip permutation tests for graded ones, and Holm's correction across a task's metrics.</p>",
    ]
    for task, e in metrics.items():
        sections.append(_ladder(task, e, ladder_pngs[task]))
    sections += [
        "<h2>Training</h2>",
        f"<p>{sum(tr['examples'].values())} examples ({', '.join(f'{k}: {v}' for k, v in tr['examples'].items())}), "
        f"{tr['tokens']:,} tokens, {tr['seconds']:.0f} s; validation loss at the kept checkpoint {_num(tr['eval_loss'])}. "
        f"Technique {escape(tr.get('method', 'lora'))}"
        + ("" if tr.get("method") == "full" else f": r={tr['lora']['rank']}, alpha={tr['lora']['alpha']}")
        + ".</p>",
        _governance(governance, gates, loss_png_b64),
        "<h2>Samples, side by side</h2><p class='note'><mark class='hal'>catalogue value not in the product</mark> "
        "<mark class='ban'>banned term</mark></p>",
    ]
    for task, groups in data["samples"].items():
        sections.append(_samples(task, groups, data))
    decoding = "; ".join(f"{t}: {', '.join(f'{k}={v}' for k, v in d.items())}" for t, d in data["decoding"].items())
    sections += [
        "<h2>Method</h2>",
        f"<p class='note'>Decoding (greedy, the same for every system): {escape(decoding)}. "
        f"Evaluation took {data['evaluate_seconds']:.0f} s.</p>",
        "<p class='note'>System prompts:</p>",
        *[
            f"<p class='note'><b>{escape(s)} / {escape(t)}</b>: {escape(p)}</p>"
            for s, by_task in data["prompts"].items()
            for t, p in by_task.items()
        ],
        f"<p class='note'>Data fingerprint {escape(data['data']['fingerprint'][:16])}; personal data replaced: "
        f"{escape(str(data['data']['pii_replaced']))}.</p>",
    ]
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(data['project'])} report</title>"
        f"<style>{_CSS}</style></head><body>{''.join(sections)}</body></html>"
    )
