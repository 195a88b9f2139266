"""The Parquet files: every reader sees the CSV rows, with the types and metadata of the schemas."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest

from conftest import read_rows, set_cell
from ukraine_talks_data.loading.accessor import bundled_table
from ukraine_talks_data.loading.arrow import read_csv
from ukraine_talks_data.loading.parquet import (
    CSV_SHA256_KEY,
    PARQUET_DIR,
    fresh_parquet,
    read_parquet_file,
)
from ukraine_talks_data.package.bundle import bundle_dir
from ukraine_talks_data.package.schemas import primary_key, table_names, table_path, table_schema
from ukraine_talks_data.package.types import arrow_schema
from ukraine_talks_data.publish.build import build

ROOT = bundle_dir()
TABLES = table_names()


def parquet_path(table: str) -> Path:
    return ROOT / PARQUET_DIR / f"{table}.parquet"


@pytest.mark.parametrize("table", TABLES)
def test_every_reader_sees_the_csv_rows(table: str) -> None:
    rows = len(read_rows(ROOT / table_path(table)))
    path = parquet_path(table)
    assert pq.read_table(path).num_rows == rows
    assert len(pd.read_parquet(path)) == rows
    assert pl.read_parquet(path).height == rows
    with duckdb.connect() as con:
        assert con.execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchall() == [
            (rows,)
        ]


@pytest.mark.parametrize("table", TABLES)
def test_parquet_schema_and_metadata_come_from_the_table_schema(table: str) -> None:
    schema = table_schema(table)
    written = read_parquet_file(parquet_path(table)).schema
    metadata = dict(written.metadata or {})
    assert metadata.pop(CSV_SHA256_KEY.encode())
    assert written.with_metadata(metadata).equals(arrow_schema(schema), check_metadata=True)
    assert json.loads(metadata[b"primary_key"]) == primary_key(schema)
    for field in schema["fields"]:
        assert (
            written.field(field["name"]).metadata[b"description"].decode() == (field["description"])
        )


@pytest.mark.parametrize("table", TABLES)
def test_bundled_parquet_and_csv_give_the_same_table(table: str) -> None:
    schema = table_schema(table)
    from_parquet = fresh_parquet(parquet_path(table), ROOT / table_path(table), schema)
    assert from_parquet is not None, "the committed Parquet file is stale"
    from_csv = read_csv(ROOT / table_path(table), schema)
    assert from_parquet.equals(from_csv, check_metadata=True)
    assert bundled_table(table).equals(from_csv, check_metadata=True)


def test_stale_parquet_is_not_used(package: Path) -> None:
    root = package.parent
    build(root)
    csv = root / "data" / "actors.csv"
    parquet = root / PARQUET_DIR / "actors.parquet"
    assert fresh_parquet(parquet, csv, table_schema("actors")) is not None
    set_cell(csv, 0, "notes", "edited after the build")
    assert fresh_parquet(parquet, csv, table_schema("actors")) is None


def test_damaged_parquet_is_not_used(package: Path) -> None:
    root = package.parent
    build(root)
    parquet = root / PARQUET_DIR / "actors.parquet"
    parquet.write_bytes(parquet.read_bytes()[:100])
    assert fresh_parquet(parquet, root / "data" / "actors.csv", table_schema("actors")) is None


def test_parquet_with_other_schema_is_not_used(package: Path, tmp_path: Path) -> None:
    root = package.parent
    build(root)
    other = tmp_path / "actors.parquet"
    shutil.copyfile(root / PARQUET_DIR / "actors.parquet", other)
    schema = table_schema("actors")
    changed = {**schema, "fields": [{**f, "description": "other"} for f in schema["fields"]]}
    assert fresh_parquet(other, root / "data" / "actors.csv", changed) is None
