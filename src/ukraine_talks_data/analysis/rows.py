"""Where the analyses read rows from: the bundled tables as dicts of typed values, or any
function that gives a table's rows (a `RowSource`), so tests can pass a tiny dataset."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

RowSource = Callable[[str], Sequence[dict[str, Any]]]
"""Table name → its rows as dicts of typed values (dates as `datetime.date`, lists as lists)."""


@cache
def bundled_rows(table: str) -> tuple[dict[str, Any], ...]:
    """The rows of a bundled table as dicts of typed values (read once per process)."""
    from ..loading.accessor import load

    return tuple(load(table).to_pylist())
