"""`savile report`: one self-contained HTML file, a JSON file, and the adapter's model card.

    report = savile.report.run(cfg, prepared, trained, evaluated)

The HTML opens on the verdict, then the ladder per task with CIs, per-attribute tables, loss
curves, the governance section with its gates and side-by-side samples; it loads nothing from
outside. The model card (README.md in the adapter folder) is what the Hugging Face Hub shows.
"""

from __future__ import annotations

import base64
import datetime as dt
import json

from savile import atomic
from savile.config import Config
from savile.data.guide import brand_guide
from savile.records import EvalResult, PreparedData, ReportResult, TrainedModel
from savile.report.card import model_card
from savile.report.html import render
from savile.report.plots import ladder_png, loss_curve_png
from savile.report.samples import pick_samples

__all__ = ["run"]


def run(cfg: Config, prepared: PreparedData, trained: TrainedModel, evaluated: EvalResult) -> ReportResult:
    """Write runs/report/ (report.html, report.json) and the model card into the adapter folder."""
    rows = [json.loads(line) for line in evaluated.examples_path.read_text(encoding="utf-8").splitlines() if line]
    guide = brand_guide(cfg)
    data = {
        "project": cfg.project,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "base_model": trained.base_model,
        "method": trained.method,
        "systems": evaluated.systems,
        "metrics": {t: s.to_dict() for t, s in evaluated.metrics.items()},
        "governance": evaluated.governance.to_dict(),
        "gates": [g.to_dict() for g in evaluated.gates],
        "decoding": evaluated.decoding,
        "prompts": evaluated.prompts,
        "guide": {"banned_terms": guide.banned_terms, "preferred_terms": guide.preferred_terms},
        "data": {
            "counts": prepared.counts,
            "fingerprint": prepared.fingerprint,
            "pii_replaced": prepared.pii_replaced,
            "vocabulary": prepared.vocabulary,
        },
        "training": {
            "examples": trained.train_examples,
            "tokens": trained.train_tokens,
            "seconds": trained.train_seconds,
            "eval_loss": trained.eval_loss,
            "loss_history": trained.loss_history,
            "loss_curves": trained.loss_curves,
            "best_step": trained.best_step,
            "method": trained.method,
            "lora": cfg.technique.lora.model_dump() | {"alpha": cfg.technique.lora.scale_alpha},
        },
        "samples": pick_samples(rows, evaluated.metrics, seed=cfg.evaluate.seed),
        "evaluate_seconds": evaluated.seconds,
    }
    out = cfg.stage_dir("report")
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / "report.json"
    atomic.write_text(json_path, json.dumps(data, indent=2, ensure_ascii=False, allow_nan=True))
    b64 = lambda png: base64.b64encode(png).decode()  # noqa: E731
    loss = b64(loss_curve_png(trained.loss_history, trained.loss_curves, trained.best_step))
    ladders = {t: b64(ladder_png(t, e.main, e.means)) for t, e in evaluated.metrics.items()}
    html_path = out / "report.html"
    atomic.write_text(html_path, render(data, evaluated.metrics, evaluated.governance, evaluated.gates, loss, ladders))
    card_path = trained.adapter_dir / "README.md"
    atomic.write_text(card_path, model_card(cfg, prepared, trained, evaluated))
    record = ReportResult(html_path=html_path, json_path=json_path, card_path=card_path)
    record.save(out)
    return record
