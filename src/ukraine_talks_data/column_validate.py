"""Validation by the column engine: the schema pass and the dataset's own checks, column-wise."""

from __future__ import annotations

from .checks import Context, run_checks
from .column_engine import column_schema_issues, is_small
from .column_source import RecordsCache
from .descriptor import Descriptor
from .report import Report
from .validate import _dedupe


def validate_columns(
    descriptor: Descriptor, report: Report, *, schema: bool, small: bool | None = None
) -> None:
    """Add to `report` what `validate_package(engine="frictionless")` would find.

    `small` (default: decided by the tables' size) picks the pure-Python path.
    """
    if small is None:
        small = is_small(descriptor)
    cache = RecordsCache()
    if schema:
        report.extend(column_schema_issues(descriptor, cache, small=small))
    ctx = Context(descriptor)
    report.extend(_dedupe(run_checks(ctx), report.issues))
    report.checked = {
        name: len(table.rows)
        for name in (r.name for r in descriptor.tables())
        if (table := ctx.table(name)) is not None
    }
