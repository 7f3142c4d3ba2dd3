"""`savile init FOLDER`: a starter config from a folder of brand files, each guess with its evidence."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest
from exported_brand import write_second_brand

from savile.config import load_config
from savile.data.starter import write_starter
from savile.errors import DataError

# The demo's catalogue columns renamed as another house's ERP would name them; colour and origin get
# names that say nothing, so only their values can give them away.
RENAMED = {
    "sku": "Artikelnummer",
    "name": "Bezeichnung",
    "collection": "Kollektion",
    "category": "Kategorie",
    "material": "Werkstoff",
    "colour": "Attr 7",
    "origin": "Spalte 9",
    "price_eur": "Preis",
}


@pytest.fixture()
def reshaped_demo(tmp_path, demo_sources):
    """The demo's files renamed and reshaped: a TSV catalogue, a helpdesk export, other file names."""
    folder = tmp_path / "house"
    folder.mkdir()
    rows = list(csv.DictReader(demo_sources.catalogue.open(encoding="utf-8")))
    with (folder / "Produktliste.tsv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter="\t")
        out.writerow([RENAMED.get(c, c) for c in rows[0]])
        out.writerows(list(r.values()) for r in rows)
    with (folder / "tickets_export.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["Case ID", "Sender", "Created At", "Comment"])
        for line in demo_sources.conversations.read_text(encoding="utf-8").splitlines():
            conv = json.loads(line)
            for minute, m in enumerate(conv["messages"]):
                out.writerow(
                    [
                        conv["id"],
                        "client" if m["role"] == "user" else "advisor",
                        f"2026-03-01 10:{minute:02d}:00",
                        m["content"],
                    ]
                )
    (folder / "house_style.yaml").write_bytes(demo_sources.brand_guide.read_bytes())
    (folder / "client_policies.md").write_bytes(demo_sources.policies.read_bytes())
    return folder


def test_init_on_the_demo_renamed_and_reshaped(reshaped_demo):
    guesses, path = write_starter(reshaped_demo)
    cfg = load_config(path)
    assert (
        cfg.sources.catalogue.name,
        cfg.sources.conversations.name,
        cfg.sources.brand_guide.name,
        cfg.sources.policies.name,
        cfg.sources.copy_file,
    ) == ("Produktliste.tsv", "tickets_export.csv", "house_style.yaml", "client_policies.md", None)
    assert cfg.catalogue.columns == {
        "sku": "Artikelnummer",
        "name": "Bezeichnung",
        "collection": "Kollektion",
        "category": "Kategorie",
        "material": "Werkstoff",
        "colour": "Attr 7",
        "origin": "Spalte 9",
        "price": "Preis",
    }
    evidence = {g.key: g.evidence for g in guesses}
    assert "values of 'Attr 7' name colours" in evidence["catalogue.columns.colour"]
    assert "values of 'Spalte 9' name countries" in evidence["catalogue.columns.origin"]
    assert cfg.conversations.format == "helpdesk"
    assert cfg.conversations.helpdesk_columns == {
        "ticket": "Case ID",
        "role": "Sender",
        "timestamp": "Created At",
        "body": "Comment",
    }
    assert "advisor" in evidence["helpdesk roles"] and "unknown" not in evidence["helpdesk roles"]
    assert cfg.privacy.order_id_patterns == [r"\bLR-\d{7}\b"]
    written = path.read_text(encoding="utf-8")
    real_ids = {
        w
        for w in reshaped_demo.joinpath("tickets_export.csv").read_text(encoding="utf-8").split()
        if w.startswith("LR-")
    }
    assert not any(i in written for i in real_ids)  # the pattern's evidence is a shape, never an id


def test_init_on_a_second_layout_gives_a_config_prepare_runs_on(tmp_path):
    from savile.data import prepare

    folder = tmp_path / "corvo"
    write_second_brand(folder, policies_in_book=False)
    guesses, path = write_starter(folder)
    cfg = load_config(path, [f"privacy.key_file={tmp_path / 'pii.key'}"])
    assert cfg.sources.copy_file.name == "pim_copy.jsonl"
    assert (cfg.copy_settings.id_column, cfg.copy_settings.text_column) == ("product_id", "long_text")
    assert cfg.catalogue.columns["colour"] == "Coloris" and cfg.catalogue.columns["sku"] == "Référence"
    assert cfg.privacy.order_id_patterns == [r"\bCMD-\d{6}\b"]
    assert cfg.prepare.max_reject_share == 0.09  # 4 of 48 ERP lines are broken: said, and allowed for
    assert "8.3%" in {g.key: g.evidence for g in guesses}["prepare.max_reject_share"]
    result = prepare.run(cfg)
    assert result.counts["describe"]["train"] > 0 and result.counts["support"]["train"] > 0


def test_init_never_writes_over_an_existing_config(tmp_path):
    folder = tmp_path / "corvo"
    write_second_brand(folder)
    (folder / "savile.yaml").write_text("project: mine\n", encoding="utf-8")
    with pytest.raises(DataError, match="already exists; nothing was written"):
        write_starter(folder)
    assert (folder / "savile.yaml").read_text(encoding="utf-8") == "project: mine\n"


def test_init_cli_prints_each_guess_with_its_evidence(tmp_path):
    folder = tmp_path / "corvo"
    write_second_brand(folder)
    proc = subprocess.run([sys.executable, "-m", "savile", "init", str(folder)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "catalogue.columns.colour = Coloris  (column name 'Coloris' is a colour column name)" in proc.stdout
    assert "sources.copy = pim_copy.jsonl" in proc.stdout
    again = subprocess.run([sys.executable, "-m", "savile", "init", str(folder)], capture_output=True, text=True)
    assert again.returncode == 2 and "already exists" in again.stderr
