"""Validating a data package: safe descriptor, then Table Schema, then the dataset's own checks."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from .bundle import bundled_descriptor
from .checks import Context, run_checks
from .descriptor import read_descriptor
from .report import Issue, Report
from .schema_checks import schema_issues

Engine = Literal["columns", "frictionless"]
ENGINES: tuple[Engine, ...] = ("columns", "frictionless")


def validate_package(path: Path | str | None = None, engine: Engine = "columns") -> Report:
    """Validate the data package at `path` (a datapackage.json or its folder; default: bundled).

    Raises DescriptorError when the descriptor is missing or not a JSON object. Resource
    paths that are absolute, contain `..`, are URLs or lead outside the package are
    reported and nothing else is read. `engine` "columns" checks whole columns at a time
    (column_validate.py); "frictionless" runs Frictionless and the row-wise checks. Both
    report the same issues.
    """
    file = Path(path) if path is not None else bundled_descriptor()
    descriptor, issues = read_descriptor(file)
    report = Report(package=str(descriptor.file))
    report.extend(issues)
    if any(i.code == "unsafe-path" for i in issues):
        return report
    if engine == "columns":
        from .column_validate import validate_columns

        validate_columns(descriptor, report, schema=not issues)
        return report
    if not issues:
        report.extend(schema_issues(descriptor))
    ctx = Context(descriptor)
    report.extend(_dedupe(run_checks(ctx), report.issues))
    report.checked = {
        name: len(table.rows)
        for name in (r.name for r in descriptor.tables())
        if (table := ctx.table(name)) is not None
    }
    return report


def _dedupe(new: Iterable[Issue], existing: list[Issue]) -> list[Issue]:
    """`new` without the issues already reported (two passes may find the same problem)."""
    seen = set(existing)
    out: list[Issue] = []
    for issue in new:
        if issue not in seen:
            seen.add(issue)
            out.append(issue)
    return out
