"""Read any tabular file a brand sends into (location, row) pairs of strings.

Supported: delimited text (.csv .tsv .txt .psv; the delimiter is sniffed among , ; tab | from the
header line, or taken from an Excel `sep=;` first line), JSON Lines (.jsonl .ndjson), a JSON
array of objects (.json), Parquet (.parquet .pq) and Excel (.xlsx .xlsm). Every value comes back
as text: None is '', an integral float has no '.0', a list is its items on separate lines (which
multi-valued fields split on), a date is ISO 8601.

Locations are what the brand's own tool shows: "line 12" in a text file (the line the record
starts on, header = line 1), "row 7" in Parquet (the 7th record), "sheet Products, row 7" in Excel
(the sheet's row number), "item 3" in a JSON array.

    q = Quarantine()
    for location, row in read_table(Path("catalogue.csv"), q):
        ...
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from savile.data.ingest.cleaning import decode_bytes, number_text
from savile.data.ingest.quarantine import Quarantine
from savile.errors import DataError

__all__ = ["Table", "open_table", "read_table", "read_json_records", "records_table", "cell_text", "TABLE_SUFFIXES"]

DELIMITED = (".csv", ".tsv", ".txt", ".psv")
JSON_LINES = (".jsonl", ".ndjson")
TABLE_SUFFIXES = DELIMITED + JSON_LINES + (".json", ".parquet", ".pq", ".xlsx", ".xlsm")
_DELIMITERS = (",", ";", "\t", "|")


@dataclass
class Table:
    """A file's column names (in file order) and its accepted rows."""

    columns: list[str]
    rows: list[tuple[str, dict[str, str]]] = field(default_factory=list)


def read_table(path: Path, quarantine: Quarantine, sheet: str | None = None) -> list[tuple[str, dict[str, str]]]:
    """(location, row) pairs of a tabular file; broken records go to `quarantine`."""
    return open_table(path, quarantine, sheet).rows


def open_table(path: Path, quarantine: Quarantine, sheet: str | None = None) -> Table:
    """Like read_table, and also the column names, so callers can check them on an empty file."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: file not found; check the path under sources.* in the config.")
    suffix = path.suffix.lower()
    if suffix in DELIMITED:
        return _delimited(path, decode_bytes(path, path.read_bytes()), quarantine)
    if suffix in JSON_LINES or suffix == ".json":
        return records_table(path, read_json_records(path, quarantine), quarantine)
    if suffix in (".parquet", ".pq", ".xlsx", ".xlsm"):
        from savile.data.ingest import workbooks  # pyarrow and openpyxl load only when needed

        return (
            workbooks.read_parquet(path)
            if suffix in (".parquet", ".pq")
            else workbooks.read_xlsx(path, quarantine, sheet)
        )
    if suffix == ".xls":
        raise DataError(f"{path}: the old binary Excel format is not read; save it as .xlsx or CSV.")
    raise DataError(
        f"{path}: unknown table format {suffix or '(no extension)'!r}; use one of {', '.join(TABLE_SUFFIXES)} "
        "(rename the file if its content is one of them)."
    )


def cell_text(value: Any) -> str:
    """Any cell value as text (see the module docstring)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return number_text(float(value)) if float(value).is_integer() else str(value)
    if isinstance(value, dt.datetime):
        return (
            value.date().isoformat() if value.time() == dt.time() and value.tzinfo is None else value.isoformat(sep=" ")
        )
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "\n".join(cell_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def header_cells(path: Path, cells: list[Any]) -> list[str]:
    """Header names, stripped, trailing empty ones dropped; a repeated name is an error."""
    names = [cell_text(c).strip() for c in cells]
    while names and not names[-1]:
        names.pop()
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise DataError(f"{path}: column {name!r} appears twice in the header; rename or remove one.")
        seen.add(name)
    return names


def _sniff(header_line: str) -> str:
    # Count each candidate outside double quotes; ties and a one-column file fall back to ','.
    counts, quoted = dict.fromkeys(_DELIMITERS, 0), False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _delimited(path: Path, text: str, quarantine: Quarantine) -> Table:
    first, _, rest = text.partition("\n")
    hint, offset = first.rstrip("\r"), 0
    if hint[:4].lower() == "sep=" and len(hint) == 5:  # Excel's delimiter hint
        delimiter, text, offset = hint[4], rest, 1
    else:
        delimiter = _sniff(first)
    lines = text.split("\n")  # each keeps its '\r', if any; the csv module reads both line ends
    table = Table(header_cells(path, next(csv.reader([lines[0].rstrip("\r")], delimiter=delimiter), [])))
    if not table.columns:
        raise DataError(f"{path}: empty file or empty header line; the first line must name the columns.")
    resume: int | None = 1
    while resume is not None:
        resume = _parse_rows(path, lines, resume, offset, delimiter, table, quarantine)
    return table


def _parse_rows(
    path: Path, lines: list[str], start: int, offset: int, delimiter: str, table: Table, quarantine: Quarantine
) -> int | None:
    """Add the records of lines[start:] to `table`; return the line index to resume at after broken quoting.

    Strict parsing makes an unclosed quote an error instead of a field that silently swallows
    every following line; the record goes to the quarantine and reading resumes on its next line.
    """
    reader = csv.reader(io.StringIO("\n".join(lines[start:]), newline=""), delimiter=delimiter, strict=True)
    width, end = len(table.columns), 0
    try:
        for cells in reader:
            first, end = end + 1, reader.line_num  # 1-based, relative to lines[start]
            location = f"line {start + first + offset}"
            if len(cells) > width and not any(c.strip() for c in cells[width:]):
                cells = cells[:width]  # trailing empty fields, an export artefact; nothing is lost
            if cells and len(cells) != width:
                span = f" (spans lines {start + first + offset}-{start + end + offset})" if end > first else ""
                quarantine.add(
                    path,
                    location,
                    f"broken CSV row: {len(cells)} fields, header has {width}{span}; "
                    f"check quoting and {_name(delimiter)} inside values",
                )
            elif cells:
                table.rows.append((location, dict(zip(table.columns, cells, strict=False))))
    except csv.Error as exc:
        quarantine.add(
            path, f"line {start + end + 1 + offset}", f"broken CSV row: {exc}; check the quotes on this line"
        )
        return start + end + 1
    return None


def _name(delimiter: str) -> str:
    return {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes"}[delimiter]


def read_json_records(path: Path, quarantine: Quarantine) -> list[tuple[str, Any]]:
    """(location, value) of each record of a JSON Lines file or a JSON array; broken lines are quarantined.

    A .json file that is not one JSON document is read as JSON Lines; one object is one record.
    """
    text = decode_bytes(path, path.read_bytes())
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            if exc.msg != "Extra data":
                raise DataError(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg}); fix it there.") from None
        else:
            items = data if isinstance(data, list) else [data]
            return [(f"item {i}", item) for i, item in enumerate(items, 1)]
    records = []
    for line_no, line in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        if not line.strip():
            continue
        try:
            records.append((f"line {line_no}", json.loads(line)))
        except json.JSONDecodeError as exc:
            quarantine.add(path, f"line {line_no}", f"broken JSON: {exc.msg} at column {exc.colno}")
    return records


def records_table(path: Path, records: list[tuple[str, Any]], quarantine: Quarantine) -> Table:
    """A table of JSON records; a record that is not an object goes to the quarantine."""
    # Columns are the union of keys in order of first appearance; a missing key reads as ''.
    columns: dict[str, None] = {}
    objects = []
    for location, record in records:
        if not isinstance(record, dict):
            quarantine.add(path, location, f"broken JSON: expected an object, got {type(record).__name__}")
            continue
        columns.update(dict.fromkeys(map(str, record)))
        objects.append((location, record))
    table = Table(list(columns))
    for location, record in objects:
        row = {str(k): cell_text(v) for k, v in record.items()}
        table.rows.append((location, {c: row.get(c, "") for c in table.columns}))
    return table
