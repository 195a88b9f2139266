"""What the Parquet distribution's descriptor (`data/parquet/datapackage.json`) says, given
the CSV descriptor, the Table Schemas and each file's rows, bytes and hash.

`ukraine-talks build` writes it (`publish/parquet.py` measures the files); the validator
holds the descriptor it finds to the same function (`validate/rules/parquet_descriptor.py`),
so that what the build writes and what the validator accepts are one rule.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from .bundle import parquet_file_name

MEDIATYPE = "application/vnd.apache.parquet"

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


class FileStats(NamedTuple):
    """What the descriptor declares of one Parquet file as measured: the table resource's
    `rows`, the file resource's `bytes` and `hash`."""

    rows: Any
    bytes: Any
    hash: Any


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
    csv_descriptor: dict[str, Any],
    schemas: Mapping[str, dict[str, Any]],
    stats: Callable[[str], FileStats],
) -> dict[str, Any]:
    """The Frictionless descriptor of the Parquet files, `stats(table)` giving each file's
    measures.

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
        measured = stats(name)
        common = {"path": file_name, "scheme": "file", "format": "parquet", "mediatype": MEDIATYPE}
        table: dict[str, Any] = {"name": name, "type": "table", **common}
        for key in ("title", "description"):
            if key in resource:
                table[key] = resource[key]
        table["schema"] = parquet_schema(schemas[name])
        table["rows"] = measured.rows
        tables.append(table)
        files.append(
            {
                "name": file_name,
                "type": "file",
                **common,
                "bytes": measured.bytes,
                "hash": measured.hash,
            }
        )
    package["resources"] = tables + files
    return package
