"""The files themselves: seeds byte-identical to the originals, CSVs in canonical form."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from conftest import read_rows
from ukraine_talks_data.package.bundle import bundle_dir
from ukraine_talks_data.package.schemas import primary_key, table_names, table_path, table_schema

ROOT = bundle_dir()
SHARED = ROOT.parent / "shared" / "seeds"


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_seeds_are_byte_identical_to_the_originals() -> None:
    originals = sorted(p.name for p in SHARED.iterdir())
    assert sorted(p.name for p in (ROOT / "seeds").iterdir()) == originals
    for name in originals:
        assert (ROOT / "seeds" / name).read_bytes() == (SHARED / name).read_bytes(), name


def test_sources_table_hashes_every_seed() -> None:
    rows = read_rows(ROOT / "data" / "sources.csv")
    assert sorted(r["path"] for r in rows) == sorted(
        f"seeds/{p.name}" for p in (ROOT / "seeds").iterdir()
    )
    for row in rows:
        assert hashlib.sha256((ROOT / row["path"]).read_bytes()).hexdigest() == row["sha256"]


@pytest.mark.parametrize("table", table_names())
def test_csv_is_canonical(table: str) -> None:
    """UTF-8 without BOM, LF line ends, header = schema fields, rows sorted by primary key."""
    path = ROOT / table_path(table)
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in data
    data.decode("utf-8")
    schema = table_schema(table)
    with path.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header == [f["name"] for f in schema["fields"]]
    ints = {f["name"] for f in schema["fields"] if f["type"] == "integer"}
    keys = [
        tuple(int(r[k]) if k in ints else r[k] for k in primary_key(schema))
        for r in read_rows(path)
    ]
    assert keys == sorted(keys)


def test_descriptor_lists_every_schema_and_seed() -> None:
    descriptor = json.loads((ROOT / "datapackage.json").read_text())
    paths = {r["path"] for r in descriptor["resources"]}
    for schema in (ROOT / "schemas").glob("*.json"):
        assert f"data/{schema.stem}.csv" in paths
    for seed in (ROOT / "seeds").iterdir():
        assert f"seeds/{seed.name}" in paths
    assert all(not Path(p).is_absolute() for p in paths)
