"""Reading a CSV table into an Arrow table typed as its Table Schema says (`arrow_schema`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..package.digest import open_regular
from ..package.types import arrow_schema

if TYPE_CHECKING:
    import pyarrow as pa


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
    with open_regular(path) as fh:  # never a FIFO in a table's place: it would hang
        table = pacsv.read_csv(
            fh,
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
