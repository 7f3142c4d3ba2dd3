"""Join reference copy kept in its own file (a PIM export) onto the catalogue rows, by product id.

    q = Quarantine()
    joined = join_copy(rows, Path("pim_copy.jsonl"), id_column="product_id", text_column="long_text",
                       catalogue_id="sku", target="description", quarantine=q)

Each copy record's text goes to `target` of the catalogue row with the same id. A record whose id
no catalogue row has, a second record for an id already given copy, and a record with an empty id
or text go to the quarantine with their line. Catalogue rows without a record get '' (the describe
task skips them), so the copy file, when given, is the one source of reference copy.
"""

from __future__ import annotations

from pathlib import Path

from savile.data.ingest.cleaning import clean_value
from savile.data.ingest.quarantine import Quarantine
from savile.data.ingest.tables import open_table
from savile.errors import DataError

__all__ = ["join_copy"]


def join_copy(
    rows: list[dict],
    path: Path,
    *,
    id_column: str,
    text_column: str,
    catalogue_id: str,
    target: str,
    quarantine: Quarantine,
    sheet: str | None = None,
) -> int:
    """Fill `target` of each row from the copy file; return how many records the file holds, broken ones included."""
    path = Path(path)
    before = quarantine.count(path)
    table = open_table(path, quarantine, sheet)
    broken = quarantine.count(path) - before
    missing = [c for c in (id_column, text_column) if c not in table.columns]
    if missing:
        raise DataError(
            f"{path}: column(s) {', '.join(map(repr, missing))} not found (columns: "
            f"{', '.join(table.columns) or '(none)'}); set copy.id_column and copy.text_column."
        )
    by_id = {str(row[catalogue_id]): row for row in rows}
    for row in rows:
        row[target] = ""
    first_at: dict[str, str] = {}
    for location, raw in table.rows:
        record_id, text = clean_value(raw[id_column]), clean_value(raw[text_column])
        problem = _problem(record_id, text, by_id, first_at, id_column, text_column)
        if problem:
            quarantine.add(path, location, problem, record_id=record_id)
            continue
        by_id[record_id][target] = text
        first_at[record_id] = location
    return len(table.rows) + broken


def _problem(record_id: str, text: str, by_id: dict, first_at: dict[str, str], id_column: str, text_column: str) -> str:
    if not record_id or not text:
        return f"empty required field {id_column if not record_id else text_column!r}"
    if record_id not in by_id:
        return f"unknown id: copy for {id_column} {record_id!r}, which no catalogue row has"
    if record_id in first_at:
        return f"duplicate {id_column} {record_id!r}: a second copy (first at {first_at[record_id]})"
    return ""
