"""CSV files written for people to open (the release's CSV files), as opposed to the canonical
CSVs in data/, which are never rewritten.

Every data cell goes through `spreadsheet_cell()` on its way out: the one place where
cells that a spreadsheet would run as formulas are neutralised (text cells starting with
`=`, `+`, `-`, `@`, a tab or a carriage return get a leading `'`; see
`spreadsheet_safety`).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from .._atomic import write_text_atomic
from ..spreadsheet_safety import TEXT_TYPES, neutralise_formula


def spreadsheet_cell(value: str, field: dict[str, Any]) -> str:
    """The cell as written to a CSV meant for spreadsheets: a text cell that could start a
    formula is neutralised; numbers, dates and other typed cells are left as they are.

    `field` is the cell's Table Schema field. Called for every data cell (not the header)
    of every CSV or XLSX export.
    """
    if field.get("type", "string") in TEXT_TYPES:
        return neutralise_formula(value)
    return value


def _dialect(resource: dict[str, Any]) -> dict[str, Any]:
    dialect = resource.get("dialect") or {}
    options: dict[str, Any] = dialect.get("csv", dialect)
    return options


def export_csv_text(source: Path, schema: dict[str, Any], resource: dict[str, Any]) -> str:
    """The CSV at `source` rewritten for spreadsheets: same dialect, cells through the seam."""
    options = _dialect(resource)
    delimiter = options.get("delimiter", ",")
    quotechar = options.get("quoteChar", '"')
    line_end = options.get("lineTerminator", "\n")
    fields = {f["name"]: f for f in schema["fields"]}
    with Path(source).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=delimiter, quotechar=quotechar))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quotechar=quotechar, lineterminator=line_end)
    if rows:
        header = rows[0]
        writer.writerow(header)
        for row in rows[1:]:
            writer.writerow(
                [
                    spreadsheet_cell(cell, fields.get(name, {"name": name}))
                    for name, cell in zip(header, row, strict=False)
                ]
                + row[len(header) :]
            )
    return buffer.getvalue()


def write_csv_export(
    source: Path, out: Path, schema: dict[str, Any], resource: dict[str, Any]
) -> None:
    """Write `source` (a canonical CSV) to `out` for spreadsheet users, atomically."""
    write_text_atomic(out, export_csv_text(source, schema, resource))
