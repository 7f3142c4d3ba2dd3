"""Planted personal data must not reach prepared data, the data card, the quarantine, logs or the report.

At least 50 canary values of every kind are planted in customer messages (some in records that
will be rejected), then prepare, train, evaluate and report run through the CLI on a tiny model;
every file the run wrote and everything it printed is searched for each canary.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest
from conftest import write_config

N = 50
FIRST = ["Oriel", "Tamsin", "Corvin", "Ysolde", "Bertrand", "Linnea", "Casimir", "Odalys", "Fennick", "Marisol"]
LAST = ["Quillfeather", "Ambervale", "Thornquist", "Velloway", "Draycott"]
STREETS = ["Quillfeather Street", "Ambervale Road", "Thornquist Avenue", "Velloway Lane", "Draycott Boulevard"]


def _luhn(digits: str) -> str:
    total = 0
    for i, d in enumerate(int(c) for c in reversed(digits)):
        total += d if i % 2 else (d * 2 - 9 if d * 2 > 9 else d * 2)
    return digits + str((10 - total % 10) % 10)


def _iban(rng: random.Random) -> str:
    bban = "".join(rng.choice("0123456789") for _ in range(18))
    rearranged = "".join(str(int(c, 36)) for c in bban + "DE00")
    check = 98 - int(rearranged) % 97
    raw = f"DE{check:02d}{bban}"
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def canaries() -> dict[str, list[str]]:
    rng = random.Random(11)
    cards = [_luhn("4539" + "".join(rng.choice("0123456789") for _ in range(11))) for _ in range(N)]
    return {
        "person_name": [f"{FIRST[i % 10]} {LAST[i // 10]}" for i in range(N)],
        "email": [f"ottoline.vexley{i}@maisonmail.fr" for i in range(N)],
        "phone": [
            f"+33 6 {40 + i:02d} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}" for i in range(N)
        ],
        "card": [" ".join(c[j : j + 4] for j in range(0, 16, 4)) for c in cards],
        "iban": [_iban(rng) for _ in range(N)],
        "order_id": [f"LR-{9100000 + i * 17}" for i in range(N)],
        "loyalty_id": [f"LOY-{830000 + i * 7}" for i in range(N)],
        "address": [f"{12 + i} {STREETS[i % 5]}, London NW{i % 9 + 1} {i % 9 + 1}XE" for i in range(N)],
    }


def _message(c: dict[str, list[str]], i: int) -> str:
    return (
        f"My name is {c['person_name'][i]}. I would like to return my wallet, order {c['order_id'][i]}, "
        f"loyalty card {c['loyalty_id'][i]}. Refund to card {c['card'][i]} or to IBAN {c['iban'][i]}. "
        f"Write to {c['email'][i]} or call {c['phone'][i]}; I live at {c['address'][i]}.\n\n"
        f"Best regards,\n{c['person_name'][i]}"
    )


@pytest.fixture(scope="module")
def planted(tmp_path_factory, demo_sources):
    folder = tmp_path_factory.mktemp("canary-brand")
    c = canaries()
    lines = demo_sources.conversations.read_text(encoding="utf-8").splitlines()
    for i in range(N):
        reply = "I am sorry to hear that. Unworn pieces can be returned within 30 days for a full refund."
        msgs = [{"role": "user", "content": _message(c, i)}, {"role": "assistant", "content": reply}]
        lines.append(json.dumps({"id": f"canary-{i}", "messages": msgs}, ensure_ascii=False))
    # Rejected records carry canaries too: no agent turn, and a broken JSON line.
    lines.append(json.dumps({"id": "canary-no-agent", "messages": [{"role": "user", "content": _message(c, 0)}]}))
    lines.append(
        '{"id": "canary-broken", "messages": [{"role": "user", "content": "' + _message(c, 1).replace("\n", " ")
    )
    conversations = folder / "conversations.jsonl"
    conversations.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sources = type(demo_sources)(demo_sources.catalogue, demo_sources.brand_guide, conversations, demo_sources.policies)
    return folder, sources, c


def test_no_canary_reaches_any_output_or_log(planted, tiny_model_dir, monkeypatch):
    folder, sources, planted_values = planted
    config = write_config(
        folder,
        sources,
        model={"base": str(tiny_model_dir)},
        privacy={
            "key_file": str(folder / "pii.key"),
            "order_id_patterns": [r"\bLR-\d{7}\b", r"\bLOY-\d{6}\b"],
            "mapping_file": str(folder / "vault" / "pii-map.enc"),
        },
        prepare={"max_reject_share": 0.1},
        train={"max_examples_per_task": 8, "batch_size": 8, "precision": "fp32", "epochs": 1},
        # Every probe still runs (a canary must reach none of their outputs), at its smallest size.
        governance={"text_docs": 10, "text_tokens": 64, "safety_max_new_tokens": 4, "pii_probes": 4},
        evaluate={
            "max_items_per_task": 3,
            "bootstrap_resamples": 200,
            "describe": {"max_new_tokens": 6},
            "support": {"max_new_tokens": 6},
            "extract": {"max_new_tokens": 6},
        },
    )
    logs = []
    for verb in ("prepare", "train", "evaluate", "report"):
        proc = subprocess.run([sys.executable, "-m", "savile", verb, str(config)], capture_output=True, text=True)
        # evaluate exits 3 when a governance gate fails (a tiny random model may fail one); it still writes everything
        assert proc.returncode in ((0, 3) if verb == "evaluate" else (0,)), proc.stderr[-2000:]
        logs.append(proc.stdout + proc.stderr)

    runs = folder / "runs"
    written = {
        p: p.read_text(encoding="utf-8", errors="ignore")
        for p in runs.rglob("*")
        if p.is_file() and p.suffix in {".jsonl", ".json", ".md", ".html", ".txt"}
    }
    assert {
        "train.jsonl",
        "validation.jsonl",
        "test.jsonl",
        "data_card.md",
        "quarantine.jsonl",
        "report.html",
        "report.json",
    } <= {p.name for p in written}
    quarantine = (runs / "prepare" / "quarantine.jsonl").read_text()
    assert "canary-no-agent" in quarantine or "no agent turn" in quarantine
    haystacks = {**{str(p): text for p, text in written.items()}, "logs": "\n".join(logs)}
    key = (folder / "pii.key").read_text().strip()
    leaks = [
        (kind, value, where)
        for kind, values in planted_values.items()
        for value in values
        for where, text in haystacks.items()
        if value in text
    ]
    leaks += [("key", "pii.key", where) for where, text in haystacks.items() if key in text]
    assert not leaks, f"{len(leaks)} canaries leaked, e.g. {leaks[:5]}"
    # the canaries did go in: their pseudonyms are in the prepared data
    prepared = (
        (runs / "prepare" / "train.jsonl").read_text()
        + (runs / "prepare" / "test.jsonl").read_text()
        + (runs / "prepare" / "validation.jsonl").read_text()
    )
    assert prepared.count("@example.com") >= N
    assert (folder / "vault" / "pii-map.enc").exists()
