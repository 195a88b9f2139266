"""A table's data rows as Arrow columns (`ColumnTable`), made from its records (read by
Arrow or by the csv module): what the rules read through `ColumnContext.table`."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..csv.records import ROW, any_of

if TYPE_CHECKING:
    import pyarrow as pa

    from ..csv.records import Records


@dataclass
class ColumnTable:
    """A table's non-blank data rows: `rows` (Frictionless row numbers) and its columns."""

    name: str
    path: str
    header: list[str]
    rows: pa.ChunkedArray
    columns: dict[str, pa.ChunkedArray]  # field name → text, empty cells null
    plain_text: bool = False  # known: nothing for the rules on characters (`csv/plain.Form`)
    pieced: bool = False  # a piece of a table (`ColumnContext.pieces`), with
    start: int = 0  # the rows of the pieces before it
    total: int | None = None  # and the rows of every piece, when it is the last
    typed: dict[tuple[str, str], pa.Array] = field(default_factory=dict)  # see tables/values.py
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def num_rows(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> pa.ChunkedArray | None:
        """The column of field `name`; None if the table has no such field."""
        return self.columns.get(name)

    def row(self, index: int) -> int:
        """The row number of the row at `index` (0-based)."""
        return int(self.rows[index].as_py())

    def cell(self, name: str, index: int) -> str | None:
        column = self.columns.get(name)
        return None if column is None else column[index].as_py()


def from_records(name: str, path: str, header: list[str], records: Records) -> ColumnTable:
    """The data rows of Arrow records, blank ones left out, empty cells null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = records.table.slice(1)  # the header is record 1
    width = records.width
    if _may_be_blank(table, width):
        present: list[Any] = [
            pc.fill_null(pc.not_equal(table.column(f"c{i}"), ""), False) for i in range(width)
        ]
        filled = any_of(present) if present else pa.repeat(pa.scalar(False), table.num_rows)
        # Cells past the header's width (odd records only) count too.
        odd = [n for n, cells in records.odd.items() if n > 1 and any(cells)]
        if odd:
            filled = pc.or_(filled, pc.is_in(table.column(ROW), pa.array(odd, pa.int64())))
        table = table.filter(filled)
    columns = {
        label: pa.chunked_array(
            [_empty_as_null(chunk) for chunk in table.column(f"c{i}").chunks], pa.string()
        )
        for i, label in enumerate(header)
        if i < width
    }
    return ColumnTable(name, path, list(header), table.column(ROW), columns)


def _may_be_blank(table: pa.Table, width: int) -> bool:
    """Whether some row may be blank: every column has an empty (or missing) cell."""
    import pyarrow.compute as pc

    for i in range(width):
        column = table.column(f"c{i}")
        if not (column.null_count or pc.any(pc.equal(column, "")).as_py()):
            return False
    return True


def _empty_as_null(chunk: pa.Array) -> pa.Array:
    """The chunk with empty strings as nulls, sharing its text (only a validity bitmap is new)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if chunk.null_count or chunk.type != pa.string():  # short records padded with nulls
        return pc.if_else(pc.equal(chunk, ""), pa.scalar(None, pa.string()), chunk)
    _, offsets, data = chunk.buffers()
    whole = pa.Array.from_buffers(pa.string(), chunk.offset + len(chunk), [None, offsets, data])
    present = pc.not_equal(whole, "")  # computed from the buffers' start: bits line up
    return pa.Array.from_buffers(
        pa.string(), len(chunk), [present.buffers()[1], offsets, data], offset=chunk.offset
    )
