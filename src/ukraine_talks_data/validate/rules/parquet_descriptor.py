"""The Parquet distribution's descriptor, when a package ships one: readable, and what
`ukraine-talks build` writes for the CSV descriptor and schemas (`package.parquet_descriptor`,
the function the build itself calls), but for the rows, bytes and hash it declares of each
file, which `rules/parquet.py` compares with the files.

A descriptor edited by hand, or left behind by a change to datapackage.json or a schema,
gives one `parquet-stale` error naming the first place where it differs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from ...package.bundle import (
    BUILD_COMMAND,
    PARQUET_DESCRIPTOR,
    PARQUET_DIR,
    parquet_file_name,
    parquet_orphans,
)
from ...package.json_text import load_json
from ...package.parquet_descriptor import FileStats, parquet_descriptor
from ..inputs.descriptor import MAX_DESCRIPTOR_BYTES
from ..inputs.files import PackageFileError, path_problem, read_package_file
from ..report.issues import Issue, counted

if TYPE_CHECKING:
    from ..inputs.descriptor import Descriptor
    from ..tables.columns import ColumnContext
    from ..tables.store import KeyStore

PARQUET_STALE = "parquet-stale"
PARQUET_CODES = frozenset({PARQUET_STALE})
"""The codes of the Parquet rules: all fixed by a build (which therefore does not stop on them)."""
FIX = f"run `{BUILD_COMMAND}`"


def parquet_descriptor_as_built(package: ColumnContext) -> Iterator[Issue]:
    """When the package has data/parquet/, it is a folder, its descriptor can be read and
    is what a build writes (the files' measures aside), and it holds no Parquet file of no
    table."""
    found = _descriptor(package)
    if isinstance(found, Issue):
        yield found
        return
    if found is None:
        return
    descriptor = package.rows.descriptor
    tables = [r.name for r in descriptor.tables()]
    for stray in parquet_orphans(descriptor.root, tables):
        yield issue(stray, f"is the Parquet file of no table of the package; {FIX} (it removes it)")
    schemas = comparable(descriptor)
    if schemas is None:
        return  # the CSV descriptor or a schema is unusable: its own errors say so
    measured = found["resources"]
    expected = parquet_descriptor(descriptor.raw, schemas, lambda name: _measures(measured, name))
    built = expected.pop("resources")
    where = _first_difference(_without(found, "resources"), expected)
    where = where or _resources_difference(built, found["resources"])
    if where is not None:
        given = f"is not what {descriptor.file.name} and the schemas give (as a build writes it)"
        yield issue(PARQUET_DESCRIPTOR, f"{given}: {where}; {FIX}")


def comparable(descriptor: Descriptor) -> dict[str, dict[str, Any]] | None:
    """Each table's schema, when the CSV descriptor and every schema can be read, so that
    the Parquet descriptor can be held to what a build writes (`parquet_descriptor_as_built`);
    else None, and `rules/parquet.py` says of each table that lacks a declaration."""
    tables = descriptor.tables()
    schemas = {r.name: r.schema for r in tables if r.schema is not None}
    listed = descriptor.raw.get("resources")
    whole = isinstance(listed, list) and len(descriptor.resources) == len(listed)
    return schemas if whole and len(schemas) == len(tables) else None


def resources(package: ColumnContext) -> list[Any] | Issue | None:
    """The resources of the Parquet descriptor; None without data/parquet/; the issue when
    data/parquet is not a folder of the package, or its descriptor cannot be read or lists
    none. Read once per validation (every piece of every table asks)."""
    found = _descriptor(package)
    return found if found is None or isinstance(found, Issue) else found["resources"]


def declared(resources: list[Any], name: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """What the Parquet descriptor says of table `name`: its table and file resources."""
    table, file = _entry(resources, "table", name), _entry(resources, "file", name)
    return (table, file) if table and file else None


def unreadable(exc: PackageFileError) -> str:
    """How a message says that a package file cannot be read."""
    if exc.code == "file-missing":
        return "is missing"
    if exc.code == "file-unreadable":  # its message: "cannot be read (why)"
        return exc.message
    return f"cannot be read: {'its' if exc.code == 'unsafe-path' else 'it'} {exc.message}"


def fix_for(exc: PackageFileError) -> str:
    """What fixes a package file that cannot be read: a build, which rewrites it, but not
    a link leading outside the package, which it leaves as it is."""
    return f"remove it, then {FIX}" if exc.code == "unsafe-path" else FIX


def issue(path: str, message: str) -> Issue:
    """A `parquet-stale` error of a whole file."""
    return Issue(path, None, None, PARQUET_STALE, message)


def _descriptor(package: ColumnContext) -> dict[str, Any] | Issue | None:
    """The Parquet descriptor (its `resources` a list), None or the issue (`resources`);
    read once per validation."""
    store = package.store
    if store not in _DESCRIPTORS:
        _DESCRIPTORS[store] = _read(package)
    return _DESCRIPTORS[store]


_DESCRIPTORS: WeakKeyDictionary[KeyStore, dict[str, Any] | Issue | None] = WeakKeyDictionary()
"""Each validation's Parquet descriptor (`_descriptor`), by its key store."""


def _read(package: ColumnContext) -> dict[str, Any] | Issue | None:
    ctx = package.rows
    root = ctx.descriptor.root
    if not os.path.lexists(root / PARQUET_DIR):
        return None
    problem = path_problem(root, PARQUET_DIR)
    if problem is not None or not (root / PARQUET_DIR).is_dir():
        why = problem or "is not a folder"
        return issue(PARQUET_DIR, f"{PARQUET_DIR} {why}; remove it, then {FIX}")
    try:
        raw = load_json(read_package_file(root, PARQUET_DESCRIPTOR, MAX_DESCRIPTOR_BYTES))
    except PackageFileError as exc:
        message = f"the Parquet descriptor {unreadable(exc)}; {fix_for(exc)}"
        return issue(PARQUET_DESCRIPTOR, message)
    except ValueError as exc:
        return issue(PARQUET_DESCRIPTOR, f"the Parquet descriptor is {exc}; {FIX}")
    if not isinstance(raw, dict) or not isinstance(raw.get("resources"), list):
        return issue(PARQUET_DESCRIPTOR, f"the Parquet descriptor lists no resources; {FIX}")
    return raw


def _measures(resources: list[Any], name: str) -> FileStats:
    """The rows, bytes and hash the descriptor declares of table `name`'s file, as they
    are (`rules/parquet.py` compares them with the file)."""
    table, file = _entry(resources, "table", name), _entry(resources, "file", name)
    return FileStats(table.get("rows"), file.get("bytes"), file.get("hash"))


def _entry(resources: list[Any], kind: str, name: str) -> dict[str, Any]:
    """The last resource of type `kind` ("table": named `name`; "file": with the path of
    table `name`'s file), or {}."""
    key, value = ("name", name) if kind == "table" else ("path", parquet_file_name(name))
    entries = [e for e in resources if isinstance(e, dict) and e.get("type") == kind]
    return next((e for e in reversed(entries) if e.get(key) == value), {})


def _without(raw: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in raw.items() if k != key}


def _resources_difference(expected: list[Any], found: list[Any]) -> str | None:
    """`_first_difference` of two resource lists, each resource known by its type and name
    (their order is free)."""
    built = {(value["type"], value["name"]): value for value in expected}
    seen: set[tuple[str, str]] = set()
    for index, entry in enumerate(found):
        key = (entry.get("type"), entry.get("name")) if isinstance(entry, dict) else None
        if key is None or not all(isinstance(part, str) for part in key) or key not in built:
            return f"resources[{index}] is not a resource they give"
        if key in seen:
            return f"resources[{index}] declares the {key[0]} resource {key[1]!r} again"
        seen.add(key)
        difference = _first_difference(entry, built[key], f"resources[{index}]")
        if difference is not None:
            return difference
    missing = next((key for key in built if key not in seen), None)
    return None if missing is None else f"it declares no {missing[0]} resource {missing[1]!r}"


def _first_difference(found: Any, expected: Any, where: str = "") -> str | None:
    """Where JSON value `found` first differs from `expected`, said in words; None when
    they are the same values of the same JSON types (16.0 is not 16, true is not 1). The
    order of an object's keys is free."""
    place = where or "the descriptor"
    if isinstance(expected, dict) and isinstance(found, dict):
        for key, value in expected.items():
            inner = f"{where}.{key}" if where else key
            if key not in found and value is None:  # a measure: `rules/parquet.py` says so
                continue
            if key not in found:
                return f"{inner} is missing where they give {json_shown(value)}"
            difference = _first_difference(found[key], value, inner)
            if difference is not None:
                return difference
        extra = next((key for key in found if key not in expected), None)
        if extra is not None:
            inner = f"{where}.{extra}" if where else extra
            return f"{inner} is {json_shown(found[extra])} they do not give"
        return None
    if isinstance(expected, list) and isinstance(found, list):
        for index, (item, value) in enumerate(zip(found, expected, strict=False)):
            difference = _first_difference(item, value, f"{where}[{index}]")
            if difference is not None:
                return difference
        if len(found) != len(expected):
            return f"{place} has {counted(len(found), 'item')} where they give {len(expected)}"
        return None
    if type(found) is type(expected) and found == expected:
        return None
    return f"{place} is {json_shown(found)} where they give {json_shown(expected)}"


def json_shown(value: Any) -> str:
    """A JSON value in a message: scalars as JSON (long ones elided), containers by kind."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return f"a list of {counted(len(value), 'item')}"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else f"{text[:60]}…{text[-15:]}"
