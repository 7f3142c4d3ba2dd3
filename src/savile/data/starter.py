"""`savile init FOLDER`: look at a folder of brand files and write a starter `savile.yaml`.

    guesses, config_path = write_starter(Path("brand-files"))

Which file is the catalogue, the reference copy, the conversations, the brand guide and the
policy document; the catalogue's columns matched to Savile's fields by name and by values; the
helpdesk export's columns and role names; the order-id pattern, from the shapes of ids in the
conversations. Every guess comes back with its evidence (`Guess`), and the same evidence heads the
written file as comments. Nothing personal is printed: an order-id pattern is shown by its shape,
never by an id. An existing config is never written over.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import yaml

from savile.data.column_guess import Guess, catalogue_columns, fold, helpdesk_columns
from savile.data.ingest import AGENT_ROLES, SYSTEM_ROLES, USER_ROLES, Quarantine, open_table
from savile.data.ingest.tables import TABLE_SUFFIXES
from savile.errors import DataError

__all__ = ["inspect_folder", "write_starter"]

_ATTRIBUTES = ("collection", "category", "material", "colour", "hardware", "origin")
_ROLES = {fold(r) for r in USER_ROLES | AGENT_ROLES | SYSTEM_ROLES}
# An order or loyalty id: a few capitals, an optional separator, then 5 to 12 digits ("CMD-483920", "LR-7565807").
_ID_SHAPE = re.compile(r"\b([A-Z]{2,5})([-_/]?)(\d{5,12})\b")


def write_starter(folder: Path, out: Path | None = None) -> tuple[list[Guess], Path]:
    """Inspect `folder` and write the starter config to `out` (default FOLDER/savile.yaml); never overwrite."""
    folder = Path(folder)
    out = Path(out) if out else folder / "savile.yaml"
    if out.exists():
        raise DataError(
            f"{out}: a config already exists; nothing was written. Move it away, or pass --output "
            "to write the starter config elsewhere."
        )
    config, guesses = inspect_folder(folder)
    rel = {
        k: (Path(v).name if out.parent.resolve() == folder.resolve() else str(Path(v).resolve()))
        for k, v in config["sources"].items()
    }
    config["sources"] = rel
    head = [
        "# Starter config written by `savile init`; check every guess below, then run `savile prepare`.",
        *[f"# {g.key} = {g.value}: {g.evidence}" for g in guesses],
    ]
    out.write_text(
        "\n".join(head) + "\n" + yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return guesses, out


def inspect_folder(folder: Path) -> tuple[dict, list[Guess]]:
    """The starter config as a mapping, and every guess with its evidence."""
    if not Path(folder).is_dir():
        raise DataError(f"{folder}: not a folder; pass the folder that holds the brand's files.")
    files = sorted(p for p in Path(folder).iterdir() if p.is_file() and not p.name.startswith("."))
    tables = {p: _read(p) for p in files if p.suffix.lower() in TABLE_SUFFIXES}
    tables = {p: t for p, t in tables.items() if t is not None}
    guesses: list[Guess] = []
    config: dict = {"project": fold(Path(folder).resolve().name).replace(" ", "-") or "my-brand", "sources": {}}
    conversations = _conversations(tables, guesses, config)
    catalogue = _catalogue(tables, conversations, guesses, config)
    _copy(tables, catalogue, conversations, guesses, config)
    _documents(files, guesses, config)
    missing = [k for k in ("catalogue", "brand_guide", "conversations") if k not in config["sources"]]
    if missing:
        guesses.append(Guess("sources", "incomplete", f"no file found for {', '.join(missing)}; add it by hand"))
    return config, guesses


def _read(path: Path):
    q = Quarantine()
    try:
        table = open_table(path, q)
    except DataError:
        return None
    return table, len(q)


def _conversations(tables: dict, guesses: list[Guess], config: dict) -> Path | None:
    for path, (table, _) in tables.items():
        if path.suffix.lower() in (".jsonl", ".json", ".ndjson") and {"messages", "conversations"} & set(table.columns):
            key = "messages" if "messages" in table.columns else "conversations"
            config["sources"]["conversations"] = str(path)
            guesses.append(Guess("sources.conversations", path.name, f"its records hold a '{key}' list of turns"))
            _order_ids([r[key] for _, r in table.rows], guesses, config)
            return path
        found = {g.key: g for g in helpdesk_columns(table.columns, [r for _, r in table.rows], _ROLES)}
        if {"ticket", "role", "body"} <= set(found):
            config["sources"]["conversations"] = str(path)
            guesses.append(
                Guess(
                    "sources.conversations",
                    path.name,
                    "a helpdesk export: one message per row with "
                    f"ticket {found['ticket'].value!r}, role {found['role'].value!r}, body {found['body'].value!r}",
                )
            )
            _helpdesk(path, table, found, guesses, config)
            return path
    return None


def _helpdesk(path: Path, table, found: dict[str, Guess], guesses: list[Guess], config: dict) -> None:
    guesses += [Guess(f"conversations.helpdesk_columns.{g.key}", g.value, g.evidence) for g in found.values()]
    config["conversations"] = {"format": "helpdesk", "helpdesk_columns": {k: g.value for k, g in found.items()}}
    roles = Counter(fold(r[found["role"].value]) for _, r in table.rows)
    unknown = sorted(r for r in roles if r and r not in _ROLES)
    evidence = ", ".join(f"{r} {n}" for r, n in roles.most_common())
    guesses.append(
        Guess(
            "helpdesk roles",
            ", ".join(sorted(roles)),
            f"messages per role: {evidence}"
            + (
                f"; {', '.join(unknown)} unknown to Savile: rename to customer or agent, or those rows are quarantined"
                if unknown
                else ""
            ),
        )
    )
    _order_ids([r[found["body"].value] for _, r in table.rows], guesses, config)


def _order_ids(texts: list[str], guesses: list[Guess], config: dict) -> None:
    """The most frequent id shape in the conversations, as a pattern; shown by its shape only."""
    shapes = Counter(f"{m.group(1)}{m.group(2)}:{len(m.group(3))}" for t in texts for m in _ID_SHAPE.finditer(str(t)))
    if not shapes:
        return
    shape, n = shapes.most_common(1)[0]
    if n < 3:
        return
    prefix, digits = shape.rsplit(":", 1)
    pattern = rf"\b{prefix}\d{{{digits}}}\b"  # the prefix is capitals and at most one of - _ /: nothing to escape
    config["privacy"] = {"order_id_patterns": [pattern]}
    guesses.append(
        Guess(
            "privacy.order_id_patterns",
            pattern,
            f"{n} ids of the shape {prefix} + {digits} digits in the conversations",
        )
    )


def _catalogue(tables: dict, conversations: Path | None, guesses: list[Guess], config: dict) -> dict | None:
    scored = []
    for path, (table, broken) in tables.items():
        if path == conversations:
            continue
        fields = {g.key: g for g in catalogue_columns(table.columns, [r for _, r in table.rows])}
        scored.append((len(set(fields) & set(_ATTRIBUTES)), path, table, broken, fields))
    if not scored or max(s[0] for s in scored) < 2:
        return None
    n, path, table, broken, fields = max(scored, key=lambda s: s[0])
    config["sources"]["catalogue"] = str(path)
    share = broken / max(1, broken + len(table.rows))
    guesses.append(
        Guess(
            "sources.catalogue",
            path.name,
            f"{len(table.rows)} rows, {n} of Savile's attributes found"
            + (f"; {broken} records unreadable ({share:.1%})" if broken else ""),
        )
    )
    guesses += [Guess(f"catalogue.columns.{g.key}", g.value, g.evidence) for g in fields.values()]
    config["catalogue"] = _catalogue_settings(fields)
    if share > 0.05:
        config["prepare"] = {"max_reject_share": round(share + 0.01, 2)}
        guesses.append(
            Guess(
                "prepare.max_reject_share",
                str(config["prepare"]["max_reject_share"]),
                f"{share:.1%} of the catalogue's records cannot be read; fix the export, or keep this limit",
            )
        )
    return {
        "path": path,
        "id_column": fields["sku"].value if "sku" in fields else None,
        "ids": {r[fields["sku"].value] for _, r in table.rows} if "sku" in fields else set(),
    }


def _catalogue_settings(fields: dict[str, Guess]) -> dict:
    settings: dict = {"id_column": "sku", "columns": {k: g.value for k, g in fields.items() if g.value != k}}
    settings["attributes"] = [a for a in _ATTRIBUTES if a in fields]
    settings["context_columns"] = [c for c in ("name", "dimensions") if c in fields]
    settings["required"] = [a for a in ("category", "colour", "material") if a in fields]
    settings["group_by"] = next(a for a in ("collection", "category", *_ATTRIBUTES) if a in fields)
    if "price" in fields:
        settings["numeric"] = ["price"]
    return settings


def _copy(tables: dict, catalogue: dict | None, conversations: Path | None, guesses: list[Guess], config: dict) -> None:
    if not catalogue or not catalogue["ids"]:
        return
    for path, (table, _) in tables.items():
        if path in (catalogue["path"], conversations):
            continue
        for column in table.columns:
            values = [r[column] for _, r in table.rows]
            overlap = sum(v in catalogue["ids"] for v in values) / max(1, len(values))
            if overlap < 0.5:
                continue
            text = max(
                (c for c in table.columns if c != column),
                key=lambda c: sum(len(r[c]) for _, r in table.rows),
                default=None,
            )
            if text is None:
                continue
            config["sources"]["copy"] = str(path)
            config["copy"] = {"id_column": column, "text_column": text}
            guesses.append(
                Guess(
                    "sources.copy",
                    path.name,
                    f"{overlap:.0%} of its {column!r} values are catalogue ids; the longest text is in {text!r}",
                )
            )
            return


def _documents(files: list[Path], guesses: list[Guess], config: dict) -> None:
    for path in files:
        suffix = path.suffix.lower()
        if suffix not in (".md", ".markdown", ".yaml", ".yml", ".txt"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        is_guide = suffix in (".yaml", ".yml") or text.startswith("---")
        keys = _yaml_keys(text.split("---")[1] if text.startswith("---") else text) if is_guide else set()
        if is_guide and keys & {"voice", "brand", "name"} and "brand_guide" not in config["sources"]:
            config["sources"]["brand_guide"] = str(path)
            guesses.append(
                Guess(
                    "sources.brand_guide",
                    path.name,
                    f"YAML keys {', '.join(sorted(keys & {'voice', 'brand', 'name'}))}",
                )
            )
        elif not is_guide and len(re.findall(r"^#{1,6} ", text, re.M)) >= 2 and "policies" not in config["sources"]:
            config["sources"]["policies"] = str(path)
            n = len(re.findall(r"^#{1,6} ", text, re.M))
            guesses.append(Guess("sources.policies", path.name, f"a text document with {n} headings"))


def _yaml_keys(text: str) -> set[str]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return set()
    return {str(k) for k in data} if isinstance(data, dict) else set()
