"""Reading a CSV table resource in the package's declared form: UTF-8, its dialect, header row 1.

Nothing is sniffed or detected: the package's CSV form is declared (`resource_rules`
refuses any other dialect or encoding before this runs), and the reference pipeline hands
Frictionless rows parsed in that form, so the column engine reads them alike.
`CannotReadError` means the column engine leaves the resource to the reference pass (file
missing, not decodable, no header...).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from ...csv.records import (
    CannotReadError,
    CsvDialect,
    NotUtf8Error,
    Records,
    RecordsCache,
    UnreadableCsvError,
    head,
    read_rows,
)
from .plan import TablePlan

BUFFER_SIZE = 3  # enough to see a byte-order mark


@dataclass
class SourceTable:
    """A table resource as Frictionless sees it: labels from `header_row`, data after it."""

    plan: TablePlan
    file: Path
    encoding: str
    dialect: CsvDialect
    header_row: int
    labels: list[str]
    records: Records | None  # Arrow records (large packages)
    rows: list[list[str]] | None  # or every record as a list of cells (small packages)


def open_table(
    root: Path, plan: TablePlan, cache: RecordsCache, *, arrow: bool = True
) -> SourceTable:
    """Read the resource's records and settle its header; raises CannotReadError.

    With `arrow` the records are Arrow columns, otherwise lists read by the csv module.
    """
    file = root / plan.path
    if not file.is_file():
        raise CannotReadError("no such file")
    try:
        with file.open("rb") as fh:
            buffer = fh.read(BUFFER_SIZE)
    except OSError:
        raise CannotReadError("unreadable") from None
    if (plan.encoding or "utf-8").lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise CannotReadError(f"encoding {plan.encoding}")
    encoding = "utf-8-sig" if buffer.startswith(codecs.BOM_UTF8) else "utf-8"
    dialect, header_row = plan.dialect, 1
    try:
        sample = head(file, encoding, dialect, 1)
    except (NotUtf8Error, UnreadableCsvError) as exc:
        raise CannotReadError(str(exc)) from None
    if not sample:
        raise CannotReadError("empty")
    labels = [cell.strip() for cell in sample[header_row - 1]]
    if not labels:
        raise CannotReadError("blank header")
    if not arrow:
        try:
            rows = read_rows(file, dialect, encoding=encoding)
        except (NotUtf8Error, UnreadableCsvError) as exc:
            raise CannotReadError(str(exc)) from None
        return SourceTable(plan, file, encoding, dialect, header_row, labels, None, rows)
    records = cache.get(file, dialect, encoding, len(sample[0]))
    return SourceTable(plan, file, encoding, dialect, header_row, labels, records, None)
