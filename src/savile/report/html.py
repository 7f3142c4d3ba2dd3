"""Render the report data as one self-contained HTML page (inline CSS, plots as data URIs)."""

from __future__ import annotations

import math
from html import escape

__all__ = ["render"]

_CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:70rem;color:#222;padding:0 1rem}
h1{font-weight:600}h2{margin-top:2.2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.6rem 0}td,th{border:1px solid #ddd;padding:.3rem .6rem;text-align:right}
th{background:#f6f4f0}td:first-child,th:first-child{text-align:left}
.good{color:#0a6b2d;font-weight:600}.bad{color:#a31515;font-weight:600}.flat{color:#666}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1rem}.pair pre,.prompt{white-space:pre-wrap;background:#faf9f7;padding:.6rem;border:1px solid #eee;margin:0}
.note{color:#555;font-size:.9rem}
"""


def _num(x: float, digits: int = 3) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def _verdict(m: dict) -> tuple[str, str]:
    if m["improved"]:
        return "good", "tuned better"
    if m["ci_low"] is not None and not math.isnan(m["ci_low"]) and (m["ci_low"] > 0 or m["ci_high"] < 0):
        return "bad", "tuned worse"
    return "flat", "no clear difference"


def _metrics_table(metrics: list[dict]) -> str:
    head = ("<tr><th>metric</th><th>better</th><th>n</th><th>base</th><th>tuned</th><th>delta</th>"
            "<th>95% CI</th><th>wins/ties/losses</th><th>McNemar p</th><th>verdict</th></tr>")
    rows = []
    for m in metrics:
        cls, word = _verdict(m)
        p = m.get("mcnemar_p")
        p = "" if p is None else "&lt;0.0001" if p < 1e-4 else _num(p, 4)
        rows.append(
            f"<tr><td>{escape(m['metric'])}</td><td>{'higher' if m['higher_is_better'] else 'lower'}</td>"
            f"<td>{m['n']}</td><td>{_num(m['base_mean'])}</td><td>{_num(m['tuned_mean'])}</td>"
            f"<td class='{cls}'>{_num(m['delta'])}</td><td>[{_num(m['ci_low'])}, {_num(m['ci_high'])}]</td>"
            f"<td>{m['wins']}/{m['ties']}/{m['losses']}</td><td>{p}</td><td class='{cls}'>{word}</td></tr>"
        )
    return f"<table>{head}{''.join(rows)}</table>"


def _samples(task: str, items: list[dict]) -> str:
    parts = []
    for it in items:
        parts.append(
            f"<h4>{escape(it['id'])}</h4><div class='prompt'>{escape(it['prompt'])}</div>"
            f"<div class='pair'><div><b>base</b><pre>{escape(it.get('base', ''))}</pre></div>"
            f"<div><b>tuned</b><pre>{escape(it.get('tuned', ''))}</pre></div></div>"
            f"<p class='note'>reference: {escape(it['reference'])}</p>"
        )
    return "".join(parts)


def render(data: dict, loss_png_b64: str) -> str:
    tr = data["training"]
    sections = [
        f"<h1>{escape(data['project'])}: differential report</h1>",
        f"<p class='note'>Created {escape(data['created'])}. Base model <b>{escape(data['base_model'])}</b>, "
        f"technique <b>{escape(data['method'])}</b>. Systems: "
        + "; ".join(f"<b>{escape(k)}</b> = {escape(v)}" for k, v in data["systems"].items())
        + ". Same held-out items, same greedy decoding for both; deltas are tuned minus base with paired "
          "bootstrap 95% confidence intervals.</p>",
        "<h2>Results</h2>",
    ]
    for task, metrics in data["metrics"].items():
        sections.append(f"<h3>{escape(task)}</h3>{_metrics_table(metrics)}")
    sections += [
        "<h2>Training</h2>",
        f"<p>{sum(tr['examples'].values())} examples ({', '.join(f'{k}: {v}' for k, v in tr['examples'].items())}), "
        f"{tr['tokens']:,} tokens, {tr['seconds']:.0f} s; held-out loss {_num(tr['eval_loss'])}. "
        f"LoRA r={tr['lora']['rank']}, alpha={tr['lora']['alpha']}.</p>",
        f"<img alt='training loss curve' src='data:image/png;base64,{loss_png_b64}'>",
        "<h2>Samples, side by side</h2>",
    ]
    for task, items in data["samples"].items():
        sections.append(f"<h3>{escape(task)}</h3>{_samples(task, items)}")
    decoding = "; ".join(f"{t}: {', '.join(f'{k}={v}' for k, v in d.items())}" for t, d in data["decoding"].items())
    sections += [
        "<h2>Method</h2>",
        f"<p class='note'>Decoding (greedy): {escape(decoding)}.</p>",
        "<p class='note'>System prompts:</p>",
        *[f"<p class='note'><b>{escape(s)} / {escape(t)}</b>: {escape(p)}</p>"
          for s, by_task in data["prompts"].items() for t, p in by_task.items()],
        f"<p class='note'>Data fingerprint {escape(data['data']['fingerprint'][:16])}; personal data replaced: "
        f"{escape(str(data['data']['pii_replaced']))}.</p>",
    ]
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(data['project'])} report</title>"
            f"<style>{_CSS}</style></head><body>{''.join(sections)}</body></html>")
