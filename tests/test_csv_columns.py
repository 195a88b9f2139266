"""The Arrow CSV reader gives exactly the records Python's csv module gives, on any text in
plain form (the only texts it is given: `csv/plain.py`)."""

from __future__ import annotations

import csv
import io
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ukraine_talks_data.validate.csv.plain import plain_form
from ukraine_talks_data.validate.csv.records import NotUtf8Error, read_piece

UNQUOTED = st.sampled_from(["", "a", "é", ";", " ", "x y"])
QUOTED = st.lists(st.sampled_from(["a", ",", ";", " ", "\n", '""']), max_size=4).map(
    lambda parts: '"' + "".join(parts) + '"'
)
CELLS = st.lists(st.tuples(st.one_of(UNQUOTED, QUOTED), st.sampled_from([",", "\n"])), max_size=20)
"""Cells, each followed by a comma or a line end: every quote where strict mode expects one,
records of any width, quoted commas and line ends, blank lines."""


def records_of(data: bytes) -> list[list[str]]:
    """Every record, rebuilt from the Arrow columns and the odd-width records."""
    text = data.decode("utf-8")
    width = len(next(csv.reader(io.StringIO(text, newline=""))))
    result = read_piece(data, width)
    assert result.width == width
    numbers = result.table.column("rn").to_pylist()
    assert numbers == sorted(numbers), "records in file order"
    rows: dict[int, list[str]] = {}
    for row in result.table.to_pylist():
        number = row["rn"]
        rows[number] = result.odd.get(number, [row[f"c{i}"] for i in range(width)])
    assert sorted(rows) == list(range(1, len(rows) + 1))
    return [rows[n] for n in sorted(rows)]


def blank_as_empty_cells(rows: list[list[str]], width: int) -> list[list[str]]:
    """A blank line is [] for the csv module and empty cells for Arrow: the same for checks."""
    return [row if row else [""] * width for row in rows]


@settings(max_examples=300, deadline=None)
@given(
    header=st.integers(min_value=1, max_value=4),
    body=CELLS,
    line_end=st.booleans(),
)
def test_arrow_reads_what_the_csv_module_reads(
    header: int, body: list[tuple[str, str]], line_end: bool
) -> None:
    text = ",".join(f"h{i}" for i in range(header)) + "\n" + "".join(c + end for c, end in body)
    if not line_end:
        text = text[:-1]  # the last record, without what follows it
    assert plain_form(text.encode("utf-8")).plain
    expected = list(csv.reader(io.StringIO(text, newline="")))
    got = records_of(text.encode("utf-8"))
    assert blank_as_empty_cells(got, header) == blank_as_empty_cells(expected, header)


def test_record_numbers_count_records_not_lines() -> None:
    result = read_piece(b'id,text\n1,"two\nlines"\n2,short\n3\n', 2)
    numbers = dict(
        zip(
            result.table.column("rn").to_pylist(),
            result.table.column("c0").to_pylist(),
            strict=True,
        )
    )
    assert numbers[2] == "1" and numbers[3] == "2"
    assert result.odd == {4: ["3"]}


@pytest.mark.parametrize(
    "data",
    [b"a\n1,\xff\n", b"a,b\n\xff\n", b"a\n1\n2,x\xd3\n3\n", b"a\n\xe9\n1,2\n"],
    ids=["wide", "narrow", "late", "after"],
)
def test_an_odd_record_in_a_text_not_utf8_is_refused_quietly(
    data: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Arrow decodes an odd record for the invalid-row handler and printed a traceback to
    stderr when that failed (`ukraine-talks validate` on such a file); now NotUtf8Error only."""
    unraisable: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    with pytest.raises(NotUtf8Error):
        read_piece(data, data.split(b"\n")[0].count(b",") + 1)
    assert unraisable == []
