"""The canonical form of typed cells: each integer, number, boolean and date is written one way.

Stock Frictionless reads an integer cell with Python's `int()` and a date with `strptime`,
so ` 12`, `+3`, `1_000`, full-width digits or `2022-1-12` pass its type check, and then
Arrow, pandas, SQLite or DuckDB cannot read them. This package's CSV form is stricter
(`tables/values.CANONICAL`): any other form is a `type-error`, with the same message the
Table Schema pass gives a value that is no integer or date at all, so that both engines
report the same issue whichever of them saw it first.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..report.issues import Issue
from ..tables.values import CANONICAL, flagged

if TYPE_CHECKING:
    from ..tables.columns import ColumnContext

TYPE_HINTS = {
    "integer": "a whole number such as 42, of at most 18 digits",
    "number": "a number such as 3.5",
    "boolean": "true or false",
    "date": "a date written YYYY-MM-DD, that exists in the calendar",
}


def type_message(field: dict[str, Any]) -> str:
    """What a cell of `field` must look like, as a type error states it."""
    kind = str(field.get("type", "value"))  # formats other than the default are refused
    hint = TYPE_HINTS.get(kind)
    return f"not a valid {kind}" + (f": expected {hint}" if hint else "")


def value_is_canonical(ctx: ColumnContext) -> Iterator[Issue]:
    """Integer cells are ASCII digits with an optional leading '-' (no '+', padding, leading
    zeros or separators, at most 18 digits); number cells such an integer with an optional
    fraction ending in a non-zero digit (no exponent); boolean cells true or false; date
    cells YYYY-MM-DD days of the calendar."""
    import pyarrow.compute as pc

    for resource in ctx.tables():
        table = ctx.positional(resource.name)
        if table is None:
            continue
        found: list[tuple[int, int, Issue]] = []
        for position, field in enumerate(table.fields):
            if field.get("type") not in CANONICAL:
                continue
            column = table.cells[position]
            wrong = pc.and_(table.present(position), pc.invert(table.canonical(position)))
            for i in flagged(wrong):
                issue = Issue(
                    table.path, table.row(i), field["name"], "type-error",
                    type_message(field), column[i].as_py(),
                )  # fmt: skip
                found.append((i, position, issue))
        yield from (issue for _, _, issue in sorted(found, key=lambda item: item[:2]))
