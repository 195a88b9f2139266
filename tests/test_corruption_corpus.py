"""The corruption corpus: each kind of damage, built from the good package, gives one exact
error line (code, file, row, field, value) and the exact exit code.

Every expected line is written out in full, computed from the copy's own data where the
values are data (ids, offsets, dates), so that a contributor reading a failing line knows
what to fix without reading the code.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest

from conftest import read_rows, set_cell, write_rows
from damage import (
    a_row,
    csv_path,
    descriptor,
    edit_descriptor,
    edit_schema,
    insert_line,
    resource,
    restamp,
    rewrite_columns,
    runner,
    schema,
    stamp_stats,
    unused_value,
    validate_cli,
)
from ukraine_talks_data.cli import app
from ukraine_talks_data.package.schemas import table_names, table_schema

FOREIGN_KEYS = [
    (table, index)
    for table in table_names()
    for index, _ in enumerate(table_schema(table).get("foreignKeys", []))
]


# Rows: keys, types, constraints -----------------------------------------------------------


@pytest.mark.parametrize(("table", "index"), FOREIGN_KEYS)
def test_unknown_foreign_key_in_every_foreign_key(package: Path, table: str, index: int) -> None:
    fk = table_schema(table)["foreignKeys"][index]
    target = fk["reference"]["resource"] or table
    own, theirs = fk["fields"][-1], fk["reference"]["fields"][-1]
    taken = {r[theirs] for r in read_rows(csv_path(package, target))}
    value = unused_value(package, table, own, taken)
    position, row, synthesised = a_row(package, table)
    path = csv_path(package, table)
    if own in table_schema(table)["primaryKey"]:
        # Add a copy pointing nowhere (its key is new), so that the rows referring to the
        # original stay intact and only the new reference fails.
        rows = read_rows(path)
        write_rows(path, [*rows, {**row, own: value}])
        number = len(rows) + 2
    else:
        number = set_cell(path, position, own, value)
    cells = [row[f] if f != own else value for f in fk["fields"]]
    shown = ", ".join(c if c else "(empty)" for c in cells)
    expected = (
        f"data/{table}.csv:{number}:{','.join(fk['fields'])}: foreign-key: no {target} row has "
        f"{','.join(fk['reference']['fields'])} = {shown} (value: {shown!r})"
    )
    code, lines = validate_cli(package)
    assert code == 1
    if synthesised:  # the other references of a built row may point at empty tables
        assert expected in lines
        assert all(line.startswith(f"data/{table}.csv:{number}:") for line in lines), lines
    else:
        assert lines == [expected]


def test_duplicate_primary_key(package: Path) -> None:
    path = csv_path(package, "sources")
    rows = read_rows(path)
    write_rows(path, [*rows, rows[-1]])
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/sources.csv:{len(rows) + 2}:path: unique-error: the value must be unique: row "
        f"{len(rows) + 1} has the same value (value: {rows[-1]['path']!r})",
        f"data/sources.csv:{len(rows) + 2}:source_id: primary-key: duplicate primary key: row "
        f"{len(rows) + 1} has the same value (value: {rows[-1]['source_id']!r})",
    ]


def test_value_outside_enum(package: Path) -> None:
    number = set_cell(csv_path(package, "events"), 0, "event_type", "picnic")
    allowed = ", ".join(
        next(f for f in schema(package, "events")["fields"] if f["name"] == "event_type")[
            "constraints"
        ]["enum"]
    )
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/events.csv:{number}:event_type: constraint-error: must be one of: {allowed} "
        "(value: 'picnic')"
    ]


def test_id_not_matching_its_pattern(package: Path) -> None:
    number = set_cell(csv_path(package, "statements"), 0, "utterance_id", "utterance-1")
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/statements.csv:{number}:utterance_id: constraint-error: must match the pattern "
        "^U[0-9]{3,}$ (value: 'utterance-1')"
    ]


def test_text_in_an_integer(package: Path) -> None:
    number = set_cell(csv_path(package, "evidence"), 0, "start_char", "twelve")
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/evidence.csv:{number}:start_char: type-error: not a valid integer: expected a "
        "whole number such as 42 (value: 'twelve')"
    ]


# Canonical values: forms that Python's int() and strptime (and so stock Frictionless) accept,
# but that Arrow, pandas, SQLite or DuckDB do not all read: a type error in both engines.
NOT_CANONICAL = [
    ("evidence", "start_char", lambda v: f"+{v}"),
    ("evidence", "start_char", lambda v: f"{v[0]}_{v[1:]}"),
    ("evidence", "start_char", lambda v: v.translate({c: c + 0xFEE0 for c in range(48, 58)})),
    ("evidence", "start_char", lambda v: f"\u00a0{v}"),
    ("evidence", "start_char", lambda v: f"{v}\t"),
    ("evidence", "end_char", lambda v: f" {v}"),
    ("evidence", "end_char", lambda v: f"0{v}"),
    ("evidence", "end_char", lambda v: "1" * 19),
    ("coverage_exclusions", "start_char", lambda v: "-0"),
    ("statements", "date", lambda v: f"{v[:5]}{int(v[5:7])}-{v[8:]}"),
    ("statements", "date", lambda v: v.replace("-", "")),
    ("statements", "date", lambda v: f"{v} "),
    ("events", "date", lambda v: f"{v}T00:00"),
]


@pytest.mark.parametrize(("table", "field", "change"), NOT_CANONICAL)
def test_value_not_in_canonical_form(package: Path, table: str, field: str, change: Any) -> None:
    path = csv_path(package, table)
    value = change(read_rows(path)[0][field])
    number = set_cell(path, 0, field, value)
    spec = next(f for f in schema(package, table)["fields"] if f["name"] == field)
    hint = {
        "integer": "a whole number such as 42",
        "date": "a date written YYYY-MM-DD, that exists in the calendar",
    }[spec["type"]]
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/{table}.csv:{number}:{field}: type-error: not a valid {spec['type']}: "
        f"expected {hint} (value: {value!r})"
    ]


@pytest.mark.parametrize("value", [" rejects", " 'rejects'", "rejects "])
def test_enum_value_with_spaces(package: Path, value: str) -> None:
    """The CSV form is declared, never sniffed: a space before a value is part of the value."""
    number = set_cell(csv_path(package, "demand_statements"), 0, "relation", value)
    allowed = ", ".join(
        next(f for f in schema(package, "demand_statements")["fields"] if f["name"] == "relation")[
            "constraints"
        ]["enum"]
    )
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/demand_statements.csv:{number}:relation: constraint-error: must be one of: "
        f"{allowed} (value: {value!r})"
    ]


def test_impossible_date(package: Path) -> None:
    number = set_cell(csv_path(package, "statements"), 0, "date", "2022-02-30")
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/statements.csv:{number}:date: type-error: not a valid date: expected a date "
        "written YYYY-MM-DD, that exists in the calendar (value: '2022-02-30')"
    ]


def test_missing_required_value(package: Path) -> None:
    number = set_cell(csv_path(package, "statements"), 0, "quote_type", "")
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/statements.csv:{number}:quote_type: constraint-error: a value is required"
    ]


# Header and layout ------------------------------------------------------------------------


def test_missing_column(package: Path) -> None:
    rewrite_columns(csv_path(package, "actors"), lambda records: [r[:-1] for r in records])
    last = schema(package, "actors")["fields"][-1]["name"]
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/actors.csv:1:{last}: missing-label: the header lacks this column, which the "
        "schema defines; add it"
    ]


def test_unexpected_column(package: Path) -> None:
    rewrite_columns(
        csv_path(package, "actors"),
        lambda records: [[*records[0], "mood"]] + [[*r, "calm"] for r in records[1:]],
    )
    width = len(schema(package, "actors")["fields"])
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/actors.csv:1:column {width + 1}: extra-label: the header has a column the schema "
        "does not define; remove it (value: 'mood')"
    ]


def test_duplicate_header(package: Path) -> None:
    names = [f["name"] for f in schema(package, "actors")["fields"]]
    rewrite_columns(
        csv_path(package, "actors"),
        lambda records: [[names[0], names[0], *names[2:]], *records[1:]],
    )
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/actors.csv:1:{names[1]}: duplicate-label: header cell 2 repeats a column name: "
        f"the schema names this column {names[1]} (value: {names[0]!r})"
    ]


def test_blank_header_cell(package: Path) -> None:
    names = [f["name"] for f in schema(package, "actors")["fields"]]
    rewrite_columns(
        csv_path(package, "actors"), lambda records: [[names[0], "", *names[2:]], *records[1:]]
    )
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/actors.csv:1:{names[1]}: blank-label: the header cell of this column is blank"
    ]


def test_blank_row(package: Path) -> None:
    insert_line(csv_path(package, "actors"), 1, b",,,,,,\n")
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == ["data/actors.csv:2: blank-row: the row is blank; delete it"]


def test_empty_file(package: Path) -> None:
    csv_path(package, "actors").write_bytes(b"")
    restamp(csv_path(package, "actors"))
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        "data/actors.csv: empty-file: the file is empty; it needs at least the header row"
    ]


# Bytes and encoding -----------------------------------------------------------------------


def test_non_utf8_bytes(package: Path) -> None:
    path = csv_path(package, "actors")
    rows = read_rows(path)
    data = path.read_bytes()
    name = rows[-1]["name"].encode()
    offset = data.rindex(b"," + name + b",") + 1 + len(name) - 1
    path.write_bytes(data[:offset] + b"\xff" + data[offset + 1 :])
    restamp(path)
    line = data[:offset].count(b"\n") + 1
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/actors.csv:{len(rows) + 1}:name: encoding-error: not UTF-8: byte FF on line "
        f"{line} (file offset {offset}) cannot be decoded (invalid start byte); 1 undecodable "
        f"byte run(s) in the file; save it as UTF-8 (value: {rows[-1]['name'][:-1] + '�'!r})"
    ]


def test_byte_order_mark(package: Path) -> None:
    path = csv_path(package, "actors")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    restamp(path)
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        "data/actors.csv: byte-order-mark: the file starts with a byte-order mark (EF BB BF); "
        "save it as UTF-8 without BOM"
    ]


def test_crlf_line_ends(package: Path) -> None:
    path = csv_path(package, "actors")
    data = path.read_bytes()
    path.write_bytes(data.replace(b"\n", b"\r\n"))
    restamp(path)
    count = data.count(b"\n")
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/actors.csv: line-ending: {count} line(s) end with CR or CRLF, first "
        "line 1; the package uses LF (\\n) line ends"
    ]


def test_control_character_in_a_cell(package: Path) -> None:
    number = set_cell(csv_path(package, "actors"), 0, "notes", "see\x00below")
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/actors.csv:{number}:notes: control-character: the cell contains the control "
        "character '\\x00' at position 3; remove it (value: 'see\\x00below')"
    ]


def test_a_cell_of_tens_of_megabytes(package: Path) -> None:
    number = set_cell(csv_path(package, "actors"), 0, "notes", "x" * 30_000_000)
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/actors.csv:{number}:notes: cell-too-long: the cell has 30,000,000 characters; at "
        "most 32,767 are allowed (spreadsheets cut longer cells, and no annotation needs that "
        f"many) (value: {'x' * 60 + '…'!r})"
    ]


# Quoting: a quote left open swallows rows -------------------------------------------------


def _quote_free_line(path: Path) -> bytes:
    """A data line of `path` without any quote character (so that quoting it is simple)."""
    lines = path.read_bytes().splitlines(keepends=True)
    return next(line for line in lines[1:] if b'"' not in line)


def test_unterminated_quoted_field(package: Path) -> None:
    path = csv_path(package, "evidence")
    rows = read_rows(path)
    data = path.read_bytes()
    line = _quote_free_line(path)
    path.write_bytes(data + b'"' + line)  # a new last row whose first cell opens a quote
    restamp(path)
    first = schema(package, "evidence")["fields"][0]["name"]
    opened = data.count(b"\n") + 1
    cell = '"' + line.decode()
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/evidence.csv:{len(rows) + 2}:{first}: unterminated-quote: a quoted cell opened "
        f"on line {opened} is never closed, so the rest of the file (1 line break) would be "
        f"read as one cell; close the quote or remove it (value: {cell!r})"
    ]


def _swallow_rows(package: Path) -> tuple[Path, int, int]:
    """Open a quote at the start of a data row without quotes of its own: everything up to
    the next quote character, on a later line, becomes one cell. Returns the file, the
    row number damaged and how many data rows a lenient CSV reader now sees."""
    path = csv_path(package, "evidence")
    lines = path.read_bytes().splitlines(keepends=True)
    index = next(i for i in range(1, len(lines) - 1) if b'"' not in lines[i])
    lines[index] = b'"' + lines[index]
    path.write_bytes(b"".join(lines))
    with path.open(encoding="utf-8", newline="") as fh:
        lenient = len(list(csv.reader(fh))) - 1
    return path, index + 1, lenient


def test_swallowed_rows_are_caught_by_the_descriptor_row_count(package: Path) -> None:
    stamp_stats(package)
    stale_rows = resource(descriptor(package), "evidence")["rows"]
    path, number, lenient = _swallow_rows(package)
    assert lenient < stale_rows
    # Re-record bytes and hash as a careless build would, keeping the stale row count:
    # only `rows` (and the strict parse) can reveal the swallowed rows.
    edit_descriptor(
        package,
        lambda d: resource(d, "evidence").update(
            bytes=path.stat().st_size,
            hash="sha256:" + hashlib.sha256(path.read_bytes()).hexdigest(),
        ),
    )
    code, lines = validate_cli(package)
    assert code == 1
    assert lines[0] == (
        f"data/evidence.csv: row-count: the descriptor's rows is {stale_rows}, but the file has "
        f"{lenient} data rows: the file changed after the descriptor was written; a quoted "
        "field left open, a deleted or an added row changes it; record the new rows in "
        "datapackage.json"
    )
    assert lines[1].startswith(f"data/evidence.csv:{number}:evidence_id: unterminated-quote: ")
    assert len(lines) == 2


def test_stock_frictionless_sees_the_row_count_too(package: Path) -> None:
    """The `rows` our stats record is the count Frictionless checks (its `row-count`)."""
    from frictionless import Package

    stamp_stats(package)
    clean = Package(str(package)).validate()
    assert not [e.type for t in clean.tasks for e in t.errors], clean.flatten(["type", "note"])
    _swallow_rows(package)
    damaged = Package(str(package)).validate()
    assert "row-count" in {e.type for t in damaged.tasks if t.name == "evidence" for e in t.errors}


def test_quote_closed_on_a_later_line(package: Path) -> None:
    path = csv_path(package, "actors")
    rows = read_rows(path)
    data = path.read_bytes()
    first, rest = _quote_free_line(path).split(b",", 1)
    # A new row whose second cell opens a quote, "closed" by a quote on the next line.
    path.write_bytes(data + first + b',"' + rest + b'x,"y",z\n')
    restamp(path)
    second = schema(package, "actors")["fields"][1]["name"]
    opened = data.count(b"\n") + 1
    code, lines = validate_cli(package)
    assert code == 1
    assert len(lines) == 1
    assert lines[0].startswith(
        f"data/actors.csv:{len(rows) + 2}:{second}: unterminated-quote: a quoted cell opened on "
        f"line {opened} closes on line {opened + 1} with more text after the closing quote; a "
        'quote is missing or extra (double quotes inside a quoted cell: "") (value: '
    )


def test_line_break_inside_a_one_line_cell(package: Path) -> None:
    number = set_cell(csv_path(package, "actors"), 0, "notes", "first line\nsecond line")
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/actors.csv:{number}:notes: line-break-in-cell: the cell holds a line break (2 "
        "lines); check for a quote left open that swallowed the next rows, or write the text "
        "on one line (value: 'first line\\nsecond line')"
    ]


# Evidence, spans, seeds and dates ---------------------------------------------------------


def test_quote_text_no_longer_matches_its_span(package: Path) -> None:
    path = csv_path(package, "evidence")
    row = read_rows(path)[0]
    edited = row["text"][:-1] + ("?" if row["text"][-1] != "?" else "!")
    number = set_cell(path, 0, "text", edited)
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/evidence.csv:{number}:text: span-mismatch: text differs from "
        f"{row['source_id']}[{row['start_char']}:{row['end_char']}], which reads "
        f"{row['text']!r} (value: {edited!r})"
    ]


def test_tampered_seed_file(package: Path) -> None:
    source = read_rows(csv_path(package, "sources"))[-1]
    seed = package.parent / source["path"]
    seed.write_bytes(seed.read_bytes() + b"\n")
    actual = hashlib.sha256(seed.read_bytes()).hexdigest()
    declared = next(r for r in descriptor(package)["resources"] if r["path"] == source["path"])
    rows = read_rows(csv_path(package, "sources"))
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/sources.csv:{len(rows) + 1}:sha256: source-hash: {source['path']} has changed: "
        f"its bytes hash to {actual} (value: {source['sha256']!r})",
        f"{source['path']}: byte-count: the descriptor's bytes is {declared['bytes']}, but the "
        f"file has {declared['bytes'] + 1} bytes: the file changed after the descriptor was "
        "written; record the new bytes in datapackage.json",
        f"{source['path']}: hash-count: the descriptor's hash is {declared['hash']}, but the "
        f"file hashes to sha256:{actual}: the file changed after the descriptor was written; "
        "record the new hash in datapackage.json",
    ]


def test_end_before_start(package: Path) -> None:
    path = csv_path(package, "evidence")
    row = read_rows(path)[0]
    start = int(row["end_char"]) + 5
    number = set_cell(path, 0, "start_char", str(start))
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/evidence.csv:{number}:end_char: span-offsets: end_char must be greater than "
        f"start_char ({start}) (value: {row['end_char']!r})"
    ]


def test_negative_offset(package: Path) -> None:
    number = set_cell(csv_path(package, "evidence"), 0, "start_char", "-3")
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/evidence.csv:{number}:start_char: constraint-error: must be 0 or more (value: '-3')"
    ]


def test_offset_past_the_end_of_the_seed(package: Path) -> None:
    path = csv_path(package, "evidence")
    row = read_rows(path)[0]
    source = next(
        r for r in read_rows(csv_path(package, "sources")) if r["source_id"] == row["source_id"]
    )
    length = len((package.parent / source["path"]).read_bytes().decode("utf-8"))
    number = set_cell(path, 0, "end_char", str(length + 10))
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/evidence.csv:{number}:end_char: span-out-of-range: end_char is past the end of "
        f"{row['source_id']} ({length} characters) (value: '{length + 10}')"
    ]


def _latest_report_date(package: Path, source_id: str) -> dt.date:
    source = next(r for r in read_rows(csv_path(package, "sources")) if r["source_id"] == source_id)
    return max(
        dt.date.fromisoformat(source[k])
        for k in ("published", "inferred_published", "updated")
        if source[k]
    )


def test_statement_dated_after_its_source(package: Path) -> None:
    path = csv_path(package, "statements")
    row = read_rows(path)[0]
    bound = _latest_report_date(package, row["source_id"])
    later = (bound + dt.timedelta(days=1)).isoformat()
    number = set_cell(path, 0, "date", later)
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/statements.csv:{number}:date: date-after-source: dated after {row['source_id']} "
        f"was published or last updated ({bound}) (value: {later!r})"
    ]


def test_end_date_before_date(package: Path) -> None:
    path = csv_path(package, "events")
    row = read_rows(path)[0]
    earlier = (dt.date.fromisoformat(row["date"]) - dt.timedelta(days=1)).isoformat()
    number = set_cell(path, 0, "end_date", earlier)
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/events.csv:{number}:end_date: date-order: end_date is before date ({row['date']}) "
        f"(value: {earlier!r})"
    ]


@pytest.mark.parametrize(
    ("table", "key"), [("events", "event_id"), ("actors", "actor_id"), ("demands", "demand_id")]
)
def test_row_without_evidence(package: Path, table: str, key: str) -> None:
    position, row, _ = a_row(package, table)
    evidence = csv_path(package, "evidence")
    write_rows(
        evidence,
        [r for r in read_rows(evidence) if (r["row_table"], r["row_id"]) != (table, row[key])],
    )
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/{table}.csv:{position + 2}:{key}: no-evidence: no evidence row supports this "
        f"{table[:-1]} (value: {row[key]!r})"
    ]


def test_link_row_pointing_nowhere(package: Path) -> None:
    path = csv_path(package, "evidence")
    row = read_rows(path)[0]
    taken = {
        r[row["row_table"][:-1] + "_id"] for r in read_rows(csv_path(package, row["row_table"]))
    }
    missing = unused_value(package, row["row_table"], row["row_table"][:-1] + "_id", taken)
    number = set_cell(path, 0, "row_id", missing)
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/evidence.csv:{number}:row_id: unknown-row: no {row['row_table']} row has this id "
        f"(value: {missing!r})"
    ]


# The descriptor ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "{not json",
            "not valid JSON (Expecting property name enclosed in double quotes at line 1, "
            "column 2)",
        ),
        ("[]", "a data package descriptor must be a JSON object"),
        ("[" * 5000 + "]" * 5000, "JSON nested more than 64 levels deep"),
        ('{"resources": [' * 40 + "]}" * 40, "JSON nested more than 64 levels deep"),
        ("\xff", "not UTF-8 text (invalid start byte at byte 0)"),
        ('{"bytes": NaN}', "not usable JSON (NaN is not valid JSON)"),
    ],
    ids=["not-json", "array", "deep-array", "deep-object", "not-utf8", "nan"],
)
def test_descriptor_that_cannot_be_used(package: Path, text: str, reason: str) -> None:
    package.write_bytes(text.encode("latin-1") if text == "\xff" else text.encode())
    assert validate_cli(package) == (1, [f"datapackage.json: descriptor-error: {reason}"])


def test_no_descriptor_at_all_is_could_not_run(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"error: {tmp_path / 'datapackage.json'}: no such file\n"


def _set_path(index: int, value: Any) -> Any:
    return lambda d: d["resources"][index].__setitem__("path", value)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("/etc/passwd", "is absolute; resource paths must be relative to the package folder"),
        (
            "C:\\data\\actors.csv",
            "is absolute; resource paths must be relative to the package folder",
        ),
        ("../../etc/passwd", "contains '..'; resource paths must stay inside the package folder"),
        ("data/../../x.csv", "contains '..'; resource paths must stay inside the package folder"),
        (
            "https://example.org/actors.csv",
            "is a URL; only files inside the package folder are read",
        ),
        ("file:///etc/passwd", "is a URL; only files inside the package folder are read"),
        (
            "data\\actors.csv",
            "contains a backslash; write resource paths with forward slashes (data/x.csv)",
        ),
    ],
    ids=["absolute", "windows-absolute", "dotdot", "dotdot-inside", "url", "file-url", "backslash"],
)
def test_unsafe_resource_path_is_refused(package: Path, value: str, reason: str) -> None:
    index = next(i for i, r in enumerate(descriptor(package)["resources"]) if r["name"] == "actors")
    edit_descriptor(package, _set_path(index, value))
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"datapackage.json::actors.path: unsafe-path: resource path {reason} (value: {value!r})"
    ]


def test_symlink_out_of_the_package_is_refused(package: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.csv"
    outside.write_text("actor_id\nx\n")
    (package.parent / "data" / "link.csv").symlink_to(outside)
    index = next(i for i, r in enumerate(descriptor(package)["resources"]) if r["name"] == "actors")
    edit_descriptor(package, _set_path(index, "data/link.csv"))
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        "datapackage.json::actors.path: unsafe-path: resource path leads outside the package "
        "folder (through a symlink) (value: 'data/link.csv')"
    ]


def test_descriptor_names_a_missing_file(package: Path) -> None:
    index = next(i for i, r in enumerate(descriptor(package)["resources"]) if r["name"] == "actors")
    edit_descriptor(package, _set_path(index, "data/actors_old.csv"))
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        "data/actors_old.csv: file-missing: no file at this path (resource 'actors' in "
        "datapackage.json)"
    ]


def test_foreign_key_to_an_unknown_resource(package: Path) -> None:
    edit_schema(
        package,
        "events",
        lambda s: s["foreignKeys"][0]["reference"].__setitem__("resource", "happenings"),
    )
    code, lines = validate_cli(package, "--allow-schema-changes")
    assert code == 1
    assert lines == [
        "schemas/events.json::foreignKeys[0].reference.resource: schema-error: refers to table "
        "'happenings', which the package does not have (value: 'happenings')"
    ]
