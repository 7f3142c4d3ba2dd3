"""`savile prepare`: brand files -> pseudonymised, deduplicated, split, supervised JSONL and a data card.

    from savile.config import load_config
    from savile.data import prepare
    prepared = prepare.run(load_config(Path("savile.yaml")))

Nothing is lost silently: every record a reader rejects, and every example dropped as too long,
goes to `quarantine.jsonl` with its source, location and reason, and is counted in the card.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import track

from savile import atomic
from savile.config import Config
from savile.data.card import token_stats, write_card
from savile.data.guide import BrandGuide, brand_guide
from savile.data.ingest import Quarantine, join_copy, load_catalogue, load_conversations, load_policy_text
from savile.data.privacy import Pseudonymiser, load_key
from savile.data.quality import contamination, dedupe
from savile.data.split import HELD_OUT, SPLITS, ProductMentions, holdout_groups
from savile.data.tasks import describe_examples, extract_examples, support_examples
from savile.records import PreparedData

__all__ = ["run"]

_console = Console(stderr=True)


def run(cfg: Config) -> PreparedData:
    """`savile prepare`: read, clean, pseudonymise, split and write the sources; return the record."""
    out = cfg.stage_dir("prepare")
    out.mkdir(parents=True, exist_ok=True)
    quarantine = Quarantine(out / "quarantine.jsonl")
    guide, rows, conversations = _read_sources(cfg, quarantine)
    key = load_key(cfg.privacy.key_env, cfg.path(cfg.privacy.key_file))
    pii = _pseudonymise(cfg, guide, rows, conversations, key)
    examples = _build_examples(cfg, guide, rows, conversations)
    dropped: Counter[str] = Counter()
    tokenizer = _tokenizer(cfg)
    examples = _drop_too_long(cfg, examples, tokenizer, quarantine, dropped)
    examples, dupes = dedupe(examples, threshold=cfg.prepare.dedupe_threshold, seed=cfg.prepare.seed)
    dropped.update({f"{kind} duplicates": n for kind, n in dupes.items()})
    held_products, moved = _split(cfg, examples, rows, conversations)
    held_turns = [t for split in HELD_OUT for t in _turns(examples, split)]
    leaked = set(contamination(_turns(examples, "train"), held_turns, n=cfg.prepare.contamination_ngram))
    examples = [e for e in examples if e["id"] not in leaked]
    dropped["held-out examples sharing a long span with train"] = len(leaked)
    return _write(cfg, out, guide, rows, examples, tokenizer, quarantine, pii, dropped, held_products, moved)


def _turns(examples: list[dict], split: str) -> list[dict]:
    """User and assistant turns only: the fixed system prompts would make every pair look alike."""
    return [
        {"id": e["id"], "messages": [m for m in e["messages"] if m["role"] != "system"]}
        for e in examples
        if e["split"] == split
    ]


def _read_sources(cfg: Config, quarantine: Quarantine) -> tuple[BrandGuide, list[dict], list[dict]]:
    src, cat, conv = cfg.sources, cfg.catalogue, cfg.conversations
    if src.policies is not None:
        load_policy_text(cfg.path(src.policies))  # fails early, naming the file, if it is missing
    guide = brand_guide(cfg)
    if guide.ignored:
        _console.print(
            f"[yellow]warning:[/yellow] {cfg.path(src.brand_guide).name}: not used by Savile: "
            f"{', '.join(guide.ignored)}. `savile guide` shows the guide as read."
        )
    fields = dict.fromkeys([cat.id_column, *cat.required])
    path = cfg.path(src.catalogue)
    rows = load_catalogue(
        path,
        columns=cat.columns,
        id_column=cat.id_column,
        required=list(fields),
        numeric=cat.numeric,
        multi_valued=cat.multi_valued,
        separator=cat.separator,
        quarantine=quarantine,
        sheet=src.catalogue_sheet,
    )
    quarantine.check_share(path, len(rows) + quarantine.count(path), cfg.prepare.max_reject_share)
    if src.copy_file is not None:
        path, copy = cfg.path(src.copy_file), cfg.copy_settings
        total = join_copy(
            rows,
            path,
            id_column=copy.id_column,
            text_column=copy.text_column,
            catalogue_id=cat.id_column,
            target=cat.text_column,
            quarantine=quarantine,
            sheet=copy.sheet,
        )
        # Copy for an unknown id is quarantined but not held against the copy file: most often its
        # product's catalogue row was the one rejected, and the catalogue's share already counts it.
        quarantine.check_share(path, total, cfg.prepare.max_reject_share, not_counted=("unknown id",))
    _require_columns(cfg, rows)
    path = cfg.path(src.conversations)
    conversations = load_conversations(
        path,
        fmt=conv.format,
        quarantine=quarantine,
        pair_columns=conv.pair_columns,
        helpdesk_columns=conv.helpdesk_columns,
    )
    quarantine.check_share(path, len(conversations) + quarantine.count(path), cfg.prepare.max_reject_share)
    return guide, rows, conversations


def _require_columns(cfg: Config, rows: list[dict]) -> None:
    """Every configured field must exist in the catalogue (after catalogue.columns mapping)."""
    from savile.errors import DataError

    cat = cfg.catalogue
    wanted = dict.fromkeys([cat.text_column, cat.group_by, *cat.attributes, *cat.context_columns])
    missing = [f for f in wanted if rows and f not in rows[0]]
    if missing:
        raise DataError(
            f"{cfg.path(cfg.sources.catalogue)}: field(s) {', '.join(missing)} not found (columns: "
            f"{', '.join(k for k in rows[0] if not k.startswith('_'))}); map them under catalogue.columns."
        )


def _pseudonymise(
    cfg: Config, guide: BrandGuide, rows: list[dict], conversations: list[dict], key: bytes
) -> Counter[str]:
    # The brand's own proper nouns (its name, collections, product names) look like people's names
    # after "Dear" or "this is"; they are catalogue facts, not personal data.
    not_names = {
        guide.brand,
        *(v for r in rows for a in (cfg.catalogue.group_by, cfg.catalogue.name_column) for v in _as_list(r.get(a))),
    }
    mapping = cfg.privacy.mapping_file
    pseudo = Pseudonymiser(key, cfg.privacy.order_id_patterns, not_names=not_names, record_mapping=mapping is not None)
    pii: Counter[str] = Counter()
    for conv in track(conversations, description="finding personal data", console=_console):
        pseudo.reserve(conv["messages"])  # every real value is known before the first pseudonym is drawn
    for conv in conversations:
        conv["messages"], found = pseudo.pseudonymise_messages(conv["messages"])
        pii.update(found)
    if mapping is not None:
        pseudo.write_mapping(cfg.path(mapping), key)
    return pii


def _as_list(value: object) -> list[str]:
    if not value:
        return []
    return value if isinstance(value, list) else [str(value)]


def _build_examples(cfg: Config, guide: BrandGuide, rows: list[dict], conversations: list[dict]) -> list[dict]:
    cat, tasks = cfg.catalogue, cfg.prepare.tasks
    examples: list[dict] = []
    if "describe" in tasks:
        examples += describe_examples(
            rows,
            guide,
            cat.id_column,
            cat.attributes,
            cat.context_columns,
            cat.text_column,
            cat.group_by,
            cat.name_column,
        )
    if "extract" in tasks:
        examples += extract_examples(rows, guide, cat.id_column, cat.attributes, cat.text_column, cat.group_by)
    if "support" in tasks:
        examples += support_examples(conversations, guide)
    return examples


def _tokenizer(cfg: Config):
    """The base model's tokenizer: token counts and the data card's loss masks use its chat template."""
    from transformers import AutoTokenizer

    from savile.models import resolve_model

    return AutoTokenizer.from_pretrained(resolve_model(cfg.model.base, cfg.model.cache_dir))


def _drop_too_long(
    cfg: Config, examples: list[dict], tokenizer, quarantine: Quarantine, dropped: Counter[str]
) -> list[dict]:
    """Count tokens under the base model's template; drop (never truncate) what exceeds prepare.max_tokens."""
    from savile.data.chat import count_tokens

    limit, kept = cfg.prepare.max_tokens, []
    for ex, n in zip(examples, count_tokens(examples, tokenizer), strict=False):
        ex["n_tokens"] = n
        if n <= limit:
            kept.append(ex)
            continue
        source = cfg.sources.conversations if ex["task"] == "support" else cfg.sources.catalogue
        where = ex["meta"].get("location") or f"conversation {ex['group']}"
        quarantine.add(
            cfg.path(source),
            where,
            f"too long: {ex['task']} example of {n} tokens > prepare.max_tokens={limit}",
            ex["id"],
        )
        dropped["too long"] += 1
    return kept


def _split(
    cfg: Config, examples: list[dict], rows: list[dict], conversations: list[dict]
) -> tuple[dict[str, set[str]], int]:
    """Mark each example train, validation or test; whole product families and conversations go to one side.

    A conversation that names a held-out product (id, name or family) follows that product out of
    training, so no words about a validation or test product are ever trained on.
    """
    cat, p = cfg.catalogue, cfg.prepare
    validation, test = holdout_groups(
        [str(r.get(cat.group_by, "")) for r in rows], p.validation_fraction, p.test_fraction, p.seed
    )
    held_products = {"validation": validation, "test": test}
    conv_validation, conv_test = holdout_groups(
        [c["id"] for c in conversations], p.validation_fraction, p.test_fraction, p.seed
    )
    mentions = ProductMentions.build(rows, cat.id_column, cat.group_by, held_products, (cat.name_column,))
    conv_split, moved = {}, 0
    for conv in conversations:
        by_hash = "test" if conv["id"] in conv_test else "validation" if conv["id"] in conv_validation else "train"
        named = mentions.split_of(" ".join(m.get("content") or "" for m in conv["messages"]))
        conv_split[conv["id"]] = named or by_hash
        moved += named is not None and named != by_hash
    for ex in examples:
        if ex["task"] == "support":
            ex["split"] = conv_split.get(ex["group"], "train")
        else:
            ex["split"] = next((s for s in HELD_OUT if str(ex["group"]) in held_products[s]), "train")
    return held_products, moved


def _write(
    cfg: Config,
    out: Path,
    guide: BrandGuide,
    rows: list[dict],
    examples: list[dict],
    tokenizer,
    quarantine: Quarantine,
    pii: Counter[str],
    dropped: Counter[str],
    held_products: dict[str, set[str]],
    moved: int,
) -> PreparedData:
    """Write the splits, the quarantine, the data card and the manifest; return the manifest's record."""
    paths = _write_splits(out, examples)
    quarantine.write()
    counts = _per_task_and_split(examples, cfg.prepare.tasks)
    warnings = _small_task_warnings(cfg, counts)
    card = write_card(
        out / "data_card.md",
        cfg,
        guide,
        examples,
        tokenizer,
        counts,
        token_stats(examples),
        dict(pii),
        dict(dropped),
        quarantine,
        warnings,
        held_products,
    )
    record = PreparedData(
        train_path=paths["train"],
        validation_path=paths["validation"],
        test_path=paths["test"],
        card_path=card,
        quarantine_path=out / "quarantine.jsonl",
        counts=counts,
        tokens=_per_task_and_split(examples, cfg.prepare.tasks, "n_tokens"),
        vocabulary={a: sorted({v for r in rows for v in _as_list(r.get(a))}) for a in cfg.catalogue.attributes},
        pii_replaced=dict(sorted(pii.items())),
        dropped=dict(dropped),
        rejected=quarantine.by_reason(),
        held_out_by_mention=moved,
        warnings=warnings,
        fingerprint=_fingerprint(cfg),
        config=cfg.resolved(),
    )
    record.save(out)
    return record


def _write_splits(out: Path, examples: list[dict]) -> dict[str, Path]:
    """One JSONL file per split, each example on one line; the path of each."""
    paths = {split: out / f"{split}.jsonl" for split in SPLITS}
    for split, path in paths.items():
        with atomic.open_text(path) as fh:
            for ex in examples:
                if ex["split"] == split:
                    fh.write(json.dumps(ex, ensure_ascii=False) + "\n")
    return paths


def _per_task_and_split(
    examples: list[dict], tasks: Sequence[str], key: str | None = None
) -> dict[str, dict[str, int]]:
    """Examples (or, with `key`, the sum of that field) per task and split."""
    return {
        task: {
            split: sum(e[key] if key else 1 for e in examples if e["task"] == task and e["split"] == split)
            for split in SPLITS
        }
        for task in tasks
    }


def _small_task_warnings(cfg: Config, counts: dict[str, dict[str, int]]) -> list[str]:
    """A warning, printed and returned, for each task with fewer training examples than the config asks."""
    warnings = [
        f"task {t} has {c['train']} training examples, fewer than prepare.min_train_examples="
        f"{cfg.prepare.min_train_examples}; results will be noisy, add data if you can."
        for t, c in counts.items()
        if c["train"] < cfg.prepare.min_train_examples
    ]
    for w in warnings:
        _console.print(f"[yellow]warning:[/yellow] {w}")
    return warnings


def _fingerprint(cfg: Config) -> str:
    """sha256 of every source file and the settings that shape the examples."""
    h = hashlib.sha256()
    src = cfg.sources
    for p in (src.catalogue, src.brand_guide, src.conversations, src.policies, src.copy_file):
        if p is not None:
            h.update(cfg.path(p).read_bytes())
    resolved = cfg.resolved()
    settings = {k: resolved[k] for k in ("catalogue", "copy", "conversations", "prepare")} | {
        "patterns": cfg.privacy.order_id_patterns
    }
    h.update(json.dumps(settings, sort_keys=True).encode())
    return h.hexdigest()
