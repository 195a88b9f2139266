"""Validation by the column engine: the schema pass and the dataset's own checks, column-wise."""

from __future__ import annotations

from .checks import Context, run_checks
from .column_checks import run_column_checks
from .column_engine import column_schema_issues, is_small
from .column_source import RecordsCache
from .column_tables import ColumnContext
from .descriptor import Descriptor
from .report import Report
from .validate import _dedupe


def validate_columns(
    descriptor: Descriptor, report: Report, *, schema: bool, small: bool | None = None
) -> None:
    """Add to `report` what `validate_package(engine="frictionless")` would find.

    `small` (default: decided by the tables' size) picks the pure-Python path: the
    csv module and the row-wise checks. Large packages are read once into Arrow columns,
    which the schema pass and the column-wise checks share.
    """
    if small is None:
        small = is_small(descriptor)
    cache = RecordsCache()
    if not small:
        _validate_large(descriptor, report, cache, schema=schema)
        return
    if schema:
        report.extend(column_schema_issues(descriptor, cache, small=True))
    if small:
        ctx = Context(descriptor)
        report.extend(_dedupe(run_checks(ctx), report.issues))
        report.checked = {
            name: len(table.rows)
            for name in (r.name for r in descriptor.tables())
            if (table := ctx.table(name)) is not None
        }
        return


def _validate_large(
    descriptor: Descriptor, report: Report, cache: RecordsCache, *, schema: bool
) -> None:
    """Read every table once, then run the schema pass (mostly DuckDB, two threads) and the
    column-wise checks (mostly single-threaded Arrow kernels) side by side."""
    from concurrent.futures import ThreadPoolExecutor

    columns = ColumnContext(descriptor, cache)
    tables = {r.name: columns.table(r.name) for r in descriptor.tables()}
    with ThreadPoolExecutor(max_workers=1) as pool:
        checks = pool.submit(lambda: list(run_column_checks(columns)))
        if schema:
            report.extend(column_schema_issues(descriptor, cache, small=False))
        found = checks.result()
    report.extend(_dedupe(found, report.issues))
    report.checked = {name: t.num_rows for name, t in tables.items() if t is not None}
