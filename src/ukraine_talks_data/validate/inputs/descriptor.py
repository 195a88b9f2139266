"""Reading a datapackage.json safely: JSON, structure, resource paths confined to the package.

Nothing a descriptor names is fetched or opened until its path has passed `path_problem()`:
URLs, absolute paths, `..` and symlinks out of the folder are refused. Schemas and dialects
given as paths are read from inside the package only; `profile`, `$schema` and any other
remote reference are never followed (Frictionless later sees a sanitised copy, never this
file). Keys that would make a reader leave local UTF-8 CSV (compression, other formats,
encodings, schemes, extra paths) are reported as errors rather than half-honoured.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..report.issues import Issue
from .files import PackageFileError, path_problem, read_file, real_folder
from .resource_rules import dialect_problems, resource_key_problems, shown
from .schema_rules import foreign_key_problems, frictionless_problems, schema_problems

__all__ = ["Descriptor", "DescriptorError", "Resource", "path_problem", "read_descriptor"]

MAX_DESCRIPTOR_BYTES = 16 * 2**20
MAX_JSON_DEPTH = 64
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


class JsonError(ValueError):
    """JSON that cannot be used; `line` is where the text stops being JSON, if it does."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.line = line


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


def load_json(data: bytes) -> Any:
    """Decode JSON bytes; JsonError (a ValueError with a readable reason, and the line
    where the text stops being JSON) for bad or too deep JSON."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        value = json.loads(
            text, parse_constant=_no_constant, parse_float=_finite, object_pairs_hook=_object
        )
    except json.JSONDecodeError as exc:
        line, column = _line_and_column(text, exc.pos)
        what = exc.msg.removesuffix(" at")  # "Invalid control character at"
        reason = f"not valid JSON ({what} at line {line}, column {column})"
        raise JsonError(reason, line) from None
    except RecursionError:
        raise JsonError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep") from None
    except _DuplicateKeyError as exc:
        second = _second_key_line(text)
        where = f", the second time on line {second}" if second else ""
        raise JsonError(
            f"not usable JSON (the key {exc.key!r} appears twice in one object{where}; JSON "
            "readers differ on which they keep)",
            second,
        ) from None
    except _BeyondFloatError as exc:
        number_line = _number_line(text, re.escape(exc.number))
        raise JsonError(
            f"not usable JSON (the number {exc.number}{_on(number_line)} is beyond the range of a "
            "64-bit float)",
            number_line,
        ) from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        reason, number_line = str(exc), None
        if "int_max_str_digits" in reason:  # Python's own advice, not the package's
            limit = sys.get_int_max_str_digits()
            number_line = _number_line(text, rf"-?\d{{{limit + 1},}}")
            reason = f"a number{_on(number_line)} has more than {limit} digits"
        raise JsonError(f"not usable JSON ({reason})", number_line) from None
    if isinstance(value, dict | list) and _depth(value) > MAX_JSON_DEPTH:
        raise JsonError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep")
    _refuse_lone_surrogates(value)
    return value


def _refuse_lone_surrogates(value: Any) -> None:
    """ValueError if a string or key of `value` holds half a surrogate pair.

    JSON may escape one (`"\\ud800"`) and Python decodes it to a string that is not
    Unicode text: every later writer of the descriptor (`build`, `cite`, the exports)
    fails to encode it as UTF-8, so a package holding one must not be called valid.
    Encoding the value whole finds one anywhere, keys included (its depth is already
    bounded).
    """
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        half = exc.object[exc.start]  # the first of a run
        raise JsonError(
            f"not usable JSON (a string holds {half.encode('unicode_escape').decode()}, "
            "half of a UTF-16 surrogate pair, which is not text)"
        ) from None


class _DuplicateKeyError(ValueError):
    """A key twice in one JSON object (`_object`)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refused when a key appears twice in it: JSON readers differ on which
    of the two they keep (Python's and Frictionless's the last, others the first)."""
    value = dict(pairs)
    if len(value) < len(pairs):
        raise _DuplicateKeyError(next(k for k, n in Counter(k for k, _ in pairs).items() if n > 1))
    return value


_JSON_MARK = re.compile(r'[{}\[\]"]')
_COLON = re.compile(r"[ \t\n\r]*:")


def _second_key_line(text: str) -> int | None:
    """The line where a key comes a second time, in the first object to close holding a
    key twice (the one `_object` refused: the decoder calls it as each object closes).
    Only on that error, `text` is walked again without recursion: its containers, and its
    strings as the json module reads them (escapes decoded, so `"n\\u0061me"` is `name`)."""
    from json.decoder import scanstring  # type: ignore[attr-defined]

    opened: list[tuple[set[str] | None, int | None]] = []  # keys (None: an array), a repeat
    at = 0
    try:
        while (mark := _JSON_MARK.search(text, at)) is not None:
            at = mark.end()
            if mark.group() == '"':
                key, at = scanstring(text, at)
                keys, repeat = opened[-1] if opened else (None, None)
                if keys is not None and _COLON.match(text, at):
                    if key in keys and repeat is None:
                        opened[-1] = (keys, mark.start())
                    keys.add(key)
            elif mark.group() in "{[":
                opened.append((set() if mark.group() == "{" else None, None))
            else:
                keys, repeat = opened.pop()
                if repeat is not None:
                    return _line_and_column(text, repeat)[0]
    except (ValueError, IndexError):  # not JSON after all: no line
        pass
    return None


_LINE_END = re.compile(r"\r\n|\r|\n")


def _line_and_column(text: str, at: int) -> tuple[int, int]:
    """The line and column (from 1) of position `at` of `text`, whose lines may end in LF,
    CRLF or CR alone (the json module counts LFs only: a CR-only file is all line 1)."""
    ends = [m.end() for m in _LINE_END.finditer(text, 0, at)]
    return len(ends) + 1, at - (ends[-1] if ends else 0) + 1


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class _BeyondFloatError(ValueError):
    """A JSON number no float holds (`_finite`)."""

    def __init__(self, number: str) -> None:
        super().__init__(number)
        self.number = number


def _finite(text: str) -> float:
    """A JSON number with a fraction or exponent, as a float; refused when no float holds
    it (`1e400` would be infinity, which JSON cannot write back: `_no_constant`)."""
    value = float(text)
    if math.isinf(value):
        raise _BeyondFloatError(text)
    return value


def _number_line(text: str, number: str) -> int | None:
    """The line of the first value matching the regex `number` (after `:`, `[` or `,`,
    before `,`, `]` or `}`), found again only on an error about that number."""
    found = re.search(rf"[:\[,]\s*({number})\s*[,\]}}]", text)
    return _line_and_column(text, found.start(1))[0] if found else None


def _on(line: int | None) -> str:
    return f" on line {line}" if line else ""


def _depth(value: Any) -> int:
    """Nesting depth of a JSON value (a scalar is 1 deep, `{"a": 1}` 2), computed level by
    level without recursion, holding only the containers of one level at a time, and no
    further than one level past MAX_JSON_DEPTH."""
    deepest, level, containers = 1, 1, [value]
    while containers and level <= MAX_JSON_DEPTH:
        below: list[Any] = []
        for item in containers:
            inner = item.values() if isinstance(item, dict) else item
            if inner:
                deepest = level + 1
                below.extend(v for v in inner if isinstance(v, dict | list))
        containers, level = below, level + 1
    return deepest


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
