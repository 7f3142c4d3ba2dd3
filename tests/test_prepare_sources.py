"""`savile prepare` on a brand's own formats: mapped columns, XLSX, helpdesk exports, quarantine, limits."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest
from conftest import write_config

from savile.config import load_config
from savile.errors import DataError


def _prepare(folder, sources, **sections):
    from savile.data import prepare

    folder.mkdir(parents=True, exist_ok=True)
    return prepare.run(load_config(write_config(folder, sources, **sections)))


def _as_xlsx_with_brand_columns(src, dst):
    from openpyxl import Workbook

    rows = list(csv.reader(src.open(encoding="utf-8")))
    rows[0] = ["Farbe" if c == "colour" else "Article" if c == "sku" else c for c in rows[0]]
    wb = Workbook()
    ws = wb.active
    ws.title = "Products"
    for row in rows:
        ws.append(row)
    wb.save(dst)


def _as_helpdesk_csv(src, dst):
    with dst.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["ticket_id", "author_role", "timestamp", "body"])
        for line in src.read_text(encoding="utf-8").splitlines():
            conv = json.loads(line)
            for minute, m in reversed(list(enumerate(conv["messages"]))):  # written out of order on purpose
                role = "end-user" if m["role"] == "user" else "agent"
                out.writerow([conv["id"], role, f"2026-03-01 10:{minute:02d}:00", m["content"]])


def test_xlsx_catalogue_with_mapped_columns_and_helpdesk_export(tmp_path, demo_sources, monkeypatch):
    monkeypatch.setenv("SAVILE_PII_KEY", "one key for both runs")  # same pseudonyms, same near-duplicates
    xlsx, tickets = tmp_path / "catalogue.xlsx", tmp_path / "tickets.csv"
    _as_xlsx_with_brand_columns(demo_sources.catalogue, xlsx)
    _as_helpdesk_csv(demo_sources.conversations, tickets)
    sources = type(demo_sources)(xlsx, demo_sources.brand_guide, tickets, demo_sources.policies)
    mapped = _prepare(tmp_path, sources, catalogue={"columns": {"colour": "Farbe", "sku": "Article"}})
    baseline = _prepare(tmp_path / "base", demo_sources)
    assert mapped.counts == baseline.counts
    first = json.loads(mapped.train_path.read_text().splitlines()[0])
    assert first["messages"][1]["role"] == "user"


def test_a_mapped_column_that_does_not_exist_names_the_file_and_the_fix(tmp_path, demo_sources):
    with pytest.raises(DataError, match="Farbe.*catalogue.columns"):
        _prepare(tmp_path, demo_sources, catalogue={"columns": {"colour": "Farbe"}})


def test_too_many_rejected_records_fail_naming_the_source(tmp_path, demo_sources):
    lines = demo_sources.conversations.read_text(encoding="utf-8").splitlines()
    broken = lines + ["{not json"] * 10  # 10 of 100 records: over the default 5%
    bad = tmp_path / "conversations.jsonl"
    bad.write_text("\n".join(broken) + "\n", encoding="utf-8")
    sources = type(demo_sources)(demo_sources.catalogue, demo_sources.brand_guide, bad, demo_sources.policies)
    config = write_config(tmp_path, sources)
    proc = subprocess.run([sys.executable, "-m", "savile", "prepare", str(config)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "conversations.jsonl" in proc.stderr and "prepare.max_reject_share" in proc.stderr
    relaxed = _prepare(tmp_path / "relaxed", sources, prepare={"max_reject_share": 0.2})
    quarantined = [json.loads(line) for line in relaxed.quarantine_path.read_text().splitlines()]
    assert sum(1 for q in quarantined if q["reason"].startswith("broken JSON")) == 10
    assert relaxed.rejected["broken JSON"] == 10


def test_long_examples_are_dropped_and_counted_never_truncated(tmp_path, demo_sources):
    prepared = _prepare(tmp_path, demo_sources, prepare={"max_tokens": 190})
    assert prepared.dropped["too long"] > 0
    rows = [json.loads(line) for line in prepared.train_path.read_text().splitlines()]
    assert max(r["n_tokens"] for r in rows) <= 190
    quarantined = prepared.quarantine_path.read_text()
    assert quarantined.count("too long") == prepared.dropped["too long"]


def test_data_card_shows_loss_masks_warnings_and_rejections(tmp_path, demo_sources):
    prepared = _prepare(tmp_path, demo_sources)
    card = prepared.card_path.read_text(encoding="utf-8")
    for task in ("describe", "support", "extract"):
        assert card.count(f"### {task}: ") == 2
    assert card.count("No loss on these") == 6 and "<|im_start|>assistant" in card
    assert prepared.warnings and "fewer than prepare.min_train_examples=500" in card
    assert "Personal data found and replaced" in card and "Examples dropped" in card


def test_multi_valued_attributes_reach_prompts_and_gold_as_lists(tmp_path, demo_sources):
    rows = list(csv.DictReader(demo_sources.catalogue.open(encoding="utf-8")))
    for row in rows:  # a lining material, named in the copy, as a second value
        if row["description"]:
            row["material"] += " | Nuage silk twill"
            row["description"] += " Lined in Nuage silk twill."
    path = tmp_path / "catalogue.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    sources = type(demo_sources)(path, demo_sources.brand_guide, demo_sources.conversations, demo_sources.policies)
    prepared = _prepare(tmp_path, sources, catalogue={"multi_valued": ["material"]})
    examples = [json.loads(line) for line in prepared.train_path.read_text().splitlines()]
    describe = next(e for e in examples if e["task"] == "describe")
    assert len(describe["meta"]["attributes"]["material"]) == 2
    assert ", Nuage silk twill" in describe["messages"][1]["content"]
    extract = next(e for e in examples if e["task"] == "extract")
    assert "Nuage silk twill" in json.loads(extract["messages"][-1]["content"])["material"]
    assert "Nuage silk twill" in prepared.vocabulary["material"]
