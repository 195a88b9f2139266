"""`ukraine-talks build`: derived files current, reproducible, atomic; refused on bad data."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from conftest import copy_package, read_rows, set_cell, stock_frictionless_validate, write_rows
from ukraine_talks_data.cli import app
from ukraine_talks_data.loading.parquet import PARQUET_DESCRIPTOR, PARQUET_DIR
from ukraine_talks_data.package.bundle import BUILD_COMMAND, bundle_dir
from ukraine_talks_data.package.digest import file_sha256
from ukraine_talks_data.package.schemas import table_names, table_path
from ukraine_talks_data.publish import build as build_module
from ukraine_talks_data.publish.build import BuildError, build, stale_files
from ukraine_talks_data.publish.data_dictionary import DATA_DICTIONARY
from ukraine_talks_data.publish.descriptor_stats import csv_rows
from ukraine_talks_data.publish.parquet import parquet_bytes

ROOT = bundle_dir()
GENERATED = [
    "datapackage.json",
    PARQUET_DESCRIPTOR,
    DATA_DICTIONARY,
    *(f"{PARQUET_DIR}/{t}.parquet" for t in table_names()),
]


@pytest.fixture(scope="module")
def built_twice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two fresh copies of the package (no Parquet, no dictionary), each built once."""
    roots = []
    for label in ("one", "two"):
        root = copy_package(tmp_path_factory.mktemp(label)).parent
        build(root)
        roots.append(root)
    return roots[0], roots[1]


def test_committed_build_files_are_current() -> None:
    assert stale_files(ROOT) == [], (
        f"derived files are stale against the CSVs and schemas: run `{BUILD_COMMAND}` "
        "and commit the result"
    )


def test_two_builds_are_byte_identical(built_twice: tuple[Path, Path]) -> None:
    one, two = built_twice
    for rel in GENERATED:
        assert (one / rel).read_bytes() == (two / rel).read_bytes(), rel


def test_committed_files_equal_a_fresh_build(built_twice: tuple[Path, Path]) -> None:
    """Text files byte for byte; Parquet files too when built by the same pyarrow version."""
    fresh, _ = built_twice
    for rel in ("datapackage.json", DATA_DICTIONARY):
        assert (fresh / rel).read_bytes() == (ROOT / rel).read_bytes(), rel
    writer = f"parquet-cpp-arrow version {pa.__version__}"
    for table in table_names():
        rel = f"{PARQUET_DIR}/{table}.parquet"
        if pq.ParquetFile(ROOT / rel).metadata.created_by != writer:
            pytest.skip(f"committed Parquet was written by another pyarrow than {writer}")
        assert (fresh / rel).read_bytes() == (ROOT / rel).read_bytes(), rel


def test_second_build_writes_nothing(built_twice: tuple[Path, Path]) -> None:
    one, _ = built_twice
    before = {rel: (one / rel).read_bytes() for rel in GENERATED}
    result = build(one)
    assert result.written == [] and result.removed == []
    assert sorted(result.unchanged) == sorted(GENERATED)
    assert {rel: (one / rel).read_bytes() for rel in GENERATED} == before


def test_parquet_footer_has_no_timestamps(built_twice: tuple[Path, Path]) -> None:
    one, _ = built_twice
    for table in table_names():
        meta = pq.ParquetFile(one / PARQUET_DIR / f"{table}.parquet").metadata
        assert set(meta.metadata) == {b"ARROW:schema", b"primary_key", b"description",
                                      b"source_csv_sha256"}  # fmt: skip
        assert meta.metadata[b"source_csv_sha256"].decode() == file_sha256(one / table_path(table))


@pytest.mark.parametrize("descriptor", ["datapackage.json", PARQUET_DESCRIPTOR])
def test_every_declared_size_hash_and_row_count_matches(descriptor: str) -> None:
    raw = json.loads((ROOT / descriptor).read_text(encoding="utf-8"))
    folder = (ROOT / descriptor).parent
    resources = raw["resources"]
    files = {r["path"] for r in resources}
    # Every file has its size and hash declared, by at least one resource.
    for path in files:
        declaring = [r for r in resources if r["path"] == path and "hash" in r]
        assert declaring, f"{descriptor}: no bytes/hash for {path}"
    for resource in resources:
        path = folder / resource["path"]
        if "bytes" in resource:
            assert resource["bytes"] == path.stat().st_size, resource["name"]
        if "hash" in resource:
            assert resource["hash"] == f"sha256:{file_sha256(path)}", resource["name"]
        if resource.get("type") == "table":
            table = resource["name"]
            assert resource["rows"] == len(read_rows(ROOT / table_path(table))), resource["name"]


@pytest.mark.parametrize("descriptor", ["datapackage.json", PARQUET_DESCRIPTOR])
def test_stock_frictionless_cli_accepts_descriptor(descriptor: str) -> None:
    out = stock_frictionless_validate(descriptor, ROOT)
    assert out.exit_code == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert json.loads(out.stdout)["valid"] is True


@pytest.mark.parametrize(
    "text",
    [
        "a,b\n1,x\n2,y\n",
        "a,b\n1,x\n\n2,y\n",  # a blank line is a (blank) row
        'a,b\n1,"x\ny"\n2,z\n',  # a quoted line break is inside one row
        'a,b\n1,"x\n2,y\n3,z\n',  # an unterminated quote swallows the rest
        "a,b\n",
    ],
)
def test_row_count_agrees_with_frictionless(tmp_path: Path, text: str) -> None:
    from frictionless import Resource

    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    resource = Resource.from_descriptor(
        {"name": "t", "path": path.name, "schema": {"fields": [{"name": "a"}, {"name": "b"}]}},
        basepath=str(tmp_path),
    )
    stats = resource.validate().tasks[0].stats
    assert csv_rows(path) == (stats.get("rows") or 0)


def test_stock_frictionless_catches_rows_swallowed_by_a_quote(package: Path) -> None:
    from frictionless import Package

    table = max(table_names(), key=lambda t: len(read_rows(package.parent / table_path(t))))
    path = package.parent / table_path(table)
    declared = len(read_rows(path))
    assert declared >= 2, "needs a table with two rows"
    header, first, *rest = path.read_text(encoding="utf-8").split("\n")
    cells = first.split(",")
    cells[-1] = '"' + cells[-1]  # opens a quote that never closes
    path.write_text("\n".join([header, ",".join(cells), *rest]), encoding="utf-8")
    parsed = csv_rows(path)
    assert parsed < declared
    report = Package(str(package)).validate()
    task = next(t for t in report.tasks if t.name == table)
    row_count = [e for e in task.errors if e.type == "row-count"]
    assert [e.note for e in row_count] == [f'expected is "{declared}" and actual is "{parsed}"']


@pytest.mark.parametrize(
    ("table", "field", "value", "message"),
    [
        ("statements", "quote_type", "rumour",
         "constraint-error: must be one of: direct, partial, paraphrase"),
        # Forms stock Frictionless accepts but the Parquet build (Arrow) cannot read.
        ("evidence", "start_char", "+1744",
         "type-error: not a valid integer: expected a whole number such as 42, of at most 18 "
         "digits"),
        ("statements", "date", "2022-1-12",
         "type-error: not a valid date: expected a date written YYYY-MM-DD, that exists in "
         "the calendar"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("check", [[], ["--check"]], ids=["build", "check"])
def test_build_refuses_invalid_data_and_writes_nothing(
    package: Path, table: str, field: str, value: str, message: str, check: list[str]
) -> None:
    """So does `build --check`, a build that writes nothing: it does not call the files of
    an invalid package stale, advising a build that would fail."""
    root = package.parent
    row = set_cell(root / "data" / f"{table}.csv", 0, field, value)
    before = package.read_bytes()
    result = CliRunner().invoke(app, ["build", "--root", str(root), *check])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"data/{table}.csv:{row}:{field}: {message} (value: {value!r})",
        f"error: {package} is invalid; nothing was built",
    ]
    assert package.read_bytes() == before
    assert not (root / PARQUET_DIR).exists()
    assert not (root / DATA_DICTIONARY).exists()


def test_build_does_not_bless_a_changed_seed(package: Path) -> None:
    """Seed sizes and hashes are refreshed too, so the sources table's sha256 must stop it."""
    root = package.parent
    seed = root / read_rows(root / "data" / "sources.csv")[0]["path"]
    seed.write_bytes(seed.read_bytes() + b" ")
    with pytest.raises(BuildError) as err:
        build(root)
    assert [i.code for i in err.value.issues] == ["source-hash"]
    assert not (root / PARQUET_DIR).exists()


@pytest.mark.parametrize("file", ["actors table", "seed"])
def test_build_refuses_a_file_changed_after_it_was_validated(
    package: Path, monkeypatch: pytest.MonkeyPatch, file: str
) -> None:
    """A file saved between the build's validation and its reading of the files is not built
    and its new hash not recorded as if checked (a duplicate row was built, exit 0)."""
    root = package.parent
    if file == "seed":
        changed = root / read_rows(root / "data" / "sources.csv")[0]["path"]
    else:
        changed = root / "data" / "actors.csv"
    validate = build_module._validate

    def validate_then_edit(at: Path, reference_schemas: bool) -> None:
        validate(at, reference_schemas)
        data = changed.read_bytes()
        changed.write_bytes(data + data[data.index(b"\n") + 1 : data.index(b"\n", 200) + 1])

    monkeypatch.setattr(build_module, "_validate", validate_then_edit)
    before = package.read_bytes()
    result = CliRunner().invoke(app, ["build", "--root", str(root)])
    rel = changed.relative_to(root).as_posix()
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: {rel} changed while the build read it; nothing was built: build again\n",
    )
    assert package.read_bytes() == before
    assert not (root / PARQUET_DIR).exists()
    assert not (root / DATA_DICTIONARY).exists()


def _built_then_edited(root: Path) -> Path:
    """Build the package at `root`, then edit a cell of actors by hand (no stats refreshed):
    its descriptor and actors' Parquet file are stale. The edited file's path."""
    build(root)
    path = root / "data" / "actors.csv"
    rows = read_rows(path)
    rows[0]["notes"] = "edited by hand"
    write_rows(path, rows, refresh=False)
    return path


def test_build_refreshes_stale_sizes_and_hashes(package: Path) -> None:
    root = package.parent
    path = _built_then_edited(root)
    assert stale_files(root) == [
        "datapackage.json: version, created, sources, bytes, hash or rows differ from the "
        "files it describes",
        f"{PARQUET_DIR}/actors.parquet: differs from what data/actors.csv gives",
    ]
    check = CliRunner().invoke(app, ["build", "--check", "--root", str(root)])
    assert check.exit_code == 1
    assert check.stderr == f"stale: run `{BUILD_COMMAND} --root {root.resolve()}`\n"
    result = build(root)
    assert sorted(result.written) == sorted(
        ["datapackage.json", f"{PARQUET_DIR}/actors.parquet", PARQUET_DESCRIPTOR]
    )
    assert stale_files(root) == []
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    actors = next(r for r in descriptor["resources"] if r["name"] == "actors")
    assert actors["hash"] == f"sha256:{file_sha256(path)}"
    assert pq.read_table(root / PARQUET_DIR / "actors.parquet").column("notes")[0].as_py() == (
        "edited by hand"
    )


def test_build_removes_parquet_of_dropped_tables(package: Path) -> None:
    root = package.parent
    build(root)
    orphan = root / PARQUET_DIR / "retired.parquet"
    orphan.write_bytes(b"PAR1")
    assert stale_files(root) == [f"{PARQUET_DIR}/retired.parquet: no such table any more"]
    assert build(root).removed == [f"{PARQUET_DIR}/retired.parquet"]
    assert not orphan.exists()


def test_build_stopped_midway_leaves_every_file_whole(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped while encoding the third table: every table is encoded before anything is
    written, so the previous build stays whole, descriptor included."""
    root = package.parent
    build(root)
    path = root / "data" / "actors.csv"
    rows = read_rows(path)
    rows[0]["notes"] = "edited"
    write_rows(path, rows)
    before = {p.name: p.read_bytes() for p in (root / PARQUET_DIR).iterdir()}
    descriptor = package.read_bytes()
    real = parquet_bytes
    calls: list[int] = []

    def stop_at_third(table: pa.Table) -> bytes:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(table)

    monkeypatch.setattr(build_module, "parquet_bytes", stop_at_third)
    with pytest.raises(KeyboardInterrupt):
        build(root, force=True)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in (root / PARQUET_DIR).iterdir()} == before
    assert package.read_bytes() == descriptor
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".")) == []


def test_build_error_for_unreadable_descriptor(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="no such file"):
        build(tmp_path)


def test_build_writes_the_sources_metadata_from_the_sources_table(package: Path) -> None:
    root = package.parent
    build(root)
    path = root / "data" / "sources.csv"
    rows = read_rows(path)
    rows[0]["outlet"] = "Made-up Gazette"
    write_rows(path, rows, refresh=False)
    assert stale_files(root)[0].startswith("datapackage.json: ")
    build(root)
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    assert descriptor["sources"][0]["title"] == (
        f"{rows[0]['source_id']}: {rows[0]['title']} (Made-up Gazette; "
        f"{rows[0]['published'] or rows[0]['inferred_published'] + ', inferred'})"
    )
    assert stale_files(root) == []


def test_build_with_no_root_builds_the_package_in_the_current_folder(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ukraine-talks build` in a fork's folder builds the fork (the package a non-editable
    install bundles lies in site-packages), as `validate` there validates it."""
    root = package.parent
    _built_then_edited(root)
    monkeypatch.chdir(root)
    check = CliRunner().invoke(app, ["build", "--check"])
    assert check.exit_code == 1
    assert f"{PARQUET_DIR}/actors.parquet: differs from what data/actors.csv gives" in check.stdout
    assert CliRunner().invoke(app, ["build"]).exit_code == 0
    assert stale_files(root) == []


@pytest.mark.parametrize("where", ["in-the-package", "elsewhere", "under-another-name"])
def test_validate_says_what_the_advised_build_means_for_a_package_elsewhere(
    package: Path, where: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Issues advise `ukraine-talks build`, which builds the package in the current folder
    (else the checkout): validating another, a note gives the command that builds it."""
    root = package.parent
    _built_then_edited(root)
    monkeypatch.chdir(root if where == "in-the-package" else tmp_path)
    if where == "under-another-name":  # build reads only a folder's datapackage.json
        package = package.rename(root / "fork.json")
    checked = CliRunner().invoke(app, ["validate", str(package)])
    assert checked.exit_code == 1
    assert f"run `{BUILD_COMMAND}`" in checked.stdout
    meant = f"{BUILD_COMMAND} --root {root.resolve()}"
    note = {
        "in-the-package": "",
        "elsewhere": f"note: for this package, `{BUILD_COMMAND}` above is `{meant}`\n",
        "under-another-name": f"note: `{BUILD_COMMAND}` builds a folder's datapackage.json: "
        "this package's descriptor is fork.json; name it datapackage.json to build it\n",
    }
    assert checked.stderr == note[where]


def test_a_derived_package_is_built_and_released_with_its_own_schemas(
    package: Path, tmp_path: Path
) -> None:
    """A fork whose schemas differ on purpose: validate --allow-schema-changes tells it to
    build; build refuses the schema change unless given the same option, then the fork
    validates and releases (the advice is never a dead end)."""
    root = package.parent
    build(root)
    schema_path = root / "schemas" / "actors.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    kind = next(f for f in schema["fields"] if f["name"] == "kind")
    kind["constraints"]["enum"].append("alliance")
    schema_path.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
    own = "--allow-schema-changes"

    checked = CliRunner().invoke(app, ["validate", str(root), own])
    assert checked.exit_code == 1
    assert "parquet-stale: " in checked.stdout and f"run `{BUILD_COMMAND}`" in checked.stdout
    meant = f"{BUILD_COMMAND} --root {root.resolve()} {own}"
    assert checked.stderr == f"note: for this package, `{BUILD_COMMAND}` above is `{meant}`\n"
    for check in ([], ["--check"]):
        refused = CliRunner().invoke(app, ["build", "--root", str(root), *check])
        assert refused.exit_code == 1
        assert "schema-changed: differs from the reference schema" in refused.stderr
        assert f"{own} skips this for a derived package" in refused.stderr

    stale = CliRunner().invoke(app, ["build", "--root", str(root), "--check", own])
    assert (stale.exit_code, stale.stderr) == (1, f"stale: run `{meant}`\n")
    followed = CliRunner().invoke(app, meant.split()[1:])  # the advice, as given
    assert followed.exit_code == 0, followed.output
    assert CliRunner().invoke(app, ["build", "--root", str(root), "--check", own]).exit_code == 0
    assert CliRunner().invoke(app, ["validate", str(root), own]).exit_code == 0
    out = tmp_path / "release"
    assert CliRunner().invoke(app, ["release", str(out), "--root", str(root)]).exit_code == 1
    as_this = CliRunner().invoke(app, ["release", str(out), "--root", str(root), own])
    assert as_this.exit_code == 1
    assert as_this.stderr.startswith(
        f"error: {package} is a derived package (its schemas differ from ukraine-talks-data's) "
        "but has its `name` and `id`: give the package its own (an `id` is a new UUID) so "
        "that its release is not taken for this dataset's"
    )
    assert not out.exists()

    raw = json.loads(package.read_text(encoding="utf-8"))
    raw["name"], raw["id"] = "talks-fork", f"urn:uuid:{raw['id'].upper()}"  # the same UUID
    package.write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")
    assert CliRunner().invoke(app, ["build", "--root", str(root), own]).exit_code == 0
    disguised = CliRunner().invoke(app, ["release", str(out), "--root", str(root), own])
    assert "is a derived package" in disguised.stderr and "but has its `id`:" in disguised.stderr
    raw["name"], raw["id"] = "../Talks", "0b6c5f0e-8f1f-4c39-9a57-3f0d2c1e7a90"
    package.write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")
    assert CliRunner().invoke(app, ["build", "--root", str(root), own]).exit_code == 0
    unnamed = CliRunner().invoke(app, ["release", str(out), "--root", str(root), own])
    assert unnamed.stderr == (
        f"error: {package}: a derived package's release is named after its `name`, which must "
        "be lower-case letters, digits, '.', '_' or '-', at most 100 (it is '../Talks')\n"
    )
    raw["name"] = "talks-with-alliances"
    package.write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")
    assert CliRunner().invoke(app, ["build", "--root", str(root), own]).exit_code == 0
    released = CliRunner().invoke(app, ["release", str(out), "--root", str(root), own])
    assert released.exit_code == 0, released.output
    assert (out / "actors.parquet").is_file()
    assert (out / f"talks-with-alliances-{raw['version']}.zip").is_file()
    assert not (out / f"ukraine-talks-data-{raw['version']}.zip").exists()


@pytest.mark.parametrize("content", [b"PAR1garbagePAR1", b""], ids=["garbage", "empty"])
def test_a_file_that_is_not_parquet_is_stale_not_a_crash(package: Path, content: bytes) -> None:
    """build --check on a Parquet file that cannot be read (helper-37: it failed
    unexpectedly measuring the file for the Parquet descriptor); a build mends it."""
    root = package.parent
    build(root)
    (root / PARQUET_DIR / "events.parquet").write_bytes(content)
    check = CliRunner().invoke(app, ["build", "--check", "--root", str(root)])
    assert check.exit_code == 1
    assert check.stdout.splitlines() == [
        f"{PARQUET_DIR}/events.parquet: differs from what data/events.csv gives",
        f"{PARQUET_DESCRIPTOR}: differs from the Parquet files and schemas",
    ]
    build(root)
    assert stale_files(root) == []
