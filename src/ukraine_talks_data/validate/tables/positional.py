"""A table as Table Schema reads it: header labels paired with schema fields by position.

The Table Schema rules (`rules/shape.py`, `rules/constraints.py`, `rules/unique.py`) and the
canonical-value rule read a table this way, as Frictionless does: the field at position i
checks the cells at position i whatever the label says; a label past the schema's fields
gets a field of type `any`. Every data record is here, blank ones too (`blank`), with its
cells cut or padded to the header's width (`odd` keeps records of another width whole).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

    from ..csv.records import Records


@dataclass(frozen=True)
class Layout:
    """How Table Schema pairs a table's labels with fields: what the key rules need of a
    `Positional` once its cells are in the key store."""

    labels: list[str]
    fields: list[dict[str, Any]]
    schema_fields: list[dict[str, Any]]
    primary_key: Any


@dataclass
class Positional:
    """A table's data records by position: `rows` (Frictionless row numbers) and `cells`."""

    name: str
    path: str
    labels: list[str]
    fields: list[dict[str, Any]]  # one per label: the schema's field there, or an `any` field
    schema_fields: list[dict[str, Any]]
    rows: pa.ChunkedArray
    cells: list[pa.ChunkedArray]  # one per label: text, null where the record is shorter
    odd: dict[int, list[str]]  # record number → every cell, for records of another width
    missing_values: tuple[str, ...]
    primary_key: Any = None  # as the schema gives it
    _present: dict[int, pa.Array] = field(default_factory=dict)
    _canonical: dict[int, pa.Array] = field(default_factory=dict)
    _blank: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def num_rows(self) -> int:
        return len(self.rows)

    def row(self, index: int) -> int:
        return int(self.rows[index].as_py())

    def layout(self) -> Layout:
        return Layout(self.labels, self.fields, self.schema_fields, self.primary_key)

    def present(self, position: int) -> pa.Array:
        """Whether each cell at `position` holds a value (not missing, not a missing value)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        with self._lock:  # rules in two threads ask at once
            if position not in self._present:
                f, column = self.fields[position], self.cells[position]
                missing = list(f.get("missingValues", self.missing_values))
                # The empty cell, the usual missing value, is told by comparing it with ""
                # (no hashing of the text); any other missing value by is_in.
                if "" in missing:
                    present = pc.fill_null(pc.not_equal(column, ""), False)
                else:
                    present = pc.is_valid(column)
                others = [m for m in missing if m != ""]
                if others:
                    given = pc.invert(pc.is_in(column, value_set=pa.array(others, pa.string())))
                    present = pc.and_(present, pc.fill_null(given, False))
                self._present[position] = present
            return self._present[position]

    def canonical(self, position: int) -> pa.Array:
        """Whether each cell at `position` holding a value (`present`) is in the canonical
        form of its field's type (`values.canonical`; null where no value), computed once:
        the type, constraint and key store's rules all ask. Missing values are left out
        first, so that a date column with empty cells is still cast whole."""
        import pyarrow as pa
        import pyarrow.compute as pc

        from .values import canonical

        present = self.present(position)
        with self._lock:  # rules in two threads ask at once
            if position not in self._canonical:
                kind = self.fields[position]["type"]
                values = pc.if_else(present, self.cells[position], pa.scalar(None, pa.string()))
                self._canonical[position] = canonical(values, kind)
            return self._canonical[position]

    def blank(self) -> pa.Array:
        """Whether each record is blank: no cell at a label's position holds a value."""
        import pyarrow as pa
        import pyarrow.compute as pc

        from ..csv.records import any_of

        if self._blank is None:  # computed once: every Table Schema rule asks
            if not self.cells:
                blank = pa.repeat(pa.scalar(True), self.num_rows)
            else:
                blank = pc.invert(any_of([self.present(p) for p in range(len(self.cells))]))
            with self._lock:
                self._blank = blank
        return self._blank


def positional(name: str, path: str, records: Records, schema: dict[str, Any]) -> Positional | None:
    """The table of `records` read with `schema` by position; None without a header record."""
    import pyarrow as pa

    if records.count == 0:
        return None
    header = records.table.slice(0, 1).to_pylist()[0]
    labels = [header[f"c{i}"] for i in range(records.width)]
    schema_fields = list(schema["fields"])
    names = _deduplicated(
        [schema_fields[i]["name"] if i < len(schema_fields) else x for i, x in enumerate(labels)]
    )
    fields = [
        schema_fields[i] if i < len(schema_fields) else {"name": names[i], "type": "any"}
        for i in range(len(labels))
    ]
    data = records.table.slice(1)
    cells = [data.column(f"c{i}") for i in range(records.width)]  # Arrow's buffers, not copies
    if not labels:  # a blank header: Frictionless reads each row's cells by the schema's fields
        fields = schema_fields
        whole = [records.odd.get(n, []) for n in data.column("rn").to_pylist()]
        cells = [
            pa.chunked_array([pa.array([r[i] if i < len(r) else None for r in whole], pa.string())])
            for i in range(len(fields))
        ]
    return Positional(
        name,
        path,
        labels,
        fields,
        schema_fields,
        data.column("rn"),
        cells,
        {n: c for n, c in records.odd.items() if n > 1},
        tuple(schema.get("missingValues", [""])),
        schema.get("primaryKey"),
    )


def _deduplicated(names: list[str]) -> list[str]:
    """Names made unique as Frictionless makes a header's labels unique (x, x2, x3…)."""
    result: list[str] = []
    used: set[str] = set()
    for name in names:
        new, suffix = name, 2
        while new in used:
            new, suffix = f"{name}{suffix}", suffix + 1
        result.append(new)
        used.add(new)
    return result
