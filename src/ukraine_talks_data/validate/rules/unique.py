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
from dataclasses import dataclass
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
    keys: list[_Key] = []
    for number, resource in enumerate(ctx.tables()):
        table = ctx.layout(resource.name)
        if table is None or not store.has(resource.name, "cells"):
            continue
        path, relation = store.path(resource.name), store.cells(resource.name)
        key = _primary_key(table)
        if key:
            names = ",".join(table.fields[p]["name"] for p in key)
            shown = f"concat_ws(', ', {', '.join(f'p{p}' for p in key)})"
            values = tuple(f"v{p}" for p in key)
            keys.append(_Key(number, path, relation, names, -1, values, shown))
        for position, field in enumerate(table.fields):
            if not (field.get("constraints") or {}).get("unique") or key == [position]:
                continue  # a unique primary key: its duplicates are reported as the key's
            value = f"v{position}"
            keys.append(_Key(number, path, relation, field["name"], position, (value,), value))
    primary = [k for k in keys if k.position < 0]
    found = store.found([k.empty() for k in primary] + [k.duplicated() for k in keys])
    issues: list[tuple[int, int, int, Issue]] = []
    for k, given in zip(primary, found, strict=False):
        issues += k.empty_issues(store) if given else []
    for k, given in zip(keys, found[len(primary) :], strict=True):
        issues += k.repeat_issues(store) if given else []
    yield from (issue for *_, issue in sorted(issues, key=lambda item: item[:3]))


@dataclass(frozen=True)
class _Key:
    """A key to check in table number `table`: its primary key (position -1) or a unique
    field; `values` its value columns in the store's `cells` relation, `shown` the value
    an issue shows (SQL)."""

    table: int
    path: str
    relation: str
    field: str
    position: int
    values: tuple[str, ...]
    shown: str

    def empty(self) -> str:
        """SQL: the records (not blank) where every value of the key is empty."""
        empty = " AND ".join(f"{v} IS NULL" for v in self.values)
        return f"SELECT _row, {self.shown} FROM {self.relation} WHERE NOT _blank AND {empty}"

    def duplicated(self) -> str:
        """SQL: a row if some record's values (not all empty) equal another's, by one sort
        of the values, each record beside the next (about twice as fast as `repeats`'s
        window partitioned by them, which then says which rows)."""
        given = " OR ".join(f"{v} IS NOT NULL" for v in self.values)
        order = f"OVER (ORDER BY {', '.join(self.values)})"
        if len(self.values) == 1:
            (v,) = self.values
            return (
                f"SELECT {v} FROM (SELECT {v}, lead({v}) {order} AS n0 FROM {self.relation} "
                f"WHERE {given}) WHERE {v} = n0"
            )
        nexts = ", ".join(f"{v}, lead({v}) {order} AS n{i}" for i, v in enumerate(self.values))
        same = " AND ".join(f"{v} IS NOT DISTINCT FROM n{i}" for i, v in enumerate(self.values))
        return (
            f"SELECT _next FROM (SELECT {nexts}, lead(_row) {order} AS _next FROM "
            f"{self.relation} WHERE {given}) WHERE _next IS NOT NULL AND {same}"
        )

    def repeats(self) -> str:
        """SQL: (row, the nearest earlier row with the same values, the values shown) for
        each record whose values (not all empty) repeat an earlier record's. A window
        partitioned by the values, which DuckDB sorts out of core (a GROUP BY of 10M
        distinct ids ran out of its memory limit)."""
        given = " OR ".join(f"{v} IS NOT NULL" for v in self.values)
        return (
            f"SELECT _row, previous, shown FROM (SELECT _row, {self.shown} AS shown, "
            f"lag(_row) OVER (PARTITION BY {', '.join(self.values)} ORDER BY _row) AS previous "
            f"FROM {self.relation} WHERE {given}) WHERE previous IS NOT NULL"
        )

    def empty_issues(self, store: KeyStore) -> list[tuple[int, int, int, Issue]]:
        return [
            (self.table, row, -1, self._issue(row, EMPTY_KEY, value))
            for row, value in store.query(self.empty())
        ]

    def repeat_issues(self, store: KeyStore) -> list[tuple[int, int, int, Issue]]:
        what = "duplicate primary key" if self.position < 0 else "the value must be unique"
        return [
            (
                self.table,
                row,
                self.position,
                self._issue(row, duplicate_message(what, before), value),
            )
            for row, before, value in store.query(self.repeats())
        ]

    def _issue(self, row: int, message: str, value: str | None) -> Issue:
        code = "primary-key" if self.position < 0 else "unique-error"
        return Issue(self.path, row, self.field, code, message, value or None)


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
