"""`savile report`: one self-contained HTML file and a JSON file from the evaluate stage.

    report = savile.report.run(cfg, prepared, trained, evaluated)

The HTML holds the results table with paired 95% CIs, the training loss curve and side-by-side
base/tuned samples per task; it loads no external resource.
"""

from __future__ import annotations

import base64
import datetime as dt
import json

from savile.config import Config
from savile.records import EvalResult, PreparedData, ReportResult, TrainedModel
from savile.report.html import render
from savile.report.plots import loss_curve_png

__all__ = ["run", "SAMPLES_PER_TASK"]

SAMPLES_PER_TASK = 3


def run(cfg: Config, prepared: PreparedData, trained: TrainedModel, evaluated: EvalResult) -> ReportResult:
    rows = [json.loads(line) for line in evaluated.examples_path.read_text(encoding="utf-8").splitlines()]
    data = {
        "project": cfg.project,
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "base_model": trained.base_model,
        "method": trained.method,
        "systems": evaluated.systems,
        "metrics": evaluated.metrics,
        "decoding": evaluated.decoding,
        "prompts": evaluated.prompts,
        "data": {"counts": prepared.counts, "fingerprint": prepared.fingerprint, "pii_replaced": prepared.pii_replaced},
        "training": {"examples": trained.train_examples, "tokens": trained.train_tokens, "seconds": trained.train_seconds,
                     "eval_loss": trained.eval_loss, "loss_history": trained.loss_history, "lora": cfg.train.lora.model_dump()},
        "samples": _samples(rows),
        "evaluate_seconds": evaluated.seconds,
    }
    out = cfg.stage_dir("report")
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / "report.json"
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=True), encoding="utf-8")
    png = base64.b64encode(loss_curve_png(trained.loss_history, trained.eval_loss)).decode()
    html_path = out / "report.html"
    html_path.write_text(render(data, loss_png_b64=png), encoding="utf-8")
    record = ReportResult(html_path=html_path, json_path=json_path)
    record.save(out)
    return record


def _samples(rows: list[dict]) -> dict[str, list[dict]]:
    """The first items of each task (items are a seeded sample already), base and tuned side by side."""
    paired: dict[tuple[str, str], dict] = {}
    for r in rows:
        item = paired.setdefault((r["task"], r["id"]), {"id": r["id"], "prompt": r["prompt"], "reference": r["reference"]})
        item[r["system"]] = r["output"]
        item[f"{r['system']}_scores"] = r["scores"]
    out: dict[str, list[dict]] = {}
    for (task, _), item in paired.items():
        if len(out.setdefault(task, [])) < SAMPLES_PER_TASK:
            out[task].append(item)
    return out
