"""Checks on foreign keys: every reference in a row lands on a row of the referenced table.

Done here on the parsed rows rather than by Frictionless, whose lookups copy and re-read
every referenced table once per foreign key (half of a validation's time), and so that
a key pointing into an unreadable table is skipped instead of echoing that table's error.
Semantics follow Frictionless: a row whose key cells are all empty is skipped, values of
integer and number fields compare as numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..report import Issue
from .context import Context


@dataclass(frozen=True)
class ForeignKey:
    """One foreign key: the table's fields and their types, the target's fields and types."""

    table: str
    fields: tuple[str, ...]
    types: tuple[str, ...]
    target: str
    target_fields: tuple[str, ...]
    target_types: tuple[str, ...]

    @property
    def numeric(self) -> bool:
        """Whether some part compares as a number (integer or number fields)."""
        return any(t in ("integer", "number") for t in (*self.types, *self.target_types))

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
            yield ForeignKey(
                resource.name, tuple(own), _types(schema, own),
                target, tuple(theirs), _types(target_schema, theirs),
            )  # fmt: skip


def foreign_keys_resolve(ctx: Context) -> Iterator[Issue]:
    """Each foreign key's cells equal the referenced fields of some row of the referenced
    table (unless all of the key's cells are empty)."""
    for fk in foreign_keys(ctx):
        table, target = ctx.table(fk.table), ctx.table(fk.target)
        if table is None or target is None:
            continue  # unreadable: reported as such
        keys = set()
        for row in target:
            cells = tuple(
                _value(row.get(n), t)
                for n, t in zip(fk.target_fields, fk.target_types, strict=True)
            )
            if any(c is not None for c in cells):
                keys.add(cells)
        for row in table:
            raw = [row.get(n) for n in fk.fields]
            if all(c is None for c in raw):
                continue
            cells = tuple(_value(c, t) for c, t in zip(raw, fk.types, strict=True))
            if cells not in keys:
                yield fk.issue(table.path, row.number, raw)


def _types(schema: dict[str, Any], names: list[str]) -> tuple[str, ...]:
    types = {f["name"]: f.get("type", "string") for f in schema["fields"]}
    return tuple(types.get(n, "string") for n in names)


def _value(cell: str | None, kind: str | None) -> Any:
    """A cell as Frictionless compares it: None when empty, a number for numeric fields."""
    if cell is None:
        return None
    try:
        if kind == "integer":
            return int(cell)
        if kind == "number":
            return float(cell)
    except ValueError:
        return cell
    return cell


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)
