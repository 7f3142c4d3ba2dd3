"""Binary tables: Parquet through pyarrow, Excel .xlsx through openpyxl (read-only, cached values).

Called by `tables.open_table`, which picks the reader by extension; these two import their
libraries lazily so reading a CSV never pays for them.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from savile.data.ingest.quarantine import Quarantine
from savile.data.ingest.tables import Table, cell_text, header_cells
from savile.errors import DataError

__all__ = ["read_parquet", "read_xlsx"]


def read_parquet(path: Path) -> Table:
    """Every record of a Parquet file, located as 'row N' (1-based)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        data = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise DataError(f"{path}: not a readable Parquet file ({exc}); re-export it, or send CSV instead.") from None
    columns = header_cells(path, data.column_names)
    rows = [
        (f"row {i}", {c: cell_text(record.get(c)) for c in columns}) for i, record in enumerate(data.to_pylist(), 1)
    ]
    return Table(columns, rows)


def read_xlsx(path: Path, quarantine: Quarantine, sheet: str | None = None) -> Table:
    """The first sheet (or `sheet`) of a workbook; row 1 is the header, rows are 'sheet S, row N'.

    Formulas read as their last computed value (what Excel shows). Empty rows are skipped; a
    value to the right of the last named column goes to the quarantine with its row.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise DataError(f"{path}: not a readable .xlsx workbook ({exc}); re-save it from Excel as .xlsx.") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise DataError(
                f"{path}: no sheet {sheet!r}; sheets are: {', '.join(book.sheetnames)}; fix the sheet name."
            )
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        return _sheet_table(path, ws, quarantine)
    finally:
        book.close()


def _sheet_table(path: Path, ws, quarantine: Quarantine) -> Table:
    rows = ws.iter_rows(values_only=True)
    columns = header_cells(path, list(next(rows, ())))
    if not columns:
        raise DataError(f"{path}: sheet {ws.title!r} has an empty first row; row 1 must name the columns.")
    table = Table(columns)
    for row_no, cells in enumerate(rows, 2):
        values = [cell_text(c) for c in cells]
        if not any(v.strip() for v in values):
            continue
        location = f"sheet {ws.title}, row {row_no}"
        extra = [v for v in values[len(columns) :] if v.strip()]
        if extra:
            quarantine.add(
                path,
                location,
                f"broken row: {len(extra)} value(s) right of the last named column "
                f"({len(columns)} columns); name the column or move the value",
            )
            continue
        values += [""] * (len(columns) - len(values))
        table.rows.append((location, dict(zip(columns, values, strict=False))))
    return table
