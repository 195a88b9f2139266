"""The Arrow CSV reader gives exactly the records Python's csv module gives, on any text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ukraine_talks_data.validate.csv.records import EXCEL, CsvDialect, head, read_records

PIECES = ["a", "b", "é", ",", ";", '"', '""', "\n", "\r", "\r\n", " ", "x y"]


def records_of(path: Path, dialect: CsvDialect, encoding: str = "utf-8") -> list[list[str]]:
    """Every record, rebuilt from the Arrow columns and the odd-width records."""
    width = len(head(path, encoding, dialect, 1)[0])
    result = read_records(path, dialect, encoding=encoding, width=width)
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
    delimiter=st.sampled_from([",", ";"]),
    body=st.lists(st.sampled_from(PIECES), max_size=40),
)
def test_arrow_reads_what_the_csv_module_reads(
    tmp_path_factory: pytest.TempPathFactory, header: int, delimiter: str, body: list[str]
) -> None:
    dialect = CsvDialect(delimiter=delimiter)
    text = delimiter.join(f"h{i}" for i in range(header)) + "\n" + "".join(body)
    path = tmp_path_factory.mktemp("csv") / "t.csv"
    path.write_bytes(text.encode("utf-8"))
    expected = list(csv.reader(io.StringIO(text, newline=""), **dialect.python()))
    got = records_of(path, dialect)
    assert blank_as_empty_cells(got, header) == blank_as_empty_cells(expected, header)


def test_record_numbers_count_records_not_lines(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('id,text\n1,"two\nlines"\n2,short\n3\n', encoding="utf-8")
    result = read_records(path, EXCEL, encoding="utf-8", width=2)
    numbers = dict(
        zip(
            result.table.column("rn").to_pylist(),
            result.table.column("c0").to_pylist(),
            strict=True,
        )
    )
    assert numbers[2] == "1" and numbers[3] == "2"
    assert result.odd == {4: ["3"]}


def test_byte_order_mark_kept_with_plain_utf8(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbfid,name\n1,a\n")
    plain = read_records(path, EXCEL, encoding="utf-8", width=2)
    stripped = read_records(path, EXCEL, encoding="utf-8-sig", width=2)
    assert plain.table.column("c0").to_pylist()[0] == "\ufeffid"
    assert stripped.table.column("c0").to_pylist()[0] == "id"
