"""The issue limit: a report lists the first N issues (by row) of each code in each file and
counts the rest, whatever the engine, the pieces a file is read in, or the order issues are
found in; the store hands the rules' SQL rows over a batch at a time."""

from __future__ import annotations

import inspect
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import copy_package, read_rows, write_rows
from damages import DAMAGES
from ukraine_talks_data.cli import app
from ukraine_talks_data.cli import validate as validate_cli
from ukraine_talks_data.validate import validate_package
from ukraine_talks_data.validate.csv import plain
from ukraine_talks_data.validate.engine import run
from ukraine_talks_data.validate.report.issues import ISSUE_LIMIT, Issue, IssueLimit, Report
from ukraine_talks_data.validate.tables import store as store_module
from ukraine_talks_data.validate.tables.store import KeyStore


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped package with 1,100 bad categories (2,200 constraint errors), every
    statement's speaker_id unknown (a foreign-key error per row, found by SQL), and every
    other one not an id at all (a constraint error and a foreign-key error on one cell)."""
    package = copy_package(tmp_path_factory.mktemp("many") / "pkg")
    dict(DAMAGES)["more than 1000 errors"](package.parent)
    path = package.parent / "data" / "statements.csv"
    speakers = ["nobody_known", "Nobody Known"]
    rows = read_rows(path)
    write_rows(path, [{**row, "speaker_id": speakers[i % 2]} for i, row in enumerate(rows)])
    return package


def _first(issues: list[Issue], limit: int) -> Counter[Issue]:
    """The first `limit` issues of each code in each file, by row (all of a whole file or
    its header)."""
    kept: Counter[Issue] = Counter(i for i in issues if i.row in (None, 1))
    codes = {(i.file, i.code) for i in issues if i.row not in (None, 1)}
    for file, code in codes:
        these = [i for i in issues if (i.file, i.code) == (file, code) and i.row not in (None, 1)]
        these.sort(key=lambda i: (i.row, i.field or "", i.message, i.value or "", i.severity))
        kept.update(these[:limit])
    return kept


@pytest.mark.parametrize("limit", [1, 7, 150])
@pytest.mark.parametrize(
    ("engine", "arrow", "piece", "held"),
    [("columns", True, None, None), ("columns", True, 4096, None),
     ("columns", True, 4096, 0), ("columns", False, None, None),
     ("frictionless", True, None, None)],
)  # fmt: skip
def test_the_first_issues_by_row_are_listed_and_the_rest_counted(
    many: Path, limit: int, engine: str, arrow: bool, piece: int | None, held: int | None
) -> None:
    """`held`: bytes of the key store's pieces held in memory (0: written to files)."""
    everything = validate_package(many, engine="frictionless", issue_limit=None)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(run, "ARROW", arrow)
        if piece:
            patch.setattr(plain, "PIECE_BYTES", piece)
        if held is not None:
            patch.setattr(store_module, "HELD_LIMIT", held)
        got = validate_package(many, engine=engine, issue_limit=limit)  # type: ignore[arg-type]
    assert Counter(got.issues) == _first(everything.issues, limit)
    for severity in ("error", "warning"):
        assert got.count(severity) == everything.count(severity)
    left = Counter(i.file for i in everything.issues) - Counter(i.file for i in got.issues)
    assert {f: sum(n.values()) for f, n in got.omitted.items()} == dict(left)
    assert not got.valid


def test_without_a_limit_nothing_is_omitted(many: Path) -> None:
    report = validate_package(many, issue_limit=None)
    codes = Counter((i.file, i.code) for i in report.issues)
    assert codes[("data/categories.csv", "constraint-error")] == 2200
    assert codes[("data/statements.csv", "foreign-key")] == report.checked["statements"]
    assert codes[("data/statements.csv", "constraint-error")] == report.checked["statements"] // 2
    assert report.omitted == {}


def test_the_limit_holds_at_most_limit_issues_per_code_and_file() -> None:
    limit: IssueLimit[str] = IssueLimit(3)
    issues = [Issue("a.csv", row, "f", code, "m") for row in range(1001, 1, -1) for code in "xy"]
    assert limit.take(issues, "rule") == []
    held = [issue for _, issue in limit.held()]
    assert sorted((i.code, i.row) for i in held) == [(c, r) for c in "xy" for r in (2, 3, 4)]
    assert limit.omitted == {("a.csv", "error"): 2 * 997}
    whole = Issue("a.csv", None, None, "hash-count", "m")
    header = Issue("a.csv", 1, "f", "x", "m")
    assert limit.take([whole, header], "rule") == [whole, header]  # always listed


def test_text_and_json_say_what_was_not_listed(many: Path) -> None:
    report = validate_package(many, issue_limit=5)
    result = CliRunner().invoke(app, ["validate", str(many), "--issue-limit", "5"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    omitted = report.omitted["data/categories.csv"]["error"]
    assert (
        f"… data/categories.csv: {omitted} more errors not listed (the first 5 of each code "
        "are; --issue-limit 0 lists all)"
    ) in lines
    assert lines[-1].startswith(f"INVALID: {many}: {report.count('error')} errors, ")
    as_json = json.loads(
        CliRunner().invoke(app, ["validate", str(many), "--issue-limit", "5", "--json"]).stdout
    )
    assert as_json["omitted"] == report.omitted
    assert as_json["issue_limit"] == 5
    assert as_json["errors"] == report.count("error") > len(as_json["issues"])
    everything = CliRunner().invoke(app, ["validate", str(many), "--issue-limit", "0", "--json"])
    assert json.loads(everything.stdout)["omitted"] == {}


def test_the_command_lists_as_many_as_the_library_by_default() -> None:
    default = inspect.signature(validate_cli.validate).parameters["issue_limit"].default
    assert default == ISSUE_LIMIT
    assert inspect.signature(validate_package).parameters["issue_limit"].default == ISSUE_LIMIT


def test_a_report_counts_what_it_does_not_list() -> None:
    warning = Issue("a.csv", 2, "f", "x", "m", severity="warning")
    report = Report("p", [warning])
    assert report.valid
    report.omitted = {"a.csv": {"error": 3}}
    assert not report.valid
    assert (report.count("error"), report.count("warning")) == (3, 1)
    assert (report.errors, report.warnings) == ([], [warning])  # what is listed


def test_the_store_hands_rows_over_a_batch_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "FETCH_ROWS", 2)
    fetched: list[int] = []
    store = KeyStore()
    con = store._connection()
    fetchmany = type(con).fetchmany

    class Spy:  # DuckDB's connection cannot be patched: wrap the one the store holds
        def __init__(self, con: object) -> None:
            self._con = con

        def __getattr__(self, name: str) -> object:
            return getattr(self._con, name)

        def execute(self, *args: object) -> Spy:
            self._con.execute(*args)  # type: ignore[attr-defined]
            return self

        def fetchmany(self, n: int) -> list[tuple[int]]:
            batch: list[tuple[int]] = fetchmany(self._con, n)  # type: ignore[arg-type]
            fetched.append(len(batch))
            return batch

    store._con = Spy(con)  # type: ignore[assignment]
    try:
        rows: Iterator[tuple[int, ...]] = store.query("SELECT range FROM range(5)")
        assert next(rows) == (0,)
        assert fetched == [2]  # not all five: the rest stays in DuckDB until asked for
        with pytest.raises(RuntimeError, match="a query while the rows of another are read"):
            next(store.query("SELECT 1"))
        assert [r[0] for r in rows] == [1, 2, 3, 4]
        assert fetched == [2, 2, 1, 0]
        assert list(store.query("SELECT 1")) == [(1,)]  # the first was read: the next may run
    finally:
        store._con = con
        store.close()


@pytest.mark.parametrize("severity", ["errors", "Error", "bogus", ""])
def test_a_report_refuses_to_count_an_unknown_severity(severity: str) -> None:
    report = Report("p", [Issue("a.csv", 2, "f", "x", "m")])
    with pytest.raises(ValueError, match=f"a severity is 'error' or 'warning', not '{severity}'"):
        report.count(severity)  # type: ignore[arg-type]


def test_a_report_shows_itself_in_one_line() -> None:
    issues = [Issue("a.csv", n, "f", "x", "m") for n in range(2, 500)]
    report = Report(
        "pkg/datapackage.json", [*issues, Issue("a.csv", 2, "g", "y", "m", None, "warning")]
    )
    report.omitted = {"a.csv": {"error": 7}}
    assert repr(report) == (
        "<Report INVALID 'pkg/datapackage.json': 505 errors, 1 warning, 499 listed>"
    )
    assert repr(Report("p")) == "<Report valid 'p': 0 errors, 0 warnings, 0 listed>"
