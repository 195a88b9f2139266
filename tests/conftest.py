"""Shared fixtures: a scratch copy of the bundled package that a test may damage."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from ukraine_talks_data.bundle import bundle_dir

PACKAGE_PARTS = ("datapackage.json", "schemas", "data", "seeds")


def copy_package(target: Path) -> Path:
    """Copy the bundled package's descriptor, schemas, data and seeds into `target`."""
    src = bundle_dir()
    target.mkdir(parents=True, exist_ok=True)
    for part in PACKAGE_PARTS:
        if (src / part).is_dir():
            shutil.copytree(src / part, target / part, ignore=shutil.ignore_patterns("parquet"))
        else:
            shutil.copy2(src / part, target / part)
    return target / "datapackage.json"


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """Path of datapackage.json in a fresh, valid copy of the bundled package."""
    return copy_package(tmp_path / "pkg")


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def set_cell(path: Path, index: int, field: str, value: str) -> int:
    """Set `field` of data row `index` (0-based) and return its Frictionless row number."""
    rows = read_rows(path)
    rows[index][field] = value
    write_rows(path, rows)
    return index + 2
