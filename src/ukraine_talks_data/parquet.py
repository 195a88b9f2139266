"""The Parquet distribution: one file per table in data/parquet/, built from the CSVs, and its
Frictionless descriptor data/parquet/datapackage.json.

Each file's Arrow schema is `arrow.arrow_schema()` of the table's Table Schema (required →
non-nullable, descriptions and primary key as metadata) plus `source_csv_sha256`, the hash
of the CSV it was built from, so a reader can tell a stale file from a fresh one. Files are
written with fixed options (`WRITE_OPTIONS`) and no timestamps: the same CSVs give the same
bytes for a given pyarrow version (the footer's `created_by` names it).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .arrow import arrow_schema, read_csv
from .descriptor_stats import file_sha256, resource_stats

if TYPE_CHECKING:
    import pyarrow as pa

PARQUET_DIR = "data/parquet"
PARQUET_DESCRIPTOR = f"{PARQUET_DIR}/datapackage.json"
MEDIATYPE = "application/vnd.apache.parquet"
CSV_SHA256_KEY = "source_csv_sha256"

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


def parquet_file_name(table: str) -> str:
    """File name of a table's Parquet file: `<table>.parquet`."""
    return f"{table}.parquet"


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


def read_parquet_file(path: Path) -> pa.Table:
    """A Parquet file as written: schema metadata included, list items named as Arrow names them.

    Parquet's standard list layout names a list's items "element"; Arrow's own list type
    (and `arrow_schema()`) names them "item". Reading renames them back.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    with pq.ParquetFile(path) as parquet:
        table: pa.Table = parquet.read()
    fields = [
        f.with_type(pa.list_(f.type.value_field.with_name("item")))
        if pa.types.is_list(f.type)
        else f
        for f in table.schema
    ]
    schema = pa.schema(fields, metadata=table.schema.metadata)
    if not schema.equals(table.schema, check_metadata=True):
        table = table.cast(schema)
    return table


def fresh_parquet(path: Path, csv_path: Path, schema: dict[str, Any]) -> pa.Table | None:
    """The table in Parquet file `path` if it was built from `csv_path` as it is now, else None.

    "Built from" means: the file records the CSV's current SHA-256 and its Arrow schema
    (fields, types, nullability, descriptions, primary key) equals `arrow_schema(schema)`.
    The table returned has exactly that schema, as `arrow.read_csv()` gives. A file that
    cannot be read as Parquet is not fresh either.
    """
    if not Path(path).is_file():
        return None
    try:
        table = read_parquet_file(path)
    except (OSError, ValueError):  # not Parquet, or damaged: the CSV is the truth
        return None
    metadata = dict(table.schema.metadata or {})
    recorded = metadata.pop(CSV_SHA256_KEY.encode(), b"").decode()
    if recorded != file_sha256(csv_path):
        return None
    table = table.replace_schema_metadata(metadata)
    if not table.schema.equals(arrow_schema(schema), check_metadata=True):
        return None
    return table


def parquet_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The Table Schema in the Parquet descriptor: list fields become `any` (see LIST_NOTE)."""
    out = copy.deepcopy(schema)
    for field in out["fields"]:
        if field.get("type") == "list":
            field["type"] = "any"
            field.pop("delimiter", None)
            field.pop("itemType", None)
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
    for key in ("name", "title", "description", "version", "licenses", "keywords"):
        if key in csv_descriptor:
            package[key] = copy.deepcopy(csv_descriptor[key])
    package["name"] = f"{csv_descriptor.get('name', 'package')}-parquet"
    package["title"] = f"{csv_descriptor.get('title', csv_descriptor.get('name', ''))} (Parquet)"
    package["description"] = " ".join(
        [str(csv_descriptor.get("description", "")), FILES_NOTE, LIST_NOTE]
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


def file_resource(descriptor: dict[str, Any], table: str) -> dict[str, Any]:
    """The file resource (bytes, hash) of a table's Parquet file in a Parquet descriptor."""
    file_name = parquet_file_name(table)
    for resource in descriptor.get("resources", []):
        if resource.get("type") == "file" and resource.get("path") == file_name:
            return dict(resource)
    raise KeyError(f"the Parquet descriptor has no file resource for {file_name}")
