"""Table Schema rules on a table's shape: its header labels, the width of its rows, blank rows.

Labels pair with the schema's fields by position, as in Frictionless: a label differing
from its field's name, repeated, blank, or past the last field is an error of the header
(row 1); a field past the last label is a missing label. Unlike Frictionless, a label is
not stripped first: ` outlet ` is not `outlet`. A record with more cells than the
header has an `extra-cell` error per extra cell, one with fewer a `missing-cell` error per
missing one; a record whose cells are all empty is a `blank-row`, and nothing else is
reported for it. The messages here are also the reference engine's (engine/frictionless.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..report.issues import Issue

if TYPE_CHECKING:
    from ..tables.columns import ColumnContext
    from ..tables.positional import Positional

LABELS = {
    "blank-label": "the header cell of this column is blank",
    "missing-label": "the header lacks this column, which the schema defines; add it",
    "extra-label": "the header has a column the schema does not define; remove it",
}
LABEL_CODES = frozenset({*LABELS, "duplicate-label", "incorrect-label"})
"""Every header label error. Only `header_matches_schema` reports them, in both engines:
Frictionless strips a label first, so it calls a label of spaces blank, not misnamed."""
EXTRA_CELL = "the row has more cells than the header"
MISSING_CELL = "the row has fewer cells than the header: this column is missing"
BLANK_ROW = "the row is blank; delete it"
EMPTY_SOURCE = "the source is empty"


def label_message(code: str, number: int, name: str) -> str:
    """The message of a header label error at column `number` (1-based)."""
    if code in LABELS:
        return LABELS[code]
    verb = "repeats a column name" if code == "duplicate-label" else "is misnamed"
    return f"header cell {number} {verb}: the schema names this column {name}"


def header_matches_schema(ctx: ColumnContext) -> Iterator[Issue]:
    """The header's labels are the schema's field names, in order, each once, none blank."""
    for resource in ctx.tables():
        table = ctx.positional(resource.name)
        if table is not None:
            yield from _label_issues(table)


def _label_issues(table: Positional) -> Iterator[Issue]:
    labels, fields = table.labels, table.schema_fields
    if not labels and not table.num_rows:
        yield Issue(table.path, None, None, "source-error", EMPTY_SOURCE)

    def issue(code: str, number: int, field: str, value: str | None) -> Issue:
        return Issue(table.path, 1, field, code, label_message(code, number, field), value)

    for number, label in enumerate(labels, start=1):
        if number > len(fields):
            yield issue("extra-label", number, f"column {number}", label or None)
    for number in range(len(labels) + 1, len(fields) + 1):
        yield issue("missing-label", number, fields[number - 1]["name"], None)
    for number, (f, label) in enumerate(zip(fields, labels, strict=False), start=1):
        if not label:
            yield issue("blank-label", number, f["name"], None)
        elif label in labels[: number - 1]:
            yield issue("duplicate-label", number, f["name"], label)
        elif label != f["name"]:
            yield issue("incorrect-label", number, f["name"], label)


def rows_fit_header(ctx: ColumnContext) -> Iterator[Issue]:
    """Every record has as many cells as the header, and no record is blank."""
    import pyarrow.compute as pc

    for resource in ctx.tables():
        table = ctx.positional(resource.name)
        if table is None:
            continue
        blank = table.blank()
        blank_rows = set(pc.filter(table.rows, blank).to_pylist()) if table.num_rows else set()
        found = [(n, 0, Issue(table.path, n, None, "blank-row", BLANK_ROW)) for n in blank_rows]
        width = len(table.labels) or len(table.fields)  # a blank header: the schema's
        for number, cells in table.odd.items():
            if number in blank_rows:
                continue
            for position in range(width, len(cells)):
                issue = Issue(
                    table.path, number, f"column {position + 1}", "extra-cell", EXTRA_CELL,
                    cells[position] or None,
                )  # fmt: skip
                found.append((number, position, issue))
            for position in range(len(cells), width):
                name = table.fields[position]["name"] or None  # a blank label names none
                issue = Issue(table.path, number, name, "missing-cell", MISSING_CELL)
                found.append((number, position, issue))
        yield from (issue for _, _, issue in sorted(found, key=lambda item: item[:2]))
