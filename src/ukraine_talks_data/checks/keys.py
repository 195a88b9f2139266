"""Checks on foreign keys: every reference in a row lands on a row of the referenced table.

Done here on the parsed rows rather than by Frictionless, whose lookups copy and re-read
every referenced table once per foreign key (half of a validation's time), and so that
a key pointing into an unreadable table is skipped instead of echoing that table's error.
Semantics follow Frictionless: a row whose key cells are all empty is skipped, values of
integer and number fields compare as numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..report import Issue
from .context import Context


def foreign_keys_resolve(ctx: Context) -> Iterator[Issue]:
    """Each foreign key's cells equal the referenced fields of some row of the referenced
    table (unless all of the key's cells are empty)."""
    for resource in ctx.descriptor.tables():
        table, schema = ctx.table(resource.name), ctx.schema(resource.name)
        if table is None or schema is None:
            continue
        types = {f["name"]: f.get("type", "string") for f in schema["fields"]}
        for fk in schema.get("foreignKeys") or []:
            own = _as_list(fk["fields"])
            target_name = fk["reference"].get("resource") or resource.name
            theirs = _as_list(fk["reference"]["fields"])
            target = ctx.table(target_name)
            target_schema = ctx.schema(target_name)
            if target is None or target_schema is None:
                continue  # missing or unreadable: reported as such
            target_types = {f["name"]: f.get("type", "string") for f in target_schema["fields"]}
            keys = set()
            for row in target:
                cells = tuple(_value(row.get(n), target_types.get(n)) for n in theirs)
                if any(c is not None for c in cells):
                    keys.add(cells)
            for row in table:
                raw = [row.get(n) for n in own]
                if all(c is None for c in raw):
                    continue
                cells = tuple(_value(c, types.get(n)) for c, n in zip(raw, own, strict=True))
                if cells in keys:
                    continue
                shown = ", ".join(c if c is not None else "(empty)" for c in raw)
                yield Issue(
                    table.path,
                    row.number,
                    ",".join(own),
                    "foreign-key",
                    f"no {target_name} row has {','.join(theirs)} = {shown}",
                    shown,
                )


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
