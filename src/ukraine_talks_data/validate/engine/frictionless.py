"""Table Schema validation by Frictionless, its errors turned into Issues with our message style.

Frictionless never sees the package's descriptor or opens a file: it gets the rows that
`csv/form.py` already parsed (inline data) and a sanitised copy of each schema
(`schema_rules.sanitised`). It therefore cannot be led to a remote profile, schema or
dialect, a compressed or non-CSV reader, another encoding, or a FIFO — and as a second
guard it runs untrusted, with an HTTP session that refuses every request.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import replace
from typing import Any, ClassVar

from ..csv.form import ParsedCsv
from ..inputs.schema_rules import as_list, field_names, sanitised, squeezed
from ..report.issues import Issue
from ..rules.constraints import constraint_message
from ..rules.shape import BLANK_ROW, EXTRA_CELL, LABEL_CODES, MISSING_CELL
from ..rules.unique import EMPTY_KEY, duplicate_message
from ..rules.values import type_message
from ..tables.context import Context


class _Offline:
    """An HTTP session for Frictionless that refuses every request."""

    headers: ClassVar[dict[str, str]] = {}

    def request(self, *args: object, **kwargs: object) -> None:
        raise ConnectionError("the validator never uses the network")

    get = head = post = request


def schema_issues(
    ctx: Context, retyped: Collection[tuple[str, int | None, str | None]] = ()
) -> Iterator[Issue]:
    """Validate every readable table with Frictionless (types, constraints, row widths,
    primary and unique keys; foreign keys are checked in rules/keys.py, header labels only
    by rules/shape.py)."""
    from frictionless import FrictionlessException, Package, system

    usable = {}
    for resource in ctx.descriptor.tables():
        parsed, schema = ctx.parsed(resource.name), ctx.schema(resource.name)
        if parsed is not None and parsed.complete and schema is not None:
            usable[resource.name] = (resource, parsed, schema)
    if not usable:
        return
    resources = [
        {
            "name": name,
            "type": "table",
            "data": _records(resource.path, parsed.records, schema, retyped),
            "schema": sanitised(schema),
            "dialect": {"headerRows": [1]},  # never guessed from the rows' widths
        }
        for name, (resource, parsed, schema) in usable.items()
    ]
    with system.use_context(trusted=False, http_session=_Offline()):
        try:
            report = Package({"name": "package", "resources": resources}).validate(limit_errors=0)
        except FrictionlessException as exc:
            yield _package_issue(ctx, exc.error.type, exc.error.note or exc.error.message)
            return
    for error in report.errors:
        yield _package_issue(ctx, error.type, error.note or error.message)
    for task in report.tasks:
        resource, parsed, schema = usable[task.name]
        found = [
            _as_written(_issue(resource.path, schema, e.to_descriptor()), parsed, schema)
            for e in task.errors
            if e.type not in LABEL_CODES  # the header is rules.STRICT's, read unstripped
        ]
        yield from without_echoes(found)


def _as_written(issue: Issue, parsed: ParsedCsv, schema: dict[str, Any]) -> Issue:
    """A unique, constraint or primary-key issue with the cells as written in the file
    (Frictionless gives the values it read: `True` for `true`, `None` for a missing cell,
    our stand-in for a cell not in canonical form)."""
    names = field_names(schema)
    if issue.code == "primary-key":
        positions = [names.index(k) for k in as_list(schema.get("primaryKey") or []) if k in names]
    elif issue.code in ("unique-error", "constraint-error") and issue.field in names:
        positions = [names.index(issue.field)]
    else:
        return issue
    cells = parsed.record(issue.row) if issue.row is not None else []
    value = ", ".join(cells[i] for i in positions if i < len(cells))
    return replace(issue, value=value or None)


def _records(
    path: str,
    records: list[list[str]],
    schema: dict[str, Any],
    retyped: Collection[tuple[str, int | None, str | None]],
) -> list[list[str]]:
    """`records` with each cell of `retyped` (file, row, field) replaced by a text of its own
    that no type reads: Frictionless then sees such a cell as we do, a type error that
    neither matches nor empties a key (it would read `+1` as 1, a duplicate of `1`)."""
    names = field_names(schema)
    cells = [(row, names.index(f)) for file, row, f in retyped if file == path and f in names]
    if not cells:
        return records
    out = list(records)
    for row, position in cells:
        if row is not None and 1 < row <= len(out) and position < len(out[row - 1]):
            out[row - 1] = list(out[row - 1])
            out[row - 1][position] = f"\x00not canonical {row}:{position}"
    return out


def _package_issue(ctx: Context, code: str, note: str) -> Issue:
    return Issue(ctx.descriptor.file.name, None, None, code, squeezed(note))


def without_echoes(issues: list[Issue]) -> Iterator[Issue]:
    """Drop what only repeats another issue: an empty primary key on a blank row, and a
    unique-error on a field whose duplicate primary key is already reported."""
    blank = {i.row for i in issues if i.code == "blank-row"}
    duplicate_keys = {(i.row, i.field) for i in issues if i.code == "primary-key"}
    for issue in issues:
        if issue.code == "primary-key" and issue.row in blank:
            continue
        if issue.code == "unique-error" and (issue.row, issue.field) in duplicate_keys:
            continue
        yield issue


def _issue(file: str, schema: dict[str, Any], e: dict[str, Any]) -> Issue:
    """One Frictionless error as an Issue naming file, row, field and value."""
    code: str = e["type"]
    row = e.get("rowNumber")
    field = e.get("fieldName") or None
    value = e.get("cell")
    note = squeezed(e.get("note") or "")
    if code == "type-error":
        message = type_message(_field(schema, field))
    elif code == "constraint-error":
        match = re.search(r'constraint "(\w+)"', note)
        name = match.group(1) if match else ""
        message = constraint_message(_field(schema, field), name)
    elif code == "primary-key":  # the value: the key's cells as written (_as_written)
        field = ",".join(as_list(schema.get("primaryKey") or [])) or None
        message = _duplicate_message("duplicate primary key", note)
    elif code == "unique-error":
        message = _duplicate_message("the value must be unique", note)
    elif code == "missing-cell":
        message, value = MISSING_CELL, None
    elif code == "extra-cell":
        message, field = EXTRA_CELL, f"column {e.get('fieldNumber')}"
    elif code == "blank-row":
        message, value = BLANK_ROW, None
    else:
        message = note or squeezed(e.get("message", code))
    if value == "":
        value = None
    return Issue(file, row, field, code, message, None if value is None else str(value))


def _duplicate_message(what: str, note: str) -> str:
    if "are all" in note:
        return EMPTY_KEY
    match = re.search(r"row at position (\d+)", note)
    if match:
        return duplicate_message(what, int(match.group(1)))
    return f"{what}: {note}" if note else what


def _field(schema: dict[str, Any], name: str | None) -> dict[str, Any]:
    return next((f for f in schema["fields"] if f.get("name") == name), {})
