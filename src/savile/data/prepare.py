"""`savile prepare`: brand files -> pseudonymised, split, supervised JSONL and a data card.

    from savile.config import load_config
    from savile.data import prepare
    prepared = prepare.run(load_config(Path("savile.yaml")))
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

from rich.progress import track

from savile.config import Config
from savile.data.card import token_lengths, write_card
from savile.data.privacy import Pseudonymiser, load_key
from savile.data.sources import read_brand_guide, read_catalogue, read_conversations
from savile.data.split import eval_groups
from savile.data.tasks import describe_examples, extract_examples, support_examples
from savile.records import PreparedData

__all__ = ["run"]


def run(cfg: Config) -> PreparedData:
    src, cat = cfg.sources, cfg.catalogue
    guide = read_brand_guide(cfg.path(src.brand_guide))
    required = [cat.id_column, cat.text_column, cat.group_by, *cat.attributes, *cat.context_columns]
    rows = read_catalogue(cfg.path(src.catalogue), list(dict.fromkeys(required)))
    conversations = read_conversations(cfg.path(src.conversations))
    if src.policies is not None and not cfg.path(src.policies).exists():
        from savile.errors import DataError

        raise DataError(f"{cfg.path(src.policies)}: policy document not found; fix sources.policies or remove it.")

    # The brand's own proper nouns (its name, collections, product names) look like people's names
    # after "Dear" or "this is"; they are catalogue facts, not personal data.
    not_names = {guide.brand, *(r[a] for r in rows for a in (cat.group_by, "name", "collection") if r.get(a))}
    key = load_key(cfg.privacy.key_env, cfg.path(cfg.privacy.key_file))
    pseudo = Pseudonymiser(key, cfg.privacy.order_id_patterns, not_names=not_names)
    pii: Counter[str] = Counter()
    for conv in track(conversations, description="pseudonymising conversations"):
        conv["messages"], found = pseudo.pseudonymise_messages(conv["messages"])
        pii.update(found)

    tasks = cfg.prepare.tasks
    examples: list[dict] = []
    if "describe" in tasks:
        examples += describe_examples(rows, guide, cat.id_column, cat.attributes, cat.context_columns, cat.text_column, cat.group_by)
    if "extract" in tasks:
        examples += extract_examples(rows, guide, cat.id_column, cat.attributes, cat.text_column, cat.group_by)
    if "support" in tasks:
        examples += support_examples(conversations, guide)

    held_products = eval_groups([r[cat.group_by] for r in rows], cfg.prepare.eval_fraction, cfg.prepare.seed)
    held_convs = eval_groups([c["id"] for c in conversations], cfg.prepare.eval_fraction, cfg.prepare.seed)
    for ex in examples:
        held = held_convs if ex["task"] == "support" else held_products
        ex["split"] = "eval" if ex["group"] in held else "train"

    lengths = token_lengths(cfg, examples)
    out = cfg.stage_dir("prepare")
    out.mkdir(parents=True, exist_ok=True)
    paths = {split: out / f"{split}.jsonl" for split in ("train", "eval")}
    for split, path in paths.items():
        _write_jsonl(path, [ex for ex in examples if ex["split"] == split])

    def total(task: str, split: str, key: str | None = None) -> int:
        return sum(e[key] if key else 1 for e in examples if e["task"] == task and e["split"] == split)

    counts = {t: {s: total(t, s) for s in paths} for t in tasks}
    tokens = {t: {s: total(t, s, "n_tokens") for s in paths} for t in tasks}
    vocabulary = {a: sorted({r[a] for r in rows if r.get(a)}) for a in cat.attributes}
    card = write_card(out / "data_card.md", cfg, guide, counts, lengths, dict(pii),
                      groups={"products": sorted(held_products), "conversations": len(held_convs)})
    record = PreparedData(
        train_path=paths["train"], eval_path=paths["eval"], card_path=card, counts=counts, tokens=tokens,
        vocabulary=vocabulary, pii_replaced=dict(sorted(pii.items())),
        fingerprint=_fingerprint(cfg), config=cfg.resolved(),
    )
    record.save(out)
    return record


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def _fingerprint(cfg: Config) -> str:
    """sha256 of every source file and the settings that shape the examples."""
    h = hashlib.sha256()
    for p in (cfg.sources.catalogue, cfg.sources.brand_guide, cfg.sources.conversations, cfg.sources.policies):
        if p is not None:
            h.update(cfg.path(p).read_bytes())
    settings = {k: cfg.resolved()[k] for k in ("catalogue", "prepare")} | {"patterns": cfg.privacy.order_id_patterns}
    h.update(json.dumps(settings, sort_keys=True).encode())
    return h.hexdigest()
