"""Reading a package's CSV tables as rows of raw cells, numbered as Frictionless numbers them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

csv.field_size_limit(2**31 - 1)


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

    def column(self, name: str) -> Iterator[tuple[Row, str]]:
        """(row, value) for every non-empty cell of column `name`."""
        for row in self.rows:
            value = row.cells.get(name)
            if value is not None:
                yield row, value


def read_table(root: Path, name: str, path: str) -> Table | None:
    """Read `path` as UTF-8 CSV; None when it cannot be decoded or parsed.

    Structural damage (encoding, ragged rows, bad quoting) is reported by the
    Frictionless pass; the checks here simply skip a table they cannot read.
    """
    try:
        text = (root / path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        return None
    if not records:
        return Table(name, path, [], [])
    header = records[0]
    rows: list[Row] = []
    for number, record in enumerate(records[1:], start=2):
        if not any(record):
            continue
        cells = {
            h: (record[i] if i < len(record) and record[i] != "" else None)
            for i, h in enumerate(header)
        }
        rows.append(Row(number, cells))
    return Table(name, path, header, rows)


def as_int(value: str | None) -> int | None:
    """The cell as an integer; None if empty or not an integer (a type error reported elsewhere)."""
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def as_date(value: str | None) -> dt.date | None:
    """The cell as an ISO date, or None if empty or not a real date."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def field_names(schema: dict[str, Any]) -> list[str]:
    return [f["name"] for f in schema.get("fields", []) if isinstance(f, dict) and "name" in f]
