"""Differential fuzzing: random damage to the package's cells and bytes, validated by the
reference pipeline and by the column engine's Arrow path, gives the same issues.

The corpus in test_engines_agree.py covers the damages someone thought of; this covers the
others. The default run is short for CI; set UKRAINE_TALKS_FUZZ_EXAMPLES for a longer one:

    UKRAINE_TALKS_FUZZ_EXAMPLES=300 python -m pytest tests/test_engines_agree_fuzz.py
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from test_fuzz_validate import FILES, FUZZ, SPECIAL_BYTES, SPECIAL_TEXT, scratch_package
from ukraine_talks_data.package.schemas import table_names, table_path
from ukraine_talks_data.validate import validate_package
from ukraine_talks_data.validate.engine import run

TABLES = table_names()
ODD_VALUES = [
    *["0", "12", " 12", "+3", "-0", "٣", "1e3", "0x10", "1.0", "1.50", "NaN", "9" * 19],
    *["2022-01-10", "2030-01-01", "2022-1-1", "+2022-01-01", "2022-01-10 ", "20220110"],
    *[" ", "\t", "\u00a0", "a\rb", "\r", "a,b", 'a "b"', "\n", "inferred", "Direct", "russia "],
]
"""Values the properties should reach often: non-canonical numbers and dates, cells of
whitespace, a CR alone, separators in quoted cells, an enum value or key in another case or
with a trailing space."""
TEXT = st.one_of(st.sampled_from(SPECIAL_TEXT), st.text(max_size=30), st.sampled_from(ODD_VALUES))


def assert_engines_agree(package: Path) -> None:
    """Both engines, the column engine on its Arrow path, report the same issues."""
    expected = validate_package(package, engine="frictionless")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(run, "ARROW", True)
        got = validate_package(package, engine="columns")
    assert Counter(got.issues) == Counter(expected.issues)
    assert got.checked == expected.checked


@FUZZ
@given(
    edits=st.lists(
        st.tuples(
            st.sampled_from(TABLES),
            st.integers(min_value=0, max_value=1000),
            st.integers(min_value=0, max_value=100),
            TEXT,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_random_cells_same_issues(edits: list[tuple[str, int, int, str]]) -> None:
    with scratch_package() as package:
        for table, row, column, value in edits:
            path = package.parent / table_path(table)
            with path.open(encoding="utf-8", newline="") as fh:
                records = list(csv.reader(fh))
            if len(records) == 1:
                records.append([""] * len(records[0]))
            record = records[row % len(records)]  # the header too, now and then
            record[column % len(record)] = value
            with path.open("w", encoding="utf-8", newline="") as fh:
                csv.writer(fh, lineterminator="\n").writerows(records)
        assert_engines_agree(package)


@FUZZ
@given(
    file=st.sampled_from([f for f in FILES if f.startswith("data/")]),
    edits=st.lists(
        st.tuples(
            st.sampled_from(["insert", "delete", "duplicate"]),
            st.integers(min_value=0, max_value=10**6),
            st.one_of(st.sampled_from(SPECIAL_BYTES), st.binary(min_size=1, max_size=8)),
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_random_bytes_same_issues(file: str, edits: list[tuple[str, int, bytes]]) -> None:
    with scratch_package() as package:
        path = package.parent / file
        data = bytearray(path.read_bytes())
        for op, where, chunk in edits:
            at = where % (len(data) + 1)
            if op == "insert":
                data[at:at] = chunk
            elif op == "delete":
                del data[at : at + len(chunk)]
            else:
                data[at:at] = data[at : at + 200]
        path.write_bytes(bytes(data))
        assert_engines_agree(package)
