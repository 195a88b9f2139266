"""Report formats: text grouped by file with a limit, GitHub annotations, JSON, colour only
on a terminal, a whole --output file or none, and exit 2 instead of a traceback."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from rich.text import Text

from conftest import read_rows, refresh_stats, set_cell, write_rows
from damage import csv_path, runner
from ukraine_talks_data.cli import app
from ukraine_talks_data.validate import Engine, validate_package
from ukraine_talks_data.validate.csv import plain
from ukraine_talks_data.validate.csv.form import parse_csv
from ukraine_talks_data.validate.report.formats import render, render_github, render_text
from ukraine_talks_data.validate.report.issues import (
    MARK_ROOM,
    MAX_VALUE,
    Issue,
    IssueLimit,
    Report,
)


def _report(tmp_path: Path) -> Report:
    report = Report(package=str(tmp_path / "datapackage.json"))
    report.issues.extend(
        [
            Issue("data/b.csv", 3, "x", "type-error", "not a valid integer", "q"),
            Issue("data/a.csv", 4, "note", "formula-injection", "runs", "=1+1", "warning"),
            Issue("data/a.csv", 2, "id", "constraint-error", "a value is required"),
            Issue("datapackage.json", None, "a.path", "unsafe-path", "is a URL", "http://x"),
            Issue("data/a.csv", 9, "text", "span-mismatch", "line\nbreak", "v"),
        ]
    )
    report.checked = {"a": 9, "b": 3}
    report.physical_lines = {"data/a.csv": {4: 5, 9: 12}}  # rows 2 and 3 on lines 2 and 3
    return report


def test_text_groups_by_file_errors_before_warnings(tmp_path: Path) -> None:
    assert render_text(_report(tmp_path)) == (
        "data/a.csv:2:id: constraint-error: a value is required\n"
        "data/a.csv:9:text: span-mismatch: line\\nbreak (value: 'v') (row 9 starts on line "
        "12)\n"
        "data/a.csv:4:note: warning: formula-injection: runs (value: '=1+1') (row 4 starts on "
        "line 5)\n"
        "data/b.csv:3:x: type-error: not a valid integer (value: 'q')\n"
        "datapackage.json::a.path: unsafe-path: is a URL (value: 'http://x')\n"
        f"INVALID: {tmp_path / 'datapackage.json'}: 4 errors, 1 warning; 2 tables, 12 rows "
        "checked\n"
    )


def test_max_errors_says_how_many_were_left_out(tmp_path: Path) -> None:
    lines = render_text(_report(tmp_path), max_errors=2).splitlines()
    assert lines == [
        "data/a.csv:2:id: constraint-error: a value is required",
        "data/a.csv:9:text: span-mismatch: line\\nbreak (value: 'v') (row 9 starts on line 12)",
        "data/a.csv:4:note: warning: formula-injection: runs (value: '=1+1') (row 4 starts on "
        "line 5)",
        "… 2 more errors not shown (--max-errors 2; 0 shows all)",
        f"INVALID: {tmp_path / 'datapackage.json'}: 4 errors, 1 warning; 2 tables, 12 rows checked",
    ]


@pytest.mark.parametrize(
    ("errors", "warnings", "hidden", "summary"),
    [
        (2, 0, "… 1 more error not shown (--max-errors 1; 0 shows all)", "2 errors, 0 warnings"),
        (
            3,
            3,
            "… 2 more errors and 2 more warnings not shown (--max-errors 1; 0 shows all)",
            "3 errors, 3 warnings",
        ),
        (1, 2, "… 1 more warning not shown (--max-errors 1; 0 shows all)", "1 error, 2 warnings"),
    ],
)
def test_counts_are_singular_for_one(errors: int, warnings: int, hidden: str, summary: str) -> None:
    report = Report("p", checked={"a": 1})
    report.issues.extend(Issue("a.csv", 2, "x", "e", "m") for _ in range(errors))
    report.issues.extend(
        Issue("a.csv", 2, "x", "w", "m", severity="warning") for _ in range(warnings)
    )
    lines = render_text(report, max_errors=1).splitlines()
    assert lines[-2:] == [hidden, f"INVALID: p: {summary}; 1 table, 1 row checked"]


@pytest.mark.parametrize(
    ("limit", "omitted", "line"),
    [
        (1, 1, "… a.csv: 1 more error not listed (the first of each code is; --issue-limit 0 "),
        (5, 2, "… a.csv: 2 more errors not listed (the first 5 of each code are; --issue-limit "),
    ],
)
def test_the_line_of_what_the_limit_left_out(limit: int, omitted: int, line: str) -> None:
    report = Report("p", omitted={"a.csv": {"error": omitted}}, issue_limit=limit)
    assert render_text(report).splitlines()[0].startswith(line)


def test_fields_sort_by_the_numbers_in_them() -> None:
    report = Report("p")
    long = "9" * 5000  # more digits than int() reads
    numbers = (long, "100", "12", "012", "9")  # 12 and 012: equal as numbers, then as text
    report.issues.extend(Issue("a.csv", 4, f"column {n}", "extra-cell", "m") for n in numbers)
    order = ["column 9", "column 012", "column 12", "column 100", f"column {long}"]
    assert [i.field for i in report.sorted()] == order
    assert [line.split(":")[2] for line in render_text(report).splitlines()[:5]] == order
    limit: IssueLimit[None] = IssueLimit(2)  # the first two by column are the ones listed
    assert limit.take(report.issues, None) == []
    assert sorted(i.field or "" for _, i in limit.held()) == ["column 012", "column 9"]


def test_colour_only_when_asked(tmp_path: Path) -> None:
    plain = render_text(_report(tmp_path))
    coloured = render_text(_report(tmp_path), color=True)
    assert "\x1b[" not in plain
    assert coloured.splitlines()[0] == (
        "\x1b[1mdata/a.csv:2:id\x1b[0m: \x1b[31mconstraint-error\x1b[0m: a value is required"
    )
    assert coloured.splitlines()[2].startswith(
        "\x1b[1mdata/a.csv:4:note\x1b[0m: \x1b[33mwarning: formula-injection\x1b[0m: runs"
    )
    assert coloured.splitlines()[-1].startswith("\x1b[1;31mINVALID\x1b[0m: ")
    # The same text, only coloured.
    assert "".join(Text.from_ansi(line).plain + "\n" for line in coloured.splitlines()) == plain


def test_colour_never_reads_data_as_markup_nor_wraps(tmp_path: Path) -> None:
    report = Report(package=str(tmp_path / "datapackage.json"))
    message = "[bold]not markup[/] [/x] 日本語 " + "word " * 60
    report.issues.extend([Issue("data/[red]a.csv", 2, "f", "type-error", message, "[/] ")])
    report.checked = {"a": 2}
    coloured = render_text(report, color=True, max_errors=1)
    assert [Text.from_ansi(line).plain for line in coloured.splitlines()] == (
        render_text(report, max_errors=1).splitlines()
    )
    assert len(coloured.splitlines()) == 2


def test_github_annotations(tmp_path: Path) -> None:
    lines = render_github(_report(tmp_path), cwd=tmp_path.parent).splitlines()
    prefix = f"{tmp_path.name}/"
    assert lines == [
        f"::error file={prefix}data/a.csv,line=2,title=constraint-error::data/a.csv:2:id: "
        "constraint-error: a value is required",
        # row 9 starts on physical line 12: the rows before it span several lines
        f"::error file={prefix}data/a.csv,line=12,title=span-mismatch::data/a.csv:9:text: "
        "span-mismatch: line\\nbreak (value: 'v') (row 9 starts on line 12)",
        f"::warning file={prefix}data/a.csv,line=5,title=formula-injection::data/a.csv:4:note: "
        "warning: formula-injection: runs (value: '=1+1') (row 4 starts on line 5)",
        f"::error file={prefix}data/b.csv,line=3,title=type-error::data/b.csv:3:x: type-error: "
        "not a valid integer (value: 'q')",
        f"::error file={prefix}datapackage.json,title=unsafe-path::datapackage.json::a.path: "
        "unsafe-path: is a URL (value: 'http://x')",
        f"INVALID: {tmp_path / 'datapackage.json'}: 4 errors, 1 warning; 2 tables, 12 rows checked",
    ]


def test_github_escapes_and_omits_files_outside_the_workspace(tmp_path: Path) -> None:
    report = Report(package=str(tmp_path / "pkg" / "datapackage.json"))
    report.issues.extend([Issue("data/x,y.csv", 2, "f", "c:d", "100% sure\r\n", None)])
    assert render_github(report, cwd=tmp_path).splitlines()[0] == (
        "::error file=pkg/data/x%2Cy.csv,line=2,title=c%3Ad::data/x,y.csv:2:f: c:d: 100%25 "
        "sure\\r\\n"
    )
    elsewhere = render_github(report, cwd=tmp_path / "other").splitlines()[0]
    assert elsewhere.startswith("::error title=c%3Ad::")


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown format 'xml'; use one of: text, github, json"):
        render(_report(tmp_path), "xml")


# Through the command ----------------------------------------------------------------------


def _three_errors(package: Path) -> int:
    path = csv_path(package, "statements")
    set_cell(path, 0, "quote_type", "rumour")
    set_cell(path, 0, "date_basis", "guessed")
    return set_cell(path, 0, "channel", "pigeon")


def test_cli_max_errors_and_exit_code(package: Path) -> None:
    _three_errors(package)
    result = runner.invoke(app, ["validate", str(package), "--max-errors", "1"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert lines[1] == "… 2 more errors not shown (--max-errors 1; 0 shows all)"
    assert lines[2].startswith("INVALID: ") and " 3 errors, " in lines[2]


def test_cli_github_format_on_a_real_package(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = _three_errors(package)
    monkeypatch.chdir(package.parent)
    result = runner.invoke(app, ["validate", str(package), "--format", "github"])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"::error file=data/statements.csv,line={number},title=constraint-error::"
        f"data/statements.csv:{number}:channel: constraint-error: must be one of: "
        + ", ".join(
            next(
                f
                for f in json.loads((package.parent / "schemas/statements.json").read_text())[
                    "fields"
                ]
                if f["name"] == "channel"
            )["constraints"]["enum"]
        )
        + " (value: 'pigeon')"
    )


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_cli_names_the_line_of_a_row_below_a_line_break(
    package: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = csv_path(package, "statements")
    set_cell(path, 0, "channel", "two\nlines\nhere")  # row 2 spans lines 2 to 4
    number = set_cell(path, 2, "channel", "pigeon")
    monkeypatch.chdir(package.parent)
    result = runner.invoke(app, ["validate", str(package), "--format", fmt, "--max-errors", "0"])
    assert result.exit_code == 1
    [line] = [x for x in result.stdout.splitlines() if "(value: 'pigeon')" in x]
    assert line.endswith(f"(value: 'pigeon') (row {number} starts on line {number + 2})")
    assert f"data/statements.csv:{number}:channel: " in line
    assert ("line=" in line) == (fmt == "github")
    if fmt == "github":
        assert f",line={number + 2}," in line


def test_cli_json_equals_the_library_report(package: Path) -> None:
    _three_errors(package)
    for args in (["--json"], ["--format", "json"]):
        result = runner.invoke(app, ["validate", str(package), *args])
        assert result.exit_code == 1
        assert json.loads(result.stdout) == validate_package(package).to_dict()


def test_cli_has_no_colour_off_a_terminal(package: Path) -> None:
    _three_errors(package)
    result = runner.invoke(app, ["validate", str(package)], env={"NO_COLOR": ""})
    assert "\x1b[" not in result.stdout


def test_cli_output_file_is_whole(package: Path, tmp_path: Path) -> None:
    _three_errors(package)
    target = tmp_path / "report.json"
    result = runner.invoke(app, ["validate", str(package), "--json", "--output", str(target)])
    assert result.exit_code == 1
    assert result.stdout.startswith("INVALID: ")
    assert json.loads(target.read_text()) == validate_package(package).to_dict()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pkg", "report.json"]


def test_cli_output_that_cannot_be_written(package: Path, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    target = tmp_path / "a-file" / "report.txt"
    result = runner.invoke(app, ["validate", str(package), "--output", str(target)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: cannot write {target}: ")
    assert (tmp_path / "a-file").read_text() == ""


def test_cli_unexpected_failure_is_exit_2_not_a_traceback(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> Report:
        raise RuntimeError("boom")

    monkeypatch.setattr("ukraine_talks_data.validate.validate_package", broken)
    result = runner.invoke(app, ["validate", str(package)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "error: the validator failed unexpectedly (RuntimeError: boom); please report this, "
        "with the package that caused it\n"
    )


@pytest.mark.parametrize("piece", [None, 4096])
def test_an_issue_names_the_line_its_row_starts_on(
    package: Path, piece: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a file whose records span lines, each issue's line is where its row starts, as
    the whole file's parse says: found by reading the file again a record at a time, for
    the rows of listed issues only (whole, or read in 4 KiB pieces)."""
    path = package.parent / "data" / "statements.csv"
    rows = read_rows(path)
    rows[2]["date_note"] = "a note\nin three\nlines"  # row 4 takes lines 4 to 6
    rows[-1]["quote_type"] = "rumour"
    write_rows(path, rows)
    if piece:
        monkeypatch.setattr(plain, "PIECE_BYTES", piece)
    report = validate_package(package)
    lines = {
        i.row: report.line_of(i)
        for i in report.issues
        if i.file == "data/statements.csv" and i.row is not None
    }
    whole = parse_csv(path.read_bytes())
    assert lines == {row: whole.line_of(row) for row in lines}
    assert lines[len(rows) + 1] == len(rows) + 3  # the last row, two lines further down
    assert lines[4] == 4


@pytest.mark.parametrize(
    ("unchecked", "tail"),
    [
        ([], ""),
        (["statements"], "; the dataset's rules could not read statements (fix the errors "),
        (["actors", "statements"], "; the dataset's rules could not read actors, statements (fix "),
    ],
)
def test_the_summary_names_the_tables_the_rules_could_not_read(
    tmp_path: Path, unchecked: list[str], tail: str
) -> None:
    report = _report(tmp_path)
    report.unchecked = unchecked
    last = render_text(report).splitlines()[-1]
    counts = f"INVALID: {tmp_path / 'datapackage.json'}: 4 errors, 1 warning; 2 tables, 12 rows"
    assert last.startswith(f"{counts} checked{tail}")
    assert last.endswith("checked" if not unchecked else "the errors above first)")
    assert json.loads(report.to_json())["unchecked"] == unchecked


@pytest.mark.parametrize("engine", ["columns", "frictionless"])
def test_a_table_whose_header_the_rules_cannot_read_is_named(package: Path, engine: str) -> None:
    """An extra column in statements: the dataset's rules skip the table (they read fields
    by name), and the report says so rather than counting it silently out."""
    path = csv_path(package, "statements")
    with path.open(encoding="utf-8", newline="") as fh:
        records = list(csv.reader(fh))
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(
            [[*records[0], "notes"], *([*r, ""] for r in records[1:])]
        )
    refresh_stats(path)
    report = validate_package(package, engine=engine)  # type: ignore[arg-type]
    assert report.unchecked == ["statements"]
    tables = [r["name"] for r in json.loads(package.read_text())["resources"] if "schema" in r]
    assert sorted(report.checked) == sorted(t for t in tables if t != "statements")


@pytest.mark.parametrize(
    ("length", "left_out"),
    [(MAX_VALUE, 0), (MAX_VALUE + 1, 49), (3_000_000, 3_000_000 - MAX_VALUE + MARK_ROOM)],
)
def test_an_issue_keeps_at_most_max_value_characters_of_a_cell(length: int, left_out: int) -> None:
    """A held issue is bounded whatever the cell: its middle is cut, saying how much."""
    cell = "a" + "b" * (length - 2) + "z"
    limit: IssueLimit[str] = IssueLimit()
    (issue,) = limit.take([Issue("data/a.csv", None, "x", "constraint-error", cell, cell)], "t")
    half = (MAX_VALUE - MARK_ROOM) // 2
    cut = f"{cell[:half]}…[{left_out:,} characters left out]…{cell[-half:]}"
    assert issue.value == issue.message == (cut if left_out else cell)
    assert len(issue.value) <= MAX_VALUE
    assert limit.take([issue], "t") == [issue]  # taken again (a second limit): the same


@pytest.mark.parametrize("engine", ["columns", "frictionless"])
def test_a_long_cell_is_reported_bounded(package: Path, engine: Engine) -> None:
    """A 1,000,000-character id fails its pattern and its foreign key: the report, JSON
    included, holds the cell's first and last characters and the count left out."""
    cell = "S" + "9" * 999_998 + "x"
    row = set_cell(csv_path(package, "statements"), 0, "source_id", cell)
    refresh_stats(package)
    report = validate_package(package, engine=engine)
    issues = {i.code: i for i in report.issues if (i.row, i.field) == (row, "source_id")}
    half = (MAX_VALUE - MARK_ROOM) // 2
    left_out = f"…[{1_000_000 - 2 * half:,} characters left out]…"
    for code in ("constraint-error", "foreign-key"):
        assert issues[code].value == cell[:half] + left_out + cell[-half:]
    assert len(issues["foreign-key"].message) <= MAX_VALUE
    assert len(report.to_json()) < 10 * MAX_VALUE


@pytest.mark.parametrize(
    ("character", "shown"),
    [
        ("\n", "\\n"),
        ("\x1b", "\\x1b"),
        ("\u2028", "\\u2028"),
        ("\u202e", "\\u202e"),
        ("\u2066", "\\u2066"),
    ],
)
def test_a_line_shows_controls_and_bidi_overrides_as_escapes(character: str, shown: str) -> None:
    """In a file name, field or message, a line break, a terminal escape or a
    right-to-left override would break the line or show the rest of it reversed."""
    issue = Issue(f"data/a{character}.csv", 2, f"f{character}", "c", f"m{character}", None)
    assert issue.line() == f"data/a{shown}.csv:2:f{shown}: c: m{shown}"


def test_an_issue_of_a_schema_is_bounded_too(package: Path) -> None:
    """A schema's pattern of 200,000 characters: its issues (found in the descriptor's
    schemas, not by a rule on rows) keep at most MAX_VALUE characters too."""
    path = package.parent / "schemas" / "actors.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["fields"][0]["constraints"]["pattern"] = "(" * 200_000
    path.write_text(json.dumps(schema), encoding="utf-8")
    report = validate_package(package, reference_schemas=False)
    issues = [i for i in report.issues if i.file == "schemas/actors.json"]
    assert issues
    assert all(len(i.message) <= MAX_VALUE and len(i.value or "") <= MAX_VALUE for i in issues)


def test_the_line_of_what_the_limit_left_out_escapes_the_file_name(tmp_path: Path) -> None:
    report = Report(package=str(tmp_path / "datapackage.json"))
    report.omitted = {"data/a\u202e.csv": {"error": 3}}
    assert "… data/a\\u202e.csv: 3 more errors not listed" in render_text(report)
