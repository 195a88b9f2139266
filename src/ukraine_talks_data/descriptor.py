"""Reading a datapackage.json safely: JSON, structure, resource paths confined to the package."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from .report import Issue

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class DescriptorError(Exception):
    """The descriptor cannot be used at all (missing, unreadable, not JSON, not an object)."""


@dataclass(frozen=True)
class Resource:
    """One resource of the package, with its path checked and its schema loaded."""

    name: str
    path: str
    type: str
    schema: dict[str, Any] | None
    raw: dict[str, Any]

    @property
    def is_table(self) -> bool:
        return self.schema is not None


@dataclass
class Descriptor:
    """A parsed datapackage.json and the folder it describes."""

    file: Path
    raw: dict[str, Any]
    resources: list[Resource] = field(default_factory=list)

    @property
    def root(self) -> Path:
        return self.file.parent

    def resource(self, name: str) -> Resource | None:
        return next((r for r in self.resources if r.name == name), None)

    def tables(self) -> list[Resource]:
        return [r for r in self.resources if r.is_table]


def path_problem(root: Path, path: object) -> str | None:
    """Why `path` may not be read as part of the package at `root`, or None if it is safe.

    Refused: anything but a non-empty string, URLs (any scheme), absolute paths (POSIX or
    Windows), paths with a `..` segment, and paths that resolve (through symlinks) outside
    the package folder.
    """
    if not isinstance(path, str) or not path.strip():
        return "must be a non-empty string"
    if "\x00" in path:
        return "contains a NUL byte"
    if _URL.match(path) and not PureWindowsPath(path).drive:
        return "is a URL; only files inside the package folder are read"
    if (
        PurePosixPath(path).is_absolute()
        or PureWindowsPath(path).is_absolute()
        or PureWindowsPath(path).drive
        or path.startswith("\\")
    ):
        return "is absolute; resource paths must be relative to the package folder"
    if ".." in re.split(r"[\\/]", path):
        return "contains '..'; resource paths must stay inside the package folder"
    base = root.resolve()
    try:
        target = (root / path).resolve()
    except (OSError, RuntimeError):
        return "cannot be resolved"
    if target != base and base not in target.parents:
        return "leads outside the package folder (through a symlink)"
    return None


def read_descriptor(file: Path) -> tuple[Descriptor, list[Issue]]:
    """Parse `file`; return the descriptor and the issues found in it.

    Raises DescriptorError when there is nothing to validate. Unsafe paths are reported
    as issues and their resources left out, so that nothing outside the package is read.
    """
    if file.is_dir():
        file = file / "datapackage.json"
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DescriptorError(f"{file}: no such file") from None
    except UnicodeDecodeError as exc:
        raise DescriptorError(
            f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    except OSError as exc:
        raise DescriptorError(f"{file}: cannot be read ({exc.strerror})") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DescriptorError(
            f"{file}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    if not isinstance(raw, dict):
        raise DescriptorError(f"{file}: a data package descriptor must be a JSON object")
    label = file.name
    descriptor = Descriptor(file=file, raw=raw)
    issues: list[Issue] = []
    resources = raw.get("resources")
    if not isinstance(resources, list) or not resources:
        issues.append(
            Issue(
                label, None, "resources", "descriptor-error", "'resources' must be a non-empty list"
            )
        )
        return descriptor, issues
    seen: set[str] = set()
    for index, res in enumerate(resources):
        where = f"resources[{index}]"
        if not isinstance(res, dict):
            issues.append(
                Issue(label, None, where, "descriptor-error", "a resource must be an object")
            )
            continue
        name = res.get("name")
        if not isinstance(name, str) or not name:
            issues.append(
                Issue(
                    label, None, f"{where}.name", "descriptor-error", "every resource needs a name"
                )
            )
            continue
        if name in seen:
            issues.append(
                Issue(
                    label,
                    None,
                    f"{where}.name",
                    "descriptor-error",
                    "resource names must be unique",
                    name,
                )
            )
            continue
        seen.add(name)
        path = res.get("path")
        problem = path_problem(descriptor.root, path)
        if problem:
            issues.append(
                Issue(
                    label,
                    None,
                    f"{name}.path",
                    "unsafe-path",
                    f"resource path {problem}",
                    str(path),
                )
            )
            continue
        schema, schema_issues = _load_schema(descriptor.root, label, name, res.get("schema"))
        issues.extend(schema_issues)
        if schema_issues:
            continue
        for key in ("dialect",):
            if key in res and isinstance(res[key], str):
                p = path_problem(descriptor.root, res[key])
                if p:
                    issues.append(
                        Issue(
                            label, None, f"{name}.{key}", "unsafe-path", f"{key} path {p}", res[key]
                        )
                    )
        rtype = res.get("type") or ("table" if schema is not None else "file")
        descriptor.resources.append(Resource(name, str(path), str(rtype), schema, res))
    return descriptor, issues


def _load_schema(
    root: Path, label: str, name: str, schema: object
) -> tuple[dict[str, Any] | None, list[Issue]]:
    """The resource's Table Schema: inline, or read from a safe relative path."""
    if schema is None:
        return None, []
    if isinstance(schema, dict):
        return schema, []
    field_name = f"{name}.schema"
    problem = path_problem(root, schema)
    if problem:
        return None, [
            Issue(label, None, field_name, "unsafe-path", f"schema path {problem}", str(schema))
        ]
    schema_path = str(schema)
    try:
        loaded = json.loads((root / schema_path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, [
            Issue(label, None, field_name, "schema-error", "schema file not found", schema_path)
        ]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, [
            Issue(
                label,
                None,
                field_name,
                "schema-error",
                f"schema file is not readable JSON ({exc})",
                schema_path,
            )
        ]
    if not isinstance(loaded, dict) or not isinstance(loaded.get("fields"), list):
        return None, [
            Issue(
                label,
                None,
                field_name,
                "schema-error",
                "a Table Schema must be an object with a 'fields' list",
                schema_path,
            )
        ]
    return loaded, []
