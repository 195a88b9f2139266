"""A package file that changes while it is validated: the validator reports what it read,
or says the file changed (file-changed, exit 1), never a traceback or "failed unexpectedly".

Each engine reads a file once for its checks; the default engine reads one again later
(the sources table's rows, whose Arrow parse it read in pieces; a file's physical lines for
a report), and that read is compared with the first. The damage is done by a hook at a
fixed point of the validation, so each case is exact.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import read_rows, write_rows
from damage import report_lines, restamp, runner
from ukraine_talks_data import validate as validator
from ukraine_talks_data.cli import app
from ukraine_talks_data.validate import Engine, validate_package
from ukraine_talks_data.validate.tables.context import Context

pytestmark = pytest.mark.skipif(os.name != "posix", reason="a file replaced while open")

ENGINES: tuple[Engine, ...] = ("columns", "frictionless")
AGAIN = "validate again once nothing is writing to the package"


def _directory(file: Path) -> str:
    file.unlink()
    file.mkdir()
    return "is a directory, not a file"


def _deleted(file: Path) -> str:
    file.unlink()
    return "is gone"


def _truncated(file: Path) -> str:
    size = file.stat().st_size
    with file.open("r+b") as fh:
        fh.truncate(size // 2)
    return f"has {size // 2:,} bytes, not {size:,}"


def _same_size(file: Path) -> str:
    data = file.read_bytes()
    file.write_bytes(data[:-2] + b"Q\n")
    return f"no longer hashes to sha256:{hashlib.sha256(data).hexdigest()}"


DAMAGES: dict[str, Callable[[Path], str]] = {
    "directory": _directory,
    "deleted": _deleted,
    "truncated": _truncated,
    "same size, other bytes": _same_size,
}


def _changed(path: str, now: str) -> str:
    message = f"the file changed while it was being validated (it {now}); {AGAIN}"
    return f"{path}: file-changed: {message}"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("damage", DAMAGES.values(), ids=list(DAMAGES))
def test_sources_table_changed_after_it_was_read(
    package: Path, monkeypatch: pytest.MonkeyPatch, engine: Engine, damage: Callable[[Path], str]
) -> None:
    """The sources table changes once it was parsed. The default engine reads its rows again
    for the rules on sources and seeds (its own parse is Arrow's): that read is refused whole,
    where it used to fail unexpectedly (OSError) or check the rules on the damaged rows. The
    reference engine parsed it with the csv module, once, and reports what it read."""
    file = package.parent / "data" / "sources.csv"
    done: list[str] = []
    parsed = Context.parsed

    def damaging(self: Context, name: str) -> Any:
        found = parsed(self, name)
        if name == "sources" and found is not None and not done:
            done.append(damage(file))
        return found

    monkeypatch.setattr(Context, "parsed", damaging)
    code, lines = report_lines(validate_package(package, engine=engine))
    assert done
    if engine == "columns":
        assert (code, lines) == (1, [_changed("data/sources.csv", done[0])])
    else:
        assert (code, lines) == (0, [])


@pytest.mark.parametrize("engine", ENGINES)
def test_table_gone_before_its_physical_lines_are_read(
    package: Path, monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> None:
    """A record spanning lines makes the default engine read the file again for the report's
    line numbers; the file is now a directory: file-changed, exit 1, where the CLI used to
    say the validator "failed unexpectedly" (PackageFileError), exit 2. The reference engine
    knows the lines from its own parse and reports the span that does not match."""
    file = package.parent / "data" / "statements.csv"
    rows = read_rows(file)
    rows[0]["text"] = "two\nlines"
    write_rows(file, rows, refresh=False)
    restamp(file, package)
    expected = report_lines(validate_package(package, engine=engine))
    assert expected[0] == 1 and len(expected[1]) == 1

    name = "column_validation" if engine == "columns" else "reference_validation"
    validation = getattr(validator, name)

    def then_damage(*args: Any) -> Any:
        found = validation(*args)
        _directory(file)
        return found

    monkeypatch.setattr(validator, name, then_damage)
    result = runner.invoke(app, ["validate", str(package), "--engine", engine])
    if engine == "columns":
        changed = _changed("data/statements.csv", "is a directory, not a file")
        assert (result.exit_code, result.stdout.splitlines()[0]) == (1, changed)
    else:
        assert (result.exit_code, result.stdout.splitlines()[:1]) == expected
    assert "unexpectedly" not in result.stderr
