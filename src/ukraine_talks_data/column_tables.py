"""The package's tables as Arrow columns, seen exactly as `raw_tables` sees them, for column checks.

`raw_tables.read_table` reads a CSV with the csv module's default dialect, as UTF-8 (a
byte-order mark stays in the first label), takes the first record as the header, skips
blank records and maps empty cells to None. `ColumnContext.table` gives the same view
from the Arrow records the schema pass already read (`RecordsCache`), so each file is
parsed once; `ColumnTable.column(name)` is that column with its Frictionless row numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .checks.context import SPAN_FIELDS, Context
from .column_source import CannotReadError, RecordsCache
from .csv_columns import EXCEL, ROW, NotUtf8Error, UnreadableCsvError, head
from .descriptor import Descriptor

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass
class ColumnTable:
    """A table's non-blank data rows: `rows` (row numbers) and one text column per label."""

    name: str
    path: str
    header: list[str]
    table: pa.Table  # columns "rn" and c0, c1, … (one per header position), "" not yet null
    _columns: dict[str, pa.ChunkedArray] = field(default_factory=dict)
    typed: dict[tuple[str, str], pa.Array] = field(default_factory=dict)  # see column_checks

    @property
    def num_rows(self) -> int:
        return int(self.table.num_rows)

    @property
    def rows(self) -> pa.ChunkedArray:
        return self.table.column(ROW)

    def column(self, name: str) -> pa.ChunkedArray | None:
        """The column labelled `name` (the last one, if repeated), empty cells null;
        None if there is no such column."""
        import pyarrow as pa

        positions = [i for i, label in enumerate(self.header) if label == name]
        if not positions:
            return None
        if name not in self._columns:
            column = self.table.column(f"c{positions[-1]}")
            self._columns[name] = pa.chunked_array(
                [_empty_as_null(chunk) for chunk in column.chunks], pa.string()
            )
        return self._columns[name]


def _empty_as_null(chunk: pa.Array) -> pa.Array:
    """The chunk with empty strings as nulls, sharing its text (only a validity bitmap is new)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if chunk.null_count:  # short records padded with nulls: small chunks
        return pc.if_else(pc.equal(chunk, ""), pa.scalar(None, pa.string()), chunk)
    _, offsets, data = chunk.buffers()
    whole = pa.Array.from_buffers(pa.string(), chunk.offset + len(chunk), [None, offsets, data])
    present = pc.not_equal(whole, "")  # computed from the buffers' start: bits line up
    return pa.Array.from_buffers(
        pa.string(), len(chunk), [present.buffers()[1], offsets, data], offset=chunk.offset
    )


@dataclass
class ColumnContext:
    """Lazy access to the package's tables as columns, plus the row-wise Context."""

    descriptor: Descriptor
    cache: RecordsCache = field(default_factory=RecordsCache)
    rows: Context = field(init=False)
    _tables: dict[str, ColumnTable | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rows = Context(self.descriptor)

    def table(self, name: str) -> ColumnTable | None:
        """The named table, or None if the package lacks it or it cannot be read."""
        if name not in self._tables:
            resource = self.descriptor.resource(name)
            self._tables[name] = (
                self._read(name, resource.path)
                if resource is not None and resource.is_table
                else None
            )
        return self._tables[name]

    def span_tables(self) -> list[ColumnTable]:
        """Every table whose rows carry an evidence span (source_id, start_char, end_char, text)."""
        out = []
        for resource in self.descriptor.tables():
            names = {
                f.get("name")
                for f in (resource.schema or {}).get("fields", [])
                if isinstance(f, dict)
            }
            if all(n in names for n in SPAN_FIELDS):
                table = self.table(resource.name)
                if table is not None:
                    out.append(table)
        return out

    def _read(self, name: str, path: str) -> ColumnTable | None:
        import pyarrow as pa
        import pyarrow.compute as pc

        file = self.descriptor.root / path
        try:
            first = head(file, "utf-8", EXCEL, 1)
            if not first:
                return ColumnTable(name, path, [], pa.table({ROW: pa.array([], pa.int64())}))
            records = self.cache.get(file, EXCEL, "utf-8", len(first[0]))
        except (OSError, NotUtf8Error, UnreadableCsvError, CannotReadError):
            return None
        header = list(records.odd.get(1, first[0]))
        table = records.table
        if table.num_rows and table.column(ROW)[0].as_py() == 1:
            table = table.slice(1)  # the header
        if _may_be_blank(table, records.width):
            present = [
                pc.fill_null(pc.not_equal(table.column(f"c{i}"), ""), False)
                for i in range(records.width)
            ]
            filled = _any(present) if present else pa.repeat(pa.scalar(False), table.num_rows)
            # Cells past the first record's width (odd records only) count too.
            odd = [n for n, cells in records.odd.items() if any(cells)]
            if odd:
                filled = pc.or_(filled, pc.is_in(table.column(ROW), pa.array(odd, pa.int64())))
            table = table.filter(filled)
        return ColumnTable(name, path, header, table)


def _may_be_blank(table: pa.Table, width: int) -> bool:
    """Whether some row may be blank: every column has an empty (or missing) cell."""
    import pyarrow.compute as pc

    for i in range(width):
        column = table.column(f"c{i}")
        if not (column.null_count or pc.any(pc.equal(column, "")).as_py()):
            return False
    return True


def _any(masks: list[pa.ChunkedArray]) -> pa.ChunkedArray:
    import pyarrow.compute as pc

    result = masks[0]
    for mask in masks[1:]:
        result = pc.or_(result, mask)
    return result
