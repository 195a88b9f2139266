"""The Table Schema types the package uses, and what each becomes in every other form.

One row per type: the Arrow type (`loading.arrow`), the SQLite and DuckDB column types
(`export.sqlite`, `export.duckdb`) and the Python annotation in `models.py` (`codegen`).
A schema may use only these types (the validator's `schema_rules` says so too, and a test
holds every bundled field to this registry); adding one means adding its row here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TypeForms:
    """One Table Schema type in each form the package writes or reads it."""

    arrow: str
    """Name of the pyarrow type factory (`list_`: a list of strings)."""
    sqlite: str
    duckdb: str
    python: str
    """Annotation in the generated models (`dt` is the `datetime` module)."""


TYPES: dict[str, TypeForms] = {
    "string": TypeForms(arrow="string", sqlite="TEXT", duckdb="VARCHAR", python="str"),
    "integer": TypeForms(arrow="int64", sqlite="INTEGER", duckdb="BIGINT", python="int"),
    "number": TypeForms(arrow="float64", sqlite="REAL", duckdb="DOUBLE", python="float"),
    "boolean": TypeForms(arrow="bool_", sqlite="INTEGER", duckdb="BOOLEAN", python="bool"),
    "date": TypeForms(arrow="date32", sqlite="TEXT", duckdb="DATE", python="dt.date"),
    "list": TypeForms(arrow="list_", sqlite="TEXT", duckdb="VARCHAR[]", python="list[str]"),
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
