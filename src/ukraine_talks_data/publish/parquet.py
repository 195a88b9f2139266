"""Writing the Parquet distribution: one file per table in data/parquet/, built from the
CSVs, and its Frictionless descriptor data/parquet/datapackage.json.

Each file's Arrow schema is `package.types.arrow_schema()` of the table's Table Schema
(required → non-nullable, descriptions and primary key as metadata) plus
`source_csv_sha256`, the hash of the CSV it was built from, so that a reader can tell a
stale file from a fresh one (`loading.parquet.fresh_parquet()`). Files are written with fixed
options (`WRITE_OPTIONS`) and no timestamps: the same CSVs give the same bytes for a given
pyarrow version (the footer's `created_by` names it).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..loading.arrow import read_csv
from ..loading.parquet import CSV_SHA256_KEY, parquet_file_name
from ..package.digest import file_sha256
from ..package.parquet_descriptor import FileStats
from ..package.parquet_descriptor import parquet_descriptor as described
from .descriptor_stats import resource_stats

if TYPE_CHECKING:
    import pyarrow as pa

# Fixed writer options: no option is left to a default that could change between runs.
WRITE_OPTIONS: dict[str, Any] = {
    "version": "2.6",
    "compression": "zstd",
    "compression_level": 9,
    "use_dictionary": True,
    "write_statistics": True,
    "data_page_version": "1.0",
    "store_schema": True,
    "write_page_index": False,
    "row_group_size": 1_000_000,
}


def parquet_table(csv_path: Path, schema: dict[str, Any]) -> pa.Table:
    """The table to write: the CSV read with its Table Schema's types, plus the CSV's hash."""
    table = read_csv(csv_path, schema)
    metadata = dict(table.schema.metadata or {})
    metadata[CSV_SHA256_KEY.encode()] = file_sha256(csv_path).encode()
    return table.replace_schema_metadata(metadata)


def parquet_bytes(table: pa.Table) -> bytes:
    """The Parquet encoding of `table`, with `WRITE_OPTIONS`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, **WRITE_OPTIONS)
    data: bytes = sink.getvalue().to_pybytes()
    return data


def parquet_descriptor(
    csv_descriptor: dict[str, Any], schemas: dict[str, dict[str, Any]], folder: Path
) -> dict[str, Any]:
    """The Frictionless descriptor of the Parquet files in `folder`, as measured there
    (`package.parquet_descriptor`)."""

    def measured(name: str) -> FileStats:
        found = resource_stats(folder / parquet_file_name(name), _TABLE)
        return FileStats(found.rows, found.bytes, found.hash)

    return described(csv_descriptor, schemas, measured)


_TABLE = {"type": "table", "format": "parquet"}
