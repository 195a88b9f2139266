"""The strict parse settled without the csv module (column_files.py) equals `parse_csv`'s."""

from __future__ import annotations

import csv
import io
import re
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import copy_package
from ukraine_talks_data.spreadsheet_safety import LEADING, TRIGGERS, UNSEEN, looks_like_formula
from ukraine_talks_data.validate import validate_package
from ukraine_talks_data.validate.csv.form import parse_csv
from ukraine_talks_data.validate.csv.plain import (
    ArrowParsedCsv,
    Form,
    _piece_end,
    _record_end,
    line_count,
    plain_form,
    quoting,
)
from ukraine_talks_data.validate.csv.records import read_piece
from ukraine_talks_data.validate.tables import context

CELLS = st.text(alphabet='ab ,"\n\x01é', max_size=6)
ROWS = st.lists(st.lists(CELLS, min_size=3, max_size=3), min_size=1, max_size=6)
TEXT = st.text(alphabet='ab,"\n ', max_size=30)


def written(rows: list[list[str]]) -> bytes:
    """`rows` as the csv module writes them with LF line ends (the package's form)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


@given(TEXT)
@settings(max_examples=400, deadline=None)
def test_plain_quoting_only_where_strict_mode_reads_as_lenient(text: str) -> None:
    data = text.encode()
    if not quoting(data).plain:
        return
    parsed = parse_csv(data) if data else None
    assert parsed is None or (parsed.complete and not parsed.problems)
    lenient = list(csv.reader(io.StringIO(text, newline=""), strict=False))
    assert parsed is None or parsed.records == lenient


@given(ROWS)
@settings(max_examples=200, deadline=None)
def test_files_the_csv_module_writes_are_plain(rows: list[list[str]]) -> None:
    data = written(rows)
    assert quoting(data).plain
    assert plain_form(data).plain == (not data.startswith(b"\xef\xbb\xbf"))


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ('a,"b"\n', True),
        ('a,"b""c"\n', True),
        ('"a\nb",c\n', True),
        ('a,"b"c\n', False),  # text after the closing quote
        ('a,"b\n', False),  # never closed
        ('a,b"c\n', False),  # a quote inside an unquoted cell (the csv module accepts it)
        ('a, "b"\n', False),  # a quote after a space
    ],
)
def test_plain_quoting_examples(text: str, plain: bool) -> None:
    assert quoting(text.encode()).plain is plain


@given(ROWS)
@settings(max_examples=200, deadline=None)
def test_quoting_finds_a_line_end_inside_a_quoted_cell(rows: list[list[str]]) -> None:
    """Arrow reads without `newlines_in_values` only a file that `quoting` clears."""
    assert quoting(written(rows)).line_ends == any("\n" in cell for row in rows for cell in row)


@pytest.mark.parametrize(
    ("text", "line_ends"),
    [
        ("a,b\nc,d\n", False),
        ('a,"b"\n"c",d\n', False),
        ('"a\nb",c\n', True),
        ('a,"b""\nc"\n', True),  # after a doubled quote, still inside the cell
        ('"a""b",c\nd,"e"\n', False),
        ('x\n"a,\n\nb"', True),  # the last record, without a line end after it
    ],
)
def test_quoting_line_ends_examples(text: str, line_ends: bool) -> None:
    assert quoting(text.encode()) == Form(plain=True, line_ends=line_ends)


@given(ROWS)
@settings(max_examples=100, deadline=None)
def test_arrow_parsed_csv_equals_parse_csv(rows: list[list[str]]) -> None:
    data = written([["x", "y", "z"], *rows])
    expected = parse_csv(data)
    records = read_piece(data, 3, quoted_newlines=b'"' in data)
    got = ArrowParsedCsv(lambda: data, records, line_count(data))
    assert (got.header, got.data_rows, got.complete, got.problems) == (
        expected.header,
        expected.data_rows,
        True,
        [],
    )
    assert got.lines == expected.lines
    assert [got.record(n) for n in range(1, len(expected.records) + 1)] == expected.records
    assert got.records == expected.records


@given(ROWS, st.data())
@settings(max_examples=200, deadline=None)
def test_a_piece_ends_at_the_last_record_end(rows: list[list[str]], data: st.DataObject) -> None:
    """`_record_end` of any prefix of a file is the line feed ending its last whole record,
    however many line feeds stand inside quoted cells before or after it; and so is where
    `_piece_end` cuts a piece, which counts no quote when the text before its last line
    feed is in plain form."""
    records = [written([row]) for row in rows]
    ends = [sum(map(len, records[: i + 1])) - 1 for i in range(len(records))]
    text = b"".join(records)
    cut = data.draw(st.integers(0, len(text)))
    last = max((e for e in ends if e < cut), default=-1)
    assert _record_end(text[:cut], 0) == last
    assert _piece_end(bytearray(text[:cut]), 0, first=True, eof=False)[0] == last + 1


NEGATIVE = r"-[0-9]+(\.[0-9]+)?"
FOUND_BY_CELL_RULES = st.text(
    alphabet='ab1. ,"\n\t\x01\x7f\x85\xa0\r-=@é\u200b\u202e\u2028\uff1d', max_size=5
)


@given(st.lists(st.lists(FOUND_BY_CELL_RULES, min_size=2, max_size=2), min_size=1, max_size=4))
@settings(max_examples=300, deadline=None)
def test_plain_text_only_where_the_rules_on_characters_find_nothing(
    rows: list[list[str]],
) -> None:
    """`plain_text` lets the rules on characters skip a piece: it is never said of a text
    with a line break (LF, CR, or Unicode's line or paragraph separator), a control character
    but tab (C0, DEL or C1), an invisible character or a cell that
    starts with whitespace or a formula's trigger (but a negative number) in some cell, and
    it is said of any other text in plain form."""
    data = written(rows)
    suspect = any(
        re.search(f"[\\r\\n\\u2028\\u2029\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{UNSEEN}]", cell)
        or (cell[:1] in set(LEADING + TRIGGERS) - {""} and not re.fullmatch(NEGATIVE, cell))
        for row in rows
        for cell in row
    )
    form = plain_form(data)
    assert form.plain_text is (form.plain and not suspect)


NOT_UTF8 = (b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xff", b"\x80", b"\xc0\xaf", b"\xe0\x80\xaf",
            b"\xf4\x90\x80\x80", b"\xe2\x82", b"\xc3")  # fmt: skip
"""Byte runs that are no UTF-8: encoded surrogates, stray and overlong bytes, beyond
U+10FFFF, cut short."""


@given(
    st.lists(
        st.one_of(
            st.text(alphabet="ab,é€𝄞\n", max_size=3).map(str.encode), st.sampled_from(NOT_UTF8)
        ),
        max_size=6,
    ).map(b"".join)
)
@settings(max_examples=300, deadline=None)
def test_plain_text_is_utf8(data: bytes) -> None:
    """`plain_text` spares Arrow's reader its UTF-8 check (`read_piece(utf8=True)`): it is
    said of a text only if the text is UTF-8 (and of this alphabet's texts when they are)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        assert not plain_form(data).plain_text
    else:
        assert plain_form(data).plain_text is bool(data)  # nothing suspect in the alphabet


@given(st.from_regex(NEGATIVE, fullmatch=True))
def test_a_negative_number_is_no_formula(cell: str) -> None:
    """What lets a cell starting with '-' be `plain_text`: the formula rule never flags it."""
    assert not looks_like_formula(cell)


@pytest.mark.parametrize(
    ("text", "plain_text"),
    [
        ("a,b\tc\n", True),  # a tab inside a cell
        ('a,"b, ""c"""\n', True),
        ("a,\tb\n", False),  # a cell starting with a tab
        ("a, b\n", False),
        ("a,-1\n", True),  # a negative number is no formula
        ("a,-1.25\n", True),
        ("a,-1.\n", False),  # the rules decide
        ("a,-b\n", False),
        ("a,-1-2\n", False),
        ('a,"=b"\n', False),
        ("a,\uff20b\n", False),
        ("a,b\u200bc\n", False),
        ("a,b\x00c\n", False),
        ("a,b\x7f\n", False),
        ("a,b\x85c\n", False),  # a C1 control (next line)
        ("a,b\u2028c\n", False),  # a line separator
        ("a,b\xa0c\n", True),  # a no-break space: shown, no control
        ('a,"b\nc"\n', False),
    ],
)
def test_plain_text_examples(text: str, plain_text: bool) -> None:
    assert plain_form(text.encode()).plain_text is plain_text


def test_large_files_read_again_give_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files larger than KEEP_BYTES are not kept but read again: same issues."""
    package = copy_package(tmp_path / "pkg")
    actors = package.parent / "data" / "actors.csv"
    actors.write_bytes(actors.read_bytes().replace(b"\n", b"\r\n", 1))
    expected = validate_package(package, engine="frictionless")
    monkeypatch.setattr(context, "KEEP_BYTES", 0)
    for engine in ("frictionless", "columns"):
        assert validate_package(package, engine=engine).issues == expected.issues
    assert any(i.code == "line-ending" for i in expected.issues)


def test_threads_never_see_half_read_seeds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Checks run in threads share one Context: a second caller of sources() waits for the
    first to finish reading the seeds instead of getting the ones read so far."""
    from concurrent.futures import ThreadPoolExecutor

    from ukraine_talks_data.package.bundle import bundled_descriptor
    from ukraine_talks_data.package.sources import source_text
    from ukraine_talks_data.validate.inputs.descriptor import read_descriptor
    from ukraine_talks_data.validate.tables.context import Context

    def slowly(*args: Any) -> Any:
        time.sleep(0.05)
        return source_text(*args)

    monkeypatch.setattr(context, "source_text", slowly)
    descriptor, _ = read_descriptor(bundled_descriptor())
    ctx = Context(descriptor)
    expected = len(Context(descriptor).table("sources").rows)  # type: ignore[union-attr]
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(ctx.sources)
        time.sleep(0.02)
        second = pool.submit(ctx.sources)
        assert len(second.result()) == len(first.result()) == expected == 5
