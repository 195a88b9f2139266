"""Reading a package's CSV tables as rows of raw cells, numbered as Frictionless numbers them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..csv.form import ParsedCsv
from .values import CANONICAL


@dataclass(frozen=True)
class Row:
    """One data row: `number` is its Frictionless row number (header = 1, first row = 2)."""

    number: int
    cells: dict[str, str | None]

    def get(self, name: str) -> str | None:
        return self.cells.get(name)


@dataclass
class Table:
    """A CSV resource read as text, for checks that Table Schema cannot express."""

    name: str
    path: str
    header: list[str]
    rows: list[Row]

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)


def table_from_csv(name: str, path: str, parsed: ParsedCsv) -> Table:
    """Rows of a parsed CSV as dicts keyed by the header, blank records left out."""
    header = parsed.header
    rows: list[Row] = []
    for number, record in enumerate(parsed.records[1:], start=2):
        if not any(record):
            continue
        cells = {
            h: (record[i] if i < len(record) and record[i] != "" else None)
            for i, h in enumerate(header)
        }
        rows.append(Row(number, cells))
    return Table(name, path, list(header), rows)


def as_date(value: str | None) -> dt.date | None:
    """The cell as a date; None if empty or not a canonical date (`YYYY-MM-DD`, a day of
    the calendar)."""
    if value is None or not re.fullmatch(CANONICAL["date"], value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
