"""Writing the Parquet distribution: one file per table in data/parquet/, built from the
CSVs, and its Frictionless descriptor data/parquet/datapackage.json.

Each file's Arrow schema is `loading.arrow.arrow_schema()` of the table's Table Schema
(required → non-nullable, descriptions and primary key as metadata) plus
`source_csv_sha256`, the hash of the CSV it was built from, so that a reader can tell a
stale file from a fresh one (`loading.parquet.fresh_parquet()`). Files are written with fixed
options (`WRITE_OPTIONS`) and no timestamps: the same CSVs give the same bytes for a given
pyarrow version (the footer's `created_by` names it).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..loading.arrow import read_csv
from ..loading.parquet import CSV_SHA256_KEY, parquet_file_name
from ..package.digest import file_sha256
from .descriptor_stats import resource_stats

if TYPE_CHECKING:
    import pyarrow as pa

MEDIATYPE = "application/vnd.apache.parquet"
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

FILES_NOTE = (
    "Each Parquet file is described twice: as a table resource (schema, rows) and as a file "
    "resource named after the file (bytes, SHA-256 hash), because Frictionless reads Parquet "
    "tables without measuring their bytes."
)
LIST_NOTE = (
    "List fields (Table Schema type list) are list<string> columns in these files; this "
    "descriptor declares them as type any because Frictionless reads Parquet through pandas, "
    "which gives list cells as arrays that its list type does not accept."
)
BOUNDS_NOTE = (
    "Optional number fields are declared here without minimum and maximum: pandas gives "
    "their empty cells as NaN, which Frictionless compares with the bounds; the bounds are "
    "checked on the CSV files."
)


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


def parquet_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The Table Schema in the Parquet descriptor: list fields become `any` (see LIST_NOTE);
    optional number fields lose their bounds (see BOUNDS_NOTE)."""
    out = copy.deepcopy(schema)
    for field in out["fields"]:
        if field.get("type") == "list":
            field["type"] = "any"
            field.pop("delimiter", None)
            field.pop("itemType", None)
        constraints = field.get("constraints", {})
        if field.get("type") == "number" and not constraints.get("required"):
            constraints.pop("minimum", None)
            constraints.pop("maximum", None)
            if not constraints:
                field.pop("constraints", None)
    return out


def parquet_descriptor(
    csv_descriptor: dict[str, Any], schemas: dict[str, dict[str, Any]], folder: Path
) -> dict[str, Any]:
    """The Frictionless descriptor of the Parquet files in `folder`.

    Package metadata comes from the CSV descriptor. Each file appears twice: as a table
    resource named after the table (inline schema, `rows`), and as a file resource named
    after the file (`bytes`, `hash`). Frictionless reads a Parquet table without measuring
    its bytes, so only a file resource lets the stock `frictionless validate` check them.
    """
    package: dict[str, Any] = {}
    keys = ("name", "title", "description", "version", "created", "contributors", "sources")
    for key in (*keys, "licenses", "keywords"):
        if key in csv_descriptor:
            package[key] = copy.deepcopy(csv_descriptor[key])
    package["name"] = f"{csv_descriptor.get('name', 'package')}-parquet"
    package["title"] = f"{csv_descriptor.get('title', csv_descriptor.get('name', ''))} (Parquet)"
    package["description"] = " ".join(
        [str(csv_descriptor.get("description", "")), FILES_NOTE, LIST_NOTE, BOUNDS_NOTE]
    ).strip()
    tables: list[dict[str, Any]] = []
    files: list[dict[str, Any]] = []
    for resource in csv_descriptor["resources"]:
        name = resource["name"]
        if name not in schemas:
            continue
        file_name = parquet_file_name(name)
        stats = resource_stats(folder / file_name, {"type": "table", "format": "parquet"})
        common = {"path": file_name, "scheme": "file", "format": "parquet", "mediatype": MEDIATYPE}
        table: dict[str, Any] = {"name": name, "type": "table", **common}
        for key in ("title", "description"):
            if key in resource:
                table[key] = resource[key]
        table["schema"] = parquet_schema(schemas[name])
        table["rows"] = stats.rows
        tables.append(table)
        files.append(
            {"name": file_name, "type": "file", **common, "bytes": stats.bytes, "hash": stats.hash}
        )
    package["resources"] = tables + files
    return package
