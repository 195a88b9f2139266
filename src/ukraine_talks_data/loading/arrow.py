"""Arrow types derived from the Table Schemas, and reading a CSV table into a typed Arrow table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..package.schemas import is_required, primary_key
from ..package.types import type_forms

if TYPE_CHECKING:
    import pyarrow as pa


def arrow_schema(schema: dict[str, Any]) -> pa.Schema:
    """Arrow schema for a Table Schema: required fields non-nullable, descriptions as metadata."""
    import pyarrow as pa

    fields = [
        pa.field(
            f["name"],
            type_forms(f).arrow_type(),
            nullable=not is_required(f),
            metadata={"description": f.get("description", "")},
        )
        for f in schema["fields"]
    ]
    metadata = {
        "primary_key": json.dumps(primary_key(schema)),
        "description": schema.get("description", ""),
    }
    return pa.schema(fields, metadata=metadata)


def read_csv(path: Path, schema: dict[str, Any]) -> pa.Table:
    """Read a CSV table with the types its Table Schema declares (empty cell → null)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    target = arrow_schema(schema)
    list_fields = {
        f["name"]: f.get("delimiter", ",") for f in schema["fields"] if f.get("type") == "list"
    }
    column_types = {f.name: (pa.string() if f.name in list_fields else f.type) for f in target}
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(encoding="utf8"),
        convert_options=pacsv.ConvertOptions(
            column_types=column_types,
            strings_can_be_null=True,
            null_values=[""],
            quoted_strings_can_be_null=True,
            include_columns=target.names,
        ),
    )
    columns = []
    for f in target:
        column = table.column(f.name)
        if f.name in list_fields:
            column = pc.split_pattern(column, pattern=list_fields[f.name])
        columns.append(column.cast(f.type))
    return pa.Table.from_arrays(columns, schema=target)
