"""Checks on single cells that Table Schema cannot express: length, line breaks, control
characters, text a spreadsheet would run as a formula, and characters that change how a
cell reads without showing themselves.

Arrow finds the few cells that may break a rule (longer than the limit in bytes, holding a
line end or a control character, starting with a formula trigger); the rule then decides
each of those cells. Issues come in table, row, field order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ...spreadsheet_safety import (
    BIDI_CONTROLS,
    CONTROLS,
    LEADING,
    LINE_SEPARATORS,
    TEXT_TYPES,
    TRIGGERS,
    UNSEEN,
    looks_like_formula,
)
from ..report.issues import Issue
from ..tables.values import flagged

if TYPE_CHECKING:
    import pyarrow as pa

    from ..tables.column_table import ColumnTable
    from ..tables.columns import ColumnContext

MAX_CELL_CHARS = 32_767
"""Longest cell allowed: what Excel and LibreOffice hold in a cell (longer text is cut)."""
_CONTROL = re.compile(f"[{CONTROLS}]")
_BREAK = re.compile(f"\r\n|[\r\n{LINE_SEPARATORS}]")
"""A line break in a cell: CRLF, CR, LF, or a Unicode line or paragraph separator."""
_FIRST_BYTES = frozenset(c.encode()[0] for c in LEADING + TRIGGERS)
"""The first UTF-8 byte of a formula's first character, or of whitespace before it."""


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
    skip_plain_text: bool = True,
) -> Iterator[Issue]:
    """Issues of `rule(table, field, type, index, value)` on the cells `suspects(column,
    type)` names (their positions, in order), in the row-wise order: table, then row, then
    field. With `skip_verbatim`, spans' verbatim text (checked against the seed instead) is
    left out; with `skip_plain_text`, tables whose bytes showed nothing for the rules on
    characters to find (`ColumnTable.plain_text`, from `csv/plain.Form`).
    """
    skip = {(t.name, "text") for t in ctx.span_tables()} if skip_verbatim else set()
    found: dict[str, list[tuple[int, int, Issue]]] = {}
    for table, name, kind, column in _columns(ctx):
        if (table.name, name) in skip or (skip_plain_text and table.plain_text):
            continue
        position = table.header.index(name)
        for i in suspects(column, kind):  # usually: no cell to look at
            issue = rule(table, name, kind, i, column[i].as_py())
            if issue is not None:
                found.setdefault(table.name, []).append((i, position, issue))
    for issues in found.values():
        for _, _, issue in sorted(issues, key=lambda item: item[:2]):
            yield issue


def _first_byte_in(column: pa.ChunkedArray, wanted: frozenset[int]) -> pa.ChunkedArray:
    """Whether each cell's first byte is one of `wanted` (false where empty or null): a
    byte taken from each string chunk's values at the cell's offset, no text sliced or
    hashed."""
    import pyarrow as pa
    import pyarrow.compute as pc

    firsts = []
    for chunk in column.chunks:
        _, offsets, data = chunk.buffers()
        if data is None or data.size == 0:  # no cell has text
            firsts.append(pa.nulls(len(chunk), pa.uint8()))
            continue
        large = pa.types.is_large_string(chunk.type)
        starts = pa.Array.from_buffers(
            pa.int64() if large else pa.int32(), len(chunk), [None, offsets], offset=chunk.offset
        )  # where each cell's text starts (an empty last cell: at the end, kept in range)
        values = pa.Array.from_buffers(pa.uint8(), data.size, [None, data])
        firsts.append(pc.take(values, pc.min_element_wise(starts, data.size - 1)))
    table = pa.array([b in wanted for b in range(256)], pa.bool_())
    found = pc.take(table, pa.chunked_array(firsts, pa.uint8()))
    return pc.and_kleene(found, pc.fill_null(pc.not_equal(column, ""), False))


def cell_fits_spreadsheets(ctx: ColumnContext) -> Iterator[Issue]:
    """No cell is longer than 32,767 characters, the most a spreadsheet cell holds."""
    import pyarrow.compute as pc

    def suspects(column: pa.ChunkedArray, kind: str) -> list[int]:
        size = pc.binary_length(column)  # bytes ≥ characters
        if (pc.max(size).as_py() or 0) <= MAX_CELL_CHARS:  # usually: no cell that long
            return []
        return flagged(pc.greater(size, MAX_CELL_CHARS))

    def rule(table: ColumnTable, name: str, kind: str, i: int, value: str) -> Issue | None:
        if len(value) <= MAX_CELL_CHARS:
            return None
        return Issue(
            table.path, table.row(i), name, "cell-too-long",
            f"the cell has {len(value):,} characters; at most {MAX_CELL_CHARS:,} are allowed "
            "(spreadsheets cut longer cells, and no annotation needs that many)",
            value[:60] + "…",
        )  # fmt: skip

    yield from _by_row(ctx, suspects, rule, skip_plain_text=False)


def cell_has_no_line_break(ctx: ColumnContext) -> Iterator[Issue]:
    """Only a span's verbatim text may contain a line break; in any other cell a line break
    is damage (often a quote left open that swallowed the next rows)."""
    import pyarrow.compute as pc

    def suspects(column: pa.ChunkedArray, kind: str) -> list[int]:
        return flagged(pc.match_substring_regex(column, _BREAK.pattern))  # RE2 reads it alike

    def rule(table: ColumnTable, name: str, kind: str, i: int, value: str) -> Issue:
        lines = len(_BREAK.split(value))
        return Issue(
            table.path, table.row(i), name, "line-break-in-cell",
            f"the cell holds a line break ({lines} lines); check for a quote left open "
            "that swallowed the next rows, or write the text on one line",
            value,
        )  # fmt: skip

    yield from _by_row(ctx, suspects, rule, skip_verbatim=True)


def cell_has_no_control_character(ctx: ColumnContext) -> Iterator[Issue]:
    """No cell contains NUL or another control character (tabs and line breaks aside)."""
    import pyarrow.compute as pc

    def suspects(column: pa.ChunkedArray, kind: str) -> list[int]:
        return flagged(pc.match_substring_regex(column, _CONTROL.pattern))  # RE2 reads it alike

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

    yield from _by_row(ctx, suspects, rule, skip_verbatim=True)


def cell_is_not_a_formula(ctx: ColumnContext) -> Iterator[Issue]:
    """No text cell starts like a spreadsheet formula (=, +, - or @ followed by formula
    syntax); a warning, since the exports neutralise such cells."""

    def suspects(column: pa.ChunkedArray, kind: str) -> list[int]:
        return flagged(_first_byte_in(column, _FIRST_BYTES)) if kind in TEXT_TYPES else []

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


_PATTERN = re.compile(f"[{UNSEEN}]")


def invisible_character(text: str) -> tuple[int, str] | None:
    """The position and character of the first bidirectional control or invisible
    character in `text`, or None."""
    match = _PATTERN.search(text)
    return None if match is None else (match.start(), match.group())


def _ascii(chunk: pa.Array) -> bool:
    """Whether every cell of a string chunk is ASCII, tested at once on the bytes that hold
    its values (those of a slice's neighbours too: a false no is only slower)."""
    import pyarrow as pa

    if not (pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)):
        return False
    values = chunk.buffers()[2]
    return values is None or values.to_pybytes().isascii()


def describe(char: str) -> str:
    """`U+202E RIGHT-TO-LEFT OVERRIDE`: a character by code point and Unicode name."""
    name = unicodedata.name(char, "TAG CHARACTER" if char >= "\U000e0000" else "")
    return f"U+{ord(char):04X} {name}".rstrip()


def cell_has_no_invisible_character(ctx: ColumnContext) -> Iterator[Issue]:
    """No cell holds a bidirectional control or an invisible character (a warning): they
    make the text read differently from what it is."""
    import pyarrow.compute as pc

    def suspects(column: pa.ChunkedArray, kind: str) -> list[int]:
        if all(_ascii(chunk) for chunk in column.chunks):
            return []  # each one is outside ASCII
        wide = pc.fill_null(pc.invert(pc.string_is_ascii(column)), False)  # their cells
        found = pc.match_substring_regex(pc.filter(column, wide), _PATTERN.pattern)
        return [int(i) for i in pc.filter(pc.indices_nonzero(wide), found).to_pylist()]

    def rule(table: ColumnTable, name: str, kind: str, i: int, value: str) -> Issue | None:
        found = invisible_character(value)
        if found is None:
            return None
        position, char = found
        kind_of = "a bidirectional control" if char in BIDI_CONTROLS else "an invisible character"
        return Issue(
            table.path, table.row(i), name, "invisible-character",
            f"the cell holds {kind_of}, {describe(char)}, at position {position}: it changes "
            "how the text reads without showing itself; remove it",
            value, severity="warning",
        )  # fmt: skip

    yield from _by_row(ctx, suspects, rule, skip_verbatim=True)
