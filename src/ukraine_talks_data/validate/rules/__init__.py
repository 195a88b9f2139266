"""The dataset's rules beyond Table Schema, each a function that yields Issues and never prints.

Each check is named after its rule, its docstring states the rule, and it is written once,
column-wise, over a `ColumnContext` (the package's files and its tables as Arrow columns):
both engines run these same functions, on tables read by Arrow or by the csv module.
`CHECKS` is the ordered registry; `run_checks` runs it, in threads if asked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from ..report.issues import Issue
from ..tables.context import Context
from .cells import (
    cell_fits_spreadsheets,
    cell_has_no_control_character,
    cell_has_no_line_break,
    cell_is_not_a_formula,
)
from .constraints import cells_match_pattern, cells_meet_constraints
from .dates import (
    end_date_not_before_date,
    inferred_date_explained,
    source_date_recorded,
    statement_not_after_source,
)
from .evidence import (
    disagreement_has_versions,
    event_relation_with_event,
    references_resolve,
    row_has_evidence,
)
from .files import file_matches_descriptor, resource_file_readable
from .invisible import cell_has_no_invisible_character
from .keys import foreign_keys_resolve
from .parquet import parquet_matches_csv
from .reference import reference_tables_present, schema_matches_reference
from .shape import header_matches_schema, rows_fit_header
from .sources import source_file_intact
from .spans import span_matches_source, span_offsets_ordered
from .unique import keys_are_unique
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
    statement_not_after_source,
    inferred_date_explained,
    row_has_evidence,
    references_resolve,
    event_relation_with_event,
    disagreement_has_versions,
    parquet_matches_csv,
)
"""What Table Schema cannot express: the files, the reference schemas, cells, foreign keys,
seeds, spans, dates, evidence."""

CHECKS: tuple[Check, ...] = STRICT + TABLE_SCHEMA + DATASET


def run_checks(
    ctx: ColumnContext, checks: tuple[Check, ...] = CHECKS, *, threads: int = 1
) -> Iterator[Issue]:
    """Run every check over the package in `ctx`; issues in check order.

    With `threads` > 1 the checks run in that many threads (Arrow's kernels let go of the
    GIL); the tables are read first, so that no two threads build the same one.
    """
    if threads <= 1:
        for check in checks:
            yield from check(ctx)
        return
    for resource in ctx.rows.descriptor.tables():
        ctx.table(resource.name)
    with ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(_listed, check, ctx) for check in checks]
        for future in futures:
            yield from future.result()


def _listed(check: Check, ctx: ColumnContext) -> list[Issue]:
    return list(check(ctx))


__all__ = ["CHECKS", "DATASET", "STRICT", "TABLE_SCHEMA", "Check", "Context", "run_checks"]
