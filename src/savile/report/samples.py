"""Side-by-side samples for the report: the largest gains, the largest regressions and a random few.

Items are ranked by the task's main metric, best tuned system minus best untuned one. Each
answer is returned as HTML with catalogue values that are not the product's own (hallucinated
attributes) and the brand's banned terms highlighted.
"""

from __future__ import annotations

import math
import random
import re
from html import escape

from savile.records.evaluation import TaskStatistics

__all__ = ["pick_samples", "highlight"]


def pick_samples(
    rows: list[dict], metrics: dict[str, TaskStatistics], per_kind: int = 2, seed: int = 0
) -> dict[str, dict[str, list[dict]]]:
    """task -> {"gains", "regressions", "random"} -> items with every system's output and scores, from
    the per-example `rows` and each task's statistics (its main metric, best tuned and untuned system)."""
    items: dict[tuple[str, str], dict] = {}
    for r in rows:
        item = items.setdefault(
            (r["task"], r["id"]),
            {
                "id": r["id"],
                "task": r["task"],
                "prompt": r["prompt"],
                "reference": r["reference"],
                "attributes": r.get("attributes", {}),
                "outputs": {},
                "scores": {},
            },
        )
        item["outputs"][r["system"]] = r["output"]
        item["scores"][r["system"]] = r["scores"]
    rng = random.Random(seed)
    out: dict[str, dict[str, list[dict]]] = {}
    for task, entry in metrics.items():
        tuned, untuned, main = entry.best_tuned, entry.best_untuned, entry.main
        task_items = sorted((it for (t, _), it in items.items() if t == task), key=lambda it: it["id"])
        if not tuned or not untuned:
            out[task] = {"random": rng.sample(task_items, min(per_kind, len(task_items)))}
            continue
        for it in task_items:
            it["compared"] = (untuned, tuned)
            a, b = it["scores"][untuned].get(main, math.nan), it["scores"][tuned].get(main, math.nan)
            it["gain"] = b - a if math.isfinite(a) and math.isfinite(b) else math.nan
        scored = [it for it in task_items if math.isfinite(it["gain"])]
        gains = [it for it in sorted(scored, key=lambda it: -it["gain"]) if it["gain"] > 0][:per_kind]
        losses = [it for it in sorted(scored, key=lambda it: it["gain"]) if it["gain"] < 0][:per_kind]
        rest = [it for it in task_items if it not in gains and it not in losses]
        out[task] = {"gains": gains, "regressions": losses, "random": rng.sample(rest, min(per_kind, len(rest)))}
    return out


def _pattern(values: list[str]) -> re.Pattern[str] | None:
    values = sorted({v for v in values if v.strip()}, key=len, reverse=True)
    if not values:
        return None
    return re.compile("|".join(rf"(?<!\w){re.escape(v)}(?!\w)" for v in values), re.IGNORECASE)


def highlight(text: str, own: list[str], vocabulary: list[str], banned: list[str]) -> str:
    """Escaped text with `<mark class=hal>` on vocabulary values that are not the item's own and
    `<mark class=ban>` on banned terms. Matching ignores case; own values are masked first, so
    "Noir" inside an own "Noir Minuit" is not marked."""
    own_set = {v.casefold() for v in own}
    spans: list[tuple[int, int, str]] = []
    taken = [False] * len(text)
    for cls, values in (("own", own), ("hal", [v for v in vocabulary if v.casefold() not in own_set]), ("ban", banned)):
        pattern = _pattern(values)
        if pattern is None:
            continue
        for m in pattern.finditer(text):
            if any(taken[m.start() : m.end()]):
                continue
            taken[m.start() : m.end()] = [True] * (m.end() - m.start())
            if cls != "own":
                spans.append((m.start(), m.end(), cls))
    pieces, pos = [], 0
    for start, end, cls in sorted(spans):
        pieces += [escape(text[pos:start]), f"<mark class='{cls}'>{escape(text[start:end])}</mark>"]
        pos = end
    return "".join([*pieces, escape(text[pos:])])
