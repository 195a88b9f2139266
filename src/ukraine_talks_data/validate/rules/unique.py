"""Table Schema keys within a table: unique fields and the primary key.

A value repeating an earlier row's (the nearest one before it) is an error naming that row;
a primary key whose cells are all empty is one too. Typed cells compare by their canonical
text (one text per value); a cell of any other form is a `type-error` and counts as
empty, as in Frictionless, where a cell it cannot read has no value. Blank rows are left
out. SQL over the key store's records by position (`tables/store.py`: `v<p>` is the value
at position p, `p<p>` the cell as written).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..report.issues import Issue

if TYPE_CHECKING:
    from ..tables.columns import ColumnContext
    from ..tables.context import Context
    from ..tables.positional import Layout
    from ..tables.store import KeyStore


def duplicate_message(what: str, previous: int) -> str:
    return f"{what}: row {previous} has the same value"


EMPTY_KEY = "the primary key is empty"


def keys_are_unique(ctx: ColumnContext) -> Iterator[Issue]:
    """Unique fields hold no value twice; the primary key is given and unique in every row."""
    store = ctx.store
    for resource in ctx.tables():
        table = ctx.layout(resource.name)
        if table is None or not store.has(resource.name, "cells"):
            continue
        path, relation = store.path(resource.name), store.cells(resource.name)
        found: list[tuple[int, int, Issue]] = []
        key = _primary_key(table)
        if key:
            names = ",".join(table.fields[p]["name"] for p in key)
            values = [f"v{p}" for p in key]
            shown = f"concat_ws(', ', {', '.join(f'p{p}' for p in key)})"
            empty = " AND ".join(f"{v} IS NULL" for v in values)
            sql = f"SELECT _row, {shown} FROM {relation} WHERE NOT _blank AND {empty}"
            for row, value in store.query(sql):
                issue = Issue(path, row, names, "primary-key", EMPTY_KEY, value or None)
                found.append((row, -1, issue))
            for row, previous, value in _repeats(store, relation, values, shown):
                message = duplicate_message("duplicate primary key", previous)
                issue = Issue(path, row, names, "primary-key", message, value or None)
                found.append((row, -1, issue))
        for position, field in enumerate(table.fields):
            if not (field.get("constraints") or {}).get("unique") or key == [position]:
                continue  # a unique primary key: its duplicates are reported as the key's
            for row, previous, value in _repeats(store, relation, [f"v{position}"], f"v{position}"):
                message = duplicate_message("the value must be unique", previous)
                issue = Issue(path, row, field["name"], "unique-error", message, value or None)
                found.append((row, position, issue))
        yield from (issue for _, _, issue in sorted(found, key=lambda item: item[:2]))


def _repeats(
    store: KeyStore, relation: str, values: list[str], shown: str
) -> list[tuple[int, int, str | None]]:
    """(row, the nearest earlier row with the same values, `shown`) for each record whose
    values (not all empty) repeat an earlier record's; only repeated values are sorted."""
    given = " OR ".join(f"{v} IS NOT NULL" for v in values)
    key = ", ".join(values)
    same = " AND ".join(f"d.{v} IS NOT DISTINCT FROM r.{v}" for v in values)
    return [
        (int(row), int(previous), value)
        for row, previous, value in store.query(
            f"WITH d AS (SELECT {key} FROM {relation} WHERE {given} "
            f"GROUP BY {key} HAVING count(*) > 1) "
            f"SELECT _row, previous, shown FROM ("
            f"SELECT _row, {shown} AS shown, lag(_row) OVER (PARTITION BY {key} ORDER BY _row)"
            f" AS previous FROM {relation} r WHERE EXISTS (SELECT 1 FROM d WHERE {same})"
            f") WHERE previous IS NOT NULL"
        )
    ]


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


def _primary_key(table: Layout) -> list[int]:
    """Positions of the primary key's fields; empty when a key field has no label."""
    schema = table.schema_fields
    names = [f["name"] for f in table.fields[: len(schema)]]
    key = _key_names(table)
    if not key or not all(n in names for n in key):
        return []
    return [names.index(n) for n in key]


def _key_names(table: Layout) -> list[str]:
    key: Any = table.primary_key
    return [key] if isinstance(key, str) else [k for k in key or [] if isinstance(k, str)]
