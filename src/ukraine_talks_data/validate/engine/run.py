"""The column engine's part of `validate_package`: the Table Schema pass, column-wise.

The engine computes the same issues as the reference pass (`schema_checks.schema_issues`:
Frictionless on the rows `csv_files` parsed) whenever it reads each table exactly as the
reference does: a descriptor with no issue of its own, table files that parsed completely
as plain UTF-8 with LF line ends and no byte order mark, and each table validated against
its own schema (the reference schema, or `--allow-schema-changes`). Anything else, and any
form the engine does not reproduce (`NeedsReferenceError`), runs the reference pass. The
descriptor, the file-form checks and the dataset's checks are the reference ones in both
engines (validate.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from ..csv.records import RecordsCache
from ..report.issues import Issue
from ..rules import run_checks
from ..tables.context import Context
from .frictionless import key_cells, schema_issues, without_echoes

# What the reference pass reports; the column engine's other findings (foreign keys, the
# descriptor's bytes/hash/rows) are the dataset's checks' business in both engines.
_SCHEMA_PASS_CODES = frozenset(
    {
        "type-error",
        "constraint-error",
        "primary-key",
        "unique-error",
        "blank-label",
        "missing-label",
        "extra-label",
        "duplicate-label",
        "incorrect-label",
        "missing-cell",
        "extra-cell",
        "blank-row",
    }
)


def column_validation(
    ctx: Context, descriptor_issues: Iterable[Issue]
) -> tuple[list[Issue], Iterator[Issue], dict[str, int]]:
    """The column engine's schema pass issues, dataset check issues and rows checked per table.

    A package of at least `column_engine.SMALL_PACKAGE` bytes of tables is read by Arrow
    once (tables in plain form) and shared by the schema pass and the column checks, which
    run side by side in threads; a smaller one is read by the csv module, checked in
    Python by the schema pass, and by the row-wise checks.
    """
    from ..tables.columns import ColumnContext
    from .columns import engine as column_engine

    small = column_engine.is_small(ctx.descriptor)
    issues = list(descriptor_issues)
    if small:  # the csv module: quicker than Arrow's reader for a few rows
        schema = column_schema_pass(ctx, issues, small=True)
        checked = ctx.rows_checked()
        return schema, run_checks(ColumnContext(ctx)), checked
    cache = RecordsCache()
    columns = ColumnContext(ctx, cache)
    with ThreadPoolExecutor(1) as pool:  # DuckDB and Arrow let go of the GIL: the schema
        future = pool.submit(column_schema_pass, ctx, issues, cache, small=False)  # pass
        checks = list(run_checks(columns, threads=2))  # runs beside the checks
        schema = future.result()
    checked = {
        r.name: column.num_rows
        for r in ctx.descriptor.tables()
        if (column := columns.table(r.name)) is not None
    }
    return schema, iter(checks), checked


def column_schema_pass(
    ctx: Context,
    descriptor_issues: Iterable[Issue],
    cache: RecordsCache | None = None,
    *,
    small: bool | None = None,
) -> list[Issue]:
    """The reference schema pass's issues, computed column-wise where that is exact."""
    from .columns.engine import NeedsReferenceError, column_schema_issues

    if not _reproducible(ctx, descriptor_issues):
        return list(schema_issues(ctx))
    try:
        found = list(column_schema_issues(ctx.descriptor, cache, small=small, schema_only=True))
    except NeedsReferenceError:
        return list(schema_issues(ctx))
    by_file: dict[str, list[Issue]] = {}
    for issue in found:
        if issue.code in _SCHEMA_PASS_CODES:
            by_file.setdefault(issue.file, []).append(_with_key_cells(ctx, issue))
    return [i for issues in by_file.values() for i in without_echoes(issues)]


def _reproducible(ctx: Context, descriptor_issues: Iterable[Issue]) -> bool:
    """Whether the column engine reads every table as the reference pass does."""
    if any(True for _ in descriptor_issues):
        return False
    for resource in ctx.descriptor.tables():
        parsed = ctx.parsed(resource.name)  # None when the file cannot be read
        if parsed is None or not parsed.complete or parsed.problems:
            return False  # a byte-order mark or a CR line end is a problem too
        if ctx.schema(resource.name) != resource.schema:
            return False
    return True


def _with_key_cells(ctx: Context, issue: Issue) -> Issue:
    """A primary-key issue with the key's cells as its value, as the reference states it
    (the column engine's errors do not carry the row's cells)."""
    if issue.code != "primary-key" or issue.value is not None or issue.row is None:
        return issue
    for resource in ctx.descriptor.tables():
        parsed, schema = ctx.parsed(resource.name), ctx.schema(resource.name)
        if resource.path != issue.file or parsed is None or schema is None:
            continue
        if issue.row <= parsed.data_rows + 1:
            value = ", ".join(str(c) for c in key_cells(schema, parsed.record(issue.row)))
            return replace(issue, value=value or None)
    return issue
