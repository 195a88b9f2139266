"""Shared fixtures: a scratch copy of the bundled package that a test may damage."""

from __future__ import annotations

import atexit
import csv
import functools
import shutil
import socket
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from ukraine_talks_data.package.bundle import bundle_dir
from ukraine_talks_data.publish.descriptor_stats import refresh_descriptor

PACKAGE_PARTS = ("datapackage.json", "schemas", "data", "seeds")


def _copy_bundle(target: Path) -> None:
    src = bundle_dir()
    target.mkdir(parents=True, exist_ok=True)
    for part in PACKAGE_PARTS:
        if (src / part).is_dir():
            shutil.copytree(src / part, target / part, ignore=shutil.ignore_patterns("parquet"))
        else:
            shutil.copy2(src / part, target / part)


@functools.cache
def _pristine() -> Path:
    """One copy of the bundled package per test session, never damaged: tests copy it."""
    folder = Path(tempfile.mkdtemp(prefix="ukraine-talks-pristine-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    _copy_bundle(folder / "pkg")
    return folder / "pkg"


def copy_package(target: Path) -> Path:
    """Copy the bundled package's descriptor, schemas, data and seeds (not data/parquet/)
    into `target`; return the path of its datapackage.json."""
    shutil.copytree(_pristine(), target, copy_function=shutil.copyfile, dirs_exist_ok=True)
    return target / "datapackage.json"


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """Path of datapackage.json in a fresh, valid copy of the bundled package."""
    return copy_package(tmp_path / "pkg")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record (and refuse) every attempt to resolve a host or open a connection."""
    attempts: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(repr(args[:2]))
        raise OSError("network use during validation")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_rows(path: Path, rows: list[dict[str, str]], *, refresh: bool = True) -> None:
    """Rewrite the CSV at `path` with `rows`.

    With `refresh` (the default), the descriptor's bytes, hash and rows for this file are
    updated too, as `ukraine-talks build` does after an edit, so that a test sees the
    damage in the content and not a stale hash. refresh=False leaves them stale.
    """
    with path.open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    if refresh:
        refresh_stats(path)


def refresh_stats(path: Path) -> None:
    """Update bytes, hash and rows of the file at `path` in its package's datapackage.json."""
    root = path.parent.parent
    if (root / "datapackage.json").is_file():
        refresh_descriptor(root / "datapackage.json", paths=[path.relative_to(root).as_posix()])


def set_cell(path: Path, index: int, field: str, value: str) -> int:
    """Set `field` of data row `index` (0-based) and return its Frictionless row number."""
    rows = read_rows(path)
    rows[index][field] = value
    write_rows(path, rows)
    return index + 2


def stock_frictionless_validate(descriptor: str, cwd: Path) -> Result:
    """`frictionless validate --json DESCRIPTOR` run in `cwd`: stock Frictionless's own
    command, invoked in this process (a new interpreter would spend seconds importing it)."""
    from frictionless.console.console import console

    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        return CliRunner().invoke(console, ["validate", "--json", descriptor])
