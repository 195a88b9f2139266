"""Column-wise versions of the checks in `checks/`: same rules, same Issues, any table size.

Each function is named after the row-wise check it stands for, states the same rule and
yields the same Issues, computing whole columns with Arrow and looking at single rows only
where an issue is found. `run_column_checks` runs the registry `checks.CHECKS` in order,
with the column version of a check where there is one and the row-wise check otherwise
(those read only the descriptor, the files' bytes or the small sources table). A column
version that meets a value it cannot hold (`column_values.RowWise`) hands over to the
row-wise check. tests/test_engines_agree.py compares both over the corruption corpus.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from .checks import CHECKS, Check
from .checks.dates import source_bounds
from .checks.evidence import EVIDENCED, REFERABLE
from .column_cell_checks import (
    cell_fits_spreadsheets,
    cell_has_no_control_character,
    cell_has_no_line_break,
    cell_is_not_a_formula,
    foreign_keys_resolve,
)
from .column_tables import ColumnContext
from .column_values import RowWise, dates, flagged, ints
from .csv_columns import counting
from .raw_tables import field_names
from .report import Issue
from .seed_slices import SeedBytes

if TYPE_CHECKING:
    import pyarrow as pa

ColumnCheck = Callable[[ColumnContext], Iterator[Issue]]
BATCH = 1 << 16  # rows compared at once by span_matches_source


def run_column_checks(
    ctx: ColumnContext, checks: tuple[Check, ...] = CHECKS, *, threads: int = 1
) -> Iterator[Issue]:
    """Run every check, column-wise where a column version exists; issues in check order.

    With `threads` > 1 the checks run in that many threads (Arrow's kernels let go of the
    GIL); the tables are read first, so that no two threads build the same one.
    """
    if threads <= 1:
        for check in checks:
            yield from _run(ctx, check)
        return
    for resource in ctx.rows.descriptor.tables():
        ctx.table(resource.name)
    with ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(_run, ctx, check) for check in checks]
        for future in futures:
            yield from future.result()


def _run(ctx: ColumnContext, check: Check) -> list[Issue]:
    column = COLUMN_CHECKS.get(check.__name__)
    if column is None:
        return list(check(ctx.rows))
    try:
        return list(column(ctx))
    except RowWise:
        return list(check(ctx.rows))


def _python(array: pa.Array | pa.ChunkedArray) -> list[str | None]:
    return list(array.to_pylist())


# Spans.


def span_offsets_ordered(ctx: ColumnContext) -> Iterator[Issue]:
    """A span's end_char is greater than its start_char, and start_char is not negative."""
    import pyarrow.compute as pc

    for table in ctx.span_tables():
        start, end = ints(table, "start_char"), ints(table, "end_char")
        negative = pc.less(start, 0)
        disorder = pc.less_equal(end, start)
        for i in flagged(pc.or_(pc.fill_null(negative, False), disorder)):
            s, e = start[i].as_py(), end[i].as_py()
            if s is not None and s < 0:
                yield Issue(
                    table.path, table.row(i), "start_char", "span-offsets",
                    "start_char must be 0 or more", str(s),
                )  # fmt: skip
            if s is not None and e is not None and e <= s:
                yield Issue(
                    table.path, table.row(i), "end_char", "span-offsets",
                    f"end_char must be greater than start_char ({s})", str(e),
                )  # fmt: skip


def span_matches_source(ctx: ColumnContext) -> Iterator[Issue]:
    """A span's text equals the source's text[start_char:end_char], character for character."""
    import pyarrow as pa
    import pyarrow.compute as pc

    sources = ctx.rows.sources()
    seeds = {k: v.text for k, v in sources.items() if v is not None and v.text is not None}
    known = pa.array(list(seeds), pa.string())
    lengths = pa.array([len(t) for t in seeds.values()], pa.int64())
    seed_bytes = SeedBytes(seeds)
    for table in ctx.span_tables():
        ids = table.column("source_id")
        if ids is None:
            continue
        start, end = ints(table, "start_char"), ints(table, "end_char")
        size = pc.take(lengths, pc.index_in(ids, value_set=known))
        usable = pc.and_(pc.greater_equal(start, 0), pc.greater(end, start))
        usable = pc.fill_null(pc.and_(usable, pc.is_valid(size)), False)
        beyond = pc.fill_null(pc.and_(usable, pc.greater(end, size)), False)
        found: dict[int, Issue] = {}
        for i in flagged(beyond):
            source_id, e = ids[i].as_py(), end[i].as_py()
            found[i] = Issue(
                table.path, table.row(i), "end_char", "span-out-of-range",
                f"end_char is past the end of {source_id} ({len(seeds[source_id])} characters)",
                str(e),
            )  # fmt: skip
        text = table.column("text")
        if text is None:
            text = pa.chunked_array([pa.nulls(table.num_rows, pa.string())])
        checked = pc.and_(usable, pc.invert(beyond))
        for first in range(0, table.num_rows, BATCH):  # in batches: less memory at once
            part = checked.slice(first, BATCH)
            parts = [c.slice(first, BATCH) for c in (ids, start, end, text)]
            if pc.all(part).as_py():  # usually every row: no copies
                index = pc.add(counting(len(part)), first - 1)
            else:
                local = pc.indices_nonzero(part)
                index = pc.add(local, first)
                parts = [pc.take(c, local) for c in parts]
            span_ids, span_start, span_end, texts = parts
            ids_array = (
                span_ids.combine_chunks() if isinstance(span_ids, pa.ChunkedArray) else span_ids
            )
            expected = seed_bytes.slices(ids_array, span_start, span_end)
            same = pc.fill_null(pc.equal(expected, texts.cast(pa.string_view())), False)
            for j in pc.indices_nonzero(pc.invert(same)).to_pylist():
                i = index[j].as_py()
                source_id, s, e = ids[i].as_py(), start[i].as_py(), end[i].as_py()
                value = text[i].as_py()
                actual = seeds[source_id][s:e]
                found[i] = Issue(
                    table.path, table.row(i), "text", "span-mismatch",
                    f"text differs from {source_id}[{s}:{e}], which reads {actual!r}",
                    value or "",
                )  # fmt: skip
        for i in sorted(found):
            yield found[i]


# Dates.


def end_date_not_before_date(ctx: ColumnContext) -> Iterator[Issue]:
    """An event's end_date is not before its date."""
    import pyarrow.compute as pc

    table = ctx.table("events")
    if table is None:
        return
    start, end = dates(table, "date"), dates(table, "end_date")
    for i in flagged(pc.less(end, start)):
        yield Issue(
            table.path, table.row(i), "end_date", "date-order",
            f"end_date is before date ({start[i].as_py()})", table.cell("end_date", i),
        )  # fmt: skip


def statement_not_after_source(ctx: ColumnContext) -> Iterator[Issue]:
    """A statement is not dated after the source that reports it was published or last updated."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = ctx.table("statements")
    bounds: dict[str, dt.date] = source_bounds(ctx.rows)
    if table is None or not bounds:
        return
    ids = table.column("source_id")
    if ids is None:
        return
    said = dates(table, "date")
    known = pa.array(list(bounds), pa.string())
    bound = pc.take(pa.array(list(bounds.values()), pa.date32()), pc.index_in(ids, value_set=known))
    for i in flagged(pc.greater(said, bound)):
        source_id = ids[i].as_py()
        yield Issue(
            table.path, table.row(i), "date", "date-after-source",
            f"dated after {source_id} was published or last updated ({bounds[source_id]})",
            table.cell("date", i),
        )  # fmt: skip


def inferred_date_explained(ctx: ColumnContext) -> Iterator[Issue]:
    """A row whose date_basis is inferred says in date_note what the date was inferred from."""
    import pyarrow.compute as pc

    for name in ("events", "statements"):
        table = ctx.table(name)
        if table is None:
            continue
        basis, note = table.column("date_basis"), table.column("date_note")
        if basis is None:
            continue
        mask = pc.equal(basis, "inferred")
        if note is not None:
            mask = pc.and_(mask, pc.is_null(note))
        for i in flagged(mask):
            yield Issue(
                table.path, table.row(i), "date_note", "date-basis",
                "an inferred date needs a date_note saying what it was inferred from",
            )  # fmt: skip


# Evidence and references.


def _keys(ctx: ColumnContext, table_name: str) -> pa.Array | None:
    import pyarrow.compute as pc

    table = ctx.table(table_name)
    key = REFERABLE.get(table_name)
    if table is None or key is None:
        return None
    column = table.column(key)
    if column is None:
        import pyarrow as pa

        return pa.array([], pa.string())
    return pc.unique(pc.drop_null(column))


def row_has_evidence(ctx: ColumnContext) -> Iterator[Issue]:
    """Every row of sources, actors, events and demands has at least one evidence span."""
    import pyarrow.compute as pc

    evidence = ctx.table("evidence")
    if evidence is None:
        return
    targets, ids = evidence.column("row_table"), evidence.column("row_id")
    for name, key in EVIDENCED.items():
        table = ctx.table(name)
        if table is None:
            continue
        column = table.column(key)
        if column is None:
            continue
        if targets is None or ids is None:
            covered = pc.drop_null(column).slice(0, 0)
        else:
            covered = pc.drop_null(pc.filter(ids, pc.fill_null(pc.equal(targets, name), False)))
        mask = pc.and_(pc.is_valid(column), pc.invert(pc.is_in(column, value_set=covered)))
        for i in flagged(mask):
            yield Issue(
                table.path, table.row(i), key, "no-evidence",
                f"no evidence row supports this {name[:-1]}", column[i].as_py(),
            )  # fmt: skip


def references_resolve(ctx: ColumnContext) -> Iterator[Issue]:
    """Rows of evidence and disagreements point at an existing row (and field) of row_table."""
    import pyarrow.compute as pc

    for name in ("evidence", "disagreements"):
        table = ctx.table(name)
        if table is None:
            continue
        targets, ids = table.column("row_table"), table.column("row_id")
        if targets is None or ids is None:
            continue
        found: dict[int, list[Issue]] = {}
        present = pc.and_(pc.is_valid(targets), pc.is_valid(ids))
        for target in pc.unique(pc.drop_null(targets)).to_pylist():
            keys = _keys(ctx, target)
            if keys is None:
                continue
            mask = pc.and_(
                pc.and_(present, pc.fill_null(pc.equal(targets, target), False)),
                pc.invert(pc.is_in(ids, value_set=keys)),
            )
            for i in flagged(mask):
                found.setdefault(i, []).append(
                    Issue(table.path, table.row(i), "row_id", "unknown-row",
                          f"no {target} row has this id", ids[i].as_py())
                )  # fmt: skip
        if name == "disagreements":
            column = table.column("field")
            values = _python(column) if column is not None else [None] * table.num_rows
            for i, (target, row_id, value) in enumerate(
                zip(_python(targets), _python(ids), values, strict=True)
            ):
                if target is None or row_id is None or value is None:
                    continue
                resource = ctx.rows.descriptor.resource(target)
                if resource and resource.schema and value not in field_names(resource.schema):
                    found.setdefault(i, []).append(
                        Issue(table.path, table.row(i), "field", "unknown-field",
                              f"{target} has no field of this name", value)
                    )  # fmt: skip
        for i in sorted(found):
            yield from found[i]


def event_relation_with_event(ctx: ColumnContext) -> Iterator[Issue]:
    """A statement gives event_relation exactly when it gives event_id."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = ctx.table("statements")
    if table is None:
        return
    n = table.num_rows
    event, relation = table.column("event_id"), table.column("event_relation")
    never = pa.repeat(pa.scalar(False), n)
    has_event = pc.is_valid(event) if event is not None else never
    has_relation = pc.is_valid(relation) if relation is not None else never
    for i in flagged(pc.not_equal(has_event, has_relation)):
        if has_event[i].as_py():
            yield Issue(
                table.path, table.row(i), "event_relation", "event-relation",
                "say whether the statement was made_at or is about its event",
            )  # fmt: skip
        else:
            yield Issue(
                table.path, table.row(i), "event_relation", "event-relation",
                "event_relation without an event_id", table.cell("event_relation", i),
            )  # fmt: skip


def disagreement_has_versions(ctx: ColumnContext) -> Iterator[Issue]:
    """Every disagreement has at least two versions."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table, versions = ctx.table("disagreements"), ctx.table("disagreement_versions")
    if table is None or versions is None:
        return
    ids = table.column("disagreement_id")
    if ids is None:
        return
    counted = versions.column("disagreement_id")
    if counted is None:
        counted = pa.chunked_array([pa.array([], pa.string())])
    counts = pc.value_counts(pc.drop_null(counted))
    twice = pc.filter(counts.field("values"), pc.greater_equal(counts.field("counts"), 2))
    for i in flagged(pc.and_(pc.is_valid(ids), pc.invert(pc.is_in(ids, value_set=twice)))):
        yield Issue(
            table.path, table.row(i), "disagreement_id", "disagreement-versions",
            "a disagreement needs at least two versions in disagreement_versions",
            ids[i].as_py(),
        )  # fmt: skip


COLUMN_CHECKS: dict[str, ColumnCheck] = {
    check.__name__: check
    for check in (
        cell_fits_spreadsheets,
        cell_has_no_line_break,
        cell_has_no_control_character,
        cell_is_not_a_formula,
        foreign_keys_resolve,
        span_offsets_ordered,
        span_matches_source,
        end_date_not_before_date,
        statement_not_after_source,
        inferred_date_explained,
        row_has_evidence,
        references_resolve,
        event_relation_with_event,
        disagreement_has_versions,
    )
}
