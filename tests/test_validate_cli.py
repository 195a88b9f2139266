"""`ukraine-talks validate` on the shipped data and on damaged copies: exact lines, exit codes."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import copy_package, read_rows, set_cell, write_rows
from damages import DAMAGES
from ukraine_talks_data.cli import app
from ukraine_talks_data.package.bundle import bundled_descriptor
from ukraine_talks_data.validate import validate_package

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["validate", *args])
    return result.exit_code, result.stdout, result.stderr


def error_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if not line.startswith(("valid:", "INVALID:"))]


def test_bundled_package_is_valid() -> None:
    code, out, _ = run()
    assert code == 0, out
    assert out.startswith("valid: ")


def test_without_a_path_the_package_in_the_current_folder_is_validated(
    package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fork installed with `pip install .` (not editable) and then edited: a bare
    `ukraine-talks validate` in its folder checks the edits, not the installed copy."""
    row = set_cell(package.parent / "data" / "statements.csv", 0, "quote_type", "rumour")
    monkeypatch.chdir(package.parent)
    code, out, _ = run()
    assert code == 1
    assert error_lines(out)[0].startswith(f"data/statements.csv:{row}:quote_type: ")
    assert out.splitlines()[-1].startswith("INVALID: datapackage.json: 1 error,")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")  # no datapackage.json here: the bundled one
    code, out, _ = run()
    assert (code, out.splitlines()[-1].split(":")[1].strip()) == (0, str(bundled_descriptor()))


def test_json_report_matches_library_call(package: Path) -> None:
    set_cell(package.parent / "data" / "statements.csv", 0, "quote_type", "rumour")
    code, out, _ = run(str(package), "--json")
    assert code == 1
    assert json.loads(out) == validate_package(package).to_dict()


@pytest.mark.parametrize(
    ("args", "refused"),
    [
        (("--json", "--format", "text"), "--json and --format text ask for two formats"),
        (("--json", "--format", "github"), "--json and --format github ask for two formats"),
        (("--json", "--format", "json"), None),
        (("--json",), None),
    ],
)
def test_json_and_another_format_are_refused(args: tuple[str, ...], refused: str | None) -> None:
    code, out, err = run(*args)
    if refused is None:
        assert (code, json.loads(out)["valid"]) == (0, True)
    else:
        assert (code, out) == (2, "")
        assert refused in " ".join(err.split())  # rich wraps the usage error's box


def test_unknown_foreign_key(package: Path) -> None:
    row = set_cell(package.parent / "data" / "statements.csv", 0, "speaker_id", "nobody")
    code, out, _ = run(str(package))
    assert code == 1
    assert error_lines(out) == [
        f"data/statements.csv:{row}:speaker_id: foreign-key: no actors row has "
        "actor_id = nobody (value: 'nobody')"
    ]


def test_duplicate_primary_key(package: Path) -> None:
    path = package.parent / "data" / "actors.csv"
    rows = read_rows(path)
    rows.append(dict(rows[0]))
    write_rows(path, rows)
    code, out, _ = run(str(package))
    assert code == 1
    assert error_lines(out) == [
        f"data/actors.csv:{len(rows) + 1}:actor_id: primary-key: duplicate primary key: "
        f"row 2 has the same value (value: {rows[0]['actor_id']!r})",
    ]


def test_value_outside_enum(package: Path) -> None:
    row = set_cell(package.parent / "data" / "statements.csv", 0, "quote_type", "rumour")
    code, out, _ = run(str(package))
    assert code == 1
    assert error_lines(out) == [
        f"data/statements.csv:{row}:quote_type: constraint-error: must be one of: "
        "direct, partial, paraphrase (value: 'rumour')"
    ]


def test_edited_quote_text(package: Path) -> None:
    path = package.parent / "data" / "statements.csv"
    original = read_rows(path)[0]
    edited = original["text"].replace("t", "T", 1)
    row = set_cell(path, 0, "text", edited)
    code, out, _ = run(str(package))
    assert code == 1
    start, end = original["start_char"], original["end_char"]
    at = f"{original['source_id']}[{int(start) + original['text'].index('t')}]"
    assert error_lines(out) == [
        f"data/statements.csv:{row}:text: span-mismatch: text differs from "
        f"{original['source_id']}[{start}:{end}], which reads {original['text']!r} "
        f"(first difference at {at}: U+0074 LATIN SMALL LETTER T in the seed, U+0054 LATIN "
        f"CAPITAL LETTER T here) (value: {edited!r})"
    ]


def test_tampered_seed(package: Path) -> None:
    sources = read_rows(package.parent / "data" / "sources.csv")
    seed = package.parent / sources[0]["path"]
    # A change that no evidence span covers: only the hashes can catch it.
    data = seed.read_bytes()
    seed.write_bytes(data[:-1] + (b"!" if data[-1:] != b"!" else b"?"))
    code, out, _ = run(str(package))
    assert code == 1
    lines = error_lines(out)
    actual = hashlib.sha256(seed.read_bytes()).hexdigest()
    # Our check on the sources table, and the descriptor's hash of the seed resource.
    assert lines == [
        f"data/sources.csv:2:sha256: source-hash: {sources[0]['path']} does not hash to this "
        f"sha256: its bytes hash to {actual}; the spans citing {sources[0]['source_id']} are "
        f"checked once the two agree (value: {sources[0]['sha256']!r})",
        f"{sources[0]['path']}: hash-count: the descriptor's hash is "
        f"sha256:{sources[0]['sha256']}, but the file hashes to sha256:{actual}: "
        "the file changed after the descriptor was written; restore the file as received (a "
        "seed is never edited)",
    ]


def test_path_traversal_is_refused_before_reading(package: Path) -> None:
    descriptor = json.loads(package.read_text())
    descriptor["resources"][1]["path"] = "../../etc/passwd"
    package.write_text(json.dumps(descriptor))
    code, out, _ = run(str(package))
    assert code == 1
    assert error_lines(out) == [
        "datapackage.json::actors.path: unsafe-path: resource path contains '..'; resource "
        "paths must stay inside the package folder (value: '../../etc/passwd')"
    ]


def test_absolute_path_and_url_are_refused(package: Path) -> None:
    descriptor = json.loads(package.read_text())
    descriptor["resources"][0]["path"] = "/etc/passwd"
    descriptor["resources"][1]["path"] = "https://example.org/actors.csv"
    package.write_text(json.dumps(descriptor))
    report = validate_package(package)
    assert report.flatten(["field", "code", "value"]) == [
        ["actors.path", "unsafe-path", "https://example.org/actors.csv"],
        ["sources.path", "unsafe-path", "/etc/passwd"],
    ]
    assert report.checked == {}


def test_descriptor_not_json(tmp_path: Path) -> None:
    bad = tmp_path / "datapackage.json"
    bad.write_text("{not json")
    code, out, err = run(str(bad))
    assert code == 1
    assert err == ""
    assert error_lines(out) == [
        "datapackage.json:1: descriptor-error: not valid JSON (Expecting property name enclosed "
        "in double quotes at line 1, column 2)"
    ]


@pytest.mark.parametrize(("args", "limit"), [((), 1000), (("--issue-limit", "5"), 5)])
def test_a_report_that_stops_at_the_descriptor_says_its_issue_limit(
    tmp_path: Path, args: tuple[str, ...], limit: int
) -> None:
    """The JSON of a descriptor that is not JSON gives the limit in force (null is "all")."""
    bad = tmp_path / "datapackage.json"
    bad.write_text("{not json")
    code, out, _ = run(str(bad), "--json", *args)
    assert (code, json.loads(out)["issue_limit"]) == (1, limit)


def test_missing_descriptor(tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path / "nope.json"))
    assert code == 2
    assert err.strip() == f"error: {tmp_path / 'nope.json'}: no such file"


@pytest.mark.parametrize(
    "name",
    ["every foreign key", "every pattern", "every date impossible", "more than 1000 errors",
     "pattern in RE2's meaning", "short row", "unicode digits", "not UTF-8", "CRLF line ends",
     "tampered seed", "duplicate composite key"],
)  # fmt: skip
def test_the_command_itself_reports_what_the_library_reports(tmp_path: Path, name: str) -> None:
    """`ukraine-talks validate` runs in a process where pandas and numpy are kept out of
    reach (cli.main); on damaged packages it prints exactly what the in-process app prints."""
    damage = dict(DAMAGES)[name]
    package = copy_package(tmp_path / "pkg")
    damage(package.parent)
    args = ["validate", str(package), "--max-errors", "0", "--allow-schema-changes"]
    command = [sys.executable, "-m", "ukraine_talks_data.cli", *args]
    process = subprocess.run(command, capture_output=True, text=True, check=False)
    expected = CliRunner().invoke(app, args)
    assert process.stderr == ""
    assert (process.returncode, process.stdout) == (expected.exit_code, expected.stdout)


def test_a_full_temporary_folder_ends_with_exit_2_saying_where(
    package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A table in pieces keeps its key columns in Parquet files under TMPDIR: a full disk is
    # the machine's problem, not a bug to report nor an invalid package.
    import errno
    import tempfile

    import pyarrow.parquet as pq

    from ukraine_talks_data.validate.csv import plain
    from ukraine_talks_data.validate.tables import store

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(plain, "PIECE_BYTES", 4096)
    monkeypatch.setattr(store, "HELD_LIMIT", 0)
    monkeypatch.setattr(pq, "write_table", full)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    code, out, err = run(str(package))
    assert (code, out) == (2, "")
    folder, _, message = err.rstrip("\n").removeprefix("error: ").partition(": ")
    assert Path(folder).parent == tmp_path
    assert message == (
        "No space left on device; the validator keeps a large table's key columns here "
        "(free space, or set TMPDIR)"
    )


@pytest.mark.parametrize("listed", [True, False], ids=["seed resource", "seed only in sources"])
def test_output_never_replaces_a_seed(package: Path, listed: bool) -> None:
    """`--output` onto a seed is refused (exit 2), the seed unchanged, whether or not the
    descriptor lists the seed as a resource: the sources table names it either way (a
    descriptor without seed resources is valid, and the report used to replace the seed)."""
    seed = package.parent / read_rows(package.parent / "data" / "sources.csv")[0]["path"]
    if not listed:
        data = json.loads(package.read_text(encoding="utf-8"))
        data["resources"] = [r for r in data["resources"] if r.get("type") != "text"]
        package.write_text(json.dumps(data, indent=2), encoding="utf-8")
        assert run(str(package))[0] == 0
    before = seed.read_bytes()
    code, _, err = run(str(package), "--output", str(seed))
    assert (code, err) == (
        2,
        f"error: {seed}: a file of the package validated; write the report elsewhere\n",
    )
    assert seed.read_bytes() == before


def test_no_command_gives_typer_annotations_to_evaluate() -> None:
    """typer builds every command from its parameters' annotations at each start of
    `ukraine-talks`; an annotation left as a string (`from __future__ import annotations`
    in a command module) costs it an `eval`, 20-30 ms of a 0.6 s validation."""
    import inspect

    assert app.registered_groups == []  # every command is the app's own
    callbacks = [c.callback for c in app.registered_commands]
    callbacks.append(app.registered_callback.callback if app.registered_callback else None)
    quoted = {
        f"{f.__module__}.{f.__name__}": name
        for f in callbacks
        if f is not None
        for name, value in inspect.get_annotations(f).items()
        if isinstance(value, str)
    }
    assert len(callbacks) > 10
    assert quoted == {}
