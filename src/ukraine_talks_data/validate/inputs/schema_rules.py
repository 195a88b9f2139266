"""What a Table Schema must look like before Frictionless may see it, and its sanitised copy.

A fork's schema is untrusted input: a malformed one must become a clear `schema-error`
naming the schema file and the field, never a crash inside Frictionless; and only the keys
listed here reach Frictionless (no `jsonSchema` constraint, whose `$ref` could reach the
network, no JSON-valued field types). The rules here are what this validator demands beyond
Table Schema and what must hold before a sanitised copy can be made; the JSON types of the
rest (boolean `required`, string `pattern` and `delimiter`, lists of strings for
`missingValues`, known constraint names) are left to Frictionless's own profile.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterator, Mapping
from typing import Any

from ...package.types import TYPES
from ..report.issues import Issue
from .resource_rules import shown, whole_number

CONSTRAINTS: dict[str, tuple[str, ...]] = {k: t.constraints for k, t in TYPES.items()}
"""The field types the package reads (`package/types.py`, the one type registry), each with
the constraints Table Schema gives it: what `rules/constraints.py` checks and a schema
must keep to (other types, formats and constraints are refused here rather than
half-honoured, so that a valid package is one that loads and exports)."""
SUPPORTED_TYPES = tuple(CONSTRAINTS)
_LENGTH = ("minLength", "maxLength")
_BOUND = ("minimum", "maximum")
_FIELD_KEYS = ("delimiter", "itemType", "missingValues")
"""Field properties besides type and constraints that the sanitised copy keeps."""
_CANONICAL_ONLY = ("format", "trueValues", "falseValues", "bareNumber", "groupChar", "decimalChar")
"""Field properties that let a cell be written in another form: refused, since every
typed cell must be in its canonical form (`tables/values.py`)."""
DOC_KEYS = frozenset({"description", "title", "example", "examples", "rdfType", "$schema"})
"""Keys that document a schema or field without changing what is valid."""


def schema_problems(schema: object, file: str, prefix: str = "") -> list[Issue]:
    """Everything that makes `schema` unusable, as `schema-error` Issues located in `file`.

    `prefix` starts each location (e.g. `actors.schema.` for a schema inline in the
    descriptor); the rest names the field (`kind.constraints.enum`) or its index.
    """
    return list(_problems(schema, file, prefix))


def foreign_key_problems(
    name: str,
    schema: Mapping[str, Any],
    tables: Mapping[str, Mapping[str, Any] | None],
    file: str,
    prefix: str = "",
) -> list[Issue]:
    """Foreign keys of table `name` that point at no table, or at fields it does not have.

    `tables` maps every table resource of the package to its schema (None when unusable).
    """
    issues: list[Issue] = []
    for index, fk in enumerate(schema.get("foreignKeys") or []):
        where = f"{prefix}foreignKeys[{index}].reference"
        reference = fk["reference"]
        target = reference.get("resource") or name
        if target not in tables:
            message = f"refers to table '{target}', which the package does not have"
            issues.append(_issue(file, f"{where}.resource", message, target))
        elif tables[target] is not None:  # else its own schema-error is reported
            names = field_names(tables[target] or {})
            message = f"table '{target}' has no field of this name"
            missing = [f for f in as_list(reference["fields"]) if f not in names]
            issues.extend(_issue(file, f"{where}.fields", message, f) for f in missing)
    return issues


def sanitised(schema: Mapping[str, Any], *, patterns: bool = False) -> dict[str, Any]:
    """A copy of a well-formed schema holding only what Frictionless needs to validate rows:
    fields (type, constraints, delimiter, item type, missing values), primary key and
    missing values. Foreign keys and
    `pattern` constraints are left out (unless `patterns`, for the profile check, which
    never matches one): `rules/keys.py` checks the keys, `rules/constraints.py` the
    patterns, on RE2; Python's `re` never runs a package's pattern."""
    fields = []
    for f in schema["fields"]:
        out: dict[str, Any] = {"name": f["name"], "type": f.get("type", "string")}
        for key in _FIELD_KEYS:
            if key in f:
                out[key] = f[key]
        constraints = dict(f.get("constraints") or {})
        if not patterns:
            constraints.pop("pattern", None)
        if constraints:
            out["constraints"] = constraints
        fields.append(out)
    result: dict[str, Any] = {"fields": fields}
    if schema.get("primaryKey"):
        result["primaryKey"] = as_list(schema["primaryKey"])
    if "missingValues" in schema:
        result["missingValues"] = schema["missingValues"]
    return result


def field_names(schema: Mapping[str, Any]) -> list[str]:
    """Names of a schema's fields, skipping entries that are not objects with a string name."""
    fields = schema.get("fields")
    if not isinstance(fields, list):
        return []
    return [f["name"] for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)]


def _problems(schema: object, file: str, prefix: str) -> Iterator[Issue]:
    if not isinstance(schema, dict):
        yield _issue(file, prefix.rstrip(".") or None, "a Table Schema must be a JSON object")
        return
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        yield _issue(file, f"{prefix}fields", "a Table Schema needs a non-empty 'fields' list")
        return
    yield from _text_problems(schema, file, prefix.rstrip(".") or None)
    seen: set[str] = set()
    for index, f in enumerate(fields):
        if not isinstance(f, dict):
            yield _issue(file, f"{prefix}fields[{index}]", "a field must be a JSON object")
            continue
        name = f.get("name")
        if not isinstance(name, str) or not name:
            yield _issue(file, f"{prefix}fields[{index}].name", "a field needs a non-empty name")
            continue
        if name in seen:
            yield _issue(file, f"{prefix}fields[{index}].name", "field names must be unique", name)
            continue
        seen.add(name)
        yield from _field_problems(f, file, f"{prefix}{name}")
    yield from _key_problems(schema, seen, file, prefix)


def _text_problems(part: dict[str, Any], file: str, where: str | None) -> Iterator[Issue]:
    """A `title` or `description` that is not text: the build writes it into each Parquet
    file's metadata (`package.types.arrow_schema`), which takes text only."""
    for key in ("title", "description"):
        if key in part and not isinstance(part[key], str):
            at = f"{where}.{key}" if where else key
            yield _issue(file, at, "must be text (a JSON string)", _show(part[key]))


def _field_problems(f: dict[str, Any], file: str, where: str) -> Iterator[Issue]:
    yield from _text_problems(f, file, where)
    kind = f.get("type", "string")
    if kind not in SUPPORTED_TYPES:
        yield _issue(
            file,
            f"{where}.type",
            f"type is not supported; use one of: {', '.join(SUPPORTED_TYPES)}",
            str(kind),
        )
        return
    for key in _CANONICAL_ONLY:
        if key in f and not (key == "format" and f[key] == "default"):
            yield _issue(
                file, f"{where}.{key}",
                "is not supported: typed cells are written in one canonical form "
                "(integers 42, numbers 3.5, booleans true/false, dates 2022-01-31)",
                _show(f[key]),
            )  # fmt: skip
    if "delimiter" in f and not f["delimiter"]:
        yield _issue(file, f"{where}.delimiter", "must not be empty")
    if f.get("itemType", "string") != "string":
        yield _issue(file, f"{where}.itemType", "item type is not supported", _show(f["itemType"]))
    constraints = f.get("constraints", {})
    if not isinstance(constraints, dict):
        yield _issue(file, f"{where}.constraints", "must be a JSON object", _show(constraints))
        return
    for key, value in constraints.items():
        if key in {c for cs in CONSTRAINTS.values() for c in cs} - set(CONSTRAINTS[kind]):
            article = "an" if kind[0] in "aeiou" else "a"
            yield _issue(
                file, f"{where}.constraints.{key}", f"does not apply to {article} {kind} field",
                _show(value),
            )  # fmt: skip
            continue
        yield from _constraint_problems(kind, key, value, file, f"{where}.constraints.{key}")


def _constraint_problems(
    kind: str, key: str, value: object, file: str, where: str
) -> Iterator[Issue]:
    if key in _LENGTH:
        if not whole_number(value):
            yield _issue(file, where, "must be a whole number, 0 or more", _show(value))
    elif key in _BOUND:
        if not _of_type(kind, value):  # bounds of other types are refused before this
            yield _issue(file, where, f"must be a value of the field's type, {kind}", _show(value))
    elif key == "pattern" and isinstance(value, str):
        problem = pattern_problem(value)
        if problem is not None:
            yield _issue(
                file,
                where,
                f"is not a valid RE2 regular expression ({problem}); patterns run on RE2, "
                "which has no backreferences or look-arounds",
                value,
            )
    elif key == "enum":
        scalars = isinstance(value, list) and all(
            isinstance(v, str | int | float | bool) for v in value
        )
        if not scalars or not value:
            yield _issue(file, where, "must be a non-empty list of values", _show(value))
        elif isinstance(value, list) and not all(_of_type(kind, v) for v in value):
            yield _issue(file, where, f"must list values of the field's type, {kind}", _show(value))
    elif key == "jsonSchema":
        yield _issue(
            file, where, "jsonSchema constraints are not supported (they can load remote schemas)"
        )


def _key_problems(
    schema: dict[str, Any], names: set[str], file: str, prefix: str
) -> Iterator[Issue]:
    if "primaryKey" in schema:
        key = schema["primaryKey"]
        if not (isinstance(key, str) or _strings(key)) or not key:
            yield _issue(file, f"{prefix}primaryKey", "must be a field name or a list of them")
        else:
            fields = [f for f in schema["fields"] if isinstance(f, dict)]
            lists = {f.get("name") for f in fields if f.get("type") == "list"}
            for part in as_list(key):
                if part not in names:
                    yield _issue(file, f"{prefix}primaryKey", "no field of this name", part)
                elif part in lists:
                    yield _issue(
                        file, f"{prefix}primaryKey", "a list field cannot be part of a key", part
                    )
    fks = schema.get("foreignKeys", [])
    if not isinstance(fks, list):
        yield _issue(file, f"{prefix}foreignKeys", "must be a list")
        return
    for index, fk in enumerate(fks):
        where = f"{prefix}foreignKeys[{index}]"
        if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict):
            yield _issue(file, where, "a foreign key needs 'fields' and a 'reference' object")
            continue
        ref = fk["reference"]
        own, theirs = fk.get("fields"), ref.get("fields")
        if not _names(own) or not _names(theirs):
            yield _issue(
                file, where, "'fields' and 'reference.fields' must be field names or lists of them"
            )
            continue
        if len(as_list(own)) != len(as_list(theirs)):
            yield _issue(file, where, "'fields' and 'reference.fields' differ in length")
            continue
        if not isinstance(ref.get("resource", ""), str):
            yield _issue(file, f"{where}.reference.resource", "must be a table name")
            continue
        for part in as_list(own):
            if part not in names:
                yield _issue(file, f"{where}.fields", "no field of this name", part)


def frictionless_problems(schema: Mapping[str, Any], file: str, prefix: str = "") -> list[Issue]:
    """What Frictionless's own Table Schema profile rejects in a schema that passed the rules
    above (e.g. a constraint its type does not support), located at the field.

    A schema equal to one bundled with this distribution is accepted without asking
    Frictionless (which takes most of a small validation's time to import): a test holds
    every bundled schema to Frictionless's profile.
    """
    if is_bundled_schema(schema):
        return []
    found = _profile_errors(json.dumps(sanitised(schema, patterns=True)))
    if found is None:
        return []
    whole = prefix.rstrip(".") or None
    issues = [_issue(file, f"{prefix}{name}" if name else whole, note) for name, note in found]
    return issues or [_issue(file, whole, "Frictionless rejects this schema")]


@functools.lru_cache(maxsize=1024)
def _profile_errors(text: str) -> tuple[tuple[str | None, str], ...] | None:
    """None if Frictionless's profile accepts the sanitised schema (JSON `text`), else its
    errors as (field name, or None for the schema's own keys, note), each field's found by
    validating it alone: a package repeating one schema for many resources asks once."""
    from frictionless import Schema

    schema = json.loads(text)
    report = Schema.validate_descriptor(schema)
    if report.valid:
        return None
    found: list[tuple[str | None, str]] = [
        (None, squeezed(e.note or e.message)) for e in report.errors if e.type != "field-error"
    ]
    for f in schema["fields"]:
        report = Schema.validate_descriptor({"fields": [f]})
        found.extend((f["name"], squeezed(e.note or e.message)) for e in report.errors)
    return tuple(found)


def is_bundled_schema(schema: Mapping[str, Any]) -> bool:
    """Whether `schema` is one of the Table Schemas bundled with this distribution, to the
    JSON type of every value (`"required": 1` is not `true`: the profile refuses it)."""
    return json.dumps(schema, sort_keys=True) in _bundled_texts()


@functools.cache
def _bundled_texts() -> frozenset[str]:
    from ...errors import LoadError
    from ...package.schemas import table_names, table_schema

    try:
        return frozenset(json.dumps(table_schema(name), sort_keys=True) for name in table_names())
    except LoadError:  # a damaged bundle (a checkout validating itself): nothing skips the check
        return frozenset()


def _of_type(kind: str, value: object) -> bool:
    """Whether a constraint's `value` is a value of a `kind` field (an integer bound or enum
    value of an integer field, not 0.5 or true; a date as an ISO string)."""
    if kind == "date":
        try:
            dt.date.fromisoformat(value)  # type: ignore[arg-type]  # not a str: TypeError
        except (TypeError, ValueError):
            return False
        return True
    number = not isinstance(value, bool)  # `true` is an int to Python, not to JSON
    return {
        "integer": number and isinstance(value, int),
        "number": number and isinstance(value, int | float),
        "boolean": isinstance(value, bool),
        "string": isinstance(value, str),
    }.get(kind, False)


def squeezed(text: object) -> str:
    """A message from Frictionless on one line, its runs of white space one space each."""
    return " ".join(str(text).split())


def _issue(file: str, field: str | None, message: str, value: str | None = None) -> Issue:
    return Issue(file, None, field, "schema-error", message, value)


def as_list(value: Any) -> list[Any]:
    """A key's fields as a list (Table Schema allows one name as a string)."""
    return [value] if isinstance(value, str) else list(value)


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _names(value: object) -> bool:
    return (isinstance(value, str) and bool(value)) or (
        _strings(value) and bool(value) and all(value)  # type: ignore[arg-type]
    )


def _show(value: object) -> str:
    return shown(value, 80)


def pattern_problem(pattern: str) -> str | None:
    """Why RE2 (Arrow's regular expressions, which run patterns) cannot compile `pattern`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        pc.match_substring_regex(pa.array([""], pa.string()), pattern)
    except pa.ArrowInvalid as exc:
        return str(exc).removeprefix("Invalid regular expression: ")
    except UnicodeError:
        return "not encodable as UTF-8"
    return None
