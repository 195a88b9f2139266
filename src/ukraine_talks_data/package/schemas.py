"""The bundled Table Schemas (schemas/*.json): the one source of truth for the tables' structure."""

from __future__ import annotations

from functools import cache
from typing import Any

from ..errors import LoadError
from .bundle import bundle_dir, bundled_descriptor, read_json


@cache
def bundled_raw() -> dict[str, Any]:
    """The bundled datapackage.json as JSON; a LoadError naming it when it cannot be read or
    has no list of resources (commands other than `validate` read it unvalidated)."""
    path = bundled_descriptor()
    data = read_json(path)
    resources = data.get("resources") if isinstance(data, dict) else None
    if not isinstance(resources, list) or not all(_usable(r) for r in resources):
        raise LoadError(
            f"{path} is not a data package descriptor with a list of resources, each with a "
            f"name and a path; `ukraine-talks validate {path}` says what is wrong"
        )
    return dict(data)


def _usable(resource: Any) -> bool:
    """Whether a resource of the bundled descriptor has a name and a path that can be
    opened (text without a NUL)."""
    return (
        isinstance(resource, dict)
        and isinstance(resource.get("name"), str)
        and isinstance(resource.get("path"), str)
        and "\0" not in resource["path"]
    )


def table_names() -> list[str]:
    """Names of the tables in the bundled package, in descriptor order."""
    return [r["name"] for r in bundled_raw()["resources"] if "schema" in r]


@cache
def table_schema(name: str) -> dict[str, Any]:
    """The Table Schema of table `name`; raises KeyError listing the valid names."""
    for resource in bundled_raw()["resources"]:
        if resource.get("name") == name and "schema" in resource:
            schema = resource["schema"]
            if isinstance(schema, str):
                schema = read_json(bundle_dir() / schema)
            if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
                raise LoadError(
                    f"{bundled_descriptor()}: the schema of {name!r} is not a Table Schema; "
                    f"`ukraine-talks validate` says what is wrong"
                )
            return dict(schema)
    raise KeyError(f"no table named {name!r}; the tables are: {', '.join(table_names())}")


def table_path(name: str) -> str:
    """Relative path of table `name`'s CSV file in the bundled package."""
    for resource in bundled_raw()["resources"]:
        if resource.get("name") == name:
            return str(resource["path"])
    raise KeyError(f"no table named {name!r}; the tables are: {', '.join(table_names())}")


def primary_key(schema: dict[str, Any]) -> list[str]:
    key = schema.get("primaryKey") or []
    return [key] if isinstance(key, str) else list(key)


def is_required(field: dict[str, Any]) -> bool:
    return bool(field.get("constraints", {}).get("required", False))
