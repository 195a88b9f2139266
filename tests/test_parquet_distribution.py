"""`validate` covers the Parquet distribution a package ships, and `build` publishes it whole.

Each case damages a built copy of the package as a killed build, a late edit or a hand
would, and names the exact line `validate` must print; `build` then fixes it."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from conftest import copy_package, read_rows, write_rows
from damage import report_lines, validate_cli
from ukraine_talks_data.cli import app
from ukraine_talks_data.loading.parquet import (
    PARQUET_DESCRIPTOR,
    PARQUET_DIR,
    file_resource,
    fresh_parquet,
)
from ukraine_talks_data.package.bundle import CSV_SHA256_KEY
from ukraine_talks_data.package.digest import file_sha256
from ukraine_talks_data.package.schemas import is_required, table_names, table_path, table_schema
from ukraine_talks_data.publish.build import build, stale_files
from ukraine_talks_data.publish.descriptor_stats import dump_descriptor
from ukraine_talks_data.publish.parquet import WRITE_OPTIONS
from ukraine_talks_data.validate import validate_package
from ukraine_talks_data.validate.csv import plain

FIX = "run `ukraine-talks build`"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_package(tmp_path_factory.mktemp("built") / "pkg").parent
    build(root)
    return root


@pytest.fixture
def root(built: Path, tmp_path: Path) -> Path:
    """A private copy of a freshly built package."""
    return Path(shutil.copytree(built, tmp_path / "pkg"))


def parquet_rel(table: str) -> str:
    return f"{PARQUET_DIR}/{table}.parquet"


def declared(root: Path, table: str) -> dict[str, object]:
    raw = json.loads((root / PARQUET_DESCRIPTOR).read_text(encoding="utf-8"))
    return file_resource(raw, table)


def edit_parquet_descriptor(root: Path, edit: Callable[[dict[str, object]], None]) -> None:
    raw = json.loads((root / PARQUET_DESCRIPTOR).read_text(encoding="utf-8"))
    edit(raw)
    (root / PARQUET_DESCRIPTOR).write_text(dump_descriptor(raw), encoding="utf-8")


def rewrite_parquet(root: Path, table: str, change: Callable[[pa.Table], pa.Table]) -> None:
    """Rewrite a table's Parquet file with `change` applied, and declare its new size and
    hash in the Parquet descriptor, as a hand (not a build) would."""
    path = root / parquet_rel(table)
    pq.write_table(change(pq.read_table(path)), path, **WRITE_OPTIONS)
    _redeclare(root, table)


def killed_between_writes(root: Path) -> str:
    """A Parquet file rewritten but its descriptor not (an older build, killed midway)."""
    path = root / parquet_rel("actors")
    old = declared(root, "actors")
    pq.write_table(pq.read_table(path), path, **{**WRITE_OPTIONS, "compression": "gzip"})
    return _other_size(path, old)


def file_grown_huge(root: Path) -> str:
    """A terabyte (sparse): its size is compared before anything reads it."""
    path = root / parquet_rel("actors")
    old = declared(root, "actors")
    with path.open("r+b") as handle:
        handle.truncate(1 << 40)
    return _other_size(path, old)


def _other_size(path: Path, old: dict[str, object]) -> str:
    """What validate says of the Parquet file at `path`, declared as `old`, now of another size."""
    return (
        f"{PARQUET_DIR}/{path.name}: parquet-stale: {PARQUET_DESCRIPTOR} declares {old['bytes']} "
        f"bytes, but the file has {path.stat().st_size} bytes (a build stopped midway, or a file "
        f"changed after it); {FIX}"
    )


def linked_outside(root: Path) -> str:
    path = root / parquet_rel("actors")
    outside = root.parent / "elsewhere.parquet"
    outside.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(outside)
    return (
        f"{parquet_rel('actors')}: parquet-stale: the Parquet file of actors cannot be read: its "
        f"path leads outside the package folder (through a symlink); remove it, then {FIX}"
    )


def byte_changed_in_place(root: Path) -> str:
    """The same size, another hash (told without reading the file as Parquet)."""
    path = root / parquet_rel("actors")
    old = declared(root, "actors")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    return (
        f"{parquet_rel('actors')}: parquet-stale: {PARQUET_DESCRIPTOR} declares {old['hash']}, "
        f"but the file hashes to sha256:{file_sha256(path)} (a build stopped midway, or a file "
        f"changed after it); {FIX}"
    )


def size_declared_as_text(root: Path) -> str:
    def text(raw: dict[str, object]) -> None:
        for resource in raw["resources"]:  # type: ignore[attr-defined]
            if resource.get("path") == "actors.parquet" and resource["type"] == "file":
                resource["bytes"] = str(resource["bytes"])

    edit_parquet_descriptor(root, text)
    size = (root / parquet_rel("actors")).stat().st_size
    return (
        f"{parquet_rel('actors')}: parquet-stale: {PARQUET_DESCRIPTOR} declares bytes "
        f'"{size}", not a whole number for it; {FIX}'
    )


def csv_edited_after_build(root: Path) -> str:
    path = root / table_path("actors")
    rows = read_rows(path)
    rows[0]["notes"] = "edited after the build"
    recorded = file_sha256(path)
    write_rows(path, rows)  # the CSV descriptor is refreshed: only the Parquet is stale
    return (
        f"{parquet_rel('actors')}: parquet-stale: was built from another version of "
        f"{table_path('actors')} (its recorded SHA-256 is {recorded}, the CSV's is "
        f"{file_sha256(path)}); {FIX}"
    )


def cell_changed(
    table: str, field: str, index: int, new: Callable[[str], str]
) -> Callable[[Path], str]:
    """Cell `index` of `field` changed by hand in the Parquet file to `new(old)` (as the CSV
    writes it): both values said as the CSV writes them (a date as `'2022-01-13'`)."""

    def damage(root: Path) -> str:
        old = read_rows(root / table_path(table))[index][field]
        value = new(old)

        def change(stored: pa.Table) -> pa.Table:
            at = stored.schema.get_field_index(field)
            kind = stored.schema.field(at).type
            cells = stored.column(at).to_pylist()
            cells[index] = dt.date.fromisoformat(value) if pa.types.is_date(kind) else value
            return stored.set_column(at, stored.schema.field(at), pa.array(cells, kind))

        rewrite_parquet(root, table, change)
        return (
            f"{parquet_rel(table)}:{index + 2}:{field}: parquet-stale: the Parquet file holds "
            f"{value!r} where {table_path(table)} holds {old!r}; {FIX}"
        )

    damage.__name__ = f"{table}_{field}_changed_by_hand"
    return damage


def two_columns_changed(root: Path) -> str:
    """utterance_id changed late (row 92), speaker_id early (row 5): the issue is the first
    column's, in schema order, as when the table is read whole, not the first piece's."""
    first = cell_changed("statements", "utterance_id", 90, lambda old: "U999")(root)
    cell_changed("statements", "speaker_id", 3, lambda old: "someone_else")(root)
    return first


def _next_day(day: str) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()


def column_type_changed(name: str) -> Callable[[Path], str]:
    """A column written in another Arrow type, its values the same (`date` as text,
    `speaker_id` dictionary-encoded): the loader and `build --check` call such a file
    stale, and so does validate."""

    def damage(root: Path) -> str:
        def change(table: pa.Table) -> pa.Table:
            index = table.schema.get_field_index(name)
            column = table.column(index)
            column = column.cast(pa.string()) if name == "date" else column.dictionary_encode()
            return table.set_column(index, pa.field(name, column.type), column)

        rewrite_parquet(root, "statements", change)
        stored, wanted = (
            ("string", "date32[day]")
            if name == "date"
            else ("dictionary<values=string, indices=int32, ordered=0>", "string")
        )
        return (
            f"{parquet_rel('statements')}: parquet-stale: its column {name} is {stored}, but its "
            f"field makes it {wanted}; {FIX}"
        )

    damage.__name__ = f"column_type_changed_{name}"
    return damage


def list_items_made_required(root: Path) -> str:
    """actors.aliases written as a list whose items may not be null: the loader's schema
    (`arrow_schema`) has nullable items, so the loader and `build --check` call it stale."""

    def change(table: pa.Table) -> pa.Table:
        at = table.schema.get_field_index("aliases")
        items = pa.list_(pa.field("item", pa.string(), nullable=False))
        return table.cast(table.schema.set(at, table.schema.field(at).with_type(items)))

    rewrite_parquet(root, "actors", change)
    return (
        f"{parquet_rel('actors')}: parquet-stale: its column aliases is "
        f"list<element: string not null>, but its field makes it list<item: string>; {FIX}"
    )


def column_made_nullable(root: Path) -> str:
    """A required field's column written nullable, its values the same."""
    name = next(f["name"] for f in table_schema("events")["fields"] if is_required(f))

    def change(table: pa.Table) -> pa.Table:
        index = table.schema.get_field_index(name)
        return table.cast(table.schema.set(index, table.schema.field(index).with_nullable(True)))

    rewrite_parquet(root, "events", change)
    return (
        f"{parquet_rel('events')}: parquet-stale: its column {name} is nullable, but its field "
        f"is required; {FIX}"
    )


def row_removed_and_redeclared(root: Path) -> str:
    """A row taken out of the middle, the descriptor's rows, bytes and hash made to match:
    the count is said, not the first of the shifted cells, also for a table read in pieces
    (whose total is known only at its last piece)."""
    rows = len(read_rows(root / table_path("statements")))
    middle = rows // 2
    rewrite_parquet(
        root, "statements", lambda t: pa.concat_tables([t.slice(0, middle), t.slice(middle + 1)])
    )

    def recount(raw: dict[str, object]) -> None:
        raw["resources"][_position(raw, "table", "statements")]["rows"] = rows - 1  # type: ignore[index]

    edit_parquet_descriptor(root, recount)
    return (
        f"{parquet_rel('statements')}: parquet-stale: has {rows - 1} rows, but "
        f"{table_path('statements')} has {rows}; {FIX}"
    )


def rows_dropped_by_hand(root: Path) -> str:
    rewrite_parquet(root, "actors", lambda t: t.slice(0, t.num_rows - 1))
    rows = len(read_rows(root / table_path("actors")))
    return (
        f"{parquet_rel('actors')}: parquet-stale: {PARQUET_DESCRIPTOR} declares {rows} rows, "
        f"the file has {rows - 1}; {FIX}"
    )


def file_deleted(root: Path) -> str:
    (root / parquet_rel("events")).unlink()
    return f"{parquet_rel('events')}: parquet-stale: the Parquet file of events is missing; {FIX}"


def descriptor_deleted(root: Path) -> str:
    (root / PARQUET_DESCRIPTOR).unlink()
    return f"{PARQUET_DESCRIPTOR}: parquet-stale: the Parquet descriptor is missing; {FIX}"


def descriptor_not_json(root: Path) -> str:
    (root / PARQUET_DESCRIPTOR).write_text("{", encoding="utf-8")
    return (
        f"{PARQUET_DESCRIPTOR}: parquet-stale: the Parquet descriptor is not valid JSON "
        f"(Expecting property name enclosed in double quotes at line 1, column 2); {FIX}"
    )


def not_parquet(root: Path) -> str:
    path = root / parquet_rel("sources")
    path.write_bytes(b"PAR1 but not really")
    _redeclare(root, "sources")
    return f"{parquet_rel('sources')}: parquet-stale: cannot be read as Parquet ("


def _redeclare(root: Path, table: str) -> None:
    """Declare the Parquet file's size and hash as they now are, as a hand would."""
    path = root / parquet_rel(table)
    size, digest = path.stat().st_size, file_sha256(path)

    def redeclare(raw: dict[str, object]) -> None:
        for resource in raw["resources"]:  # type: ignore[attr-defined]
            if resource.get("path") == path.name and resource["type"] == "file":
                resource.update(bytes=size, hash=f"sha256:{digest}")

    edit_parquet_descriptor(root, redeclare)


def damaged_page(root: Path) -> str:
    """Bytes of a data page overwritten, the footer intact: the file opens, its rows do not."""
    path = root / parquet_rel("events")
    data = bytearray(path.read_bytes())
    data[100:3000] = bytes(range(256)) * 11 + bytes(84)
    path.write_bytes(bytes(data))
    _redeclare(root, "events")
    return f"{parquet_rel('events')}: parquet-stale: cannot be read as Parquet ("


def string_not_utf8(root: Path) -> str:
    """A string cell whose bytes are not UTF-8 (written plain, so the bytes are in the file)."""
    path = root / parquet_rel("actors")
    table = pq.read_table(path)
    name = table.column("name")[0].as_py().encode()
    pq.write_table(table, path, compression="none", use_dictionary=False, write_statistics=False)
    data = path.read_bytes()
    path.write_bytes(data.replace(name, b"\xff" * len(name), 1))
    _redeclare(root, "actors")
    return f"{parquet_rel('actors')}: parquet-stale: cannot be read as Parquet ("


def _position(raw: dict[str, object], kind: str, name: str) -> int:
    """Where the Parquet descriptor lists resource `name` of type `kind`."""
    listed: list[dict[str, object]] = raw["resources"]  # type: ignore[assignment]
    return next(i for i, r in enumerate(listed) if (r["type"], r["name"]) == (kind, name))


def _edited(root: Path, edit: Callable[[list[dict[str, Any]]], str]) -> str:
    """Edit the Parquet descriptor's resources by hand; `edit` says where it now differs
    from what a build writes, as validate must."""
    said: list[str] = []
    edit_parquet_descriptor(root, lambda raw: said.append(edit(raw["resources"])))  # type: ignore[arg-type]
    return (
        f"{PARQUET_DESCRIPTOR}: parquet-stale: is not what datapackage.json and the schemas "
        f"give (as a build writes it): {said[0]}; {FIX}"
    )


def rows_declared_as_a_fraction(root: Path) -> str:
    """16.0 equals 16 in Python, but is not a whole number in JSON."""

    def fraction(raw: dict[str, object]) -> None:
        raw["resources"][_position(raw, "table", "actors")]["rows"] *= 1.0  # type: ignore[index]

    edit_parquet_descriptor(root, fraction)
    rows = float(len(read_rows(root / table_path("actors"))))
    return (
        f"{parquet_rel('actors')}: parquet-stale: {PARQUET_DESCRIPTOR} declares rows {rows!r}, "
        f"not a whole number for it; {FIX}"
    )


def field_type_changed_in_descriptor(root: Path) -> str:
    def edit(resources: list[dict[str, Any]]) -> str:
        index = _position({"resources": resources}, "table", "events")
        fields = resources[index]["schema"]["fields"]
        at = next(i for i, f in enumerate(fields) if f["type"] == "date")
        fields[at]["type"] = "string"
        return f'resources[{index}].schema.fields[{at}].type is "string" where they give "date"'

    return _edited(root, edit)


def path_made_a_url(root: Path) -> str:
    def edit(resources: list[dict[str, Any]]) -> str:
        index = _position({"resources": resources}, "file", "events.parquet")
        resources[index]["path"] = "https://example.org/events.parquet"
        return (
            f'resources[{index}].path is "https://example.org/events.parquet" where they give '
            '"events.parquet"'
        )

    return _edited(root, edit)


def format_changed(root: Path) -> str:
    def edit(resources: list[dict[str, Any]]) -> str:
        index = _position({"resources": resources}, "table", "sources")
        resources[index]["format"] = "csv"
        return f'resources[{index}].format is "csv" where they give "parquet"'

    return _edited(root, edit)


def key_added(root: Path) -> str:
    def edit(resources: list[dict[str, Any]]) -> str:
        resources[0]["dialect"] = {"delimiter": ";"}
        return "resources[0].dialect is an object they do not give"

    return _edited(root, edit)


def required_made_a_number(root: Path) -> str:
    """`1` equals `true` in Python, but not in JSON: Frictionless would refuse it."""

    def edit(resources: list[dict[str, Any]]) -> str:
        index = _position({"resources": resources}, "table", "actors")
        fields = resources[index]["schema"]["fields"]
        at = next(i for i, f in enumerate(fields) if f.get("constraints", {}).get("required"))
        fields[at]["constraints"]["required"] = 1
        where = f"resources[{index}].schema.fields[{at}].constraints.required"
        return f"{where} is 1 where they give true"

    return _edited(root, edit)


def junk_resource_added(root: Path) -> str:
    def edit(resources: list[dict[str, Any]]) -> str:
        resources.append({"path": "../../etc/passwd"})
        return f"resources[{len(resources) - 1}] is not a resource they give"

    return _edited(root, edit)


def resource_repeated(root: Path) -> str:
    def edit(resources: list[dict[str, Any]]) -> str:
        index = _position({"resources": resources}, "table", "actors")
        resources.append(dict(resources[index]))
        return f"resources[{len(resources) - 1}] declares the table resource 'actors' again"

    return _edited(root, edit)


def table_left_out(root: Path) -> str:
    def edit(resources: list[dict[str, Any]]) -> str:
        resources[:] = [r for r in resources if r["name"] != "demands"]
        return "it declares no table resource 'demands'"

    return _edited(root, edit)


def csv_descriptor_edited(key: str, value: str, parquet: str) -> Callable[[Path], str]:
    """datapackage.json's `key` edited after the build: the Parquet descriptor repeats it as
    `parquet` ({} the value); a build rewrites the Parquet descriptor (a title) or puts
    datapackage.json's back (the version, which it owns)."""

    def damage(root: Path) -> str:
        path = root / "datapackage.json"
        raw = json.loads(path.read_text(encoding="utf-8"))
        old, raw[key] = raw[key], value
        path.write_text(dump_descriptor(raw), encoding="utf-8")
        return (
            f"{PARQUET_DESCRIPTOR}: parquet-stale: is not what datapackage.json and the schemas "
            f"give (as a build writes it): {key} is {_json(parquet.format(old))} where "
            f"they give {_json(parquet.format(value))}; {FIX}"
        )

    damage.__name__ = f"csv_descriptor_{key}_edited"
    return damage


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def measure_removed(key: str, said: Callable[[Path, dict[str, Any]], str]) -> Callable[[Path], str]:
    """The descriptor's `rows`, `bytes` or `hash` of the actors file removed: said once, by
    the file's rule."""

    def damage(root: Path) -> str:
        def remove(raw: dict[str, object]) -> None:
            kind = "table" if key == "rows" else "file"
            name = "actors" if kind == "table" else "actors.parquet"
            del raw["resources"][_position(raw, kind, name)][key]  # type: ignore[index]

        old = declared(root, "actors")
        edit_parquet_descriptor(root, remove)
        return f"{parquet_rel('actors')}: parquet-stale: {said(root, old)}; {FIX}"

    damage.__name__ = f"{key}_removed"
    return damage


def _hash_missing(root: Path, old: dict[str, Any]) -> str:
    return (
        f"{PARQUET_DESCRIPTOR} declares no hash, but the file hashes to {old['hash']} (a build "
        "stopped midway, or a file changed after it)"
    )


def rows_declared_as_true(root: Path) -> str:
    def true(raw: dict[str, object]) -> None:
        raw["resources"][_position(raw, "table", "actors")]["rows"] = True  # type: ignore[index]

    edit_parquet_descriptor(root, true)
    return (
        f"{parquet_rel('actors')}: parquet-stale: {PARQUET_DESCRIPTOR} declares rows true, not "
        f"a whole number for it; {FIX}"
    )


def stray_file(root: Path) -> str:
    """A Parquet file of no table (a table dropped from the package, or a copy)."""
    shutil.copyfile(root / parquet_rel("events"), root / PARQUET_DIR / "stray.parquet")
    return (
        f"{PARQUET_DIR}/stray.parquet: parquet-stale: is the Parquet file of no table of the "
        f"package; {FIX} (it removes it)"
    )


def descriptor_too_large(root: Path) -> str:
    """Over the 16 MiB the CSV descriptor may have: not parsed."""
    text = (root / PARQUET_DESCRIPTOR).read_text(encoding="utf-8")
    (root / PARQUET_DESCRIPTOR).write_text(text + " " * (16 << 20), encoding="utf-8")
    return (
        f"{PARQUET_DESCRIPTOR}: parquet-stale: the Parquet descriptor cannot be read: it is "
        f"larger than {16 << 20:,} bytes; {FIX}"
    )


def metadata_changed(what: str) -> Callable[[Path], str]:
    """The Parquet file's descriptions or primary key not its Table Schema's (a schema
    edited after the build, the file kept), all else as built: the loader calls it stale."""

    def damage(root: Path) -> str:
        def change(table: pa.Table) -> pa.Table:
            if what == "field":
                field = table.schema.field(0).with_metadata({"description": "another"})
                return table.cast(table.schema.set(0, field))
            metadata = dict(table.schema.metadata)
            metadata[what.encode()] = b"another"
            return table.replace_schema_metadata(metadata)

        rewrite_parquet(root, "events", change)
        said = {
            "field": "the description of its column event_id is not its field's",
            "description": "its description is not its Table Schema's",
            "primary_key": "its primary key is not its Table Schema's",
        }
        return f"{parquet_rel('events')}: parquet-stale: {said[what]}; {FIX}"

    damage.__name__ = f"metadata_changed_{what}"
    return damage


DAMAGES = [
    damaged_page,
    string_not_utf8,
    killed_between_writes,
    byte_changed_in_place,
    file_grown_huge,
    size_declared_as_text,
    csv_edited_after_build,
    cell_changed("actors", "name", 1, lambda old: "Someone Else"),
    cell_changed("statements", "date", 2, _next_day),
    two_columns_changed,
    column_type_changed("date"),
    column_type_changed("speaker_id"),
    rows_dropped_by_hand,
    column_made_nullable,
    list_items_made_required,
    row_removed_and_redeclared,
    file_deleted,
    descriptor_deleted,
    descriptor_not_json,
    table_left_out,
    not_parquet,
    rows_declared_as_a_fraction,
    field_type_changed_in_descriptor,
    path_made_a_url,
    format_changed,
    key_added,
    required_made_a_number,
    junk_resource_added,
    resource_repeated,
    csv_descriptor_edited("title", "Another title", "{} (Parquet)"),
    csv_descriptor_edited("version", "9.9.9", "{}"),
    measure_removed("rows", lambda root, old: f"{PARQUET_DESCRIPTOR} declares no rows for it"),
    measure_removed("bytes", lambda root, old: f"{PARQUET_DESCRIPTOR} declares no bytes for it"),
    measure_removed("hash", _hash_missing),
    rows_declared_as_true,
    stray_file,
    descriptor_too_large,
    metadata_changed("field"),
    metadata_changed("description"),
    metadata_changed("primary_key"),
]


@pytest.mark.parametrize("damage", DAMAGES, ids=[d.__name__ for d in DAMAGES])
def test_a_table_read_in_pieces_is_compared_to_its_parquet_file_the_same(
    root: Path, damage: Callable[[Path], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Parquet file is hashed and opened once per table and read in step with the CSV's
    pieces (here 4 KiB: statements in 11): the same issues as when read whole."""
    damage(root)
    whole = report_lines(validate_package(root))
    monkeypatch.setattr(plain, "PIECE_BYTES", 4096)
    assert report_lines(validate_package(root)) == whole


def test_a_description_changed_and_built_is_valid(root: Path) -> None:
    """The Parquet files record the package's own descriptions (what the build writes
    from), not the bundled reference's, which a description may differ from."""
    path = root / "schemas" / "events.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["fields"][1]["description"] += " (edited)"
    path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    build(root)
    assert validate_cli(root) == (0, [])


def test_another_codec_is_valid_and_stale_to_a_build(root: Path) -> None:
    """How a file is compressed is the build's business, not the file's validity: a
    snappy copy with the same content (declared as it is) validates; `build --check`
    names it, and a build writes it back in its own codec."""
    path = root / parquet_rel("actors")
    options = {**WRITE_OPTIONS, "compression": "snappy", "compression_level": None}
    pq.write_table(pq.read_table(path), path, **options)
    _redeclare(root, "actors")
    assert validate_cli(root) == (0, [])
    assert stale_files(root) == [
        f"{parquet_rel('actors')}: differs from what {table_path('actors')} gives"
    ]
    build(root)
    assert stale_files(root) == []
    assert pq.ParquetFile(path).metadata.row_group(0).column(0).compression == "ZSTD"


def test_without_every_schema_each_undeclared_table_and_stray_file_is_still_named(
    root: Path,
) -> None:
    """A schema of the package that cannot be read leaves the descriptor's whole comparison
    out; a table the Parquet descriptor does not declare and a stray file are still said."""
    (root / "schemas" / "events.json").write_text('{"fields": "x"}', encoding="utf-8")
    table_left_out_of_the_descriptor = [
        f"{PARQUET_DESCRIPTOR}: parquet-stale: declares no Parquet file for actors; {FIX}",
        stray_file(root),
    ]

    def drop(raw: dict[str, object]) -> None:
        listed: list[dict[str, Any]] = raw["resources"]  # type: ignore[assignment]
        raw["resources"] = [r for r in listed if r["name"] not in ("actors", "actors.parquet")]

    edit_parquet_descriptor(root, drop)
    code, lines = validate_cli(root)
    assert code == 1
    assert [line for line in lines if "parquet-stale" in line] == table_left_out_of_the_descriptor


def test_a_column_with_a_cell_the_csv_rejects_is_not_compared_in_any_piece(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A date the CSV's own rules reject in a late piece (row 92), and another date in the
    Parquet file in the first (row 7), the file recording the CSV as it now is: read
    whole, the date column is not compared (a cell does not convert); read in pieces, the
    first piece's difference must not be reported either."""
    csv = root / table_path("statements")
    rows = read_rows(csv)
    rows[90]["date"] = "2022-13-45"
    write_rows(csv, rows)
    digest = file_sha256(csv)

    def change(table: pa.Table) -> pa.Table:
        dates = table.column("date").to_pylist()
        dates[5] = dt.date(2021, 1, 1)
        at = table.schema.get_field_index("date")
        table = table.set_column(at, table.schema.field(at), pa.array(dates, pa.date32()))
        metadata = {**table.schema.metadata, CSV_SHA256_KEY.encode(): digest.encode()}
        return table.replace_schema_metadata(metadata)

    rewrite_parquet(root, "statements", change)
    whole = report_lines(validate_package(root))
    assert whole[0] == 1 and not [line for line in whole[1] if "parquet-stale" in line], whole
    monkeypatch.setattr(plain, "PIECE_BYTES", 4096)
    assert report_lines(validate_package(root)) == whole


@pytest.mark.parametrize("damage", DAMAGES, ids=[d.__name__ for d in DAMAGES])
def test_validate_reports_a_stale_parquet_distribution_and_build_fixes_it(
    root: Path, damage: Callable[[Path], str]
) -> None:
    expected = damage(root)
    code, lines = validate_cli(root)
    assert code == 1
    if expected.endswith("("):
        assert [line[: len(expected)] for line in lines] == [expected], lines
    else:
        assert lines == [expected]
    build(root)
    assert validate_cli(root) == (0, [])
    assert stale_files(root) == []


def test_a_parquet_copy_linked_outside_the_package_is_named_so(root: Path) -> None:
    """Not read (and not in DAMAGES: build leaves a link it did not make)."""
    expected = linked_outside(root)
    assert validate_cli(root) == (1, [expected])


def _plain_file(root: Path) -> str:
    (root / PARQUET_DIR / "datapackage.json").unlink()
    shutil.rmtree(root / PARQUET_DIR)
    (root / PARQUET_DIR).write_text("not a folder", encoding="utf-8")
    return "is not a folder"


def _linked_outside(root: Path) -> str:
    outside = Path(shutil.move(root / PARQUET_DIR, root.parent / "elsewhere"))
    (root / PARQUET_DIR).symlink_to(outside)
    return "leads outside the package folder (through a symlink)"


@pytest.mark.parametrize("replace", [_plain_file, _linked_outside])
def test_a_parquet_folder_that_is_not_one_of_the_package_is_named_so(
    root: Path, replace: Callable[[Path], str]
) -> None:
    """Not taken for a package without a Parquet distribution (which is not asked for one):
    something put it there, and validate says what."""
    why = replace(root)
    assert validate_cli(root) == (
        1,
        [f"{PARQUET_DIR}: parquet-stale: {PARQUET_DIR} {why}; remove it, then {FIX}"],
    )


def test_build_does_not_stop_on_a_stale_parquet_distribution(root: Path) -> None:
    """The Parquet issues are a build's to fix, like stale sizes and hashes."""
    killed_between_writes(root)
    result = CliRunner().invoke(app, ["build", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert validate_package(root / "datapackage.json").valid


def _consistent(root: Path) -> bool:
    """Whether every Parquet file is declared with its true hash and was built from its CSV."""
    for table in table_names():
        path = root / parquet_rel(table)
        if not path.is_file() or declared(root, table)["hash"] != f"sha256:{file_sha256(path)}":
            return False
        if fresh_parquet(path, root / table_path(table), table_schema(table)) is None:
            return False
    return True


def _hidden(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob(".*"))


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
@pytest.mark.parametrize("rename", [1, 2])
def test_build_killed_at_each_rename_is_never_called_valid_when_stale(
    root: Path, rename: int
) -> None:
    """A real `kill -9` just before the build's n-th rename: `validate` calls the package
    valid only if its Parquet distribution is whole and current, and the next build leaves
    no hidden leftovers."""
    path = root / table_path("actors")
    rows = read_rows(path)
    rows[0]["notes"] = "edited"
    write_rows(path, rows, refresh=False)
    code = (
        "import os, time\n"
        "from pathlib import Path\n"
        "from ukraine_talks_data import _atomic\n"
        "count = [0]\n"
        "def counted(real):\n"
        "    def rename(a, b):\n"
        "        count[0] += 1\n"
        f"        if count[0] == {rename}:\n"
        "            print('renaming', flush=True)\n"
        "            time.sleep(600)\n"
        "        return real(a, b)\n"
        "    return rename\n"
        "os.replace = counted(os.replace)\n"
        "_atomic.exchange = counted(_atomic.exchange)\n"
        "from ukraine_talks_data.publish.build import build\n"
        f"build(Path({str(root)!r}))\n"
        "print('done', flush=True)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "renaming\n"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    report = validate_package(root / "datapackage.json")
    assert not report.valid or _consistent(root)
    if not _consistent(root):
        assert any(i.code == "parquet-stale" or i.code == "hash-count" for i in report.errors)
    build(root)
    assert stale_files(root) == []
    assert _hidden(root) == []
    assert validate_package(root / "datapackage.json").valid


@pytest.mark.parametrize(
    ("damage", "error"),
    [
        (b"\xff\xfe", "encoding-error"),
        (b'"', "unterminated-quote"),
    ],
)
def test_build_check_on_a_damaged_csv_prints_the_issues(
    root: Path, damage: bytes, error: str
) -> None:
    path = root / table_path("actors")
    data = path.read_bytes()
    cut = data.index(b"\n") + 5
    path.write_bytes(data[:cut] + damage + data[cut:])
    for args in (["build", "--check"], ["build"]):
        result = CliRunner().invoke(app, [*args, "--root", str(root)])
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        lines = result.stderr.splitlines()
        assert any(f": {error}: " in line for line in lines), lines
        assert lines[-1] == f"error: {root / 'datapackage.json'} is invalid; nothing was built"
