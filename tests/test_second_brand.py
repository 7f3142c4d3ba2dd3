"""A second brand's files as its teams hand them over: copy in its own file, a brand book as written,
policies from the policy document's headings, and `prepare` and `savile guide` on all of it."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import yaml
from exported_brand import POLICY_TEXT, second_brand_config, write_second_brand

from savile.config import load_config
from savile.data.guide import read_brand_guide
from savile.data.ingest import Quarantine, join_copy, load_catalogue
from savile.data.policy_facts import derive_facts, derive_keywords
from savile.errors import DataError


def _config(tmp_path, **changes):
    paths = write_second_brand(tmp_path / "files", **changes.pop("files", {}))
    data = second_brand_config(paths, tmp_path)
    for section, values in changes.items():
        data[section] = {**data.get(section, {}), **values}
    path = tmp_path / "savile.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path, paths


# --- copy in its own file ------------------------------------------------------------------------


def test_copy_file_is_joined_on_the_catalogue_id_and_bad_records_quarantined(tmp_path):
    paths = write_second_brand(tmp_path)
    q = Quarantine()
    rows = load_catalogue(
        paths["catalogue"],
        columns={"sku": "Référence"},
        id_column="sku",
        required=["sku"],
        numeric=[],
        multi_valued=[],
        separator="|",
        quarantine=q,
    )
    total = join_copy(
        rows,
        paths["copy"],
        id_column="product_id",
        text_column="long_text",
        catalogue_id="sku",
        target="description",
        quarantine=q,
    )
    assert total == 48 + 2
    by_sku = {r["sku"]: r for r in rows}
    assert by_sku["AC1000"]["description"].startswith("Façonné à la main, le modèle AC1000")  # the first copy wins
    assert all(r["description"] for r in rows)
    copy_rejects = [r for r in q if r.source == str(paths["copy"])]
    # copy for the products whose broken catalogue lines were quarantined, for an id the ERP lacks, and a second copy
    assert [(r.location, r.reason.split(":")[0]) for r in copy_rejects] == [
        ("line 6", "unknown id"),
        ("line 18", "unknown id"),
        ("line 30", "unknown id"),
        ("line 42", "unknown id"),
        ("line 49", "unknown id"),
        ("line 50", "duplicate product_id 'AC1000'"),
    ]
    assert "first at line 1" in copy_rejects[-1].reason


def test_copy_file_without_the_configured_columns_names_the_setting(tmp_path):
    paths = write_second_brand(tmp_path)
    with pytest.raises(DataError, match=r"'text'.*copy\.text_column"):
        join_copy(
            [],
            paths["copy"],
            id_column="product_id",
            text_column="text",
            catalogue_id="sku",
            target="d",
            quarantine=Quarantine(),
        )


# --- the brand book as brands write it -----------------------------------------------------------


def test_brand_book_with_name_extra_keys_and_policies_as_a_mapping(tmp_path):
    paths = write_second_brand(tmp_path)
    guide = read_brand_guide(paths["brand_guide"])
    assert guide.brand == "Atelier Corvo"
    assert guide.ignored == ["owner", "last_review", "tone_words"]
    assert [p.id for p in guide.policies] == list(POLICY_TEXT)
    repairs = guide.policies[1]
    assert repairs.statement == POLICY_TEXT["reparations"][1]
    assert repairs.facts == ["5 to 9 working days", "250 GBP", "free of charge", "lifetime"]
    assert guide.derived["reparations"]["facts"] == repairs.facts
    assert guide.policies_for("Can you fix my broken strap?") == [repairs]
    assert guide.policies_for("I want my money back") == [guide.policies[0]]


def test_a_misspelt_known_key_is_still_an_error_naming_the_likely_key(tmp_path):
    paths = write_second_brand(tmp_path)
    text = paths["brand_guide"].read_text(encoding="utf-8").replace("voice:", "voise:")
    paths["brand_guide"].write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"'voise' is not a brand guide key; did you mean 'voice'"):
        read_brand_guide(paths["brand_guide"])


def test_policies_come_from_the_policy_documents_headings_when_the_book_has_none(tmp_path):
    paths = write_second_brand(tmp_path, policies_in_book=False)
    guide = read_brand_guide(paths["brand_guide"], paths["policies"], {"repair": ["mend"]})
    assert [(p.title, p.statement) for p in guide.policies] == list(POLICY_TEXT.values())
    assert [p.id for p in guide.policies] == ["returns", "repairs", "delivery"]
    assert guide.policy_source == "policies.md (one policy per heading)"
    assert "policy section 'Contact' (no fact found to check)" in guide.ignored
    assert guide.policies[0].facts == ["14 days", "full refund"]
    assert guide.policies[2].facts == ["2 working days", "complimentary", "EUR 500"]
    assert "mend" in guide.policies[1].keywords  # the config's synonyms extend the built-in ones
    assert guide.policies_for("Could you mend the handle?") == [guide.policies[1]]
    # "returned within 14 days of delivery" does not make a delivery question a returns question
    assert guide.policies_for("When will my delivery arrive?") == [guide.policies[2]]


@pytest.mark.parametrize(
    "statement,facts",
    [
        ("Within thirty days, or 6 weeks for made-to-order.", ["thirty days", "6 weeks"]),
        ("A fee of £250 applies; 20% off the second repair.", ["£250", "20%"]),
        ("Delivery in 3-5 business days; EUR 1,200 insured.", ["3-5 business days", "EUR 1,200"]),
        ("Our advisers answer every message.", []),
    ],
)
def test_facts_are_quantities_with_units_and_fixed_phrases(statement, facts):
    assert derive_facts(statement) == facts


def test_keywords_come_from_the_title_and_the_statement():
    words = derive_keywords("Care and cleaning", "We restore stains on request.", {"care": ["nourish"]})
    assert words[:2] == ["care", "cleaning"] and "stain" in words and "nourish" in words
    assert "and" not in words


def test_savile_guide_prints_the_guide_as_read(tmp_path):
    config, _ = _config(tmp_path, files={"policies_in_book": False})
    proc = subprocess.run([sys.executable, "-m", "savile", "guide", str(config)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (
        "# derived facts of repairs (check them): 5 to 9 working days, 250 GBP, free of charge, lifetime" in proc.stdout
    )
    printed = yaml.safe_load(proc.stdout)
    assert printed["brand"] == "Atelier Corvo" and len(printed["policies"]) == 3


# --- prepare on all five files -------------------------------------------------------------------


def test_prepare_reads_the_second_brand_as_exported(tmp_path):
    from savile.data import prepare

    config, paths = _config(tmp_path)
    result = prepare.run(load_config(config))
    quarantined = [json.loads(line) for line in result.quarantine_path.read_text(encoding="utf-8").splitlines()]
    catalogue = [q for q in quarantined if q["source"] == str(paths["catalogue"])]
    assert [q["location"] for q in catalogue] == ["line 7", "line 19", "line 31", "line 43"]
    assert {q["location"] for q in quarantined if q["source"] == str(paths["copy"])} == {
        "line 6",
        "line 18",
        "line 30",
        "line 42",
        "line 49",
        "line 50",
    }
    assert any(
        q["source"] == str(paths["conversations"]) and q["reason"].startswith("no agent turn") for q in quarantined
    )
    prepared = "".join(
        p.read_text(encoding="utf-8") for p in (result.train_path, result.validation_path, result.test_path)
    )
    real_orders = set(re.findall(r"CMD-\d{6}", paths["conversations"].read_text(encoding="utf-8")))
    assert real_orders and not real_orders & set(re.findall(r"CMD-\d{6}", prepared))
    assert "GB12 WEST 1234 5698 7654 32" not in prepared and "347 123 4567" not in prepared
    assert "Façonné à la main" in prepared  # the PIM's copy reached the describe examples
    card = result.card_path.read_text(encoding="utf-8")
    assert "| reparations | 5 to 9 working days, 250 GBP, free of charge, lifetime |" in card
    assert "Not used by Savile: owner, last_review, tone_words." in card


def test_prepare_past_the_reject_limit_lists_the_top_reasons(tmp_path):
    config, _ = _config(tmp_path, prepare={"max_reject_share": 0.05})
    proc = subprocess.run([sys.executable, "-m", "savile", "prepare", str(config)], capture_output=True, text=True)
    assert proc.returncode == 2
    error = " ".join(proc.stderr.split())
    assert "erp_export.csv: 4 of 48 records (8.3%) rejected" in error
    assert "top reasons: broken CSV row 4" in error and "prepare.max_reject_share=0.09" in error
