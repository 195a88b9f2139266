"""Sizes, hashes and row counts in the descriptor: counted as Frictionless counts, validated."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from conftest import read_rows, write_rows
from ukraine_talks_data.package.schemas import table_names, table_path
from ukraine_talks_data.publish.descriptor_stats import refresh_descriptor, resource_stats
from ukraine_talks_data.validate import validate_package

STATS = ("byte-count", "hash-count", "row-count")


def test_resource_stats_of_csv_text_and_parquet(tmp_path: Path) -> None:
    csv = tmp_path / "t.csv"
    data = b'a,b\n1,"x\ny"\n2,z\n'
    csv.write_bytes(data)
    stats = resource_stats(csv, {"type": "table", "format": "csv"})
    assert (stats.bytes, stats.rows) == (len(data), 2)
    assert stats.hash == "sha256:" + hashlib.sha256(csv.read_bytes()).hexdigest()
    assert stats.as_descriptor() == {"bytes": len(data), "hash": stats.hash, "rows": 2}
    text = resource_stats(csv, {"type": "text"})
    assert text.rows is None and "rows" not in text.as_descriptor()
    parquet = tmp_path / "t.parquet"
    pq.write_table(pa.table({"a": [1, 2, 3]}), parquet)
    assert resource_stats(parquet, {"type": "table", "format": "parquet"}).rows == 3


def test_validate_reports_a_file_changed_after_the_build(package: Path) -> None:
    root = package.parent
    table = max(table_names(), key=lambda t: len(read_rows(root / table_path(t))))
    path = root / table_path(table)
    declared = next(r for r in json.loads(package.read_text())["resources"] if r["name"] == table)
    rows = read_rows(path)
    write_rows(path, rows[:-1], refresh=False)
    actual = resource_stats(path, declared)
    issues = [i.line() for i in validate_package(package).sorted() if i.code in STATS]
    rel = table_path(table)
    changed = "the file changed after the descriptor was written"
    assert issues == [
        f"{rel}: byte-count: the descriptor's bytes is {declared['bytes']}, but the file has "
        f"{actual.bytes} bytes: {changed}; record the new bytes in datapackage.json",
        f"{rel}: hash-count: the descriptor's hash is {declared['hash']}, but the file hashes "
        f"to {actual.hash}: {changed}; record the new hash in datapackage.json",
        f"{rel}: row-count: the descriptor's rows is {len(rows)}, but the file has "
        f"{len(rows) - 1} data rows: {changed}; a quoted field left open, a deleted or an "
        "added row changes it; record the new rows in datapackage.json",
    ]
    assert refresh_descriptor(package, paths=[rel]) is True
    assert not [i for i in validate_package(package).issues if i.code in STATS]
    assert refresh_descriptor(package) is False


def test_rows_of_a_cell_longer_than_the_csv_modules_cap_in_a_fresh_process(
    tmp_path: Path,
) -> None:
    """Counting rows does not rely on the validator having been imported first: Python's
    csv module refuses a cell over 128 KiB until its cap is lifted."""
    import subprocess
    import sys

    path = tmp_path / "t.csv"
    path.write_text("a,b\n1," + "x" * 200_000 + "\n2,y\n", encoding="utf-8")
    code = (
        "import sys; from pathlib import Path; "
        "from ukraine_talks_data.publish.descriptor_stats import csv_rows; "
        "print(csv_rows(Path(sys.argv[1])))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "2\n", "")
