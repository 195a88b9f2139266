"""The dataset's rules beyond Table Schema, each a function that yields Issues and never prints.

Each check is named after its rule, its docstring states the rule, and it is written once,
column-wise, over a `ColumnContext` (the package's files and its tables as Arrow columns):
both engines run these same functions, on tables read by Arrow or by the csv module.
`CHECKS` is the ordered registry; `run_checks` runs it, in threads if asked.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from ..report.issues import Issue, IssueLimit
from ..tables.context import Context
from ..tables.pieces import PieceUnreadableError
from .cells import (
    cell_fits_spreadsheets,
    cell_has_no_control_character,
    cell_has_no_invisible_character,
    cell_has_no_line_break,
    cell_is_not_a_formula,
)
from .constraints import cells_match_pattern, cells_meet_constraints
from .dates import (
    coarse_date_on_its_first_day,
    date_within_interval,
    end_date_not_before_date,
    event_needs,
    first_stated_from_statements,
    inferred_date_explained,
    link_needs,
    made_at_within_event,
    response_not_before_demand,
    source_date_recorded,
    statement_not_after_source,
)
from .evidence import (
    disagreement_has_versions,
    event_relation_with_event,
    evidence_needs,
    references_resolve,
    row_has_evidence,
)
from .files import file_matches_descriptor, resource_file_readable, source_file_intact
from .keys import foreign_keys_resolve, key_needs
from .parquet import parquet_matches_csv
from .parquet_descriptor import parquet_descriptor_as_built
from .reference import reference_tables_present, schema_matches_reference
from .shape import header_matches_schema, rows_fit_header
from .spans import span_matches_source, span_offsets_ordered
from .unique import keys_are_unique, unique_needs
from .utterances import utterance_needs, utterance_rows_agree
from .values import value_is_canonical

if TYPE_CHECKING:
    from ..tables.columns import ColumnContext

Check = Callable[["ColumnContext"], Iterator[Issue]]

STRICT: tuple[Check, ...] = (header_matches_schema, value_is_canonical, cells_match_pattern)
"""Table Schema as this package reads it where it is stricter than stock Frictionless
(labels exactly the field names, unpadded; canonical values; patterns on RE2): run by both
engines."""

TABLE_SCHEMA: tuple[Check, ...] = (
    rows_fit_header,
    cells_meet_constraints,
    keys_are_unique,
)
"""The rest of Table Schema: the default engine's own pass (the reference engine runs
stock Frictionless instead)."""

DATASET: tuple[Check, ...] = (
    resource_file_readable,
    file_matches_descriptor,
    reference_tables_present,
    schema_matches_reference,
    cell_fits_spreadsheets,
    cell_has_no_line_break,
    cell_has_no_control_character,
    cell_is_not_a_formula,
    cell_has_no_invisible_character,
    foreign_keys_resolve,
    source_file_intact,
    span_offsets_ordered,
    span_matches_source,
    source_date_recorded,
    end_date_not_before_date,
    coarse_date_on_its_first_day,
    statement_not_after_source,
    inferred_date_explained,
    date_within_interval,
    made_at_within_event,
    utterance_rows_agree,
    response_not_before_demand,
    first_stated_from_statements,
    row_has_evidence,
    references_resolve,
    event_relation_with_event,
    disagreement_has_versions,
    parquet_descriptor_as_built,
    parquet_matches_csv,
)
"""What Table Schema cannot express: the files, the reference schemas, cells, foreign keys,
seeds, spans, dates (intervals, events), utterances, demand links, evidence."""

CHECKS: tuple[Check, ...] = STRICT + TABLE_SCHEMA + DATASET

Needs = Callable[[Context], dict[str, set[str]]]
"""What a whole-column rule reads: table name → the fields it reads there."""


def _nothing(ctx: Context) -> dict[str, set[str]]:
    return {}


WHOLE: dict[Check, Needs] = {
    keys_are_unique: unique_needs,
    foreign_keys_resolve: key_needs,
    row_has_evidence: evidence_needs,
    references_resolve: evidence_needs,
    disagreement_has_versions: evidence_needs,
    made_at_within_event: event_needs,
    utterance_rows_agree: utterance_needs,
    response_not_before_demand: link_needs,
    first_stated_from_statements: link_needs,
} | dict.fromkeys(
    (
        resource_file_readable,
        file_matches_descriptor,
        reference_tables_present,
        schema_matches_reference,
        source_file_intact,
        source_date_recorded,
        parquet_descriptor_as_built,
    ),
    _nothing,
)
"""The rules that read whole columns across rows or tables (keys, references) or the
package's files, each with the fields of a table it reads (`needs`). Every other rule reads
the rows of one table at a time (and the seeds and sources): `run_checks` runs those table
by table, puts the fields named here into the key store (`tables/store.py`) and lets go of
the table, so that a validation holds one table (or piece) at most; the rules here are SQL
over the store."""

PARALLEL_ROWS = 10_000
"""Rows from which a table's (or piece's) rules run in threads (`run_checks`)."""

BY_POSITION = frozenset({keys_are_unique})
"""The rules of `WHOLE` that read records by position (the store's `cells` relations, as
Table Schema pairs cells with fields); the others read rows by field name (`rows`)."""


def run_checks(
    ctx: ColumnContext,
    checks: tuple[Check, ...] = CHECKS,
    *,
    threads: int = 1,
    limit: IssueLimit[Check] | None = None,
) -> dict[Check, list[Issue]]:
    """Run `checks` over the package in `ctx`: each check → its issues (with a `limit`,
    those it lists).

    Rules on rows run table by table, a large table a piece at a time
    (`ColumnContext.pieces`); each table (or piece) then lets go of the columns that the
    whole-column rules (`WHOLE`) do not need, and those rules run, one at a time, their
    issues taken as their SQL gives them. With `threads` > 1 the checks of a step run in
    that many threads (Arrow's kernels let go of the GIL).
    """
    limit = limit or IssueLimit(None)
    rows = tuple(c for c in checks if c not in WHOLE)
    whole = tuple(c for c in checks if c in WHOLE)
    keep: dict[bool, dict[str, set[str]]] = {False: {}, True: {}}  # by position → fields
    for check in whole:
        for name, fields in WHOLE[check](ctx.rows).items():
            keep[check in BY_POSITION].setdefault(name, set()).update(fields)
    found: dict[Check, list[Issue]] = {c: [] for c in checks}
    with ThreadPoolExecutor(max(threads, 1)) as pool:

        def run(
            checks: tuple[Check, ...], into: dict[Check, list[Issue]], threads: int = threads
        ) -> None:
            results: Iterable[Iterable[Issue]]
            if threads <= 1:  # each check's issues taken as it yields them
                results = (check(ctx) for check in checks)
            else:  # a piece's issues (bounded by the piece), in the checks' order
                started = {c: pool.submit(timer.run, c) for c in timer.slowest_first(checks)}
                results = (started[c].result() for c in checks)
            for check, issues in zip(checks, results, strict=True):
                into[check] += limit.take(issues, check)

        timer = _Timer(ctx)
        names = [resource.name for resource in ctx.rows.descriptor.tables()]
        try:
            for name, then in zip(names, [*names[1:], None], strict=True):
                fields, cells = keep[False].get(name, set()), keep[True].get(name, set())
                local: dict[Check, list[Issue]] = {c: [] for c in rows}
                mark = limit.mark()
                try:
                    for _ in ctx.pieces(name, fields, cells, then=then):
                        run(rows, local, _threads(ctx, name, threads))
                except PieceUnreadableError:  # Arrow cannot read a piece: the csv module
                    local = {c: [] for c in rows}
                    limit.reset(mark)
                    for _ in ctx.pieces(name, fields, cells, whole=True):
                        run(rows, local, _threads(ctx, name, threads))
                for check, issues in local.items():  # a table's own issue, once for all
                    found[check] += dict.fromkeys(issues)
        finally:
            ctx.stop_reading_ahead()
        run(whole, found, 1)  # SQL, one query at a time: DuckDB has threads of its own
    for check, issue in limit.held():
        found[check].append(issue)
    return found


class _Timer:
    """Runs checks on a piece in threads, slowest first (by what each took on the last
    piece it checked): the threads then end together, none left waiting while another
    runs a slow check handed out last (real-shaped 1M: 0.94x the time)."""

    def __init__(self, ctx: ColumnContext) -> None:
        self.ctx = ctx
        self.took: dict[Check, float] = {}

    def slowest_first(self, checks: tuple[Check, ...]) -> list[Check]:
        return sorted(checks, key=lambda check: -self.took.get(check, 0.0))

    def run(self, check: Check) -> list[Issue]:
        start = time.perf_counter()
        issues = list(check(self.ctx))
        self.took[check] = time.perf_counter() - start
        return issues


def _threads(ctx: ColumnContext, name: str, threads: int) -> int:
    """Threads for the rules on the table (or piece) `name` now read: one for a small one,
    whose rules take less time than handing them to threads does."""
    table = ctx.table(name)
    return threads if table is not None and table.num_rows >= PARALLEL_ROWS else 1


def issues_of(found: dict[Check, list[Issue]], checks: tuple[Check, ...]) -> list[Issue]:
    """The issues of `checks` in `found`, in the checks' order."""
    return [issue for check in checks for issue in found.get(check, [])]
