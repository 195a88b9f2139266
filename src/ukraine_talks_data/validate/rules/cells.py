"""Checks on single cells that Table Schema cannot express: length, line breaks, control
characters, and text a spreadsheet would run as a formula.

Arrow finds the few cells that may break a rule (longer than the limit in bytes, holding a
line end or a control character, starting with a formula trigger); the rule then decides
each of those cells. Issues come in table, row, field order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ...spreadsheet_safety import TEXT_TYPES, TRIGGERS, looks_like_formula
from ..report.issues import Issue
from ..tables.values import flagged

if TYPE_CHECKING:
    import pyarrow as pa

    from ..tables.column_table import ColumnTable
    from ..tables.columns import ColumnContext

MAX_CELL_CHARS = 32_767
"""Longest cell allowed: what Excel and LibreOffice hold in a cell (longer text is cut)."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FIRST_CHARACTERS = list(" \t\r\n" + TRIGGERS)  # a formula's first character, or whitespace


def _columns(ctx: ColumnContext) -> Iterator[tuple[ColumnTable, str, str, pa.ChunkedArray]]:
    """(table, field, type, column) for every field of every usable table."""
    for resource in ctx.tables():
        table = ctx.table(resource.name)
        schema = ctx.rows.schema(resource.name)
        if table is None or schema is None:
            continue
        types = {f["name"]: f.get("type", "string") for f in schema["fields"]}
        for name in table.header:
            column = table.column(name)
            if column is not None:
                yield table, name, types.get(name, "string"), column


def _by_row(
    ctx: ColumnContext,
    suspects: Any,
    rule: Any,
    *,
    skip_verbatim: bool = False,
    control: bool = False,
) -> Iterator[Issue]:
    """Issues of `rule(table, field, type, index, value)` on the cells `suspects(column,
    type)` flags, in the row-wise order: table, then row, then field. With `skip_verbatim`,
    spans' verbatim text (checked against the seed instead) is left out; with `control`
    (a rule on line breaks or control characters), tables known to hold none are too."""
    import pyarrow.compute as pc

    skip = {(t.name, "text") for t in ctx.span_tables()} if skip_verbatim else set()
    found: dict[str, list[tuple[int, int, Issue]]] = {}
    for table, name, kind, column in _columns(ctx):
        if (table.name, name) in skip or (control and table.plain_text):
            continue
        position = table.header.index(name)
        mask = suspects(column, kind)
        if not pc.any(mask).as_py():  # usually: no cell to look at
            continue
        for i in flagged(mask):
            issue = rule(table, name, kind, i, column[i].as_py())
            if issue is not None:
                found.setdefault(table.name, []).append((i, position, issue))
    for issues in found.values():
        for _, _, issue in sorted(issues, key=lambda item: item[:2]):
            yield issue


def cell_fits_spreadsheets(ctx: ColumnContext) -> Iterator[Issue]:
    """No cell is longer than 32,767 characters, the most a spreadsheet cell holds."""
    import pyarrow.compute as pc

    def suspects(column: pa.ChunkedArray, kind: str) -> Any:
        return pc.greater(pc.binary_length(column), MAX_CELL_CHARS)  # bytes ≥ characters

    def rule(table: ColumnTable, name: str, kind: str, i: int, value: str) -> Issue | None:
        if len(value) <= MAX_CELL_CHARS:
            return None
        return Issue(
            table.path, table.row(i), name, "cell-too-long",
            f"the cell has {len(value):,} characters; at most {MAX_CELL_CHARS:,} are allowed "
            "(spreadsheets cut longer cells, and no annotation needs that many)",
            value[:60] + "…",
        )  # fmt: skip

    yield from _by_row(ctx, suspects, rule)


def cell_has_no_line_break(ctx: ColumnContext) -> Iterator[Issue]:
    """Only a span's verbatim text may contain a line break; in any other cell a line break
    is damage (often a quote left open that swallowed the next rows)."""
    import pyarrow.compute as pc

    def suspects(column: pa.ChunkedArray, kind: str) -> Any:
        return pc.match_substring_regex(column, "[\r\n]")

    def rule(table: ColumnTable, name: str, kind: str, i: int, value: str) -> Issue:
        lines = value.count("\n") + 1
        return Issue(
            table.path, table.row(i), name, "line-break-in-cell",
            f"the cell holds a line break ({lines} lines); check for a quote left open "
            "that swallowed the next rows, or write the text on one line",
            value,
        )  # fmt: skip

    yield from _by_row(ctx, suspects, rule, skip_verbatim=True, control=True)


def cell_has_no_control_character(ctx: ColumnContext) -> Iterator[Issue]:
    """No cell contains NUL or another control character (tabs and line breaks aside)."""
    import pyarrow.compute as pc

    def suspects(column: pa.ChunkedArray, kind: str) -> Any:
        return pc.match_substring_regex(column, _CONTROL.pattern)  # RE2 reads it alike

    def rule(table: ColumnTable, name: str, kind: str, i: int, value: str) -> Issue | None:
        match = _CONTROL.search(value)
        if match is None:
            return None
        return Issue(
            table.path, table.row(i), name, "control-character",
            f"the cell contains the control character {match.group()!r} at position "
            f"{match.start()}; remove it",
            value,
        )  # fmt: skip

    yield from _by_row(ctx, suspects, rule, skip_verbatim=True, control=True)


def cell_is_not_a_formula(ctx: ColumnContext) -> Iterator[Issue]:
    """No text cell starts like a spreadsheet formula (=, +, - or @ followed by formula
    syntax); a warning, since the exports neutralise such cells."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def suspects(column: pa.ChunkedArray, kind: str) -> Any:
        if kind not in TEXT_TYPES:
            return pa.repeat(pa.scalar(False), len(column))
        first = pc.utf8_slice_codeunits(column, 0, 1)  # cells start with a trigger or a space
        return pc.is_in(first, value_set=pa.array(_FIRST_CHARACTERS, pa.string()))

    def rule(table: ColumnTable, name: str, kind: str, i: int, value: str) -> Issue | None:
        if not looks_like_formula(value):
            return None
        return Issue(
            table.path, table.row(i), name, "formula-injection",
            "a spreadsheet opening this CSV would run the cell as a formula; reword it so "
            "it does not start with '=', '+', '-' or '@' (exports prefix such cells with ')",
            value, severity="warning",
        )  # fmt: skip

    yield from _by_row(ctx, suspects, rule)
