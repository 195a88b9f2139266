"""Table Schema constraints on cells: required, enum, pattern, bounds and lengths.

Each constraint is checked column-wise on the cells that hold a value of their field's type
(cells of any other form are `type-error`s, `values.value_is_canonical`); blank rows are
left to `shape.rows_fit_header`. Patterns run on RE2 (Arrow's regular expressions), in
linear time whatever the pattern; they are checked here for both engines, since Python's
`re`, which Frictionless uses, can take exponential time on a pattern such as `(a+)+$`.
The messages here are also the reference engine's (engine/frictionless.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from ...package.types import TYPES
from ..inputs.schema_rules import CONSTRAINTS
from ..report.issues import Issue, counted
from ..tables.values import CANONICAL, TYPED, flagged

if TYPE_CHECKING:
    import pyarrow as pa

    from ..tables.columns import ColumnContext
    from ..tables.positional import Positional

MESSAGES = {
    "required": "a value is required",
    "pattern": "must match the pattern {}",
    "minimum": "must be {} or more",
    "maximum": "must be {} or less",
}
ORDER = ("required", "minLength", "maxLength", "pattern", "minimum", "maximum", "enum")


def constraint_message(field: dict[str, Any], name: str) -> str:
    """What a cell breaking constraint `name` of `field` must be, stated from the schema."""
    value = (field.get("constraints") or {}).get(name)
    if name == "enum" and isinstance(value, list):
        return "must be one of: " + ", ".join(str(v) for v in value)
    if name in ("minLength", "maxLength") and isinstance(value, int):
        bound = "at least" if name == "minLength" else "at most"
        if field.get("type") in ("list", "array"):  # a list's length: its items
            return f"must have {bound} {counted(value, 'item')}"
        return f"must be {bound} {counted(value, 'character')} long"
    template = MESSAGES.get(name)
    return template.format(value) if template else f"breaks the schema's constraint {name}"


def cells_meet_constraints(ctx: ColumnContext) -> Iterator[Issue]:
    """Cells meet their field's required, enum, minimum, maximum, minLength and maxLength."""
    yield from _check(ctx, lambda name: name != "pattern")


def cells_match_pattern(ctx: ColumnContext) -> Iterator[Issue]:
    """String cells match their field's pattern as a whole (RE2 syntax, linear time)."""
    yield from _check(ctx, lambda name: name == "pattern")


def _check(ctx: ColumnContext, wanted: Callable[[str], bool]) -> Iterator[Issue]:
    import pyarrow.compute as pc

    for resource in ctx.tables():
        table = ctx.positional(resource.name)
        if table is None:
            continue
        rows = pc.invert(table.blank())
        found: list[tuple[int, int, int, Issue]] = []
        for position, field in enumerate(table.fields):
            constraints = field.get("constraints") or {}
            supported = CONSTRAINTS.get(field.get("type", "string"), ())
            for order, name in enumerate(ORDER):
                if name not in constraints or name not in supported or not wanted(name):
                    continue
                broken = pc.and_(rows, _breaks(table, position, name, constraints[name]))
                for i in flagged(broken):
                    issue = Issue(
                        table.path, table.row(i), field["name"], "constraint-error",
                        constraint_message(field, name), table.cells[position][i].as_py() or None,
                    )  # fmt: skip
                    found.append((i, position, order, issue))
        yield from (issue for *_, issue in sorted(found, key=lambda item: item[:3]))


def _breaks(table: Positional, position: int, name: str, limit: Any) -> pa.Array:
    """Whether each cell at `position` breaks constraint `name` (false where it cannot)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    field, column = table.fields[position], table.cells[position]
    kind = field.get("type", "string")
    present = table.present(position)
    if name == "required":
        return pc.and_(pc.invert(present), pa.scalar(bool(limit)))
    if kind in CANONICAL:  # typed cells: only those in canonical form are values
        present = pc.and_(present, pc.fill_null(table.canonical(position), False))
    if name == "pattern":  # RE2 syntax: inputs/schema_rules.py refuses a schema without it
        matched = pc.match_substring_regex(column, f"^(?:{limit})$")
        return pc.and_(present, pc.invert(pc.fill_null(matched, False)))
    if name in ("minLength", "maxLength"):
        limit = max(min(int(limit), 2**62), -(2**62))  # beyond any text: JSON allows 10**30
        if kind == "list":
            delimiter = field.get("delimiter", ",")
            size = pc.add(pc.count_substring(column, delimiter), 1)
        else:  # a character is 1 to 4 bytes: counted only where the bytes do not decide
            size = pc.binary_length(column)
            low, high = (limit, 4 * limit - 4) if name == "minLength" else (limit + 1, 4 * limit)
            doubt = pc.and_(pc.greater_equal(size, low), pc.less_equal(size, min(high, 2**62)))
            if pc.any(pc.and_(present, pc.fill_null(doubt, False))).as_py():
                size = pc.utf8_length(column)
        wrong = pc.less(size, limit) if name == "minLength" else pc.greater(size, limit)
        return pc.and_(present, pc.fill_null(wrong, False))
    return pc.and_(present, _by_value(column, present, kind, name, limit))


def _by_value(column: Any, present: Any, kind: str, name: str, limit: Any) -> pa.Array:
    """enum, minimum and maximum on the cells `present`: a text's enum by the text itself,
    the bounds of integers and dates in their Arrow type (`TYPED`), anything else decided
    once per distinct value."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if name == "enum" and kind == "string":  # each cell is its value (a list has no enum)
        allowed = pa.array([v for v in limit if isinstance(v, str)], pa.string())
        return pc.invert(pc.is_in(column, value_set=allowed))
    if name != "enum" and kind in TYPED:  # present cells are canonical: each one casts
        bound = _value(kind, limit)
        if bound is None:
            return pa.repeat(pa.scalar(False), len(column))
        if kind == "integer":  # beyond any canonical integer (at most 18 digits)
            bound = max(min(bound, 2**62), -(2**62))
        text = pc.if_else(present, column, pa.scalar(None, pa.string()))
        values = pc.cast(text, TYPES[kind].arrow_type())
        bound = pa.scalar(bound, values.type)
        wrong = pc.less(values, bound) if name == "minimum" else pc.greater(values, bound)
        return pc.fill_null(wrong, False)
    distinct = pc.unique(pc.drop_null(pc.filter(column, present)))
    if name == "enum":
        allowed = {_value(kind, v) for v in limit} - {None}
        fails = [_value(kind, v) not in allowed for v in distinct.to_pylist()]
    else:
        bound = _value(kind, limit)
        values = [_value(kind, v) for v in distinct.to_pylist()]
        fails = [
            v is not None and bound is not None and (v < bound if name == "minimum" else v > bound)
            for v in values
        ]
    wrong = pc.filter(distinct, pa.array(fails, pa.bool_()))
    return pc.fill_null(pc.is_in(column, value_set=wrong), False)


def _value(kind: str, value: Any) -> Any:
    """A cell's text, or a schema's constraint value, as a comparable value of type `kind`."""
    try:
        if kind == "integer":
            return int(value) if not isinstance(value, bool) else None
        if kind == "number":
            return Decimal(str(value)) if not isinstance(value, bool) else None
        if kind == "date":
            return dt.date.fromisoformat(value) if isinstance(value, str) else None
        if kind == "boolean":
            return value if isinstance(value, bool) else {"true": True, "false": False}.get(value)
    except (ValueError, TypeError, InvalidOperation):
        return None
    return value
