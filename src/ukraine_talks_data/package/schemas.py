"""The bundled Table Schemas (schemas/*.json): the one source of truth for the tables' structure."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from .bundle import bundle_dir, bundled_descriptor


@cache
def _descriptor() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(bundled_descriptor().read_text(encoding="utf-8"))
    return data


def table_names() -> list[str]:
    """Names of the tables in the bundled package, in descriptor order."""
    return [r["name"] for r in _descriptor()["resources"] if "schema" in r]


@cache
def table_schema(name: str) -> dict[str, Any]:
    """The Table Schema of table `name`; raises KeyError listing the valid names."""
    for resource in _descriptor()["resources"]:
        if resource.get("name") == name and "schema" in resource:
            schema = resource["schema"]
            if isinstance(schema, str):
                schema = json.loads((bundle_dir() / schema).read_text(encoding="utf-8"))
            return dict(schema)
    raise KeyError(f"no table named {name!r}; the tables are: {', '.join(table_names())}")


def table_path(name: str) -> str:
    """Relative path of table `name`'s CSV file in the bundled package."""
    for resource in _descriptor()["resources"]:
        if resource.get("name") == name:
            return str(resource["path"])
    raise KeyError(f"no table named {name!r}; the tables are: {', '.join(table_names())}")


def primary_key(schema: dict[str, Any]) -> list[str]:
    key = schema.get("primaryKey") or []
    return [key] if isinstance(key, str) else list(key)


def is_required(field: dict[str, Any]) -> bool:
    return bool(field.get("constraints", {}).get("required", False))
