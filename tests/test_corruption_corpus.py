"""The corruption corpus: each kind of damage, built from the good package, gives one exact
error line (code, file, row, field, value) and the exact exit code.

The corpus is a table, `CASES`: each case's damage edits a fresh copy and returns the
expected lines written out in full, computed from the copy's own data where the values are
data (ids, offsets, dates), so that a contributor reading a failing line knows what to fix
without reading the code. test_engines_agree.py runs the same table through both engines.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import itertools
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import read_rows, set_cell, write_rows
from damage import (
    Case,
    Expected,
    Prefix,
    a_row,
    csv_path,
    descriptor,
    edit_descriptor,
    edit_schema,
    insert_line,
    invalid,
    params,
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


def _allowed(package: Path, table: str, field: str) -> str:
    spec = next(f for f in schema(package, table)["fields"] if f["name"] == field)
    return ", ".join(spec["constraints"]["enum"])


# Rows: keys, types, constraints -----------------------------------------------------------


def unknown_foreign_key(table: str, index: int) -> Callable[[Path], Expected]:
    def damage(package: Path) -> Expected:
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
        line = (
            f"data/{table}.csv:{number}:{','.join(fk['fields'])}: foreign-key: no {target} row "
            f"has {','.join(fk['reference']['fields'])} = {shown} (value: {shown!r})"
        )
        # The other references of a synthesised row may point at empty tables.
        others = f"data/{table}.csv:{number}:" if synthesised else None
        return Expected(1, (line,), others=others)

    return damage


def duplicate_primary_key(package: Path) -> Expected:
    path = csv_path(package, "sources")
    rows = read_rows(path)
    write_rows(path, [*rows, rows[-1]])
    return invalid(
        f"data/sources.csv:{len(rows) + 2}:path: unique-error: the value must be unique: row "
        f"{len(rows) + 1} has the same value (value: {rows[-1]['path']!r})",
        f"data/sources.csv:{len(rows) + 2}:source_id: primary-key: duplicate primary key: row "
        f"{len(rows) + 1} has the same value (value: {rows[-1]['source_id']!r})",
    )


def source_id_on_two_rows_naming_two_seeds(package: Path) -> Expected:
    """Which seed the spans of a source_id on two rows cite is unknown: they are not
    checked against either (each would be a span-mismatch burying the one cause)."""
    path = csv_path(package, "sources")
    rows = read_rows(path)
    write_rows(path, [*rows, {**rows[1], "source_id": rows[0]["source_id"]}])
    return invalid(
        f"data/sources.csv:{len(rows) + 2}:path: unique-error: the value must be unique: row "
        f"3 has the same value (value: {rows[1]['path']!r})",
        f"data/sources.csv:{len(rows) + 2}:source_id: primary-key: duplicate primary key: row "
        f"2 has the same value (value: {rows[0]['source_id']!r})",
    )


def value_outside_enum(package: Path) -> Expected:
    number = set_cell(csv_path(package, "events"), 0, "event_type", "picnic")
    return invalid(
        f"data/events.csv:{number}:event_type: constraint-error: must be one of: "
        f"{_allowed(package, 'events', 'event_type')} (value: 'picnic')"
    )


def id_not_matching_its_pattern(package: Path) -> Expected:
    number = set_cell(csv_path(package, "statements"), 0, "utterance_id", "utterance-1")
    return invalid(
        f"data/statements.csv:{number}:utterance_id: constraint-error: must match the pattern "
        "^U[0-9]{3,}$ (value: 'utterance-1')"
    )


def text_in_an_integer(package: Path) -> Expected:
    number = set_cell(csv_path(package, "evidence"), 0, "start_char", "twelve")
    return invalid(
        f"data/evidence.csv:{number}:start_char: type-error: not a valid integer: expected a "
        "whole number such as 42, of at most 18 digits (value: 'twelve')"
    )


# Canonical values: forms that Python's int() and strptime (and so stock Frictionless) accept,
# but that Arrow, pandas, SQLite or DuckDB do not all read: a type error in both engines.
NOT_CANONICAL: list[tuple[str, str, Callable[[str], str]]] = [
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


def value_not_in_canonical_form(
    table: str, field: str, change: Callable[[str], str]
) -> Callable[[Path], Expected]:
    def damage(package: Path) -> Expected:
        path = csv_path(package, table)
        value = change(read_rows(path)[0][field])
        number = set_cell(path, 0, field, value)
        spec = next(f for f in schema(package, table)["fields"] if f["name"] == field)
        hint = {
            "integer": "a whole number such as 42, of at most 18 digits",
            "date": "a date written YYYY-MM-DD, that exists in the calendar",
        }[spec["type"]]
        return invalid(
            f"data/{table}.csv:{number}:{field}: type-error: not a valid {spec['type']}: "
            f"expected {hint} (value: {value!r})"
        )

    return damage


def enum_value_with_spaces(value: str) -> Callable[[Path], Expected]:
    """The CSV form is declared, never sniffed: a space before a value is part of the value."""

    def damage(package: Path) -> Expected:
        number = set_cell(csv_path(package, "demand_statements"), 0, "relation", value)
        return invalid(
            f"data/demand_statements.csv:{number}:relation: constraint-error: must be one of: "
            f"{_allowed(package, 'demand_statements', 'relation')} (value: {value!r})"
        )

    return damage


def impossible_date(package: Path) -> Expected:
    number = set_cell(csv_path(package, "statements"), 0, "date", "2022-02-30")
    return invalid(
        f"data/statements.csv:{number}:date: type-error: not a valid date: expected a date "
        "written YYYY-MM-DD, that exists in the calendar (value: '2022-02-30')"
    )


def missing_required_value(package: Path) -> Expected:
    number = set_cell(csv_path(package, "statements"), 0, "quote_type", "")
    return invalid(
        f"data/statements.csv:{number}:quote_type: constraint-error: a value is required"
    )


# Header and layout ------------------------------------------------------------------------


def missing_column(package: Path) -> Expected:
    rewrite_columns(csv_path(package, "actors"), lambda records: [r[:-1] for r in records])
    last = schema(package, "actors")["fields"][-1]["name"]
    return invalid(
        f"data/actors.csv:1:{last}: missing-label: the header lacks this column, which the "
        "schema defines; add it"
    )


def unexpected_column(package: Path) -> Expected:
    rewrite_columns(
        csv_path(package, "actors"),
        lambda records: [[*records[0], "mood"]] + [[*r, "calm"] for r in records[1:]],
    )
    width = len(schema(package, "actors")["fields"])
    return invalid(
        f"data/actors.csv:1:column {width + 1}: extra-label: the header has a column the schema "
        "does not define; remove it (value: 'mood')"
    )


def duplicate_header(package: Path) -> Expected:
    names = [f["name"] for f in schema(package, "actors")["fields"]]
    rewrite_columns(
        csv_path(package, "actors"),
        lambda records: [[names[0], names[0], *names[2:]], *records[1:]],
    )
    return invalid(
        f"data/actors.csv:1:{names[1]}: duplicate-label: header cell 2 repeats a column name: "
        f"the schema names this column {names[1]} (value: {names[0]!r})"
    )


def blank_header_cell(package: Path) -> Expected:
    names = [f["name"] for f in schema(package, "actors")["fields"]]
    rewrite_columns(
        csv_path(package, "actors"), lambda records: [[names[0], "", *names[2:]], *records[1:]]
    )
    return invalid(
        f"data/actors.csv:1:{names[1]}: blank-label: the header cell of this column is blank"
    )


def blank_row(package: Path) -> Expected:
    insert_line(csv_path(package, "actors"), 1, b",,,,,,\n")
    return invalid("data/actors.csv:2: blank-row: the row is blank; delete it")


def empty_file(package: Path) -> Expected:
    csv_path(package, "actors").write_bytes(b"")
    restamp(csv_path(package, "actors"))
    return invalid(
        "data/actors.csv: empty-file: the file is empty; it needs at least the header row"
    )


# Bytes and encoding -----------------------------------------------------------------------


def _undecodable(
    package: Path, bad: bytes, why: str, end: bytes = b"\n", bom: bytes = b""
) -> Expected:
    """The last actor's name ends in `bad` instead of its last (ASCII) character; the file's
    lines end in `end`, and it starts with `bom`."""
    path = csv_path(package, "actors")
    rows = read_rows(path)
    data = bom + path.read_bytes().replace(b"\n", end)
    name = rows[-1]["name"].encode()
    offset = data.rindex(b"," + name + b",") + 1 + len(name) - 1
    path.write_bytes(data[:offset] + bad + data[offset + 1 :])
    restamp(path)
    line = data[:offset].count(end) + 1
    shown = rows[-1]["name"][:-1] + bad.decode("utf-8", "replace")
    marked = (
        ["data/actors.csv: byte-order-mark: the file starts with a byte-order mark (EF BB BF); "
         "save it as UTF-8 without BOM"]
        if bom
        else []
    )  # fmt: skip
    ended = (  # reported beside the bad byte, not only once it is mended
        [f"data/actors.csv: line-ending: {data.count(end)} lines with a CR or CRLF end, the "
         "first on line 1; the package uses LF (\\n) line ends"]
        if end != b"\n"
        else []
    )  # fmt: skip
    return invalid(
        *marked,
        *ended,
        f"data/actors.csv:{len(rows) + 1}:name: encoding-error: not UTF-8: byte "
        f"{bad[0]:02X} on line {line} (file offset {offset}) cannot be decoded ({why}); 1 "
        f"undecodable byte run in the file; save it as UTF-8 (value: {shown!r})",
    )


def non_utf8_bytes(package: Path) -> Expected:
    return _undecodable(package, b"\xff", "invalid start byte")


def non_utf8_bytes_in_a_file_with_cr_line_ends(package: Path) -> Expected:
    """Lines ended by CR alone: the line is counted as the csv module reads lines."""
    return _undecodable(package, b"\xff", "invalid start byte", end=b"\r")


def non_utf8_bytes_after_a_byte_order_mark(package: Path) -> Expected:
    """The file offset counts the mark's three bytes: it is the offset in the file."""
    return _undecodable(package, b"\xff", "invalid start byte", bom=b"\xef\xbb\xbf")


def encoded_surrogate(package: Path) -> Expected:
    """Half a UTF-16 surrogate pair written as UTF-8 (ED A0 80): a character to RE2's
    classes, not UTF-8 to Python or Arrow."""
    return _undecodable(package, b"\xed\xa0\x80", "invalid continuation byte")


def byte_order_mark(package: Path) -> Expected:
    path = csv_path(package, "actors")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    restamp(path)
    return invalid(
        "data/actors.csv: byte-order-mark: the file starts with a byte-order mark (EF BB BF); "
        "save it as UTF-8 without BOM"
    )


def crlf_line_ends(package: Path) -> Expected:
    path = csv_path(package, "actors")
    data = path.read_bytes()
    path.write_bytes(data.replace(b"\n", b"\r\n"))
    restamp(path)
    count = data.count(b"\n")
    return invalid(
        f"data/actors.csv: line-ending: {count} lines with a CR or CRLF end, the first "
        "on line 1; the package uses LF (\\n) line ends"
    )


def control_character_in_a_cell(char: str) -> Callable[[Path], Expected]:
    """Unicode's control characters, C0 and C1 alike (U+0085 is a line break to Python,
    U+009B a terminal's escape)."""

    def damage(package: Path) -> Expected:
        value = f"see{char}below"
        number = set_cell(csv_path(package, "actors"), 0, "notes", value)
        return invalid(
            f"data/actors.csv:{number}:notes: control-character: the cell contains the "
            f"control character {char!r} at position 3; remove it (value: {value!r})"
        )

    return damage


def a_cell_of_tens_of_megabytes(package: Path) -> Expected:
    number = set_cell(csv_path(package, "actors"), 0, "notes", "x" * 30_000_000)
    return invalid(
        f"data/actors.csv:{number}:notes: cell-too-long: the cell has 30,000,000 characters; at "
        "most 32,767 are allowed (spreadsheets cut longer cells, and no annotation needs that "
        f"many) (value: {'x' * 60 + '…'!r})"
    )


# Quoting: a quote left open swallows rows -------------------------------------------------


def _quote_free_line(path: Path) -> bytes:
    """A data line of `path` without any quote character (so that quoting it is simple)."""
    lines = path.read_bytes().splitlines(keepends=True)
    return next(line for line in lines[1:] if b'"' not in line)


def unterminated_quoted_field(package: Path) -> Expected:
    path = csv_path(package, "evidence")
    rows = read_rows(path)
    data = path.read_bytes()
    line = _quote_free_line(path)
    path.write_bytes(data + b'"' + line)  # a new last row whose first cell opens a quote
    restamp(path)
    first = schema(package, "evidence")["fields"][0]["name"]
    opened = data.count(b"\n") + 1
    cell = '"' + line.decode()
    return invalid(
        f"data/evidence.csv:{len(rows) + 2}:{first}: unterminated-quote: a quoted cell opened "
        f"on line {opened} is never closed, so the rest of the file (1 line break) would be "
        f"read as one cell; close the quote or remove it (value: {cell!r})"
    )


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


def swallowed_rows_are_caught_by_the_descriptor_row_count(package: Path) -> Expected:
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
    return invalid(
        f"data/evidence.csv: row-count: the descriptor's rows is {stale_rows}, but the file has "
        f"{lenient} data rows: the file changed after the descriptor was written; a quoted "
        "field left open, a deleted or an added row changes it; record the new rows in "
        "datapackage.json",
        Prefix(f"data/evidence.csv:{number}:evidence_id: unterminated-quote: "),
    )


def quote_closed_on_a_later_line(package: Path) -> Expected:
    path = csv_path(package, "actors")
    rows = read_rows(path)
    data = path.read_bytes()
    first, rest = _quote_free_line(path).split(b",", 1)
    # A new row whose second cell opens a quote, "closed" by a quote on the next line.
    path.write_bytes(data + first + b',"' + rest + b'x,"y",z\n')
    restamp(path)
    second = schema(package, "actors")["fields"][1]["name"]
    opened = data.count(b"\n") + 1
    return invalid(
        Prefix(
            f"data/actors.csv:{len(rows) + 2}:{second}: unterminated-quote: a quoted cell opened "
            f"on line {opened} closes on line {opened + 1} with more text after the closing "
            'quote; a quote is missing or extra (double quotes inside a quoted cell: "") '
            "(value: "
        )
    )


def bad_quote_after_a_cell_that_spans_lines(package: Path) -> Expected:
    """The message names the bad cell's own line, not the line its row starts on."""
    path = csv_path(package, "actors")
    rows = read_rows(path)
    data = path.read_bytes()
    cells = _quote_free_line(path).rstrip(b"\n").split(b",")
    cells[1], cells[3] = b'"two\nlines"', b'"x"y'  # a quoted line break, then a bad quote
    path.write_bytes(data + b",".join(cells) + b"\n")
    restamp(path)
    fourth = schema(package, "actors")["fields"][3]["name"]
    opened = data.count(b"\n") + 1
    return invalid(
        f"data/actors.csv:{len(rows) + 2}:{fourth}: bad-quote: on line {opened + 1}, text "
        "follows the closing quote of a quoted cell; double the quotes inside a quoted cell "
        '("") or quote the whole cell (value: \'"x"y\')'
    )


def line_break_inside_a_one_line_cell(brk: str) -> Callable[[Path], Expected]:
    """A line feed, or Unicode's line or paragraph separator (line breaks to Python's
    `splitlines` and to JavaScript)."""

    def damage(package: Path) -> Expected:
        value = f"first line{brk}second line"
        number = set_cell(csv_path(package, "actors"), 0, "notes", value)
        return invalid(
            f"data/actors.csv:{number}:notes: line-break-in-cell: the cell holds a line break "
            "(2 lines); check for a quote left open that swallowed the next rows, or write the "
            f"text on one line (value: {value!r})"
        )

    return damage


# Evidence, spans, seeds and dates ---------------------------------------------------------


def quote_text_no_longer_matches_its_span(package: Path) -> Expected:
    path = csv_path(package, "evidence")
    row = read_rows(path)[0]
    mark = "?" if row["text"][-1] != "?" else "!"
    edited = row["text"][:-1] + mark
    number = set_cell(path, 0, "text", edited)
    last = int(row["end_char"]) - 1
    names = {"?": "U+003F QUESTION MARK", "!": "U+0021 EXCLAMATION MARK"}
    seed_has = f"U+{ord(row['text'][-1]):04X} {unicodedata.name(row['text'][-1])}"
    return invalid(
        f"data/evidence.csv:{number}:text: span-mismatch: text differs from "
        f"{row['source_id']}[{row['start_char']}:{row['end_char']}], which reads "
        f"{row['text']!r} (first difference at {row['source_id']}[{last}]: {seed_has} in the "
        f"seed, {names[mark]} here) (value: {edited!r})"
    )


def _same(data: bytes) -> bytes:
    return data


def _crlf(data: bytes) -> bytes:
    return data.replace(b"\n", b"\r\n")


def _bom(data: bytes) -> bytes:
    return b"\xef\xbb\xbf" + data


SEED_DAMAGE: list[tuple[str, Callable[[bytes], bytes], Callable[[bytes], bytes], str]] = [
    # (case, the seed file's new bytes, the bytes whose hash its row records, the hint)
    (
        "byte_order_mark",
        _bom,
        _same,
        "; it gained a byte-order mark, without which it hashes as recorded (save it without BOM)",
    ),
    (
        "crlf",
        _crlf,
        _same,
        "; it gained CRLF line ends, without which it hashes as recorded (save it with LF "
        "line ends)",
    ),
    (
        "byte_order_mark_and_crlf",
        lambda data: _bom(_crlf(data)),
        _same,
        "; it gained a byte-order mark and CRLF line ends, without which it hashes as "
        "recorded (save it without BOM and with LF line ends)",
    ),
    (  # its CRLF line ends are its own: only the BOM is named
        "byte_order_mark_on_a_seed_with_crlf",
        lambda data: _bom(_crlf(data)),
        _crlf,
        "; it gained a byte-order mark, without which it hashes as recorded (save it without BOM)",
    ),
    ("one_more_line_feed", lambda data: data + b"\n", _same, ""),
    ("sha256_cell_edited", _same, lambda data: data + b"?", ""),  # the file is as received
]


def seed_not_as_recorded(
    change: Callable[[bytes], bytes], recorded: Callable[[bytes], bytes], hint: str
) -> Callable[[Path], Expected]:
    """A seed whose bytes do not hash to its sources row's sha256 (an editor saved it with
    a BOM or CRLF line ends, a line feed was added, or the sha256 cell was edited): one
    `source-hash` error, naming a gained BOM or CRLF line ends when removing them gives
    back the recorded hash, not a `span-mismatch` for each of its spans (every offset after
    the change moved). A changed file is also a `byte-count` and `hash-count` error."""

    def damage(package: Path) -> Expected:
        sources = csv_path(package, "sources")
        rows = read_rows(sources)
        source = rows[-1]
        seed = package.parent / source["path"]
        before = seed.read_bytes()
        seed.write_bytes(change(before))
        after = seed.read_bytes()
        actual, expected = hashlib.sha256(after).hexdigest(), source["sha256"]
        if recorded(before) != before:
            expected = hashlib.sha256(recorded(before)).hexdigest()
            set_cell(sources, len(rows) - 1, "sha256", expected)
            restamp(sources, package)
        declared = next(r for r in descriptor(package)["resources"] if r["path"] == source["path"])
        lines = [
            f"data/sources.csv:{len(rows) + 1}:sha256: source-hash: {source['path']} does not "
            f"hash to this sha256: its bytes hash to {actual}{hint}; the spans citing "
            f"{source['source_id']} are checked once the two agree (value: {expected!r})"
        ]
        if after != before:
            lines += [
                f"{source['path']}: byte-count: the descriptor's bytes is {declared['bytes']}, "
                f"but the file has {len(after)} bytes: the file changed after the descriptor "
                "was written; restore the file as received (a seed is never edited)",
                f"{source['path']}: hash-count: the descriptor's hash is {declared['hash']}, "
                f"but the file hashes to sha256:{actual}: the file changed after the "
                "descriptor was written; restore the file as received (a seed is never edited)",
            ]
        return invalid(*lines)

    return damage


def end_before_start(package: Path) -> Expected:
    path = csv_path(package, "evidence")
    row = read_rows(path)[0]
    start = int(row["end_char"]) + 5
    number = set_cell(path, 0, "start_char", str(start))
    return invalid(
        f"data/evidence.csv:{number}:end_char: span-offsets: end_char must be greater than "
        f"start_char ({start}) (value: {row['end_char']!r})"
    )


def empty_span_text(package: Path) -> Expected:
    """Said once, by `required`: the span rule compares only a text that is given, as it
    does only offsets and a source_id that are."""
    number = set_cell(csv_path(package, "evidence"), 0, "text", "")
    return invalid(f"data/evidence.csv:{number}:text: constraint-error: a value is required")


def negative_offset(package: Path) -> Expected:
    number = set_cell(csv_path(package, "evidence"), 0, "start_char", "-3")
    return invalid(
        f"data/evidence.csv:{number}:start_char: constraint-error: must be 0 or more (value: '-3')"
    )


def negative_offset_under_a_schema_without_its_minimum(package: Path) -> Expected:
    """Without the schema's `minimum`, the span rule says it (once, either way)."""

    def unbounded(data: dict[str, Any]) -> None:
        spec = next(f for f in data["fields"] if f["name"] == "start_char")
        del spec["constraints"]["minimum"]

    edit_schema(package, "evidence", unbounded)
    number = set_cell(csv_path(package, "evidence"), 0, "start_char", "-3")
    return invalid(
        f"data/evidence.csv:{number}:start_char: span-offsets: start_char must be 0 or more "
        "(value: '-3')",
        args=("--allow-schema-changes",),
    )


def offset_past_the_end_of_the_seed(package: Path) -> Expected:
    path = csv_path(package, "evidence")
    row = read_rows(path)[0]
    source = next(
        r for r in read_rows(csv_path(package, "sources")) if r["source_id"] == row["source_id"]
    )
    length = len((package.parent / source["path"]).read_bytes().decode("utf-8"))
    number = set_cell(path, 0, "end_char", str(length + 10))
    return invalid(
        f"data/evidence.csv:{number}:end_char: span-out-of-range: end_char is past the end of "
        f"{row['source_id']} ({length} characters) (value: '{length + 10}')"
    )


def _latest_report_date(package: Path, source_id: str) -> dt.date:
    source = next(r for r in read_rows(csv_path(package, "sources")) if r["source_id"] == source_id)
    return max(
        dt.date.fromisoformat(source[k])
        for k in ("published", "inferred_published", "updated")
        if source[k]
    )


def statement_dated_after_its_source(package: Path) -> Expected:
    path = csv_path(package, "statements")
    # A row whose date no other rule ties down (no made_at event, no interval, alone in
    # its utterance, linked to no demand).
    rows = read_rows(path)
    alone = Counter(r["utterance_id"] for r in rows)
    linked = {r["statement_id"] for r in read_rows(csv_path(package, "demand_statements"))}
    index, row = next(
        (i, r)
        for i, r in enumerate(rows)
        if r["event_relation"] != "made_at"
        and not r["date_latest"]
        and alone[r["utterance_id"]] == 1
        and r["statement_id"] not in linked
    )
    bound = _latest_report_date(package, row["source_id"])
    later = (bound + dt.timedelta(days=1)).isoformat()
    number = set_cell(path, index, "date", later)
    return invalid(
        f"data/statements.csv:{number}:date: date-after-source: dated after {row['source_id']} "
        f"was published or last updated ({bound}) (value: {later!r})"
    )


def inferred_date_without_its_basis(table: str, note: str) -> Callable[[Path], Expected]:
    """An inferred date whose note is empty, or white space alone, says nothing of what it
    was inferred from."""

    def damage(package: Path) -> Expected:
        path = csv_path(package, table)
        rows = read_rows(path)
        if table == "sources":
            index = next(i for i, r in enumerate(rows) if r["inferred_published"])
            field, line = (
                "published_note",
                "source-date: say what inferred_published was inferred from",
            )
        else:
            index = next(i for i, r in enumerate(rows) if r["date_basis"] == "inferred")
            field = "date_note"
            line = "date-basis: an inferred date needs a date_note saying what it was inferred from"
        number = set_cell(path, index, field, note)
        return invalid(f"data/{table}.csv:{number}:{field}: {line}")

    return damage


def statement_bounded_by_the_first_row_of_a_doubled_source(package: Path) -> Expected:
    """A second sources row with the same id and an earlier date: its primary-key error,
    and no statement dated after that second row's date (the first row bounds them)."""
    path = csv_path(package, "sources")
    rows = read_rows(path)
    first = rows[0]
    write_rows(path, [*rows, {**first, "published": "2000-01-01", "inferred_published": ""}])
    number = len(rows) + 2
    return invalid(
        Prefix(f"data/sources.csv:{number}:path: unique-error: "),
        f"data/sources.csv:{number}:source_id: primary-key: duplicate primary key: row 2 has "
        f"the same value (value: {first['source_id']!r})",
    )


def end_date_before_date(package: Path) -> Expected:
    path = csv_path(package, "events")
    row = read_rows(path)[0]
    earlier = (dt.date.fromisoformat(row["date"]) - dt.timedelta(days=1)).isoformat()
    number = set_cell(path, 0, "end_date", earlier)
    return invalid(
        f"data/events.csv:{number}:end_date: date-order: end_date is before date ({row['date']}) "
        f"(value: {earlier!r})"
    )


def _statements_by_id(package: Path) -> dict[str, dict[str, str]]:
    return {r["statement_id"]: r for r in read_rows(csv_path(package, "statements"))}


def answer_before_its_demand_was_stated(package: Path) -> Expected:
    """Move a demand's first_stated past one of its answers or rejections."""
    said = _statements_by_id(package)
    links = read_rows(csv_path(package, "demand_statements"))
    link = next(r for r in links if r["relation"] in ("answers", "rejects"))
    first = dt.date.fromisoformat(said[link["statement_id"]]["date"]) + dt.timedelta(days=1)
    demands = csv_path(package, "demands")
    index = next(i for i, r in enumerate(read_rows(demands)) if r["demand_id"] == link["demand_id"])
    number = set_cell(demands, index, "first_stated", first.isoformat())
    return invalid(
        *(
            f"data/demand_statements.csv:{n}:statement_id: response-before-demand: "
            f"{r['relation']} {r['demand_id']} on {said[r['statement_id']]['date']}, before the "
            f"demand was first stated ({first}) (value: {r['statement_id']!r})"
            for n, r in enumerate(links, start=2)
            if r["demand_id"] == link["demand_id"]
            and r["relation"] in ("answers", "rejects")
            and dt.date.fromisoformat(said[r["statement_id"]]["date"]) < first
        ),
        *_first_stated_error(package, link["demand_id"], number, first.isoformat()),
    )


def _month_only(statement: dict[str, str]) -> bool:
    """Whether a statement's date is month-only (codebook 3.4): the whole month as its
    interval, dated on its 1st."""
    day = dt.date.fromisoformat(statement["date"])
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    last = (following - dt.timedelta(days=1)).isoformat()
    return (
        day.day == 1
        and statement["date_earliest"] == statement["date"]
        and (statement["date_latest"] == last)
    )


def _stated(package: Path) -> dict[str, list[dict[str, str]]]:
    """demand_id → the statements that state it."""
    said = _statements_by_id(package)
    stated: dict[str, list[dict[str, str]]] = {}
    for link in read_rows(csv_path(package, "demand_statements")):
        if link["relation"] == "states":
            stated.setdefault(link["demand_id"], []).append(said[link["statement_id"]])
    return stated


def _first_stated_error(package: Path, demand: str, number: int, value: str) -> list[str]:
    """The first-stated line a demand's first_stated `value` (on line `number`) gives, if
    any: the earliest statement stating it fixes the day, or, month-only, allows its month
    up to the first statement of a fixed day."""
    stated = _stated(package)[demand]
    earliest = min(stated, key=lambda s: s["date"])  # the first link of the earliest day
    bound = earliest["date_latest"] if _month_only(earliest) else earliest["date"]
    fixed = [s for s in stated if not _month_only(s)]
    latest = min([bound, *(s["date"] for s in fixed)])
    if earliest["date"] <= value <= latest:
        return []
    allowed = f": it allows {latest}"
    if latest != earliest["date"]:
        allowed = f", a month-only date: it allows a day from {earliest['date']} to {latest}"
        limit = [s["statement_id"] for s in fixed if s["date"] == latest][:1]
        allowed += f" ({limit[0]}, stating it too, is dated {latest})" if limit else ""
    return [
        f"data/demands.csv:{number}:first_stated: first-stated: is not the date of the earliest "
        f"statement stating {demand} ({earliest['statement_id']}){allowed} (value: {value!r})"
    ]


def first_stated_moved(month_only: bool, days: int) -> Callable[[Path], Expected]:
    """Move the first_stated of a demand whose earliest statement is (or is not) month-only
    by `days`: past a fixed day it is an error; within a month-only date's month, not."""

    def damage(package: Path) -> Expected:
        stated = _stated(package)
        demands = csv_path(package, "demands")
        index, row = next(
            (i, r)
            for i, r in enumerate(read_rows(demands))
            if _month_only(min(stated[r["demand_id"]], key=lambda s: s["date"])) == month_only
        )
        moved = (dt.date.fromisoformat(row["first_stated"]) + dt.timedelta(days=days)).isoformat()
        number = set_cell(demands, index, "first_stated", moved)
        lines = _first_stated_error(package, row["demand_id"], number, moved)
        return invalid(*lines) if lines else Expected(0, ())

    return damage


def stated_on_the_first_of_a_month(package: Path) -> Expected:
    """A demand's only stating statement moved to the 1st of its month, a fixed day (no
    interval: not month-only), and first_stated the day after: the 1st is the only day."""
    stated, said = _stated(package), csv_path(package, "statements")
    rows = read_rows(said)
    alone = Counter(r["utterance_id"] for r in rows)
    demands = csv_path(package, "demands")
    index, demand, statement = next(
        (i, d, stated[d["demand_id"]][0])
        for i, d in enumerate(read_rows(demands))
        if len(stated[d["demand_id"]]) == 1
        and not stated[d["demand_id"]][0]["date_latest"]
        and stated[d["demand_id"]][0]["event_relation"] != "made_at"
        and alone[stated[d["demand_id"]][0]["utterance_id"]] == 1
    )
    first = dt.date.fromisoformat(statement["date"]).replace(day=1)
    position = next(i for i, r in enumerate(rows) if r["statement_id"] == statement["statement_id"])
    set_cell(said, position, "date", first.isoformat())
    later = (first + dt.timedelta(days=1)).isoformat()
    number = set_cell(demands, index, "first_stated", later)
    return invalid(
        f"data/demands.csv:{number}:first_stated: first-stated: is not the date of the earliest "
        f"statement stating {demand['demand_id']} ({statement['statement_id']}): it allows "
        f"{first} (value: {later!r})"
    )


def _earliest_stating(package: Path, month_only: bool) -> tuple[str, dict[str, str]]:
    """A demand whose earliest stating statement is (or is not) month-only, and it."""
    for demand, stated in _stated(package).items():
        earliest = min(stated, key=lambda s: s["date"])
        if _month_only(earliest) == month_only:
            return demand, earliest
    raise AssertionError("no such demand")


def stating_statement_without_a_date(package: Path) -> Expected:
    """The earliest statement stating a demand loses its date: `required`'s error, and the
    demand is not judged against the statements left (it would name the wrong earliest)."""
    _, statement = _earliest_stating(package, month_only=True)
    path = csv_path(package, "statements")
    index = next(
        i for i, r in enumerate(read_rows(path)) if r["statement_id"] == statement["statement_id"]
    )
    number = set_cell(path, index, "date", "")
    return invalid(f"data/statements.csv:{number}:date: constraint-error: a value is required")


def stating_link_to_no_statement(package: Path) -> Expected:
    """A demand's only `states` link names no statement: the foreign key's error only (the
    link is there; the demand is not judged)."""
    path = csv_path(package, "demand_statements")
    rows = read_rows(path)
    stating = Counter(r["demand_id"] for r in rows if r["relation"] == "states")
    index = next(  # the demand's only one
        i for i, r in enumerate(rows) if r["relation"] == "states" and stating[r["demand_id"]] == 1
    )
    number = set_cell(path, index, "statement_id", "ST9999")
    return invalid(
        f"data/demand_statements.csv:{number}:statement_id: foreign-key: no statements row has "
        "statement_id = ST9999 (value: 'ST9999')"
    )


def fixed_day_within_a_month_only_date(package: Path) -> Expected:
    """A statement of a fixed day, stating a demand first stated month-only, moved into that
    month: it ends the days first_stated may be, and the error names it."""
    path = csv_path(package, "statements")
    rows = read_rows(path)
    alone = Counter(r["utterance_id"] for r in rows)
    links: dict[str, set[tuple[str, str]]] = {}
    for link in read_rows(csv_path(package, "demand_statements")):
        links.setdefault(link["statement_id"], set()).add((link["demand_id"], link["relation"]))
    demand, earliest, index = next(  # a statement that states it and is tied to nothing else
        (d, e, i)
        for d, e in [_earliest_stating(package, month_only=True)]
        for i, r in enumerate(rows)
        if links.get(r["statement_id"]) == {(d, "states")}
        and r["event_relation"] != "made_at"
        and alone[r["utterance_id"]] == 1
    )
    start = dt.date.fromisoformat(earliest["date"])
    moved = (start + dt.timedelta(days=9)).isoformat()
    for name, value in (("date", moved), ("date_earliest", ""), ("date_latest", "")):
        set_cell(path, index, name, value)  # a fixed day, without an interval
    demands = csv_path(package, "demands")
    position = next(i for i, r in enumerate(read_rows(demands)) if r["demand_id"] == demand)
    later = (start + dt.timedelta(days=20)).isoformat()
    number = set_cell(demands, position, "first_stated", later)
    return invalid(*_first_stated_error(package, demand, number, later))


def demand_stated_by_no_statement(package: Path) -> Expected:
    """A demand's `states` links removed: its first_stated rests on nothing."""
    links = csv_path(package, "demand_statements")
    rows = read_rows(links)
    demand = rows[0]["demand_id"]
    write_rows(links, [r for r in rows if (r["demand_id"], r["relation"]) != (demand, "states")])
    position = next(
        i for i, r in enumerate(read_rows(csv_path(package, "demands"))) if r["demand_id"] == demand
    )
    return invalid(
        f"data/demands.csv:{position + 2}:demand_id: first-stated: no statement states this "
        f"demand (a `states` row in demand_statements) (value: {demand!r})"
    )


def event_made_coarser(was: str, made: str, first_day: str) -> Callable[[Path], Expected]:
    """An event of `was` precision (a day other than the 1st, or E001's month, dated
    2021-12-01) given `made` precision, whose date it is not the first day of."""

    def damage(package: Path) -> Expected:
        path = csv_path(package, "events")
        index, row = next(
            (i, r)
            for i, r in enumerate(read_rows(path))
            if r["date_precision"] == was
            and not r["end_date"]
            and not (was == "day" and r["date"].endswith("-01"))
        )
        number = set_cell(path, index, "date_precision", made)
        return invalid(
            f"data/events.csv:{number}:date: date-precision: a date of {made} precision "
            f"is {first_day} (value: {row['date']!r})"
        )

    return damage


def events_with_parents(
    cycles: list[list[int]], tail: bool, chain: int
) -> Callable[[Path], Expected]:
    """Events given parents by position: each of `cycles` (positions of events) made a
    cycle of parent_event_id, its first event's parent its last; with `tail`, one more
    event whose parent is on the first cycle (it leads into it: not reported itself);
    with `chain`, the events from position 1 on made a chain that many links long,
    each the parent of the next (deeper than the rule's SQL follows, and valid)."""

    def damage(package: Path) -> Expected:
        path = csv_path(package, "events")
        rows = read_rows(path)
        ids = [r["event_id"] for r in rows]
        for a, b in itertools.pairwise(rows[1 : chain + 2]):
            b["parent_event_id"] = a["event_id"]
        on: dict[int, list[str]] = {}
        for cycle in cycles:
            for i, position in enumerate(cycle):
                rows[position]["parent_event_id"] = ids[cycle[i - 1]]
                n = len(cycle)  # from this event, parent after parent, back to it
                walk = [ids[cycle[(i - j) % n]] for j in range(n + 1)]
                on[position] = walk if n <= 6 else [*walk[:6], f"… ({n} rows)", walk[0]]
        if tail:
            free = next(p for p in range(len(rows)) if p not in on)
            rows[free]["parent_event_id"] = ids[cycles[0][0]]
        write_rows(path, rows)
        lines = [
            f"data/events.csv:{position + 2}:parent_event_id: reference-cycle: following "
            f"parent_event_id from this row comes back to it ({' → '.join(walk)}): a row "
            f"cannot be its own ancestor (value: {rows[position]['parent_event_id']!r})"
            for position, walk in sorted(on.items())
        ]
        return invalid(*lines) if lines else Expected(0, ())

    return damage


def actors_affiliated_in_a_cycle(package: Path) -> Expected:
    """Two actors each the other's affiliation: the rule reads every key of a table to
    itself, not events' alone (`show --side` and the timeline followed such a loop)."""
    path = csv_path(package, "actors")
    rows = read_rows(path)
    a, b = rows[0], rows[1]
    a["affiliation_id"], b["affiliation_id"] = b["actor_id"], a["actor_id"]
    write_rows(path, rows)
    one, two = a["actor_id"], b["actor_id"]
    message = "following affiliation_id from this row comes back to it"
    return invalid(
        f"data/actors.csv:2:affiliation_id: reference-cycle: {message} ({one} → {two} → "
        f"{one}): a row cannot be its own ancestor (value: {two!r})",
        f"data/actors.csv:3:affiliation_id: reference-cycle: {message} ({two} → {one} → "
        f"{two}): a row cannot be its own ancestor (value: {one!r})",
    )


def utterance_rows_that_disagree_on_the_speaker(package: Path) -> Expected:
    path = csv_path(package, "statements")
    rows = read_rows(path)
    firsts: dict[str, dict[str, str]] = {}
    index = next(i for i, r in enumerate(rows) if firsts.setdefault(r["utterance_id"], r) is not r)
    first = firsts[rows[index]["utterance_id"]]
    other = next(
        r["actor_id"]
        for r in read_rows(csv_path(package, "actors"))
        if r["actor_id"] != first["speaker_id"]
    )
    number = set_cell(path, index, "speaker_id", other)
    return invalid(
        f"data/statements.csv:{number}:speaker_id: utterance-disagrees: utterance "
        f"{first['utterance_id']} has speaker_id {first['speaker_id']} in its first row that "
        f"gives one ({first['statement_id']}) (value: {other!r})"
    )


def utterance_rows_that_disagree_after_an_empty_first_speaker(package: Path) -> Expected:
    """The first row's empty speaker_id is `required`'s error; the rows after it are still
    compared, with the first that gives one."""
    path = csv_path(package, "statements")
    rows = read_rows(path)
    reports = Counter(r["utterance_id"] for r in rows)
    utterance = next(u for u, n in reports.items() if n >= 3)
    first, second, third = [i for i, r in enumerate(rows) if r["utterance_id"] == utterance][:3]
    other = next(
        r["actor_id"]
        for r in read_rows(csv_path(package, "actors"))
        if r["actor_id"] != rows[second]["speaker_id"]
    )
    empty = set_cell(path, first, "speaker_id", "")
    odd = set_cell(path, third, "speaker_id", other)
    return invalid(
        f"data/statements.csv:{empty}:speaker_id: constraint-error: a value is required",
        f"data/statements.csv:{odd}:speaker_id: utterance-disagrees: utterance {utterance} has "
        f"speaker_id {rows[second]['speaker_id']} in its first row that gives one "
        f"({rows[second]['statement_id']}) (value: {other!r})",
    )


def made_at_an_event_on_another_day(package: Path) -> Expected:
    path = csv_path(package, "statements")
    rows = read_rows(path)
    index, row = next((i, r) for i, r in enumerate(rows) if r["event_relation"] == "made_at")
    event = next(
        e
        for e in read_rows(csv_path(package, "events"))
        if e["date_precision"] == "day" and not e["end_date"] and e["date"] != row["date"]
    )
    number = set_cell(path, index, "event_id", event["event_id"])
    return invalid(
        f"data/statements.csv:{number}:date: made-at-outside-event: made_at {event['event_id']}, "
        f"which lasts from {event['date']} to {event['date']} (value: {row['date']!r})"
    )


def date_outside_its_interval(package: Path) -> Expected:
    path = csv_path(package, "statements")
    index, row = next((i, r) for i, r in enumerate(read_rows(path)) if r["date_latest"])
    latest = (dt.date.fromisoformat(row["date"]) - dt.timedelta(days=1)).isoformat()
    number = set_cell(path, index, "date_latest", latest)
    return invalid(
        f"data/statements.csv:{number}:date: date-interval: outside its interval: earliest "
        f"{row['date_earliest'] or 'not given'}, latest {latest} (value: {row['date']!r})"
    )


def row_without_evidence(table: str, key: str) -> Callable[[Path], Expected]:
    def damage(package: Path) -> Expected:
        position, row, _ = a_row(package, table)
        evidence = csv_path(package, "evidence")
        write_rows(
            evidence,
            [r for r in read_rows(evidence) if (r["row_table"], r["row_id"]) != (table, row[key])],
        )
        return invalid(
            f"data/{table}.csv:{position + 2}:{key}: no-evidence: no evidence row supports this "
            f"{table[:-1]} (value: {row[key]!r})"
        )

    return damage


def link_row_pointing_nowhere(package: Path) -> Expected:
    path = csv_path(package, "evidence")
    row = read_rows(path)[0]
    taken = {
        r[row["row_table"][:-1] + "_id"] for r in read_rows(csv_path(package, row["row_table"]))
    }
    missing = unused_value(package, row["row_table"], row["row_table"][:-1] + "_id", taken)
    number = set_cell(path, 0, "row_id", missing)
    return invalid(
        f"data/evidence.csv:{number}:row_id: unknown-row: no {row['row_table']} row has this id "
        f"(value: {missing!r})"
    )


# The descriptor ---------------------------------------------------------------------------


UNUSABLE_DESCRIPTORS = [  # (name, text, reason, the line the issue names, if any)
    (
        "not-json",
        b"{not json",
        "not valid JSON (Expecting property name enclosed in double quotes at line 1, column 2)",
        1,
    ),
    (
        "comma-missing-on-line-3",
        b'{\n  "name": "x"\n  "resources": []\n}\n',
        "not valid JSON (Expecting ',' delimiter at line 3, column 3)",
        3,
    ),
    *(  # lines end in LF, CRLF or CR alone: the line and column are the editor's
        (
            f"comma-missing-on-line-3-{name}",
            b"{" + end + b'  "name": "x"' + end + b'  "resources": []' + end + b"}" + end,
            "not valid JSON (Expecting ',' delimiter at line 3, column 3)",
            3,
        )
        for name, end in [("crlf", b"\r\n"), ("cr", b"\r")]
    ),
    (
        "control-character",
        b'{"name": "a\x01b"}',
        "not valid JSON (Invalid control character at line 1, column 12)",
        1,
    ),
    (
        "key-twice-cr",
        b'{"name": "a",\r "resources": [\r  {"name": "x", "path": "a.csv",\r   "name": "y"}]}',
        "not usable JSON (the key 'name' appears twice in one object, the second time on line "
        "4; JSON readers differ on which they keep)",
        4,
    ),
    (  # a float would be infinity, which JSON cannot write back (as NaN)
        "number-too-large",
        b'{"name": "a", "resources": [],\n "t": "-1.5e400",\n "x": -1.5e400}',
        "not usable JSON (the number -1.5e400 on line 3 is beyond the range of a 64-bit float)",
        3,
    ),
    (  # a string holding the same text, as a value would stand, comes first
        "number-too-large-after-a-string-holding-it",
        b'{"name": "a", "d": "x,1e400, \\",1e400]",\n "resources": [],\n "x": [1e400]}',
        "not usable JSON (the number 1e400 on line 3 is beyond the range of a 64-bit float)",
        3,
    ),
    ("array", b"[]", "a data package descriptor must be a JSON object", None),
    ("deep-array", b"[" * 5000 + b"]" * 5000, "JSON nested more than 64 levels deep", None),
    (
        "deep-object",
        b'{"resources": [' * 40 + b"]}" * 40,
        "JSON nested more than 64 levels deep",
        None,
    ),
    ("not-utf8", b"\xff", "not UTF-8 text (invalid start byte at byte 0)", None),
    ("nan", b'{"bytes": NaN}', "not usable JSON (NaN is not valid JSON)", None),
    (  # the line where the key comes the second time
        "key-twice",
        b'{"name": "a",\n "resources": [\n  {"name": "x", "path": "a.csv",\n   "name": "y"}]}',
        "not usable JSON (the key 'name' appears twice in one object, the second time on line "
        "4; JSON readers differ on which they keep)",
        4,
    ),
    (
        "number-too-long",
        b'{"name": "a",\r\n "rows": [1, ' + b"9" * 5000 + b"]}",
        f"not usable JSON (a number on line 2 has more than {sys.get_int_max_str_digits()} digits)",
        2,
    ),
    *(
        (
            f"lone-surrogate-{where}",
            text,
            f"not usable JSON (a string holds {half}, half of a UTF-16 surrogate pair, which "
            "is not text)",
            None,
        )
        for where, text, half in [
            ("value", b'{"title": "a\\ud800", "resources": []}', "\\ud800"),
            ("key", b'{"\\udfff": 1, "resources": []}', "\\udfff"),
            ("reversed-pair", b'{"title": "\\ude00\\ud83d"}', "\\ude00"),
        ]
    ),
]


def descriptor_that_cannot_be_used(
    text: bytes, reason: str, line: int | None
) -> Callable[[Path], Expected]:
    # The row is the descriptor's line where it can be told (editors and GitHub
    # annotations go there).
    where = f"datapackage.json:{line}" if line else "datapackage.json"

    def damage(package: Path) -> Expected:
        package.write_bytes(text)
        return invalid(f"{where}: descriptor-error: {reason}")

    return damage


def _set_actors_path(package: Path, value: Any) -> None:
    index = next(i for i, r in enumerate(descriptor(package)["resources"]) if r["name"] == "actors")
    edit_descriptor(package, lambda d: d["resources"][index].__setitem__("path", value))


UNSAFE_PATHS = [
    (
        "absolute",
        "/etc/passwd",
        "is absolute; resource paths must be relative to the package folder",
    ),
    (
        "windows-absolute",
        "C:\\data\\actors.csv",
        "is absolute; resource paths must be relative to the package folder",
    ),
    (
        "dotdot",
        "../../etc/passwd",
        "contains '..'; resource paths must stay inside the package folder",
    ),
    (
        "dotdot-inside",
        "data/../../x.csv",
        "contains '..'; resource paths must stay inside the package folder",
    ),
    (
        "url",
        "https://example.org/actors.csv",
        "is a URL; only files inside the package folder are read",
    ),
    ("file-url", "file:///etc/passwd", "is a URL; only files inside the package folder are read"),
    (
        "backslash",
        "data\\actors.csv",
        "contains a backslash; write resource paths with forward slashes (data/x.csv)",
    ),
]


def unsafe_resource_path_is_refused(value: str, reason: str) -> Callable[[Path], Expected]:
    def damage(package: Path) -> Expected:
        _set_actors_path(package, value)
        return invalid(
            f"datapackage.json::actors.path: unsafe-path: resource path {reason} (value: {value!r})"
        )

    return damage


def symlink_out_of_the_package_is_refused(package: Path) -> Expected:
    outside = package.parent.parent / "secret.csv"
    outside.write_text("actor_id\nx\n")
    (package.parent / "data" / "link.csv").symlink_to(outside)
    _set_actors_path(package, "data/link.csv")
    return invalid(
        "datapackage.json::actors.path: unsafe-path: resource path leads outside the package "
        "folder (through a symlink) (value: 'data/link.csv')"
    )


def descriptor_names_a_missing_file(package: Path) -> Expected:
    _set_actors_path(package, "data/actors_old.csv")
    return invalid(
        "data/actors_old.csv: file-missing: no file at this path (resource 'actors' in "
        "datapackage.json)"
    )


def table_resource_without_a_schema(
    change: Callable[[dict[str, Any]], None],
) -> Callable[[Path], Expected]:
    """A table resource whose `schema` is gone, or null: its rows were checked against
    the reference schema and the package called valid, which `build` then could not read."""

    def damage(package: Path) -> Expected:
        edit_descriptor(package, lambda d: change(resource(d, "events")))
        return invalid(
            "datapackage.json::events.schema: descriptor-error: a table resource needs a schema"
        )

    return damage


def schema_file_missing(package: Path) -> Expected:
    edit_descriptor(package, lambda d: resource(d, "events").__setitem__("schema", "x.json"))
    return invalid(
        "datapackage.json::events.schema: schema-error: schema file: no file at this path "
        "(value: 'x.json')"
    )


def foreign_key_to_an_unknown_resource(package: Path) -> Expected:
    edit_schema(
        package,
        "events",
        lambda s: s["foreignKeys"][0]["reference"].__setitem__("resource", "happenings"),
    )
    return invalid(
        "schemas/events.json::foreignKeys[0].reference.resource: schema-error: refers to table "
        "'happenings', which the package does not have (value: 'happenings')",
        args=("--allow-schema-changes",),
    )


CASES: list[Case] = [
    *(
        Case(f"unknown_foreign_key-{table}-{index}", unknown_foreign_key(table, index))
        for table, index in FOREIGN_KEYS
    ),
    Case("duplicate_primary_key", duplicate_primary_key),
    Case("source_id_on_two_rows_naming_two_seeds", source_id_on_two_rows_naming_two_seeds),
    Case("value_outside_enum", value_outside_enum),
    Case("id_not_matching_its_pattern", id_not_matching_its_pattern),
    Case("text_in_an_integer", text_in_an_integer),
    *(
        Case(f"value_not_in_canonical_form-{i}-{t}.{f}", value_not_in_canonical_form(t, f, change))
        for i, (t, f, change) in enumerate(NOT_CANONICAL)
    ),
    *(
        Case(f"enum_value_with_spaces-{value!r}", enum_value_with_spaces(value))
        for value in [" rejects", " 'rejects'", "rejects "]
    ),
    Case("impossible_date", impossible_date),
    Case("missing_required_value", missing_required_value),
    Case("missing_column", missing_column),
    Case("unexpected_column", unexpected_column),
    Case("duplicate_header", duplicate_header),
    Case("blank_header_cell", blank_header_cell),
    Case("blank_row", blank_row),
    Case("empty_file", empty_file),
    Case("non_utf8_bytes", non_utf8_bytes),
    Case("non_utf8_bytes_in_a_file_with_cr_line_ends", non_utf8_bytes_in_a_file_with_cr_line_ends),
    Case("non_utf8_bytes_after_a_byte_order_mark", non_utf8_bytes_after_a_byte_order_mark),
    Case("encoded_surrogate", encoded_surrogate),
    Case("byte_order_mark", byte_order_mark),
    *(
        Case(f"seed_not_as_recorded-{name}", seed_not_as_recorded(change, recorded, hint))
        for name, change, recorded, hint in SEED_DAMAGE
    ),
    Case("crlf_line_ends", crlf_line_ends),
    *(
        Case(f"control_character_in_a_cell-{char!r}", control_character_in_a_cell(char))
        for char in ["\x00", "\x85", "\x9b"]
    ),
    Case("a_cell_of_tens_of_megabytes", a_cell_of_tens_of_megabytes),
    Case("unterminated_quoted_field", unterminated_quoted_field),
    Case(
        "swallowed_rows_are_caught_by_the_descriptor_row_count",
        swallowed_rows_are_caught_by_the_descriptor_row_count,
    ),
    Case("quote_closed_on_a_later_line", quote_closed_on_a_later_line),
    Case("bad_quote_after_a_cell_that_spans_lines", bad_quote_after_a_cell_that_spans_lines),
    *(
        Case(f"line_break_inside_a_one_line_cell-{brk!r}", line_break_inside_a_one_line_cell(brk))
        for brk in ["\n", "\u2028", "\u2029"]
    ),
    Case("quote_text_no_longer_matches_its_span", quote_text_no_longer_matches_its_span),
    Case("end_before_start", end_before_start),
    Case("empty_span_text", empty_span_text),
    Case("negative_offset", negative_offset),
    Case(
        "negative_offset_under_a_schema_without_its_minimum",
        negative_offset_under_a_schema_without_its_minimum,
    ),
    Case("offset_past_the_end_of_the_seed", offset_past_the_end_of_the_seed),
    Case("statement_dated_after_its_source", statement_dated_after_its_source),
    Case("end_date_before_date", end_date_before_date),
    *(
        Case(
            f"inferred_date_without_its_basis-{table}-{name}",
            inferred_date_without_its_basis(table, note),
        )
        for table in ("sources", "statements", "events")
        for name, note in (("empty", ""), ("white-space", " \t "))
    ),
    Case(
        "statement_bounded_by_the_first_row_of_a_doubled_source",
        statement_bounded_by_the_first_row_of_a_doubled_source,
    ),
    Case("answer_before_its_demand_was_stated", answer_before_its_demand_was_stated),
    *(
        Case(f"first_stated_moved-{kind}-{days:+d}", first_stated_moved(kind == "month", days))
        for kind, days in [("day", 1), ("day", -1), ("month", 14), ("month", 35), ("month", -1)]
    ),
    Case("stated_on_the_first_of_a_month", stated_on_the_first_of_a_month),
    Case("demand_stated_by_no_statement", demand_stated_by_no_statement),
    Case("stating_statement_without_a_date", stating_statement_without_a_date),
    Case("stating_link_to_no_statement", stating_link_to_no_statement),
    Case("fixed_day_within_a_month_only_date", fixed_day_within_a_month_only_date),
    *(
        Case(f"{was}_precision_event_made_{made}", event_made_coarser(was, made, first_day))
        for was, made, first_day in [
            ("day", "month", "the 1st of its month (it stands for the month)"),
            ("day", "year", "1 January of its year (it stands for the year)"),
            ("month", "year", "1 January of its year (it stands for the year)"),
        ]
    ),
    *(
        Case(f"events_with_parents-{name}", events_with_parents(cycles, tail, chain))
        for name, cycles, tail, chain in [
            ("two-in-a-cycle", [[1, 2]], False, 0),
            ("its-own-parent", [[4]], False, 0),
            ("three-in-a-cycle-and-one-leading-in", [[2, 5, 6]], True, 0),
            ("two-cycles", [[1, 2], [4]], False, 0),
            ("eight-in-a-cycle-shown-in-part", [list(range(3, 11))], False, 0),
            ("a-chain-of-14-links-is-valid", [], False, 14),
        ]
    ),
    Case("actors_affiliated_in_a_cycle", actors_affiliated_in_a_cycle),
    Case(
        "utterance_rows_that_disagree_on_the_speaker", utterance_rows_that_disagree_on_the_speaker
    ),
    Case(
        "utterance_rows_that_disagree_after_an_empty_first_speaker",
        utterance_rows_that_disagree_after_an_empty_first_speaker,
    ),
    Case("made_at_an_event_on_another_day", made_at_an_event_on_another_day),
    Case("date_outside_its_interval", date_outside_its_interval),
    *(
        Case(f"row_without_evidence-{table}", row_without_evidence(table, key))
        for table, key in [("events", "event_id"), ("actors", "actor_id"), ("demands", "demand_id")]
    ),
    Case("link_row_pointing_nowhere", link_row_pointing_nowhere),
    *(
        Case(
            f"descriptor_that_cannot_be_used-{name}",
            descriptor_that_cannot_be_used(text, why, line),
        )
        for name, text, why, line in UNUSABLE_DESCRIPTORS
    ),
    *(
        Case(f"unsafe_resource_path_is_refused-{name}", unsafe_resource_path_is_refused(v, why))
        for name, v, why in UNSAFE_PATHS
    ),
    Case("symlink_out_of_the_package_is_refused", symlink_out_of_the_package_is_refused),
    Case("descriptor_names_a_missing_file", descriptor_names_a_missing_file),
    Case("foreign_key_to_an_unknown_resource", foreign_key_to_an_unknown_resource),
    Case("schema_file_missing", schema_file_missing),
    *(
        Case(f"table_resource_without_a_schema-{name}", table_resource_without_a_schema(change))
        for name, change in [
            ("absent", lambda r: r.pop("schema")),
            ("null", lambda r: r.__setitem__("schema", None)),
        ]
    ),
]


@pytest.mark.parametrize("case", params(CASES))
def test_corpus(package: Path, case: Case) -> None:
    expected = case.damage(package)
    code, lines = validate_cli(package, *expected.args)
    expected.check(code, lines)


# Cases of another shape -------------------------------------------------------------------


def test_no_descriptor_at_all_is_could_not_run(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"error: {tmp_path / 'datapackage.json'}: no such file\n"


def test_stock_frictionless_sees_the_row_count_too(package: Path) -> None:
    """The `rows` our stats record is the count Frictionless checks (its `row-count`)."""
    from frictionless import Package

    stamp_stats(package)
    clean = Package(str(package)).validate()
    assert not [e.type for t in clean.tasks for e in t.errors], clean.flatten(["type", "note"])
    _swallow_rows(package)
    damaged = Package(str(package)).validate()
    assert "row-count" in {e.type for t in damaged.tasks if t.name == "evidence" for e in t.errors}
