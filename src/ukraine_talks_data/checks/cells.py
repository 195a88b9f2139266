"""Checks on single cells that Table Schema cannot express: length, line breaks, control
characters, and text a spreadsheet would run as a formula."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..raw_tables import Table
from ..report import Issue
from ..spreadsheet_safety import TEXT_TYPES, looks_like_formula
from .context import SPAN_FIELDS, Context

MAX_CELL_CHARS = 32_767
"""Longest cell allowed: what Excel and LibreOffice hold in a cell (longer text is cut)."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _cells(ctx: Context) -> Iterator[tuple[Table, str, str, int, str]]:
    """(table, field, type, row number, value) for every non-empty cell of every usable table."""
    for resource in ctx.descriptor.tables():
        table = ctx.table(resource.name)
        schema = ctx.schema(resource.name)
        if table is None or schema is None:
            continue
        types = {f["name"]: f.get("type", "string") for f in schema["fields"]}
        for row in table:
            for name, value in row.cells.items():
                if value is not None:
                    yield table, name, types.get(name, "string"), row.number, value


def _verbatim(ctx: Context) -> set[tuple[str, str]]:
    """(table, field) of every span's text: verbatim seed characters, checked against the seed."""
    return {(t.name, SPAN_FIELDS[-1]) for t in ctx.span_tables()}


def cell_fits_spreadsheets(ctx: Context) -> Iterator[Issue]:
    """No cell is longer than 32,767 characters, the most a spreadsheet cell holds."""
    for table, field, _, row, value in _cells(ctx):
        if len(value) > MAX_CELL_CHARS:
            yield Issue(
                table.path,
                row,
                field,
                "cell-too-long",
                f"the cell has {len(value):,} characters; at most {MAX_CELL_CHARS:,} are allowed "
                "(spreadsheets cut longer cells, and no annotation needs that many)",
                value[:60] + "…",
            )


def cell_has_no_line_break(ctx: Context) -> Iterator[Issue]:
    """Only a span's verbatim text may contain a line break; in any other cell a line break
    is damage (often a quote left open that swallowed the next rows)."""
    verbatim = _verbatim(ctx)
    for table, field, _, row, value in _cells(ctx):
        if ("\n" in value or "\r" in value) and (table.name, field) not in verbatim:
            lines = value.count("\n") + 1
            yield Issue(
                table.path,
                row,
                field,
                "line-break-in-cell",
                f"the cell holds a line break ({lines} lines); check for a quote left open "
                "that swallowed the next rows, or write the text on one line",
                value,
            )


def cell_has_no_control_character(ctx: Context) -> Iterator[Issue]:
    """No cell contains NUL or another control character (tabs and line breaks aside)."""
    verbatim = _verbatim(ctx)
    for table, field, _, row, value in _cells(ctx):
        match = _CONTROL.search(value)
        if match and (table.name, field) not in verbatim:
            yield Issue(
                table.path,
                row,
                field,
                "control-character",
                f"the cell contains the control character {match.group()!r} at position "
                f"{match.start()}; remove it",
                value,
            )


def cell_is_not_a_formula(ctx: Context) -> Iterator[Issue]:
    """No text cell starts like a spreadsheet formula (=, +, - or @ followed by formula
    syntax); a warning, since the exports neutralise such cells."""
    for table, field, kind, row, value in _cells(ctx):
        if kind in TEXT_TYPES and looks_like_formula(value):
            yield Issue(
                table.path,
                row,
                field,
                "formula-injection",
                "a spreadsheet opening this CSV would run the cell as a formula; reword it so "
                "it does not start with '=', '+', '-' or '@' (exports prefix such cells with ')",
                value,
                severity="warning",
            )
