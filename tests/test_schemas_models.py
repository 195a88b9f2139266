"""The schemas are the one source of truth: models.py and the Arrow types agree with them."""

from __future__ import annotations

import datetime as dt
import typing
from typing import Any

import pyarrow as pa
import pytest

from ukraine_talks_data.package.codegen import class_name, models_path, render_models
from ukraine_talks_data.package.models import MODELS
from ukraine_talks_data.package.schemas import is_required, primary_key, table_names, table_schema
from ukraine_talks_data.package.types import TYPES, arrow_schema, type_forms

TABLES = table_names()
# The mapping the publish issue specifies, written out independently of arrow.py.
EXPECTED_ARROW = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "list": pa.list_(pa.string()),
}
PY = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": bool,
    "date": dt.date,
    "list": list[str],
}


def test_models_py_is_generated_from_current_schemas() -> None:
    assert models_path().read_text(encoding="utf-8") == render_models(), (
        "models.py is stale: run `python -m ukraine_talks_data.package.codegen`"
    )


@pytest.mark.parametrize("table", TABLES)
def test_model_fields_match_schema(table: str) -> None:
    schema = table_schema(table)
    model = MODELS[table]
    assert model.__name__ == class_name(table)
    assert list(model.model_fields) == [f["name"] for f in schema["fields"]]
    for field in schema["fields"]:
        info = model.model_fields[field["name"]]
        assert info.is_required() == is_required(field), field["name"]
        assert info.description == field.get("description")
        annotation: Any = info.annotation
        args = typing.get_args(annotation)
        base = (
            next((a for a in args if a is not type(None)), annotation)
            if not is_required(field)
            else annotation
        )
        enum = field.get("constraints", {}).get("enum")
        if enum:
            assert list(typing.get_args(base)) == enum
        else:
            assert base == PY[field["type"]], field["name"]


@pytest.mark.parametrize("table", TABLES)
def test_every_field_has_a_description_and_known_type(table: str) -> None:
    schema = table_schema(table)
    assert schema.get("description")
    for field in schema["fields"]:
        assert field.get("description"), f"{table}.{field['name']} has no description"
        assert field["type"] in TYPES, f"{table}.{field['name']}: {field['type']}"
    assert primary_key(schema), f"{table} has no primary key"


@pytest.mark.parametrize("table", TABLES)
def test_arrow_schema_follows_table_schema(table: str) -> None:
    schema = table_schema(table)
    arrow = arrow_schema(schema)
    assert arrow.names == [f["name"] for f in schema["fields"]]
    for field in schema["fields"]:
        af = arrow.field(field["name"])
        assert af.type == EXPECTED_ARROW[field["type"]], field["name"]
        assert af.nullable == (not is_required(field))
        assert af.metadata[b"description"].decode() == field["description"]
    assert arrow.metadata[b"primary_key"] == str(primary_key(schema)).replace("'", '"').encode()


@pytest.mark.parametrize("kind", sorted(TYPES))
def test_each_type_has_its_arrow_type(kind: str) -> None:
    assert TYPES[kind].arrow_type() == EXPECTED_ARROW[kind]


def test_arrow_rejects_unknown_type() -> None:
    with pytest.raises(ValueError, match="'geopoint' is not one of the package's types"):
        arrow_schema({"fields": [{"name": "where", "type": "geopoint"}]})
    assert type_forms({"name": "d", "type": "date"}).arrow_type() == pa.date32()
