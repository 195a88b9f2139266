"""Reading a datapackage.json safely: JSON, structure, resource paths confined to the package.

Nothing a descriptor names is fetched or opened until its path has passed `path_problem()`:
URLs, absolute paths, `..` and symlinks out of the folder are refused. Schemas and dialects
given as paths are read from inside the package only; `profile`, `$schema` and any other
remote reference are never followed (Frictionless later sees a sanitised copy, never this
file). Keys that would make a reader leave local UTF-8 CSV (compression, other formats,
encodings, schemes, extra paths) are reported as errors rather than half-honoured.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...package.bundle import MAX_JSON_BYTES
from ...package.json_text import JsonError, load_json
from ..report.issues import Issue
from .files import PackageFileError, path_problem, read_file, real_folder
from .resource_rules import dialect_problems, resource_key_problems, shown
from .schema_rules import foreign_key_problems, frictionless_problems, schema_problems

__all__ = ["Descriptor", "DescriptorError", "Resource", "path_problem", "read_descriptor"]

MAX_DESCRIPTOR_BYTES = MAX_JSON_BYTES
NAME = re.compile(r"^[-a-z0-9._]+$")


class DescriptorError(Exception):
    """The descriptor cannot be used at all (missing, unreadable, not JSON, not an object).

    `file` is the descriptor's path, `reason` says why without it; `missing` is True when
    there is no file at all.
    """

    def __init__(
        self, file: Path, reason: str, *, missing: bool = False, line: int | None = None
    ) -> None:
        super().__init__(f"{file}: {reason}")
        self.file, self.reason, self.missing, self.line = file, reason, missing, line


@dataclass(frozen=True)
class Resource:
    """One resource of the package, with its path checked and its schema loaded.

    `schema` is the package's own Table Schema when it is well-formed, else None;
    `is_table` says whether the resource is a table at all (it has a schema or type table).
    """

    name: str
    path: str
    schema: dict[str, Any] | None
    raw: dict[str, Any]
    schema_file: str | None = None
    is_table: bool = False

    @property
    def schema_label(self) -> str:
        """Where the schema is written: its file, or the descriptor for an inline schema."""
        return self.schema_file or "datapackage.json"

    @property
    def schema_prefix(self) -> str:
        """What starts a location in the schema: nothing in its own file, else
        `<name>.schema.` in the descriptor."""
        return "" if self.schema_file else f"{self.name}.schema."


@dataclass
class Descriptor:
    """A parsed datapackage.json and the folder it describes."""

    file: Path
    raw: dict[str, Any]
    resources: list[Resource] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_name = {r.name: r for r in reversed(self.resources)}  # the first of a name

    @property
    def root(self) -> Path:
        return self.file.parent

    def resource(self, name: str) -> Resource | None:
        """The resource named `name` (a dict lookup: checks ask once per resource)."""
        return self._by_name.get(name)

    def tables(self) -> list[Resource]:
        """The table resources, in descriptor order."""
        return [r for r in self.resources if r.is_table]


def read_descriptor(file: Path) -> tuple[Descriptor, list[Issue]]:
    """Parse `file`; return the descriptor and the issues found in it.

    Raises DescriptorError when there is nothing to validate. Unsafe paths are reported
    as issues and their resources left out, so that nothing outside the package is read.
    """
    if file.is_dir():
        file = file / "datapackage.json"
    real_folder.cache_clear()  # the folder is resolved afresh for each validation
    try:
        data = read_file(file, MAX_DESCRIPTOR_BYTES)
    except PackageFileError as exc:
        missing = exc.code == "file-missing"
        reason = "no such file" if missing else exc.message
        raise DescriptorError(file, reason, missing=missing) from None
    try:
        raw = load_json(data)
    except JsonError as exc:
        raise DescriptorError(file, str(exc), line=exc.line) from None
    if not isinstance(raw, dict):
        raise DescriptorError(file, "a data package descriptor must be a JSON object")
    label, root = file.name, file.parent
    resources = raw.get("resources")
    if not isinstance(resources, list) or not resources:
        issue = Issue(
            label, None, "resources", "descriptor-error", "'resources' must be a non-empty list"
        )
        return Descriptor(file, raw), [issue]
    issues: list[Issue] = []
    seen: set[str] = set()
    entries = [
        _resource(root, label, index, res, seen, issues) for index, res in enumerate(resources)
    ]
    descriptor = Descriptor(file, raw, [r for r in entries if r is not None])
    # A resource left out for its own error still counts as present for foreign keys.
    tables: dict[str, dict[str, Any] | None] = {name: None for name in seen}
    for r in descriptor.resources:
        if r.is_table:
            tables[r.name] = r.schema
        else:
            del tables[r.name]
    for r in descriptor.tables():
        if r.schema is not None:
            issues.extend(
                foreign_key_problems(r.name, r.schema, tables, r.schema_label, r.schema_prefix)
            )
    return descriptor, issues


def _resource(
    root: Path, label: str, index: int, res: object, seen: set[str], issues: list[Issue]
) -> Resource | None:
    """One resource entry, checked; None (with issues) when it cannot be used at all."""

    def refuse(field: str, message: str, value: str | None = None) -> Resource | None:
        """The entry left out, for a `descriptor-error` at `field`."""
        issues.append(Issue(label, None, field, "descriptor-error", message, value))
        return None

    where = f"resources[{index}]"
    if not isinstance(res, dict):
        return refuse(where, "a resource must be an object")
    name = res.get("name")
    if not isinstance(name, str) or not name:
        return refuse(f"{where}.name", "every resource needs a name")
    if not NAME.match(name):
        return refuse(
            f"{where}.name",
            "a resource name may hold only lowercase letters, digits, '-', '.' and '_'",
            name,
        )
    if name in seen:
        return refuse(f"{where}.name", "resource names must be unique", name)
    seen.add(name)
    path = res.get("path")
    problem = path_problem(root, path)
    if problem:
        message = f"resource path {problem}"
        issues.append(Issue(label, None, f"{name}.path", "unsafe-path", message, shown(path)))
        return None
    table = "schema" in res or res.get("type") == "table"
    schema_file = res.get("schema") if isinstance(res.get("schema"), str) else None
    schema = None
    if res.get("schema") is not None:
        schema, found = _load_json_file(root, label, f"{name}.schema", "schema", res["schema"])
        at = (schema_file, "") if schema_file else (label, f"{name}.schema.")
        found = found or schema_problems(schema, *at) or frictionless_problems(schema, *at)
        issues.extend(found)
        if any(i.code == "unsafe-path" for i in found):
            return None
        schema = None if found else schema
    if table and res.get("schema") is None:  # absent, or null
        message = "a table resource needs a schema"
        issues.append(Issue(label, None, f"{name}.schema", "descriptor-error", message))
    issues.extend(resource_key_problems(label, name, res, table))
    if table and res.get("dialect") is not None:
        dialect, found = _load_json_file(root, label, f"{name}.dialect", "dialect", res["dialect"])
        issues.extend(found or dialect_problems(label, name, dialect))
        if any(i.code == "unsafe-path" for i in found):
            return None
    return Resource(name, str(path), schema, res, schema_file=schema_file, is_table=table)


def _load_json_file(
    root: Path, label: str, where: str, what: str, value: object
) -> tuple[Any, list[Issue]]:
    """A JSON object given inline or as a safe path inside the package; issues if neither."""
    if isinstance(value, dict):
        return value, []
    problem = path_problem(root, value)
    if problem:
        return None, [
            Issue(label, None, where, "unsafe-path", f"{what} path {problem}", shown(value))
        ]
    path = str(value)
    try:  # the path is checked: read_package_file would check it again
        return load_json(read_file(root / path, MAX_DESCRIPTOR_BYTES)), []
    except PackageFileError as exc:
        verb = exc.message.startswith(("is ", "cannot "))  # else a noun: "no file at this path"
        message = f"{what} file {exc.message}" if verb else f"{what} file: {exc.message}"
    except ValueError as exc:
        message = f"{what} file is {exc}" if str(exc).startswith("not") else f"{what} file: {exc}"
    code = "schema-error" if what == "schema" else "dialect-error"
    return None, [Issue(label, None, where, code, message, path)]
