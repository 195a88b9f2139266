"""Reading the Parquet distribution: data/parquet/<table>.parquet, and telling a fresh file
(built from the CSV as it is now) from a stale one.

Each file records `source_csv_sha256`, the hash of the CSV it was built from
(`publish.parquet` writes them), and its Arrow schema is `package.types.arrow_schema()` of the
table's Table Schema; `fresh_parquet()` checks both. `file_resource()` finds a file's
bytes and hash in the Parquet descriptor (what `remote` checks a download against).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..package.bundle import CSV_SHA256_KEY as CSV_SHA256_KEY
from ..package.bundle import PARQUET_DESCRIPTOR as PARQUET_DESCRIPTOR
from ..package.bundle import PARQUET_DIR as PARQUET_DIR
from ..package.bundle import parquet_file_name as parquet_file_name
from ..package.digest import file_sha256
from ..package.types import arrow_schema

if TYPE_CHECKING:
    import pyarrow as pa


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


def file_resource(descriptor: dict[str, Any], table: str) -> dict[str, Any]:
    """The file resource (bytes, hash) of a table's Parquet file in a Parquet descriptor."""
    file_name = parquet_file_name(table)
    for resource in descriptor.get("resources", []):
        if resource.get("type") == "file" and resource.get("path") == file_name:
            return dict(resource)
    raise KeyError(f"the Parquet descriptor has no file resource for {file_name}")
