"""What the column engine checks: a package's resources and Table Schemas compiled into plans.

The column engine reproduces Frictionless's validation for the forms of Data Package, Table
Schema and CSV Dialect listed here — the ones this dataset uses, and the common core of most
packages. `compile_package` accepts a descriptor only when every property is one of these
forms with a value Frictionless accepts; anything else raises `UnsupportedError`, and validation
falls back to Frictionless itself, so that both engines always report the same errors.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Any

from ...csv.records import CsvDialect
from ...inputs.descriptor import Descriptor

NAME = re.compile(r"^([-a-z0-9._/])+$")  # Frictionless's (v1) name pattern
TABLE_SCHEMA_V1 = "https://specs.frictionlessdata.io/schemas/table-schema.json"

PACKAGE_KEYS = {
    "name",
    "title",
    "description",
    "homepage",
    "version",
    "image",
    "keywords",
    "licenses",
    "resources",
}
RESOURCE_KEYS = {
    "name",
    "type",
    "path",
    "scheme",
    "format",
    "mediatype",
    "encoding",
    "title",
    "description",
    "schema",
    "dialect",
    "bytes",
    "hash",
    "rows",  # checked by the dataset's checks (descriptor stats), never by this engine
}
SCHEMA_KEYS = {"$schema", "fields", "primaryKey", "foreignKeys", "missingValues", "description"}
FIELD_KEYS = {"name", "type", "format", "title", "description", "constraints", "missingValues"}
TYPE_KEYS = {
    "string": set(),
    "integer": set(),
    "number": set(),
    "boolean": {"trueValues", "falseValues"},
    "date": set(),
    "list": {"delimiter", "itemType"},
    "any": set(),
}
# Constraints each type supports, in the order Frictionless checks them.
CONSTRAINTS = {
    "string": ["required", "minLength", "maxLength", "pattern", "enum"],
    "integer": ["required", "minimum", "maximum", "enum"],
    "number": ["required", "minimum", "maximum", "enum"],
    "boolean": ["required", "enum"],
    "date": ["required", "minimum", "maximum", "enum"],
    "list": ["required", "minLength", "maxLength"],
    "any": ["required", "enum"],
}
CSV_KEYS = {"delimiter", "lineTerminator", "quoteChar", "doubleQuote", "skipInitialSpace"}
TRUE_VALUES = ("true", "True", "TRUE", "1")
FALSE_VALUES = ("false", "False", "FALSE", "0")


class UnsupportedError(Exception):
    """The package uses a form the column engine does not reproduce; Frictionless validates it."""


@dataclass(frozen=True)
class FieldPlan:
    """One field of a Table Schema, as Frictionless reads and checks its cells."""

    name: str
    type: str
    constraints: dict[str, Any]
    missing_values: tuple[str, ...]
    true_values: tuple[str, ...] = TRUE_VALUES
    false_values: tuple[str, ...] = FALSE_VALUES
    delimiter: str = ","

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required"))

    @property
    def unique(self) -> bool:
        return bool(self.constraints.get("unique"))

    def checked_constraints(self) -> list[str]:
        """The constraints checked on each cell, in Frictionless's order."""
        return [c for c in CONSTRAINTS[self.type] if self.constraints.get(c) is not None]


def any_field(name: str) -> FieldPlan:
    """The field Frictionless gives a header label that the schema does not define."""
    return FieldPlan(name, "any", {}, ("",))


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str  # the referenced table (its own name for a self-reference)
    reference_fields: tuple[str, ...]
    label: str  # the reference as declared ("" for a self-reference), as errors name it


@dataclass(frozen=True)
class TablePlan:
    """A CSV table resource: where it is, how to read it, and its schema."""

    name: str
    path: str
    fields: tuple[FieldPlan, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    dialect: CsvDialect
    encoding: str | None  # declared encoding (normalised), None to detect it
    hash: str | None
    bytes: int | None


@dataclass(frozen=True)
class FilePlan:
    """A resource that is not a table: only its size and hash are checked."""

    name: str
    path: str
    hash: str | None
    bytes: int | None


@dataclass
class PackagePlan:
    """Every resource of a package, in descriptor order."""

    resources: list[TablePlan | FilePlan] = field(default_factory=list)

    def tables(self) -> dict[str, TablePlan]:
        return {r.name: r for r in self.resources if isinstance(r, TablePlan)}


def compile_package(descriptor: Descriptor) -> PackagePlan:
    """The package's plan; raises UnsupportedError for anything outside the forms above."""
    raw = descriptor.raw
    _keys(raw, PACKAGE_KEYS, "package")
    name = raw.get("name")
    if name is not None and not (isinstance(name, str) and NAME.match(name)):
        raise UnsupportedError("package name")
    for key in ("title", "description", "homepage", "version", "image"):
        _string(raw, key)
    keywords = raw.get("keywords", [])
    if not (isinstance(keywords, list) and all(isinstance(k, str) for k in keywords)):
        raise UnsupportedError("keywords")
    licenses = raw.get("licenses", [])
    if not isinstance(licenses, list):
        raise UnsupportedError("licenses")
    for item in licenses:
        if not isinstance(item, dict) or set(item) - {"name", "path", "title"}:
            raise UnsupportedError("licenses")
        if not all(isinstance(v, str) for v in item.values()):
            raise UnsupportedError("licenses")
        if not (item.get("name") or item.get("path")):
            raise UnsupportedError("licenses")
    resources = raw.get("resources")
    if not isinstance(resources, list) or len(resources) != len(descriptor.resources):
        raise UnsupportedError("resources")
    plan = PackagePlan()
    schemas = {r.name: r.schema for r in descriptor.resources if r.schema is not None}
    for resource in descriptor.resources:
        plan.resources.append(_resource(resource.raw, resource.schema, schemas))
    return plan


def _resource(
    raw: dict[str, Any], schema: dict[str, Any] | None, schemas: dict[str, dict[str, Any]]
) -> TablePlan | FilePlan:
    _keys(raw, RESOURCE_KEYS, "resource")
    name, path = raw.get("name"), raw.get("path")
    if not (isinstance(name, str) and NAME.match(name)) or not isinstance(path, str):
        raise UnsupportedError("resource name or path")
    if "\\" in path or path.startswith("./") or "//" in path:
        raise UnsupportedError("resource path form")
    if raw.get("scheme", "file") != "file":
        raise UnsupportedError("scheme")
    for key in ("title", "description", "mediatype", "format"):
        _string(raw, key)
    size = raw.get("bytes")
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
        raise UnsupportedError("bytes")
    digest = raw.get("hash")
    if digest is not None:
        if not isinstance(digest, str):
            raise UnsupportedError("hash")
        algorithm = digest.split(":", 1)[0] if ":" in digest else "md5"
        if algorithm not in ("md5", "sha256"):
            raise UnsupportedError("hash algorithm")
    lower = path.lower()
    if lower.endswith((".gz", ".zip", ".bz2", ".xz")):
        raise UnsupportedError("compression")
    if schema is None:
        if raw.get("type") not in ("text", "file") or "dialect" in raw:
            raise UnsupportedError("resource type")
        return FilePlan(name, path, digest, size)
    if raw.get("type", "table") != "table":
        raise UnsupportedError("table type")
    if raw.get("format", "csv" if lower.endswith(".csv") else None) != "csv":
        raise UnsupportedError("format")
    encoding = raw.get("encoding")
    if encoding is not None:
        try:
            encoding = codecs.lookup(str(encoding)).name
        except LookupError:
            raise UnsupportedError("encoding") from None
        if encoding not in ("utf-8", "utf-8-sig"):
            raise UnsupportedError("encoding")
    dialect = _dialect(raw.get("dialect"))
    fields, primary_key, foreign_keys = _schema(name, schema, schemas)
    return TablePlan(
        name,
        path,
        fields,
        primary_key,
        foreign_keys,
        dialect,
        encoding,
        digest,
        size,
    )


def _dialect(raw: object) -> CsvDialect:
    """The declared CSV dialect (nothing is sniffed: what is not declared is the default)."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict) or set(raw) - {"csv", "header", "headerRows"}:
        raise UnsupportedError("dialect")
    if raw.get("header", True) is not True or raw.get("headerRows", [1]) != [1]:
        raise UnsupportedError("header rows")
    csv = raw.get("csv", {})
    if not isinstance(csv, dict) or set(csv) - CSV_KEYS:
        raise UnsupportedError("csv dialect")
    for key in ("delimiter", "quoteChar", "lineTerminator"):
        if key in csv and not isinstance(csv[key], str):
            raise UnsupportedError("csv dialect")
    for key in ("doubleQuote", "skipInitialSpace"):
        if key in csv and not isinstance(csv[key], bool):
            raise UnsupportedError("csv dialect")
    delimiter = csv.get("delimiter", ",")
    quote = csv.get("quoteChar", '"')
    if len(delimiter) != 1 or len(quote) > 1 or delimiter in "\r\n" or quote in "\r\n":
        raise UnsupportedError("csv dialect")
    dialect = CsvDialect(
        delimiter=delimiter,
        quotechar=quote,
        doublequote=True,  # Frictionless honours doubleQuote only with an escape character
        skipinitialspace=csv.get("skipInitialSpace", False),
    )
    return dialect


def _schema(
    name: str, schema: dict[str, Any], schemas: dict[str, dict[str, Any]]
) -> tuple[tuple[FieldPlan, ...], tuple[str, ...], tuple[ForeignKey, ...]]:
    _keys(schema, SCHEMA_KEYS, "schema")
    if schema.get("$schema", TABLE_SCHEMA_V1) != TABLE_SCHEMA_V1:
        raise UnsupportedError("schema version")
    _string(schema, "description")
    missing = _missing_values(schema.get("missingValues", [""]))
    raw_fields = schema.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise UnsupportedError("fields")
    fields = tuple(_field(f, missing) for f in raw_fields)
    names = [f.name for f in fields]
    if len(set(names)) != len(names):
        raise UnsupportedError("duplicate field names")
    primary_key = _names(schema.get("primaryKey", []))
    if not set(primary_key) <= set(names):
        raise UnsupportedError("primary key")
    foreign_keys = []
    raw_fks = schema.get("foreignKeys", [])
    if not isinstance(raw_fks, list):
        raise UnsupportedError("foreign keys")
    for fk in raw_fks:
        if not isinstance(fk, dict) or set(fk) != {"fields", "reference"}:
            raise UnsupportedError("foreign key")
        reference = fk["reference"]
        if not isinstance(reference, dict) or set(reference) != {"resource", "fields"}:
            raise UnsupportedError("foreign key reference")
        label = reference["resource"]
        if not isinstance(label, str):
            raise UnsupportedError("foreign key resource")
        target = label or name
        own, theirs = _names(fk["fields"]), _names(reference["fields"])
        target_schema = schema if target == name else schemas.get(target)
        if target_schema is None or not own or len(own) != len(theirs):
            raise UnsupportedError("foreign key")
        target_types = {
            f.get("name"): f.get("type", "string")
            for f in target_schema.get("fields", [])
            if isinstance(f, dict)
        }
        types = {f.name: f.type for f in fields}
        for mine, other in zip(own, theirs, strict=True):
            if mine not in types or other not in target_types:
                raise UnsupportedError("foreign key fields")
            if types[mine] != target_types[other] or types[mine] == "list":
                raise UnsupportedError("foreign key types")
        foreign_keys.append(ForeignKey(own, target, theirs, label))
    keyed = set(primary_key) | {f.name for f in fields if f.unique}
    keyed |= {name for fk in foreign_keys for name in fk.fields}
    for f in fields:
        if f.name in keyed and f.type in ("list", "number"):
            raise UnsupportedError("key of type list or number")
    return fields, primary_key, tuple(foreign_keys)


def _field(raw: object, missing: tuple[str, ...]) -> FieldPlan:
    from .cells import read_value

    if not isinstance(raw, dict):
        raise UnsupportedError("field")
    kind = raw.get("type", "string")
    if kind not in TYPE_KEYS:
        raise UnsupportedError(f"field type {kind!r}")
    _keys(raw, FIELD_KEYS | TYPE_KEYS[kind], "field")
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise UnsupportedError("field name")
    if raw.get("format", "default") != "default":
        raise UnsupportedError("field format")
    for key in ("title", "description"):
        _string(raw, key)
    if "missingValues" in raw:
        missing = _missing_values(raw["missingValues"])
    constraints = raw.get("constraints", {})
    if not isinstance(constraints, dict):
        raise UnsupportedError("constraints")
    if set(constraints) - set(CONSTRAINTS[kind]) - {"unique"}:
        raise UnsupportedError("constraint for type")
    plan = FieldPlan(name, kind, dict(constraints), missing)
    if kind == "boolean":
        true = tuple(raw.get("trueValues", TRUE_VALUES))
        false = tuple(raw.get("falseValues", FALSE_VALUES))
        if not all(isinstance(v, str) for v in (*true, *false)):
            raise UnsupportedError("boolean values")
        plan = FieldPlan(name, kind, dict(constraints), missing, true, false)
    if kind == "list":
        delimiter = raw.get("delimiter", ",")
        if not isinstance(delimiter, str) or not delimiter:
            raise UnsupportedError("list delimiter")
        if raw.get("itemType", "string") != "string":
            raise UnsupportedError("list item type")
        plan = FieldPlan(name, kind, dict(constraints), missing, delimiter=delimiter)
    for key in ("required", "unique"):
        if key in constraints and not isinstance(constraints[key], bool):
            raise UnsupportedError(key)
    for key in ("minLength", "maxLength"):
        value = constraints.get(key)
        if key in constraints and (isinstance(value, bool) or not isinstance(value, int)):
            raise UnsupportedError(key)
    if "pattern" in constraints:
        pattern = constraints["pattern"]
        if not isinstance(pattern, str):
            raise UnsupportedError("pattern")
        try:
            re.compile(f"^{pattern}$")
        except re.error:
            raise UnsupportedError("pattern") from None
    if "enum" in constraints:
        values = constraints["enum"]
        if not isinstance(values, list) or not values:
            raise UnsupportedError("enum")
        if any(read_value(plan, v) is None for v in values):
            raise UnsupportedError("enum value")
    for key in ("minimum", "maximum"):
        if key in constraints and read_value(plan, constraints[key]) is None:
            raise UnsupportedError(key)
    return plan


def _missing_values(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UnsupportedError("missingValues")
    return tuple(value)


def _names(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise UnsupportedError("field names")


def _keys(raw: dict[str, Any], allowed: set[str], what: str) -> None:
    extra = set(raw) - allowed
    if extra:
        raise UnsupportedError(f"{what} properties {sorted(extra)}")


def _string(raw: dict[str, Any], key: str) -> None:
    if key in raw and not isinstance(raw[key], str):
        raise UnsupportedError(key)
