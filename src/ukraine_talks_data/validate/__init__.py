"""Validating a data package: safe descriptor, file form, Table Schema, the dataset's own rules.

The folders are the validator's layers, each importing only those below it (a test holds
them to it): `report` (issues and their formats) < `inputs` (descriptor, files, what a
resource or schema may say) < `csv` (the package's CSV form) < `tables` (the tables as
the rules read them) < `rules` (the dataset's rules, each written once) < `engine` (the
Table Schema pass and running the rules). `validate_package` here is the entry point.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from ..errors import LoadError
from ..package.bundle import bundled_descriptor
from ..package.schemas import table_names, table_schema
from .csv.form import record_starts
from .csv.plain import ArrowParsedCsv
from .engine.run import column_validation, reference_validation
from .inputs.descriptor import DescriptorError, read_descriptor
from .inputs.files import FileChangedError
from .report.issues import ISSUE_LIMIT, Issue, IssueLimit, Report
from .tables.context import Context

Engine = Literal["columns", "frictionless"]


def validate_package(
    path: Path | str | None = None,
    *,
    reference_schemas: bool = True,
    engine: Engine = "columns",
    issue_limit: int | None = ISSUE_LIMIT,
) -> Report:
    """Validate the data package at `path` (a datapackage.json or its folder; default: bundled).

    Raises DescriptorError only when there is no descriptor file; a descriptor that cannot
    be used (unreadable, not JSON, not an object) is a `descriptor-error` in the report,
    and nothing else is validated. Resource paths that are absolute, contain `..`, are
    URLs or lead outside the package are reported and nothing else is read. With
    `reference_schemas` (the default), tables are validated against the schemas bundled
    with this distribution and any difference in the package's own schemas is an error;
    turn it off for a derived package whose schemas differ on purpose.

    `engine` "columns" (the default) checks the Table Schema with this package's own
    column-wise rules; "frictionless" (the reference, the tests' oracle) with stock
    Frictionless on the strictly parsed rows. Both run the same rules for everything else,
    and our stricter forms (canonical values, RE2 patterns), and report the same issues
    (tests/test_engines_agree.py); see engine/run.py.

    `issue_limit`: the report lists at most this many issues of one code in one file (the
    first found) and counts the others (`Report.omitted`, `Report.count`), so that memory
    stays bounded however many rows are wrong; None lists all.
    """
    file = Path(path) if path is not None else bundled_descriptor()
    try:
        descriptor, issues = read_descriptor(file)
    except DescriptorError as exc:
        if exc.missing:
            raise
        # Of a JSON file, the row is the line (where its text stops being JSON).
        issue = Issue(exc.file.name, exc.line, None, "descriptor-error", exc.reason)
        return Report(package=str(exc.file), issues=[issue], issue_limit=issue_limit)
    report = Report(package=str(descriptor.file), issues=list(issues), issue_limit=issue_limit)
    if not descriptor.resources or any(i.code == "unsafe-path" for i in issues):
        return report
    reference = _reference(descriptor.file) if reference_schemas else None
    ctx = Context(descriptor, reference=reference)
    limit: IssueLimit[Any] = IssueLimit(issue_limit)
    validation = column_validation if engine == "columns" else reference_validation
    try:
        schema, checks, checked = validation(ctx, limit)
        report.issues.extend(schema)
        report.issues.extend(_dedupe(checks, report.issues))
        report.physical_lines = _physical_lines(ctx, report.issues)
    except FileChangedError as exc:  # what was found mixes two versions of a file: only this
        issue = Issue(exc.path, None, None, "file-changed", exc.message)
        return Report(package=report.package, issues=[*issues, issue], issue_limit=issue_limit)
    report.checked = checked
    report.unchecked = [r.name for r in descriptor.tables() if r.name not in checked]
    for (path, severity), n in sorted(limit.omitted.items()):
        report.omitted.setdefault(path, {})[severity] = n
    return report


def _reference(file: Path) -> dict[str, dict[str, Any]] | None:
    """The reference schemas, those bundled with this distribution (LoadError when they
    cannot be read); None when the package validated is the bundle itself (a checkout, an
    editable install) and its damaged descriptor cannot give them: its own issues say why."""
    try:
        return {name: table_schema(name) for name in table_names()}
    except LoadError:
        if Path(file).resolve() == bundled_descriptor().resolve():
            return None
        raise


def _physical_lines(ctx: Context, issues: list[Issue]) -> dict[str, dict[int, int]]:
    """For each file whose records span lines, the line each row of `issues` starts on. A
    large file in plain form is read again for it, a record at a time up to the last row
    asked for, only when some record spans lines (known from its reading)."""
    wanted: dict[str, set[int]] = {}
    for issue in issues:
        if issue.row is not None:
            wanted.setdefault(issue.file, set()).add(issue.row)
    found: dict[str, dict[int, int]] = {}
    for r in ctx.descriptor.tables():
        rows = wanted.get(r.path)
        parsed = ctx.parsed(r.name) if rows else None
        if parsed is None or rows is None:
            continue
        if isinstance(parsed, ArrowParsedCsv):
            if parsed.one_line_each():
                continue
            with ctx.reopen(r.name) as raw:
                lines = record_starts(io.TextIOWrapper(raw, encoding="utf-8", newline=""), rows)
        else:
            lines = {row: parsed.line_of(row) for row in rows}
        if any(line != row for row, line in lines.items()):
            found[r.path] = lines
    return found


def _dedupe(new: Iterable[Issue], existing: list[Issue]) -> list[Issue]:
    """`new` without what is already reported: the same issue found twice. A rule's error
    on a cell that already has a Table Schema error is kept, since each says what its own
    rule requires; dropping it only where the other is listed made the error total depend
    on `--issue-limit`."""
    seen = set(existing)
    out: list[Issue] = []
    for issue in new:
        if issue not in seen:
            seen.add(issue)
            out.append(issue)
    return out
