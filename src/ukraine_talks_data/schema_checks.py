"""Table Schema validation by Frictionless, its errors turned into Issues with our message style."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .descriptor import Descriptor
from .report import Issue

_STRUCTURE = {
    "missing-cell": "the row has fewer cells than the header",
    "extra-cell": "the row has more cells than the header",
    "blank-row": "the row is blank",
    "blank-label": "a header cell is blank",
    "duplicate-label": "a header cell is repeated",
    "missing-label": "a column the schema requires is missing from the header",
    "extra-label": "the header has a column the schema does not define",
    "incorrect-label": "the header does not match the schema's field names",
}


def schema_issues(descriptor: Descriptor) -> Iterator[Issue]:
    """Validate every resource with Frictionless (types, constraints, keys, hashes, encoding)."""
    from frictionless import FrictionlessException, Package

    try:
        package = Package(str(descriptor.file))
        report = package.validate()
    except FrictionlessException as exc:
        error = exc.error
        yield Issue(
            descriptor.file.name, None, None, error.type, _clean(error.note or error.message)
        )
        return
    for error in report.errors:
        yield Issue(
            descriptor.file.name, None, None, error.type, _clean(error.note or error.message)
        )
    for task in report.tasks:
        resource = descriptor.resource(task.name)
        schema = resource.schema if resource else None
        file = task.place or (resource.path if resource else task.name)
        for error in task.errors:
            yield _issue(file, schema, error.to_descriptor())


def _issue(file: str, schema: dict[str, Any] | None, e: dict[str, Any]) -> Issue:
    """One Frictionless error as an Issue naming file, row, field and value."""
    code: str = e["type"]
    row = e.get("rowNumber")
    field = e.get("fieldName") or None
    value = e.get("cell")
    note = _clean(e.get("note") or "")
    if code == "type-error":
        kind = _field(schema, field).get("type", "value")
        message = f"not a valid {kind}"
    elif code == "constraint-error":
        message = f"breaks the schema's {note}"
    elif code == "foreign-key":
        fields = e.get("fieldNames") or []
        cells = e.get("fieldCells") or []
        field = ",".join(fields) or None
        value = ", ".join(c if c != "" else "(empty)" for c in cells)
        message = f"no {e.get('referenceName')} row has {field} = {value}"
    elif code == "primary-key":
        key = (schema or {}).get("primaryKey") or []
        field = ",".join(key if isinstance(key, list) else [key]) or None
        message = f"primary key: {note}" if note else "duplicate primary key"
        value = None
    elif code == "unique-error":
        message = f"value must be unique: {note}" if note else "value must be unique"
    elif code in {"hash-count", "byte-count"}:
        what = "SHA-256 hash" if code == "hash-count" else "size in bytes"
        message = f"the file's {what} differs from the descriptor's ({note})"
    elif code in _STRUCTURE:
        message = _STRUCTURE[code]
        if code in {"missing-label", "extra-label", "incorrect-label", "duplicate-label"}:
            value = value or field
        if code in {"blank-row"}:
            value = None
    else:
        message = note or _clean(e.get("message", code))
    if value == "":
        value = None
    return Issue(file, row, field, code, message, None if value is None else str(value))


def _field(schema: dict[str, Any] | None, name: str | None) -> dict[str, Any]:
    for f in (schema or {}).get("fields", []):
        if isinstance(f, dict) and f.get("name") == name:
            return f
    return {}


def _clean(text: str) -> str:
    return " ".join(str(text).split())


# The column engine (column_engine.py) turns its Frictionless-shaped errors into Issues here too.
issue_from_error = _issue
