"""file_stats() records what the descriptor's bytes, hash and rows must say about a file."""

from __future__ import annotations

import csv
import json

from ukraine_talks_data.bundle import bundle_dir
from ukraine_talks_data.resource_stats import file_stats
from ukraine_talks_data.schemas import table_names, table_path

ROOT = bundle_dir()


def test_seed_stats_equal_the_descriptor() -> None:
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    seeds = [r for r in descriptor["resources"] if "hash" in r and "schema" not in r]
    assert seeds
    for resource in seeds:
        stats = file_stats(ROOT / resource["path"], table=False)
        assert stats == {"bytes": resource["bytes"], "hash": resource["hash"]}, resource["name"]


def test_table_rows_are_the_data_rows() -> None:
    for name in table_names():
        path = ROOT / table_path(name)
        with path.open(encoding="utf-8", newline="") as fh:
            expected = len(list(csv.reader(fh))) - 1
        assert file_stats(path, table=True)["rows"] == expected, name
