"""Building damaged inputs from a scratch copy of the package, for the corpus and fuzz tests.

Nothing here hard-codes ids or row counts: values are read from the copy's own CSVs and
schemas, so the tests keep working when the annotation grows.

The corpus (test_corruption_corpus.py, test_validator_safety.py) is a table of `Case`s: a
case's damage edits a fresh copy and returns what the validator must say about it, an
`Expected` (exit code and exact lines), computed from the copy's own data.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import read_rows, write_rows
from ukraine_talks_data.cli import app
from ukraine_talks_data.publish.descriptor_stats import refresh_descriptor
from ukraine_talks_data.validate.csv.form import parse_csv
from ukraine_talks_data.validate.report.formats import render
from ukraine_talks_data.validate.report.issues import Report

runner = CliRunner()
SUMMARY = ("valid:", "INVALID:")


def validate_cli(package: Path, *args: str) -> tuple[int, list[str]]:
    """Run `ukraine-talks validate` on `package` (no error limit): exit code, issue lines."""
    result = runner.invoke(app, ["validate", str(package), "--max-errors", "0", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    lines = [line for line in result.stdout.splitlines() if not line.startswith(SUMMARY)]
    return result.exit_code, lines


def report_lines(report: Report) -> tuple[int, list[str]]:
    """What `validate_cli` returns for `report`: the CLI's exit code and its issue lines."""
    text = render(report, "text", max_errors=None, color=False)
    return (0 if report.valid else 1), [
        line for line in text.splitlines() if not line.startswith(SUMMARY)
    ]


# The corpus as data ------------------------------------------------------------------------


class Prefix(str):
    """An expected line of which only the start is fixed (the rest quotes a long value)."""

    __slots__ = ()


@dataclass(frozen=True)
class Expected:
    """What validating a damaged copy must give: the exit code and the issue lines, in order.

    A `Prefix` line matches any line starting with it. With `then_any`, the listed lines
    are the first ones printed and any may follow. With `others`, the listed lines need
    only be among those printed, and every printed line must start with `others`.
    `args` are the extra `ukraine-talks validate` options the case runs with.
    """

    code: int
    lines: tuple[str, ...]
    args: tuple[str, ...] = ()
    then_any: bool = False
    others: str | None = None

    @property
    def reference_schemas(self) -> bool:
        """`validate_package`'s `reference_schemas` for these `args`."""
        return "--allow-schema-changes" not in self.args

    def check(self, code: int, lines: list[str]) -> None:
        assert code == self.code, lines
        if self.others is not None:
            for line in self.lines:
                assert line in lines, lines
            assert all(line.startswith(self.others) for line in lines), lines
            return
        if self.then_any:
            assert len(lines) >= len(self.lines), lines
            lines = lines[: len(self.lines)]
        assert len(lines) == len(self.lines), lines
        for got, want in zip(lines, self.lines, strict=True):
            if isinstance(want, Prefix):
                assert got.startswith(want), (got, want)
            else:
                assert got == want


def invalid(*lines: str, args: tuple[str, ...] = ()) -> Expected:
    """Exit 1 with exactly these lines."""
    return Expected(1, lines, args)


@dataclass(frozen=True)
class Case:
    """One kind of damage: `damage` edits a fresh copy (the path of its datapackage.json)
    and returns what the validator must say about it."""

    id: str
    damage: Callable[[Path], Expected]


def params(cases: list[Case], *marks: pytest.MarkDecorator) -> list[Any]:
    """The cases as pytest parameters, each with its id (and `marks`)."""
    return [pytest.param(case, id=case.id, marks=marks) for case in cases]


def descriptor(package: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(package.read_text(encoding="utf-8"))
    return data


def edit_descriptor(package: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Apply `change` to the parsed datapackage.json and write it back."""
    data = descriptor(package)
    change(data)
    package.write_text(json.dumps(data, indent=2), encoding="utf-8")


def resource(data: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in data["resources"] if r.get("name") == name)
    return found


def schema(package: Path, table: str) -> dict[str, Any]:
    spec = resource(descriptor(package), table)["schema"]
    loaded: dict[str, Any] = json.loads((package.parent / spec).read_text(encoding="utf-8"))
    return loaded


def edit_schema(package: Path, table: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = package.parent / resource(descriptor(package), table)["schema"]
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")


def csv_path(package: Path, table: str) -> Path:
    return package.parent / str(resource(descriptor(package), table)["path"])


def stamp_stats(package: Path) -> None:
    """Record bytes, hash and (tables) rows of every file in the descriptor, as a build does."""
    refresh_descriptor(package)


def restamp(path: Path, package: Path | None = None) -> None:
    """Record the damaged file's new bytes, hash and rows (a lenient reader's count) in the
    descriptor, so that a test sees the damage itself and not also a stale hash. Works on
    any bytes (the build's own refresh expects a readable CSV)."""
    package = package or path.parent.parent / "datapackage.json"
    data = path.read_bytes()
    rel = path.relative_to(package.parent).as_posix()

    def stamp(descriptor: dict[str, Any]) -> None:
        for res in descriptor["resources"]:
            if res.get("path") == rel:
                res.update(bytes=len(data), hash="sha256:" + hashlib.sha256(data).hexdigest())
                if "rows" in res:
                    res["rows"] = parse_csv(data).data_rows

    edit_descriptor(package, stamp)


def field_spec(package: Path, table: str, name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(f for f in schema(package, table)["fields"] if f["name"] == name)
    return found


def unused_value(package: Path, table: str, name: str, taken: set[str]) -> str:
    """A value that fits field `name`'s pattern (if any) and is none of `taken`."""
    pattern = field_spec(package, table, name).get("constraints", {}).get("pattern")
    shape = re.fullmatch(r"\^([A-Za-z]*)\[0-9\]\{(\d+),(\d*)\}\$", pattern or "")
    if shape:
        prefix, low, high = shape.group(1), int(shape.group(2)), shape.group(3)
        widths = range(low, int(high) + 1) if high else range(low, low + 6)
        candidates = [prefix + "9" * width for width in widths]
    else:
        candidates = ["zz_unknown", "zz_nobody_at_all"]
    for value in candidates:
        if value not in taken and (pattern is None or re.fullmatch(pattern, value)):
            return value
    raise AssertionError(f"no unused value for {table}.{name} (pattern {pattern})")


def a_row(package: Path, table: str) -> tuple[int, dict[str, str], bool]:
    """(index, row, synthesised) of a row of `table` that a test may damage.

    The table's first row when it has one; else a row built from the schema and the
    other tables (references to existing rows, enum values, a real evidence span),
    appended to the file. `synthesised` says which: a built row may carry other errors
    of its own where a referenced table is still empty.
    """
    path = csv_path(package, table)
    rows = read_rows(path)
    if rows:
        return 0, rows[0], False
    spec = schema(package, table)
    row = {f["name"]: "" for f in spec["fields"]}
    for fk in spec.get("foreignKeys", []):
        target = read_rows(csv_path(package, fk["reference"]["resource"] or table))
        if target:
            for own, theirs in zip(fk["fields"], fk["reference"]["fields"], strict=True):
                row[own] = target[0][theirs]
    span = read_rows(csv_path(package, "evidence"))[0]
    for f in spec["fields"]:
        name, constraints = f["name"], f.get("constraints", {})
        if row[name] or not (constraints.get("required") or name in span):
            continue
        if name in ("source_id", "start_char", "end_char", "text"):
            row[name] = span[name]
        elif "enum" in constraints:
            row[name] = str(constraints["enum"][0])
        elif "pattern" in constraints:
            row[name] = unused_value(package, table, name, set())
        elif f["type"] == "integer":
            row[name] = "1"
        elif f["type"] == "date":
            row[name] = "2022-01-12"
        else:
            row[name] = "synthesised for a test"
    write_rows(path, [row])
    return 0, row, True


def insert_line(path: Path, after: int, line: bytes) -> None:
    """Insert raw bytes `line` after physical line `after` (1 = after the header)."""
    lines = path.read_bytes().splitlines(keepends=True)
    lines.insert(after, line)
    path.write_bytes(b"".join(lines))
    restamp(path)


def rewrite_columns(path: Path, change: Callable[[list[list[str]]], list[list[str]]]) -> None:
    """Rewrite a CSV as records (header included) through `change`."""
    with path.open(encoding="utf-8", newline="") as fh:
        records = list(csv.reader(fh))
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(change(records))
    restamp(path)


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging the suite) if the block runs longer than `seconds`."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s: the validator hangs")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
