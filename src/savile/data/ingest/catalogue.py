"""Load a product catalogue in any table format into rows under Savile's field names.

    q = Quarantine()
    rows = load_catalogue(Path("Produkte.xlsx"), columns={"colour": "Farbe", "sku": "Artikelnummer"},
                          id_column="sku", required=["sku", "colour"], numeric=["price"],
                          multi_valued=["material"], separator=";", quarantine=q)
    rows[0]  # {"sku": "LR-HB-000123", "colour": "Noir", "material": ["cuir", "laiton"], "price": "1250",
             #  ..., "_location": "sheet Produkte, row 2"}

Per row: every value cleaned (clean_value); a row with an empty required field or a numeric
field that is not a number goes to the quarantine, as do later rows repeating an id already
kept. Numeric values come back as canonical text ('1 250,00' -> '1250'). Multi-valued fields
become lists, split on `separator` and on line breaks (a list from JSON or Parquet arrives as
lines). They are not split on ' / ', since a single value like 'Noir / Or' is common in luxury
colourways.
"""

from __future__ import annotations

import re
from pathlib import Path

from savile.data.ingest.cleaning import clean_value, number_text, parse_number
from savile.data.ingest.quarantine import Quarantine
from savile.data.ingest.tables import open_table
from savile.errors import DataError

__all__ = ["load_catalogue"]


def load_catalogue(
    path: Path,
    *,
    columns: dict[str, str],
    id_column: str,
    required: list[str],
    numeric: list[str],
    multi_valued: list[str],
    separator: str,
    quarantine: Quarantine,
    sheet: str | None = None,
) -> list[dict[str, str | list[str]]]:
    """Rows of the catalogue under Savile's field names, each with its '_location'."""
    path = Path(path)
    table = open_table(path, quarantine, sheet)
    fields = dict.fromkeys([id_column, *required, *numeric, *multi_valued, *columns])
    source_of = _resolve_columns(path, table.columns, fields, columns)
    # Unmapped columns keep their own name, unless a field already claims the column or the name.
    extra = [c for c in table.columns if c not in source_of.values() and c not in fields]
    splitter = re.compile("|".join([re.escape(separator), r"\r?\n"]) if separator else r"\r?\n")
    out: list[dict[str, str | list[str]]] = []
    first_at: dict[str, str] = {}
    for location, raw in table.rows:
        row = {f: clean_value(raw[source_of[f]]) for f in fields} | {c: clean_value(raw[c]) for c in extra}
        problems = _row_problems(row, [id_column, *required], numeric)
        record_id = row.get(id_column, "")
        if not problems and record_id in first_at:
            problems.append(f"duplicate {id_column} {record_id!r} (first at {first_at[record_id]})")
        if problems:
            quarantine.add(path, location, "; ".join(problems), record_id=record_id)
            continue
        first_at[record_id] = location
        for name in numeric:
            value = parse_number(row[name]) if row[name] else None
            if value is not None:  # a non-empty value that does not parse was quarantined above
                row[name] = number_text(value)
        out.append(row | {m: _split(raw[source_of[m]], splitter) for m in multi_valued} | {"_location": location})
    return out


def _resolve_columns(path: Path, found: list[str], fields: dict[str, None], mapping: dict[str, str]) -> dict[str, str]:
    """The file column for each field: exact name first, then the one column equal up to case and spaces."""
    folded: dict[str, list[str]] = {}
    for column in found:
        folded.setdefault(_fold(column), []).append(column)
    source_of, problems = {}, []
    for name in fields:
        wanted = mapping.get(name, name)
        candidates = [wanted] if wanted in found else folded.get(_fold(wanted), [])
        if len(candidates) == 1:
            source_of[name] = candidates[0]
        elif name in mapping:
            problems.append(f"column {wanted!r} (mapped from {name} in catalogue.columns) not found")
        else:
            problems.append(f"column {wanted!r} not found")
    if problems:
        raise DataError(
            f"{path}: {'; '.join(problems)}; columns are: {', '.join(found) or '(none)'}; fix the mapping "
            "(catalogue.columns maps a Savile field to the file's column name)."
        )
    return source_of


def _fold(name: str) -> str:
    return " ".join(name.replace("_", " ").casefold().split())


def _row_problems(row: dict[str, str], required: list[str], numeric: list[str]) -> list[str]:
    problems = []
    empty = [name for name in dict.fromkeys(required) if not row.get(name)]
    if empty:
        problems.append(f"empty required field {', '.join(map(repr, empty))}")
    wrong = [name for name in numeric if row.get(name) and parse_number(row[name]) is None]
    if wrong:
        problems.append("wrong type: " + ", ".join(f"{n} {row[n][:40]!r} is not a number" for n in wrong))
    return problems


def _split(value: str, splitter: re.Pattern[str]) -> list[str]:
    return [part for part in (clean_value(p) for p in splitter.split(value)) if part]
