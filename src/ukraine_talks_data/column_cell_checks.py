"""Column-wise versions of `checks/cells.py` and `checks/keys.py`: same rules, same Issues.

The cell checks look at every non-empty cell of every table; Arrow finds the few cells that
may break a rule (longer than the limit in bytes, holding a line end or a control
character, starting with a formula trigger) and the row-wise rule decides each of those.
Foreign keys are set lookups (one field) or anti-joins (several) on the cells' text, as the
row-wise check compares string keys; other key types are left to the row-wise check.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .checks.cells import _CONTROL, MAX_CELL_CHARS
from .checks.keys import foreign_keys
from .column_tables import ColumnContext, ColumnTable
from .column_values import RowWise, any_of, flagged
from .csv_columns import counting
from .report import Issue
from .spreadsheet_safety import TEXT_TYPES, TRIGGERS, looks_like_formula

if TYPE_CHECKING:
    import pyarrow as pa

_FIRST_CHARACTERS = list(" \t\r\n" + TRIGGERS)  # a formula's first character, or whitespace
_EMPTY_KEY = "\x00\x01(empty)\x01\x00"  # stands for an empty key cell in joins


def _columns(ctx: ColumnContext) -> Iterator[tuple[ColumnTable, str, str, pa.ChunkedArray]]:
    """(table, field, type, column) for every field of every usable table."""
    for resource in ctx.rows.descriptor.tables():
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

    skip = _verbatim(ctx) if skip_verbatim else set()
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


def _verbatim(ctx: ColumnContext) -> set[tuple[str, str]]:
    return {(t.name, "text") for t in ctx.span_tables()}


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


def foreign_keys_resolve(ctx: ColumnContext) -> Iterator[Issue]:
    """Each foreign key's cells equal the referenced fields of some row of the referenced
    table (unless all of the key's cells are empty)."""
    for fk in foreign_keys(ctx.rows):
        table, target = ctx.table(fk.table), ctx.table(fk.target)
        if table is None or target is None:
            continue  # unreadable: reported as such
        if fk.numeric:
            raise RowWise  # numeric keys compare as numbers: the row-wise check
        for i in _unmatched(table, list(fk.fields), target, list(fk.target_fields)):
            yield fk.issue(table.path, table.row(i), [table.cell(n, i) for n in fk.fields])


def _unmatched(
    table: ColumnTable, own: list[str], target: ColumnTable, theirs: list[str]
) -> list[int]:
    """Positions of `table`'s rows whose key (not all empty) is no key of `target`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def key(t: ColumnTable, names: list[str]) -> list[pa.ChunkedArray]:
        missing = pa.chunked_array([pa.nulls(t.num_rows, pa.string())])
        return [c if (c := t.column(n)) is not None else missing for n in names]

    mine, referenced = key(table, own), key(target, theirs)
    if len(own) == 1 and len(theirs) == 1:
        column, known = mine[0], pc.drop_null(referenced[0])
        if len(known) > 4 * len(column):  # hash the smaller side: the target rows we need
            known = pc.filter(known, pc.is_in(known, value_set=pc.unique(column)))
        found = pc.is_in(column, value_set=pc.unique(known))
        if (pc.sum(found).as_py() or 0) == len(column) - column.null_count:
            return []  # every given cell found: the usual case, decided in two passes
        return flagged(pc.and_(pc.is_valid(column), pc.invert(found)))
    given = any_of([pc.is_valid(c) for c in mine])
    if len(own) != len(theirs):
        return flagged(given)  # no tuple of another length can match
    for column in (*mine, *referenced):
        if pc.any(pc.equal(column, _EMPTY_KEY)).as_py():
            raise RowWise
    names = [f"k{j}" for j in range(len(own))]
    target_given = any_of([pc.is_valid(c) for c in referenced])
    right = pa.table(
        dict(zip(names, [pc.fill_null(c, _EMPTY_KEY) for c in referenced], strict=True))
    ).filter(target_given)
    left = pa.table(
        {
            **dict(zip(names, [pc.fill_null(c, _EMPTY_KEY) for c in mine], strict=True)),
            "i": pc.subtract(counting(table.num_rows), 1),
        }
    ).filter(given)
    right = right.group_by(names).aggregate([])
    distinct = left.drop_columns(["i"]).group_by(names).aggregate([])
    if not distinct.join(right, names, join_type="left anti").num_rows:
        return []  # every key tuple found, decided on the distinct tuples
    missing = left.join(right, names, join_type="left anti")
    return sorted(int(i) for i in missing.column("i").to_pylist())
