"""Typed views of text columns, and the canonical forms that every tool of the package reads.

A cell of an integer field is canonical when it is ASCII digits with an optional leading
`-` (no `+`, no padding, no leading zeros, no separators, at most 18 digits: it fits a
64-bit integer); of a number field, such an integer part with an optional fraction that
ends in a non-zero digit, no exponent (`1.5`, not `1.50`, `1.5e0` or `+1.5`: one text per
value, so that equal numbers are equal text); of a boolean field, `true` or `false`; of a
date field, `YYYY-MM-DD` and a day of the calendar (year 0001 or later). Python's `int()`
and `strptime` accept more (` 12`, `+3`, `1_000`, full-width digits, `2022-1-12`), and so
does stock Frictionless; Arrow, pandas, SQLite and DuckDB do not all read those.
`rules/values.py` reports every other form as a type error; `ints` and `dates` give null
for it, so no check compares a value no tool can read.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Protocol

from ...package.types import TYPES

if TYPE_CHECKING:
    import pyarrow as pa


class Columns(Protocol):
    """What the typed views read of a table (`column_table.ColumnTable` is one)."""

    lock: threading.Lock
    typed: dict[tuple[str, str], pa.Array]

    @property
    def num_rows(self) -> int: ...

    def column(self, name: str) -> pa.ChunkedArray | None: ...


CANONICAL = {
    "integer": r"^(0|-?[1-9][0-9]{0,17})$",
    "number": r"^(0|-?[1-9][0-9]*)(\.[0-9]*[1-9])?$|^-0\.[0-9]*[1-9]$",
    "boolean": r"^(true|false)$",
    "date": r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
}
"""Each type's canonical text (RE2 syntax, which Python's `re` reads alike); dates must
also be days of the calendar (`canonical`)."""
TYPED = frozenset({"integer", "date"})
"""The types whose canonical values the rules read in their Arrow type (`typed`), the
one `package.types` gives them."""
_FIRST_DAY = -719_162  # 0001-01-01, in days since 1970-01-01


def ints(table: Columns, name: str) -> pa.Array:
    """The column's canonical integers as int64 (null where empty or not canonical)."""
    return typed(table, name, "integer")


def dates(table: Columns, name: str) -> pa.Array:
    """The column's canonical dates as date32 (null where empty or not canonical)."""
    return typed(table, name, "date")


def flagged(mask: pa.Array | pa.ChunkedArray) -> list[int]:
    """Positions (0-based) of the rows where `mask` is true."""
    import pyarrow.compute as pc

    return [int(i) for i in pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()]


def canonical(column: pa.Array | pa.ChunkedArray, kind: str) -> pa.Array:
    """Whether each cell is in the canonical form of type `kind` (null where empty)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if kind == "date" and _dates(column) is not None:  # usually: every cell is
        return pc.if_else(pc.is_valid(column), True, pa.scalar(None, pa.bool_()))
    match = pc.match_substring_regex(column, CANONICAL[kind])
    if kind != "date":
        return match
    # strptime rolls 2022-02-30 over to March: a day of the calendar reads back the same.
    text = pc.if_else(match, column, pa.scalar(None, pa.string()))
    parsed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
    same = pc.fill_null(pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), text), False)
    year_zero = pc.fill_null(pc.equal(pc.utf8_slice_codeunits(column, 0, 4), "0000"), False)
    return pc.if_else(pc.is_valid(column), pc.and_(same, pc.invert(year_zero)), None)


def _dates(column: pa.Array | pa.ChunkedArray) -> pa.Array | None:
    """The column as date32 when every present cell is a canonical date, else None.

    A date column is cast whole, which is much faster than the regular expression cell by
    cell: Arrow casts a date only from `YYYY-MM-DD` naming a day of the calendar, and year
    0000 is refused here. Any other column is decided cell by cell (`canonical`). (An
    integer column is not: the cast reads `007`, `-0` or `0x1F` too, and holding it to the
    canonical form by writing every value back as text costs more than the expression.)
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        typed = pc.cast(column, pa.date32())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    first = pc.min(typed).cast(pa.int32())  # days since 1970-01-01
    return typed if not first.is_valid or first.as_py() >= _FIRST_DAY else None


def typed(table: Columns, name: str, kind: str) -> pa.Array:
    """A column's canonical values in their Arrow type; computed once per table even when
    two checks in two threads ask at the same time."""
    with table.lock:
        if (name, kind) not in table.typed:
            table.typed[(name, kind)] = _convert(table, name, kind)
        return table.typed[(name, kind)]


def _convert(table: Columns, name: str, kind: str) -> pa.Array:
    import pyarrow as pa
    import pyarrow.compute as pc

    target = TYPES[kind].arrow_type()
    column = table.column(name)
    if column is None:
        return pa.nulls(table.num_rows, target)
    typed = _dates(column) if kind == "date" else None
    if typed is not None:
        return typed
    text = pc.if_else(pc.fill_null(canonical(column, kind), False), column, None)
    if kind == "integer":
        return pc.cast(text, target)
    parsed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
    return pc.cast(parsed, target)
