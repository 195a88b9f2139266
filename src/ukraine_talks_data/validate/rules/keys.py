"""Foreign keys: every reference in a row lands on a row of the referenced table.

Checked here on the tables' columns rather than by Frictionless, whose lookups copy and
re-read every referenced table once per foreign key, and so that a key pointing into an
unreadable table is skipped instead of echoing that table's error. A row whose key cells
are all empty is skipped (as in Frictionless). Keys compare as text: integers and dates
are canonical (`values.value_is_canonical`), so equal values are equal text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..csv.records import any_of, counting
from ..report.issues import Issue
from ..tables.values import flagged

if TYPE_CHECKING:
    import pyarrow as pa

    from ..tables.column_table import ColumnTable
    from ..tables.columns import ColumnContext
    from ..tables.context import Context

# Stands for an empty key cell in joins (nulls never join); a cell holding it has control
# characters, an error of its own.
_EMPTY_KEY = "\x00\x01(empty)\x01\x00"


@dataclass(frozen=True)
class ForeignKey:
    """One foreign key: the table and its fields, the target table and its fields."""

    table: str
    fields: tuple[str, ...]
    target: str
    target_fields: tuple[str, ...]

    def issue(self, path: str, row: int, raw: list[str | None]) -> Issue:
        """The issue of a row whose key cells `raw` match no row of the target."""
        shown = ", ".join(c if c is not None else "(empty)" for c in raw)
        where = ",".join(self.target_fields)
        return Issue(
            path, row, ",".join(self.fields), "foreign-key",
            f"no {self.target} row has {where} = {shown}", shown,
        )  # fmt: skip


def foreign_keys(ctx: Context) -> Iterator[ForeignKey]:
    """Every foreign key of every table whose schema and target's schema are known."""
    for resource in ctx.descriptor.tables():
        schema = ctx.schema(resource.name)
        if schema is None:
            continue
        for fk in schema.get("foreignKeys") or []:
            target = fk["reference"].get("resource") or resource.name
            target_schema = ctx.schema(target)
            if target_schema is None:
                continue  # missing: reported as such
            own, theirs = _as_list(fk["fields"]), _as_list(fk["reference"]["fields"])
            yield ForeignKey(resource.name, tuple(own), target, tuple(theirs))


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def key_needs(ctx: Context) -> dict[str, set[str]]:
    """The fields that `foreign_keys_resolve` reads in each table: its foreign keys' and
    those that other tables' foreign keys reference."""
    needed: dict[str, set[str]] = {}
    for fk in foreign_keys(ctx):
        needed.setdefault(fk.table, set()).update(fk.fields)
        needed.setdefault(fk.target, set()).update(fk.target_fields)
    return needed


def foreign_keys_resolve(ctx: ColumnContext) -> Iterator[Issue]:
    """Each foreign key's cells equal the referenced fields of some row of the referenced
    table (unless all of the key's cells are empty)."""
    for fk in foreign_keys(ctx.rows):
        table, target = ctx.table(fk.table), ctx.table(fk.target)
        if table is None or target is None:
            continue  # unreadable: reported as such
        for i in _unmatched(table, list(fk.fields), target, list(fk.target_fields)):
            yield fk.issue(table.path, table.row(i), [table.cell(n, i) for n in fk.fields])


def _unmatched(
    table: ColumnTable, own: list[str], target: ColumnTable, theirs: list[str]
) -> list[int]:
    """Positions of `table`'s rows whose key (not all empty) is no key of `target`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def key(t: ColumnTable, names: list[str]) -> list[pa.ChunkedArray]:
        missing = pa.chunked_array([pa.nulls(t.num_rows, pa.string())])
        return [c if (c := t.column(n)) is not None else missing for n in names]

    mine, referenced = key(table, own), key(target, theirs)
    if len(own) == 1 and len(theirs) == 1:
        column, known = mine[0], pc.drop_null(referenced[0])
        if len(known) > 4 * len(column):  # hash the smaller side: the target rows we need
            known = pc.filter(known, pc.is_in(known, value_set=pc.unique(column)))
        found = pc.is_in(column, value_set=pc.unique(known))
        if (pc.sum(found).as_py() or 0) == len(column) - column.null_count:
            return []  # every given cell found: the usual case, decided in two passes
        return flagged(pc.and_(pc.is_valid(column), pc.invert(found)))
    given = any_of([pc.is_valid(c) for c in mine])
    if len(own) != len(theirs):
        return flagged(given)  # no tuple of another length can match
    names = [f"k{j}" for j in range(len(own))]
    target_given = any_of([pc.is_valid(c) for c in referenced])
    right = pa.table(
        dict(zip(names, [pc.fill_null(c, _EMPTY_KEY) for c in referenced], strict=True))
    ).filter(target_given)
    left = pa.table(
        {
            **dict(zip(names, [pc.fill_null(c, _EMPTY_KEY) for c in mine], strict=True)),
            "i": pc.subtract(counting(table.num_rows), 1),
        }
    ).filter(given)
    right = right.group_by(names).aggregate([])
    distinct = left.drop_columns(["i"]).group_by(names).aggregate([])
    if not distinct.join(right, names, join_type="left anti").num_rows:
        return []  # every key tuple found, decided on the distinct tuples
    missing = left.join(right, names, join_type="left anti")
    return sorted(int(i) for i in missing.column("i").to_pylist())
