"""`tables.values.canonical`: a column cast whole and a column read cell by cell agree."""

from __future__ import annotations

import pyarrow as pa
import pytest

from ukraine_talks_data.validate.tables.values import canonical

GOOD = {"integer": "12", "date": "2022-01-12"}


@pytest.mark.parametrize(
    ("kind", "cell", "expected"),
    [
        ("integer", "0", True),
        ("integer", "-5", True),
        ("integer", "999999999999999999", True),  # 18 digits
        ("integer", "-999999999999999999", True),
        ("integer", "1000000000000000000", False),  # 19 digits: Arrow casts it
        ("integer", "-1000000000000000000", False),
        ("integer", "-0", False),  # casts to 0
        ("integer", "007", False),  # casts to 7
        ("integer", "+5", False),
        ("integer", " 5", False),
        ("integer", "1_000", False),
        ("integer", "１２", False),
        ("date", "2024-02-29", True),
        ("date", "0001-01-01", True),
        ("date", "0000-01-01", False),  # Arrow casts year 0
        ("date", "2022-02-30", False),
        ("date", "2022-1-12", False),
        ("date", "2022-01-12 ", False),
        ("date", "+2022-01-12", False),
    ],
)
def test_canonical_cell_among_canonical_ones(kind: str, cell: str, expected: bool) -> None:
    """A column whose cells all cast takes the whole-column path, any other the cell by cell
    one: both say which cells are canonical, and an empty cell is null."""
    column = pa.chunked_array([pa.array([GOOD[kind], cell, None]), pa.array([GOOD[kind]])])
    assert canonical(column, kind).to_pylist() == [True, expected, None, True]
