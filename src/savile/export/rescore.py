"""Re-score exports on held-out items beside the unexported tuned model, on each task's main metric.

    items = held_out_items(cfg, prepared)
    answers = {"unexported": reference_answers(cfg, trained, guide, items, out_dir),
               "gguf q8_0": answer(cfg, guide, model, tokenizer, items)}
    scores = main_metric_drops(cfg, prepared, guide, items, answers)

Every artefact answers the same items with the tuned rung's prompts and the same greedy decoding
as `savile evaluate`, and is scored by evaluate's own scoring; the drop is the unexported model's
mean minus the export's, per task.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

from savile.config import Config
from savile.data.guide import BrandGuide
from savile.evaluate.answer import answer_items
from savile.evaluate.run import MAIN_METRIC, select_items
from savile.evaluate.score import score_items
from savile.evaluate.stats import finite_mean
from savile.evaluate.systems import Ladder
from savile.records import PreparedData, TrainedModel

__all__ = ["held_out_items", "answer", "reference_answers", "main_metric_drops", "REFERENCE"]

REFERENCE = "unexported"


def held_out_items(cfg: Config, prepared: PreparedData) -> list[dict]:
    """The held-out items exports are re-scored on: the one place export reads the held-out split."""
    return select_items(prepared, list(cfg.prepare.tasks), cfg.export.max_items_per_task, cfg.evaluate.seed)


def answer(cfg: Config, guide: BrandGuide, model: Any, tokenizer: Any, items: list[dict], label: str) -> dict[str, str]:
    """Item id -> the model's greedy answer, prompted as the tuned rung of `savile evaluate` is."""
    from savile.train.hardware import use_bf16

    ladder = Ladder(cfg, guide, {}, None)  # the tuned rung needs no retrieval index
    bf16 = use_bf16(cfg.train.precision)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    answers: dict[str, str] = {}
    for task in cfg.prepare.tasks:
        task_items = [e for e in items if e["task"] == task]
        if not task_items:
            continue
        chats = ladder.chats("tuned", task, task_items)
        got, _ = answer_items(
            model,
            tokenizer,
            task_items,
            chats,
            getattr(cfg.evaluate, task),
            cfg.evaluate.batch_size,
            bf16,
            label=f"{task}: {label}",
        )
        answers.update(got)
    return answers


def reference_answers(
    cfg: Config, trained: TrainedModel, guide: BrandGuide, items: list[dict], folder: Path
) -> dict[str, str]:
    """The unexported tuned model's answers, cached under `folder` so each format does not regenerate them."""
    key = _reference_key(cfg, trained, items)
    cache = folder / "reference.json"
    if cache.exists():
        data = json.loads(cache.read_text(encoding="utf-8"))
        if data.get("key") == key:
            return data["answers"]
    from transformers import AutoTokenizer

    from savile.evaluate.model import load_model

    model = load_model(Path(trained.base_path), trained)
    tokenizer = AutoTokenizer.from_pretrained(trained.base_path)
    answers = answer(cfg, guide, model, tokenizer, items, REFERENCE)
    folder.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({"key": key, "answers": answers}, ensure_ascii=False, indent=1), encoding="utf-8")
    return answers


def _reference_key(cfg: Config, trained: TrainedModel, items: list[dict]) -> str:
    """Changes whenever the trained artefact, the items, the decoding or the precision change."""
    weights = sorted(
        (p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in trained.adapter_dir.glob("*.safetensors")
    )
    parts = [
        str(trained.adapter_dir),
        weights,
        [e["id"] for e in items],
        cfg.train.precision,
        {t: getattr(cfg.evaluate, t).model_dump() for t in cfg.prepare.tasks},
    ]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]


def main_metric_drops(
    cfg: Config, prepared: PreparedData, guide: BrandGuide, items: list[dict], answers: dict[str, dict[str, str]]
) -> list[dict[str, Any]]:
    """One row per (export, task): main metric of the unexported model and of the export, the drop."""
    rows = score_items(cfg, prepared, guide, items, answers)
    means = {
        (r_system, task): finite_mean(
            [r["scores"][MAIN_METRIC[task]] for r in rows if r["system"] == r_system and r["task"] == task]
        )
        for r_system in answers
        for task in {e["task"] for e in items}
    }
    out = []
    for artefact in answers:
        if artefact == REFERENCE:
            continue
        for task in cfg.prepare.tasks:
            if (artefact, task) not in means:
                continue
            ref, got = means[(REFERENCE, task)], means[(artefact, task)]
            drop = ref - got if math.isfinite(ref) and math.isfinite(got) else math.nan
            out.append(
                {
                    "artefact": artefact,
                    "task": task,
                    "metric": MAIN_METRIC[task],
                    "unexported": ref,
                    "exported": got,
                    "drop": drop,
                    "items": sum(1 for e in items if e["task"] == task),
                    "too_large": bool(math.isfinite(drop) and drop > cfg.export.max_drop),
                }
            )
    return out
