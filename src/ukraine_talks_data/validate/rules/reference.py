"""Checks against the reference package: a fork may not loosen or drop the dataset's tables.

The reference schemas are the ones bundled with the installed distribution. Rows are
validated against them whatever a fork's schemas/*.json say (see `Context.schema`), and
every difference is reported, so that a loosened pattern or a dropped `required` cannot
sneak bad rows past the Table Schema checks. People validating their own derived package
turn this off (`validate_package(..., reference_schemas=False)`, CLI
`--allow-schema-changes`), and their own schemas are used instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..._version import __version__
from ..inputs.schema_rules import DOC_KEYS, as_list
from ..report.issues import Issue

_FIELD_DEFAULTS = {"type": "string", "format": "default", "constraints": {}}

if TYPE_CHECKING:
    from ..tables.columns import ColumnContext


def reference_tables_present(package: ColumnContext) -> Iterator[Issue]:
    """Every table of the reference package is a table of the package (its checks need it)."""
    ctx = package.rows
    if ctx.reference is None:
        return
    label = ctx.descriptor.file.name
    for name in ctx.reference:
        resource = ctx.descriptor.resource(name)
        if resource is None:
            message = "the package has no table of this name; the reference package has it"
        elif not resource.is_table:
            message = "this resource must be a table (with a schema), as in the reference package"
        else:
            continue
        yield Issue(label, None, name, "missing-resource", message)


def schema_matches_reference(package: ColumnContext) -> Iterator[Issue]:
    """A table's schema equals the reference schema of the same name, field by field
    (documentation keys such as description and title aside)."""
    ctx = package.rows
    if ctx.reference is None:
        return
    for resource in ctx.descriptor.tables():
        reference = ctx.reference.get(resource.name)
        if reference is None or resource.schema is None:
            continue
        for where, ours, theirs in _differences(resource.schema, reference):
            if theirs is _ABSENT:
                message = "is not in the reference schema"
            elif ours is _ABSENT:
                message = f"is missing; the reference schema has {_json(theirs)}"
            else:
                message = f"differs from the reference schema, which has {_json(theirs)}"
            yield Issue(
                resource.schema_label,
                None,
                resource.schema_prefix + where,
                "schema-changed",
                f"{message} (ukraine-talks-data {__version__}; --allow-schema-changes skips this "
                "for a derived package)",
                None if ours is _ABSENT else _json(ours),
            )


_ABSENT: Any = object()  # a key or field one side does not have


def _differences(ours: dict[str, Any], theirs: dict[str, Any]) -> Iterator[tuple[str, Any, Any]]:
    """(location, our value, reference value) for every validation-relevant difference."""
    our_fields = {f["name"]: f for f in ours["fields"]}
    ref_fields = {f["name"]: f for f in theirs["fields"]}
    for name, field in our_fields.items():
        if name not in ref_fields:
            yield name, _json(field), _ABSENT
    for name, ref in ref_fields.items():
        if name not in our_fields:
            yield name, _ABSENT, _field_view(ref)
            continue
        yield from _dict_differences(name, _field_view(our_fields[name]), _field_view(ref))
    common = [n for n in our_fields if n in ref_fields]
    if common != [n for n in ref_fields if n in our_fields]:
        yield "fields", [n for n in our_fields], [n for n in ref_fields]
    yield from _dict_differences("", _schema_view(ours), _schema_view(theirs))


def _dict_differences(
    where: str, ours: dict[str, Any], theirs: dict[str, Any]
) -> Iterator[tuple[str, Any, Any]]:
    for key in sorted(set(ours) | set(theirs)):
        a, b = ours.get(key, _ABSENT), theirs.get(key, _ABSENT)
        location = f"{where}.{key}" if where else key
        if isinstance(a, dict) and isinstance(b, dict):
            yield from _dict_differences(location, a, b)
        elif a != b:
            yield location, a, b


def _field_view(field: dict[str, Any]) -> dict[str, Any]:
    view = {k: v for k, v in field.items() if k not in DOC_KEYS and k != "name"}
    for key, default in _FIELD_DEFAULTS.items():
        view.setdefault(key, default)
    return view


def _schema_view(schema: dict[str, Any]) -> dict[str, Any]:
    view = {k: v for k, v in schema.items() if k not in DOC_KEYS and k != "fields"}
    view.setdefault("missingValues", [""])
    if isinstance(view.get("primaryKey"), str):
        view["primaryKey"] = [view["primaryKey"]]
    keys = []
    for fk in view.get("foreignKeys") or []:
        ref = fk["reference"]
        keys.append(
            {
                "fields": as_list(fk["fields"]),
                "reference": {
                    "resource": ref.get("resource", ""),
                    "fields": as_list(ref["fields"]),
                },
            }
        )
    view["foreignKeys"] = sorted(keys, key=_json)
    return view


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
