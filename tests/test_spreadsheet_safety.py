"""Formula injection: which text a spreadsheet would run, and the neutraliser the spreadsheet
CSV exports apply to every text cell."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ukraine_talks_data.publish.csv_export import export_csv_text, spreadsheet_cell
from ukraine_talks_data.spreadsheet_safety import TRIGGERS, looks_like_formula, neutralise_formula

FORMULAS = [
    "=1+1",
    '=HYPERLINK("https://example.org","x")',
    "=cmd|' /c calc'!A1",
    "+SUM(A1:A3)",
    "-2+3",
    "@SUM(A1)",
    "-E001",
    "+A1",
    '  =WEBSERVICE("http://x")',
    "\t=1",
    "\r=1",
    "-(1)",
    "＝1+1",
]
TEXT = [
    "NATO",
    "",
    "=",
    "-",
    "-- see below",
    "- a list item",
    "@NATO said",
    "+ more",
    "-5",
    "2022-01-12",
    "Russia–US talks",
    "a = b",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_formulas_are_spotted_and_neutralised(text: str) -> None:
    assert looks_like_formula(text)
    safe = neutralise_formula(text)
    assert safe == "'" + text
    assert not looks_like_formula(safe)


@pytest.mark.parametrize("text", TEXT)
def test_ordinary_text_is_not_flagged(text: str) -> None:
    assert not looks_like_formula(text)


@given(st.text())
def test_neutralised_text_never_starts_a_formula(text: str) -> None:
    safe = neutralise_formula(text)
    assert not looks_like_formula(safe)
    assert not safe.lstrip(" \t\r\n")[:1] or safe.lstrip(" \t\r\n")[0] not in TRIGGERS
    if not text.lstrip(" \t\r\n")[:1] or text.lstrip(" \t\r\n")[0] not in TRIGGERS:
        assert safe == text  # everything else is left exactly as it was


def test_spreadsheet_csv_exports_neutralise_text_cells(tmp_path: Path) -> None:
    source = tmp_path / "t.csv"
    source.write_text('id,n,note\nA1,-5,"=HYPERLINK(""http://x"")"\nA2,3,@SUM(A1)\nA3,4,plain\n')
    schema = {
        "fields": [
            {"name": "id", "type": "string"},
            {"name": "n", "type": "integer"},
            {"name": "note", "type": "string"},
        ]
    }
    text = export_csv_text(source, schema, {"dialect": {"csv": {"lineTerminator": "\n"}}})
    assert text == ('id,n,note\nA1,-5,"\'=HYPERLINK(""http://x"")"\nA2,3,\'@SUM(A1)\nA3,4,plain\n')
    assert spreadsheet_cell("-5", {"name": "n", "type": "integer"}) == "-5"
    assert spreadsheet_cell("-5", {"name": "note"}) == "'-5"


@settings(deadline=None)  # the first example imports pyarrow
@given(
    st.lists(st.one_of(st.none(), st.text(alphabet=" \t\r\n=+-@a1é" + TRIGGERS)), max_size=30),
    st.integers(0, 5),
)
def test_the_validator_looks_at_every_cell_that_may_be_a_formula(
    cells: list[str | None], start: int
) -> None:
    """The formula warning's suspects (a cell's first byte, read from Arrow's buffers at its
    offset) hold every formula, in chunks that are slices of larger arrays too."""
    import pyarrow as pa

    from ukraine_talks_data.validate.rules.cells import _FIRST_BYTES, _first_byte_in

    first = {bytes([b]) for b in _FIRST_BYTES}
    whole = pa.array(["=x"] * start + cells, pa.string())
    for column in (
        pa.chunked_array([whole.slice(start)], pa.string()),
        pa.chunked_array(
            [whole.slice(start, len(cells) // 2), whole.slice(start + len(cells) // 2)]
        ),
        pa.chunked_array([whole.slice(start).cast(pa.large_string())]),
    ):
        suspect = _first_byte_in(column, _FIRST_BYTES).to_pylist()
        assert suspect == [c is not None and c[:1].encode()[:1] in first for c in cells]
        assert all(suspect[i] for i, c in enumerate(cells) if c and looks_like_formula(c))
