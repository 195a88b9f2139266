"""The Table Schema types the package uses, and what each becomes in every other form.

One row per type: the Arrow type (`arrow_type()`, and a table's `arrow_schema()`, which the
loader, the build and the validator's Parquet rule use), the SQLite and DuckDB column types
(`export.sqlite`, `export.duckdb`), the Python annotation in `models.py` (`codegen`) and
the constraints Table Schema gives the type, which the validator checks (`schema_rules`,
`rules/constraints.py`). A schema may use only these types (the validator refuses any
other, so that every valid package loads and exports); adding one means adding its row
here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .schemas import is_required, primary_key

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class TypeForms:
    """One Table Schema type in each form the package writes or reads it."""

    arrow: str
    """Name of the pyarrow type factory (`list_`: a list of strings)."""
    sqlite: str
    duckdb: str
    python: str
    """Annotation in the generated models (`dt` is the `datetime` module)."""
    constraints: tuple[str, ...]
    """The Table Schema constraints a field of this type may have."""

    def arrow_type(self) -> pa.DataType:
        """The Arrow type: what the build writes to Parquet and the loader reads."""
        import pyarrow as pa

        if self.arrow == "list_":
            return pa.list_(pa.string())
        result: pa.DataType = getattr(pa, self.arrow)()
        return result


_KEYED = ("required", "unique")
_BOUNDED = (*_KEYED, "minimum", "maximum", "enum")

TYPES: dict[str, TypeForms] = {
    "string": TypeForms(
        "string", "TEXT", "VARCHAR", "str", (*_KEYED, "minLength", "maxLength", "pattern", "enum")
    ),
    "integer": TypeForms("int64", "INTEGER", "BIGINT", "int", _BOUNDED),
    "number": TypeForms("float64", "REAL", "DOUBLE", "float", _BOUNDED),
    "boolean": TypeForms("bool_", "INTEGER", "BOOLEAN", "bool", (*_KEYED, "enum")),
    "date": TypeForms("date32", "TEXT", "DATE", "dt.date", _BOUNDED),
    "list": TypeForms(
        "list_", "TEXT", "VARCHAR[]", "list[str]", ("required", "minLength", "maxLength")
    ),
}


def type_forms(field: dict[str, Any]) -> TypeForms:
    """The forms of a Table Schema field's type; ValueError for a type the package lacks."""
    kind = field.get("type", "string")
    if kind not in TYPES:
        raise ValueError(
            f"field {field.get('name')!r}: Table Schema type {kind!r} is not one of the "
            f"package's types ({', '.join(TYPES)})"
        )
    return TYPES[kind]


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
