"""The constraint rule's column-wise decisions agree with the constraint read cell by cell:
lengths in characters (decided from bytes where they suffice), a text's enum, and the
bounds of integers and dates (compared in their Arrow type)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ukraine_talks_data.validate.rules.constraints import _breaks, constraint_message
from ukraine_talks_data.validate.tables.positional import Positional

CELLS = st.lists(st.one_of(st.none(), st.text(alphabet="aé€😀,", max_size=9)), min_size=1)


def _table(cells: list[str | None], field: dict[str, Any]) -> Positional:
    import pyarrow as pa

    rows = pa.chunked_array([pa.array(range(2, 2 + len(cells)), pa.int64())])
    column = pa.chunked_array([pa.array(cells, pa.string())])
    return Positional("t", "t.csv", ["x"], [field], [field], rows, [column], {}, ("",))


def _broken(cells: list[str | None], kind: str, name: str, limit: Any) -> list[bool]:
    field = {"name": "x", "type": kind, "constraints": {name: limit}}
    return [bool(b) for b in _breaks(_table(cells, field), 0, name, limit).to_pylist()]


@settings(deadline=None)
@given(CELLS, st.sampled_from(["minLength", "maxLength"]), st.integers(-2, 12), st.booleans())
def test_lengths_are_counted_in_characters(
    cells: list[str | None], name: str, limit: int, listed: bool
) -> None:
    def wrong(cell: str | None) -> bool:
        if not cell:  # no value: not checked
            return False
        size = cell.count(",") + 1 if listed else len(cell)
        return size < limit if name == "minLength" else size > limit

    expected = [wrong(c) for c in cells]
    assert _broken(cells, "list" if listed else "string", name, limit) == expected


@pytest.mark.parametrize(
    ("kind", "name", "limit", "message"),
    [("string", "minLength", 1, "must be at least 1 character long"),
     ("string", "maxLength", 2, "must be at most 2 characters long"),
     ("list", "minLength", 1, "must have at least 1 item"),
     ("array", "maxLength", 3, "must have at most 3 items"),
     ("integer", "minimum", 1, "must be 1 or more")],
)  # fmt: skip
def test_a_constraint_message_counts_characters_or_items(
    kind: str, name: str, limit: int, message: str
) -> None:
    field = {"name": "x", "type": kind, "constraints": {name: limit}}
    assert constraint_message(field, name) == message


@settings(deadline=None)
@given(CELLS, st.lists(st.one_of(st.text(alphabet="aé", max_size=2), st.integers()), max_size=4))
def test_a_text_enum_compares_the_text(cells: list[str | None], allowed: list[Any]) -> None:
    expected = [bool(c) and c not in allowed for c in cells]
    assert _broken(cells, "string", "enum", allowed) == expected


INTEGERS = st.one_of(
    st.integers(-(10**18) + 1, 10**18 - 1).map(str), st.sampled_from(["007", "-0", "+1"])
)


@settings(deadline=None)
@given(
    st.lists(st.one_of(st.none(), INTEGERS), min_size=1),
    st.sampled_from(["minimum", "maximum"]),
    st.one_of(st.integers(-(10**30), 10**30), st.integers(-5, 5)),
)
def test_integer_bounds(cells: list[str | None], name: str, bound: int) -> None:
    def canonical(c: str) -> bool:
        return c == str(int(c)) and c != "-0"

    expected = [
        c is not None and canonical(c) and (int(c) < bound if name == "minimum" else int(c) > bound)
        for c in cells
    ]
    assert _broken(cells, "integer", name, bound) == expected


@settings(deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.dates().map(dt.date.isoformat)), min_size=1),
    st.sampled_from(["minimum", "maximum"]),
    st.dates(),
)
def test_date_bounds(cells: list[str | None], name: str, bound: dt.date) -> None:
    expected = [
        c is not None
        and (
            dt.date.fromisoformat(c) < bound
            if name == "minimum"
            else dt.date.fromisoformat(c) > bound
        )
        for c in cells
    ]
    assert _broken(cells, "date", name, bound.isoformat()) == expected
