"""Fuzzing `ukraine-talks validate`: random damage to the bytes, cells and descriptor fields
of the good package never ends in a traceback, a hang or a partial report.

Each example damages a fresh scratch copy, runs the command with `--output`, and checks:
exit 0 or 1, a complete JSON report whose `valid` agrees with the exit code, nothing but
that report in the output folder, all within a time bound. The default run is short for
CI; set UKRAINE_TALKS_FUZZ_EXAMPLES (examples per property, default 5) for a longer one:

    UKRAINE_TALKS_FUZZ_EXAMPLES=500 python -m pytest tests/test_fuzz_validate.py
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import copy_package
from damage import deadline, runner
from ukraine_talks_data.cli import app
from ukraine_talks_data.package.bundle import bundle_dir
from ukraine_talks_data.package.schemas import table_names, table_path

EXAMPLES = int(os.environ.get("UKRAINE_TALKS_FUZZ_EXAMPLES", "5"))
TIME_LIMIT = 120
"""Seconds one validation may take before the example counts as a hang (a generous bound:
this catches blocking, not slowness)."""

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
pytestmark = pytest.mark.skipif(os.name != "posix", reason="the time bound uses SIGALRM")

ROOT = bundle_dir()
FILES = sorted(
    p.relative_to(ROOT).as_posix()
    for part in ("datapackage.json", "schemas", "data", "seeds")
    for p in ([ROOT / part] if (ROOT / part).is_file() else sorted((ROOT / part).iterdir()))
    if p.is_file()  # what copy_package copies: not data/parquet/
)
SPECIAL_BYTES = [b'"', b",", b"\n", b"\r", b"\r\n", b"\x00", b"\xff", b"\xef\xbb\xbf", b"\\", b"{"]
SPECIAL_TEXT = [
    "",
    '"',
    '"unclosed',
    "a\nb",
    "a\r\nb",
    "\x00",
    "\ufeff",
    '=HYPERLINK("http://x")',
    "-1+1",
    "@SUM(A1)",
    "x" * 40_000,
    "9" * 5000,
    "-1",
    "2022-02-30",
    "../../etc/passwd",
    "/dev/zero",
    "https://example.org/x",
    "nobody",
]
SPECIAL_JSON: list[Any] = [
    None,
    True,
    -1,
    0,
    2**70,
    1.5,
    "",
    "../../etc/passwd",
    "/etc/passwd",
    "https://example.org/x.json",
    "data",
    "data\\actors.csv",
    "file:///etc/passwd",
    "seeds/000_4d490cdb46004118.txt",
    [],
    {},
    [{"name": "x"}],
    {"$ref": "https://example.org/x.json"},
    {"fields": "x"},
    {"csv": {"commentChar": "#"}},
]
json_values = st.recursive(
    st.one_of(
        st.sampled_from(SPECIAL_JSON),
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=20),
    ),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@contextmanager
def scratch_package() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
        yield copy_package(Path(folder) / "pkg")


def assert_validates_cleanly(package: Path, fmt: str, *flags: str) -> None:
    """Validation ends in time with exit 0/1 and a whole report, and writes nothing else."""
    out = package.parent.parent / "out"
    out.mkdir()
    report = out / "report.txt"
    with deadline(TIME_LIMIT):
        result = runner.invoke(
            app, ["validate", str(package), "--format", fmt, "--output", str(report), *flags]
        )
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"traceback: {result.exception!r}\n{result.stderr}"
    )
    assert result.exit_code in (0, 1), (result.exit_code, result.stdout, result.stderr)
    assert sorted(p.name for p in out.iterdir()) == ["report.txt"], "stray or missing file"
    text = report.read_text(encoding="utf-8")
    assert text.endswith("\n")
    if fmt == "json":
        assert json.loads(text)["valid"] == (result.exit_code == 0)
    else:
        status = "valid: " if result.exit_code == 0 else "INVALID: "
        assert text.splitlines()[-1].startswith(status)
    assert result.stdout.startswith(("valid: ", "INVALID: "))


formats = st.sampled_from(["json", "text", "github"])
own_schemas = st.sampled_from([(), ("--allow-schema-changes",)])
FIELD_KEYS: dict[str, list[Any]] = {
    "type": [
        "string",
        "integer",
        "number",
        "boolean",
        "date",
        "datetime",
        "time",
        "year",
        "yearmonth",
        "duration",
        "list",
        "any",
        "object",
        "geojson",
        5,
        None,
    ],
    "format": ["default", "any", "email", "%Y", "%Q", "", "wibble", 3],
    "trueValues": [[], ["yes"], [""], "yes"],
    "falseValues": [[], ["no"], [1]],
    "delimiter": ["", "|", ",", 0],
    "itemType": ["integer", "date", "object", "list"],
    "groupChar": ["", ",", "ab"],
    "decimalChar": ["", ",", "."],
    "bareNumber": [False, True, "no"],
    "missingValues": [[], ["", "NA"], ["x"], "x"],
}
CONSTRAINTS: dict[str, list[Any]] = {
    "required": [True, False, "yes"],
    "unique": [True, False, 1],
    "minLength": [0, 5, -1, 10**30, "3"],
    "maxLength": [0, 1, 2.5],
    "minimum": [0, -1, 10**400, 1e308, "2022-01-01", "abc", "12:00:00", "2022-01"],
    "maximum": [0, "2021-12-31", None, [1]],
    "exclusiveMinimum": [0, "2022-01-01T00:00:00"],
    "exclusiveMaximum": [1],
    "pattern": ["^x$", "((", "(a+)+", "[", ".*", "", 5],
    "enum": [[], ["x"], [1, "a", True], [[1]], "x", [None]],
    "jsonSchema": [{"$ref": "https://example.org"}],
    "wibble": [1],
}


@FUZZ
@given(
    file=st.sampled_from(FILES),
    edits=st.lists(
        st.tuples(
            st.sampled_from(["flip", "insert", "delete", "truncate", "duplicate"]),
            st.integers(min_value=0, max_value=10**6),
            st.one_of(st.sampled_from(SPECIAL_BYTES), st.binary(min_size=1, max_size=12)),
        ),
        min_size=1,
        max_size=4,
    ),
    fmt=formats,
    flags=own_schemas,
)
def test_random_bytes(
    file: str, edits: list[tuple[str, int, bytes]], fmt: str, flags: tuple[str, ...]
) -> None:
    with scratch_package() as package:
        path = package.parent / file
        data = bytearray(path.read_bytes())
        for op, where, chunk in edits:
            at = where % (len(data) + 1)
            if op == "flip" and data:
                data[at % len(data)] ^= 0xFF
            elif op == "insert":
                data[at:at] = chunk
            elif op == "delete":
                del data[at : at + len(chunk)]
            elif op == "truncate":
                del data[at:]
            elif op == "duplicate":
                data[at:at] = data[at : at + 200]
        path.write_bytes(bytes(data))
        assert_validates_cleanly(package, fmt, *flags)


@FUZZ
@given(
    table=st.sampled_from(table_names()),
    edits=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=1000),
            st.integers(min_value=0, max_value=100),
            st.one_of(st.sampled_from(SPECIAL_TEXT), st.text(max_size=30)),
        ),
        min_size=1,
        max_size=5,
    ),
    fmt=formats,
)
def test_random_cells(table: str, edits: list[tuple[int, int, str]], fmt: str) -> None:
    with scratch_package() as package:
        path = package.parent / table_path(table)
        with path.open(encoding="utf-8", newline="") as fh:
            records = list(csv.reader(fh))
        header = records[0]
        if len(records) == 1:
            records.append([""] * len(header))
        for row, column, value in edits:
            record = records[1 + row % (len(records) - 1)]
            record[column % len(record)] = value
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows(records)
        assert_validates_cleanly(package, fmt)


def _mutate(node: Any, data: st.DataObject) -> Any:
    """`node` with one randomly chosen descendant replaced, deleted or swapped for a value."""
    children = (
        list(node.items())
        if isinstance(node, dict)
        else list(enumerate(node))
        if isinstance(node, list)
        else []
    )
    if not children or data.draw(st.integers(0, 3)) == 0:
        return data.draw(json_values)
    key, child = data.draw(st.sampled_from(children))
    if data.draw(st.integers(0, 5)) == 0:  # delete the child
        if isinstance(node, dict):
            return {k: v for k, v in node.items() if k != key}
        return [v for i, v in enumerate(node) if i != key]
    replaced = _mutate(child, data)
    if isinstance(node, dict):
        return {**node, key: replaced}
    return [replaced if i == key else v for i, v in enumerate(node)]


@FUZZ
@given(
    file=st.sampled_from([f for f in FILES if f.endswith(".json")]),
    data=st.data(),
    fmt=formats,
    flags=own_schemas,
)
def test_random_descriptor_and_schema_fields(
    file: str, data: st.DataObject, fmt: str, flags: tuple[str, ...]
) -> None:
    with scratch_package() as package:
        path = package.parent / file
        document = json.loads(path.read_text(encoding="utf-8"))
        for _ in range(data.draw(st.integers(1, 3))):
            document = _mutate(document, data)
        path.write_text(json.dumps(document), encoding="utf-8")
        assert_validates_cleanly(package, fmt, *flags)


@FUZZ
@given(
    table=st.sampled_from(table_names()),
    edits=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=100),
            st.sampled_from(sorted(FIELD_KEYS) + [f"constraints.{k}" for k in sorted(CONSTRAINTS)]),
            st.integers(min_value=0, max_value=100),
        ),
        min_size=1,
        max_size=4,
    ),
    fmt=formats,
)
def test_random_schema_rules(table: str, edits: list[tuple[int, str, int]], fmt: str) -> None:
    """Odd but plausible schema values, validated with the package's own schemas."""
    with scratch_package() as package:
        path = package.parent / "schemas" / f"{table}.json"
        document = json.loads(path.read_text(encoding="utf-8"))
        for field_index, key, choice in edits:
            field = document["fields"][field_index % len(document["fields"])]
            if key.startswith("constraints."):
                name = key.split(".", 1)[1]
                values = CONSTRAINTS[name]
                field.setdefault("constraints", {})[name] = values[choice % len(values)]
            else:
                values = FIELD_KEYS[key]
                field[key] = values[choice % len(values)]
        path.write_text(json.dumps(document), encoding="utf-8")
        assert_validates_cleanly(package, fmt, "--allow-schema-changes")


@FUZZ
@given(
    resource=st.integers(min_value=0, max_value=100),
    target=st.sampled_from(["fifo", "directory", "dev-zero", "loop", "dangling", "seed-fifo"]),
    fmt=formats,
)
def test_special_files(resource: int, target: str, fmt: str) -> None:
    with scratch_package() as package:
        root = package.parent
        document = json.loads(package.read_text(encoding="utf-8"))
        entry = document["resources"][resource % len(document["resources"])]
        special = root / "data" / "special"
        if target == "fifo":
            os.mkfifo(special)
        elif target == "directory":
            special.mkdir()
        elif target == "dev-zero":
            special.symlink_to("/dev/zero")
        elif target == "loop":
            special.symlink_to("special")
        elif target == "dangling":
            special.symlink_to("nowhere")
        else:
            os.mkfifo(root / "data" / "pipe")
            seed = root / entry["path"]
            seed.unlink()
            seed.symlink_to(Path("..") / "data" / "pipe")
        if target != "seed-fifo":
            entry["path"] = "data/special"
            package.write_text(json.dumps(document), encoding="utf-8")
        assert_validates_cleanly(package, fmt)
