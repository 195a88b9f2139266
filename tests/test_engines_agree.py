"""Differential test: the column engine reports exactly what Frictionless (and the row-wise
checks) report, on the shipped package and on every damaged copy in `damages.DAMAGES`.

Both paths of the column engine are compared: the pure-Python one it takes for small
packages, and the Arrow + DuckDB one it takes for large packages.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import copy_package
from damages import DAMAGES, Damage
from ukraine_talks_data.column_validate import validate_columns
from ukraine_talks_data.descriptor import read_descriptor
from ukraine_talks_data.report import Report
from ukraine_talks_data.validate import validate_package

KEYS = ["file", "row", "field", "code", "message", "value"]


def column_report(package: Path, *, small: bool) -> Report:
    """validate_package(package, engine="columns"), forcing one path of the engine."""
    descriptor, issues = read_descriptor(package)
    report = Report(package=str(descriptor.file))
    report.extend(issues)
    validate_columns(descriptor, report, schema=not issues, small=small)
    return report


@pytest.mark.parametrize(("name", "damage"), DAMAGES, ids=[name for name, _ in DAMAGES])
def test_engines_report_the_same_issues(tmp_path: Path, name: str, damage: Damage) -> None:
    package = copy_package(tmp_path / "pkg")
    damage(package.parent)
    reference = validate_package(package, engine="frictionless")
    for small in (True, False):
        columns = column_report(package, small=small)
        assert columns.flatten(KEYS) == reference.flatten(KEYS), f"small={small}"
        assert columns.checked == reference.checked


def test_default_engine_is_columns(package: Path) -> None:
    assert validate_package(package).to_dict() == column_report(package, small=True).to_dict()
