"""Table Schema keys within a table: unique fields and the primary key.

A value repeating an earlier row's (the nearest one before it) is an error naming that row;
a primary key whose cells are all empty is one too. Typed cells compare by their canonical
text (one text per value); a cell of any other form is a `type-error` and counts as
empty, as in Frictionless, where a cell it cannot read has no value. Blank rows are left
out. Duplicates are found by sorting (Arrow), not a Python loop.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..csv.records import counting
from ..report.issues import Issue
from ..tables.values import CANONICAL, canonical, flagged

if TYPE_CHECKING:
    import pyarrow as pa

    from ..tables.columns import ColumnContext
    from ..tables.context import Context
    from ..tables.positional import Positional

_SEPARATOR = "\x1f"  # joins a composite key's cells (a control character: never in a valid cell)


def duplicate_message(what: str, previous: int) -> str:
    return f"{what}: row {previous} has the same value"


EMPTY_KEY = "the primary key is empty"


def keys_are_unique(ctx: ColumnContext) -> Iterator[Issue]:
    """Unique fields hold no value twice; the primary key is given and unique in every row."""
    import pyarrow.compute as pc

    for resource in ctx.tables():
        table = ctx.positional(resource.name)
        if table is None or not table.num_rows:
            continue
        found: list[tuple[int, int, Issue]] = []
        key = _primary_key(table)
        if key:
            names = ",".join(table.fields[p]["name"] for p in key)
            cells = [_values(table, p) for p in key]
            empty = pc.and_(_all_null(cells), pc.invert(table.blank()))
            for i in flagged(empty):
                found.append((i, -1, _key_issue(table, key, names, i, EMPTY_KEY)))
            for i, previous in _repeats(_joined(cells), table.rows):
                message = duplicate_message("duplicate primary key", previous)
                found.append((i, -1, _key_issue(table, key, names, i, message)))
        for position, field in enumerate(table.fields):
            if not (field.get("constraints") or {}).get("unique") or key == [position]:
                continue  # a unique primary key: its duplicates are reported as the key's
            values = _values(table, position)
            for i, previous in _repeats(values, table.rows):
                message = duplicate_message("the value must be unique", previous)
                issue = Issue(
                    table.path, table.row(i), field["name"], "unique-error", message,
                    values[i].as_py() or None,
                )  # fmt: skip
                found.append((i, position, issue))
        yield from (issue for _, _, issue in sorted(found, key=lambda item: item[:2]))


def unique_needs(ctx: Context) -> dict[str, set[str]]:
    """The fields that `keys_are_unique` reads in each table: its key and unique fields."""
    needed = {}
    for resource in ctx.descriptor.tables():
        schema = ctx.schema(resource.name) or {}
        key: Any = schema.get("primaryKey")
        names = {key} if isinstance(key, str) else {k for k in key or [] if isinstance(k, str)}
        fields = schema.get("fields") or []
        unique = {f["name"] for f in fields if (f.get("constraints") or {}).get("unique")}
        needed[resource.name] = names | unique
    return needed


def _primary_key(table: Positional) -> list[int]:
    """Positions of the primary key's fields; empty when a key field has no label."""
    schema = table.schema_fields
    names = [f["name"] for f in table.fields[: len(schema)]]
    key = _key_names(table)
    if not key or not all(n in names for n in key):
        return []
    return [names.index(n) for n in key]


def _key_names(table: Positional) -> list[str]:
    key: Any = table.primary_key
    return [key] if isinstance(key, str) else [k for k in key or [] if isinstance(k, str)]


def _values(table: Positional, position: int) -> pa.Array:
    """The cells at `position` that hold a value of their type (null elsewhere and in blank
    rows), as text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    field, column = table.fields[position], table.cells[position]
    keep = pc.and_(table.present(position), pc.invert(table.blank()))
    if field.get("type") in CANONICAL:
        keep = pc.and_(keep, pc.fill_null(canonical(column, field["type"]), False))
    return pc.if_else(keep, column, pa.scalar(None, pa.string()))


def _all_null(cells: list[pa.Array]) -> pa.Array:
    import pyarrow.compute as pc

    from ..csv.records import any_of

    return pc.invert(any_of([pc.is_valid(c) for c in cells]))


def _joined(cells: list[pa.Array]) -> pa.Array:
    """One text per row for a key of several cells (null where every cell is empty)."""
    import pyarrow.compute as pc

    if len(cells) == 1:
        return cells[0]
    joined = pc.binary_join_element_wise(
        *cells, _SEPARATOR, null_handling="replace", null_replacement="\x00"
    )
    return pc.if_else(_all_null(cells), None, joined)


def _repeats(values: pa.Array, rows: pa.Array) -> Iterator[tuple[int, int]]:
    """(position, previous row number) for each non-null value repeating an earlier one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pc.count_distinct(values).as_py() == len(values) - values.null_count:
        return  # the usual case: every value once
    index = pc.subtract(counting(len(values)), 1)  # positions 0..n-1, made by Arrow
    order = pc.sort_indices(
        pa.table({"v": values, "i": index}), [("v", "ascending"), ("i", "ascending")]
    )
    sorted_values, sorted_index = pc.take(values, order), pc.take(index, order)
    same = pc.equal(sorted_values.slice(1), sorted_values.slice(0, len(values) - 1))
    for j in flagged(same):
        i, before = sorted_index[j + 1].as_py(), sorted_index[j].as_py()
        yield i, int(rows[before].as_py())


def _key_issue(table: Positional, key: list[int], names: str, i: int, message: str) -> Issue:
    """A primary-key issue with the key's cells, as written, as its value."""
    cells = [table.cells[p][i].as_py() for p in key]
    value = ", ".join(c for c in cells if c is not None)  # a short record's cells only
    return Issue(table.path, table.row(i), names, "primary-key", message, value or None)
