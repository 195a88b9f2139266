"""Typed views of text columns for the column checks, read as the row-wise checks read cells.

`ints` is `raw_tables.as_int` and `dates` is `raw_tables.as_date` applied to every cell of
a column: canonical values (`12`, `2022-01-31`) are converted by Arrow, every other distinct
value by the row-wise helper itself, so both views agree on `" 12"`, `"+3"` or `"2022-02-30"`.
`RowWise` signals a column that cannot be held in the Arrow type (an integer beyond 64 bits).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .raw_tables import as_date, as_int

if TYPE_CHECKING:
    import pyarrow as pa

    from .column_tables import ColumnTable

FEW_VALUES = 100_000  # columns up to this long, or with repeating values, are read by value
CANONICAL = {"int64": r"^-?(0|[1-9][0-9]{0,17})$", "date32": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}


class RowWise(Exception):  # noqa: N818 - a signal, not an error
    """The column version of a check cannot decide: run the row-wise check."""


def ints(table: ColumnTable, name: str) -> pa.Array:
    """`as_int` of every cell of a column, as int64 (null where as_int gives None)."""
    return _typed(table, name, "int64", as_int)


def dates(table: ColumnTable, name: str) -> pa.Array:
    """`as_date` of every cell of a column, as date32 (null where as_date gives None)."""
    return _typed(table, name, "date32", as_date)


def flagged(mask: pa.Array | pa.ChunkedArray) -> list[int]:
    """Positions (0-based) of the rows where `mask` is true."""
    import pyarrow.compute as pc

    return [int(i) for i in pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()]


def any_of(masks: list[Any]) -> Any:
    """The element-wise OR of one or more boolean arrays."""
    import pyarrow.compute as pc

    result = masks[0]
    for mask in masks[1:]:
        result = pc.or_(result, mask)
    return result


def _typed(table: ColumnTable, name: str, kind: str, read: Callable[[str], Any]) -> pa.Array:
    """A column read by `read` (the row-wise helper), canonical cells by Arrow; computed
    once per table even when two checks in two threads ask at the same time."""
    with table.lock:
        if (name, kind) not in table.typed:
            table.typed[(name, kind)] = _convert(table, name, kind, read)
        return table.typed[(name, kind)]


def _convert(table: ColumnTable, name: str, kind: str, read: Callable[[str], Any]) -> pa.Array:
    import pyarrow as pa
    import pyarrow.compute as pc

    target = getattr(pa, kind)()
    column = table.column(name)
    if column is None:
        result = pa.nulls(table.num_rows, target)
    else:
        column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        sample = pc.count_distinct(column.slice(0, 10_000)).as_py()
        if len(column) > FEW_VALUES and sample > 5_000:  # mostly distinct: canonical cells
            fast = pc.fill_null(pc.match_substring_regex(column, CANONICAL[kind]), False)
            if kind == "date32":
                fast = pc.and_(fast, pc.not_equal(pc.utf8_slice_codeunits(column, 0, 4), "0000"))
            result = _canonical(column, fast, kind)
            distinct = pc.unique(pc.drop_null(pc.filter(column, pc.invert(fast))))
        else:  # few values: each read once
            result = pa.nulls(len(column), target)
            distinct = pc.unique(pc.drop_null(column))
        if len(distinct):
            try:
                values = pa.array([read(v) for v in distinct.to_pylist()], target)
            except (pa.ArrowInvalid, OverflowError):
                raise RowWise from None
            found = pc.take(values, pc.index_in(column, value_set=distinct))
            result = pc.coalesce(result, found)
    return result


def _canonical(column: pa.Array, fast: pa.Array, kind: str) -> pa.Array:
    """The values of canonical cells (null elsewhere), computed by Arrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.if_else(fast, column, pa.scalar(None, pa.string()))
    if kind == "int64":
        return pc.cast(text, pa.int64())
    parsed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
    # strptime rolls 2022-02-30 over to March: keep only dates that read back the same.
    same = pc.fill_null(pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), text), False)
    return pc.cast(pc.if_else(same, parsed, None), pa.date32())
