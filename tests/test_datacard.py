"""The data card's composition table gives each table's row count as shipped."""

from __future__ import annotations

import re

import pytest

import ukraine_talks_data as u
from ukraine_talks_data.package.bundle import bundle_dir

CARD = bundle_dir() / "docs" / "datacard.md"
ROW = re.compile(r"^\| `(\w+)`(?: / `(\w+)`)? \| ([\d ]+)(?: / ([\d ]+))? \|", re.MULTILINE)


def _counts() -> dict[str, int]:
    counts: dict[str, int] = {}
    for first, second, n, m in ROW.findall(CARD.read_text(encoding="utf-8")):
        counts[first] = int(n)
        if second:
            counts[second] = int(m)
    return counts


@pytest.mark.parametrize("table", u.tables())
def test_the_data_card_counts_each_tables_rows(table: str) -> None:
    assert _counts()[table] == u.load(table).num_rows
