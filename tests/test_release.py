"""`ukraine-talks release`: a flat folder of verified files and a reproducible zip."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import ukraine_talks_data as u
from conftest import stock_frictionless_validate
from ukraine_talks_data.cli import app
from ukraine_talks_data.package.bundle import bundle_dir
from ukraine_talks_data.package.schemas import table_names, table_path
from ukraine_talks_data.publish import csv_export
from ukraine_talks_data.publish.build import build
from ukraine_talks_data.publish.release import MANIFEST, ReleaseError, make_release, zip_name
from ukraine_talks_data.validate import validate_package

ROOT = bundle_dir()
VERSION = u.__version__


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release") / f"v{VERSION}"
    result = CliRunner().invoke(app, ["release", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        str(out / n) for n in sorted(p.name for p in out.iterdir() if p.name != MANIFEST)
    ]
    return out


def test_release_holds_every_table_both_descriptors_sums_and_zip(release: Path) -> None:
    expected = {
        "datapackage.json",
        "datapackage-parquet.json",
        "SHA256SUMS",
        MANIFEST,
        zip_name(VERSION),
        *(f"{t}.parquet" for t in table_names()),
        *(f"{t}.csv" for t in table_names()),
    }
    assert {p.name for p in release.iterdir()} == expected


def test_sha256sums_cover_every_file(release: Path) -> None:
    lines = (release / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    sums = {name: digest for digest, name in (line.split("  ", 1) for line in lines)}
    listed = sorted(p.name for p in release.iterdir() if p.name not in ("SHA256SUMS", MANIFEST))
    assert sorted(sums) == listed
    for name, digest in sums.items():
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest, name


def test_release_files_are_the_built_files(release: Path) -> None:
    for table in table_names():
        parquet = (ROOT / "data" / "parquet" / f"{table}.parquet").read_bytes()
        assert (release / f"{table}.parquet").read_bytes() == parquet
        # Cells pass through the spreadsheet seam, which changes nothing in these CSVs.
        assert (release / f"{table}.csv").read_bytes() == (ROOT / table_path(table)).read_bytes()


@pytest.mark.parametrize("descriptor", ["datapackage.json", "datapackage-parquet.json"])
def test_stock_frictionless_accepts_release_descriptors(release: Path, descriptor: str) -> None:
    out = stock_frictionless_validate(descriptor, release)
    assert out.exit_code == 0, out.stdout[-3000:]
    raw = json.loads((release / descriptor).read_text(encoding="utf-8"))
    assert all((release / r["path"]).is_file() for r in raw["resources"])
    assert raw["version"] == VERSION


def test_zip_is_the_whole_valid_package(release: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(release / zip_name(VERSION)) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path)
    root = tmp_path / f"ukraine-talks-data-{VERSION}"
    assert all(n.startswith(f"ukraine-talks-data-{VERSION}/") for n in names)
    for rel in (
        "datapackage.json",
        "data/parquet/datapackage.json",
        "docs/data-dictionary.md",
        "docs/codebook.md",
        "CITATION.cff",
        "LICENSE",
        "LICENSE-DATA.md",
        "docs/datacard.md",
    ):
        assert (root / rel).read_bytes() == (ROOT / rel).read_bytes(), rel
    assert validate_package(root / "datapackage.json").valid


def test_release_is_reproducible(release: Path, tmp_path: Path) -> None:
    again = make_release(tmp_path / "again")
    for name in again.files:
        assert (again.folder / name).read_bytes() == (release / name).read_bytes(), name


def test_every_csv_cell_passes_the_spreadsheet_seam(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, str]] = []

    def marking(value: str, field: dict[str, Any]) -> str:
        seen.append((field["name"], value))
        return value

    monkeypatch.setattr(csv_export, "spreadsheet_cell", marking)
    make_release(tmp_path / "r")
    tables = [u.load(t) for t in table_names()]
    assert len(seen) == sum(t.num_rows * t.num_columns for t in tables)
    assert seen[: tables[0].num_columns] == [
        (name, "" if value is None else str(value))
        for name, value in tables[0].to_pylist()[0].items()
    ]


def test_release_refuses_a_stale_build(package: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["release", str(tmp_path / "out"), "--root", str(package.parent)]
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"error: the build files are stale; run `ukraine-talks build --root "
        f"{package.parent.resolve()}` first:"
    )
    assert not (tmp_path / "out").exists()


def test_release_does_not_replace_other_folders(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    with pytest.raises(ReleaseError, match="is not empty and was not made by"):
        make_release(out)
    assert (out / "thesis.tex").read_text() == "precious"


def test_leftovers_of_interrupted_writes_stay_out_of_the_zip(package: Path, tmp_path: Path) -> None:
    root = package.parent
    build(root)
    leftover = root / "data" / "parquet" / ".actors.parquet.x1y2.tmp" / "actors.parquet"
    leftover.parent.mkdir()
    leftover.write_bytes(b"half")
    result = make_release(tmp_path / "out", root)
    with zipfile.ZipFile(result.folder / zip_name(VERSION)) as archive:
        names = archive.namelist()
    assert f"ukraine-talks-data-{VERSION}/data/parquet/actors.parquet" in names
    assert not [n for n in names if ".tmp" in n]


def test_a_folder_with_sha256sums_is_not_taken_for_a_release(tmp_path: Path) -> None:
    """A folder of someone else's downloads, with their SHA256SUMS: nothing is deleted."""
    out = tmp_path / "downloads"
    (out / "sub").mkdir(parents=True)
    (out / "SHA256SUMS").write_text("0" * 64 + "  other.iso\n")
    (out / "other.iso").write_bytes(b"iso")
    (out / "sub" / "notes.txt").write_text("mine")
    before = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
    result = CliRunner().invoke(app, ["release", str(out)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {out} is not empty and was not made by `ukraine-talks release` (it has no "
        f"{MANIFEST}); nothing was changed: give a new or empty folder\n"
    )
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["downloads"]


def test_a_previous_release_is_replaced_but_not_a_file_put_beside_it(
    release: Path, tmp_path: Path
) -> None:
    out = tmp_path / "v"
    shutil.copytree(release, out)
    (out / "SHA256SUMS").write_text("edited")  # its own file, changed: still its own
    make_release(out)
    assert (out / "SHA256SUMS").read_bytes() == (release / "SHA256SUMS").read_bytes()
    (out / "thesis.tex").write_text("precious")
    with pytest.raises(ReleaseError) as err:
        make_release(out)
    assert str(err.value) == (
        f"{out} holds files that `ukraine-talks release` did not write (thesis.tex); nothing "
        "was changed: move them away or give another folder"
    )
    assert (out / "thesis.tex").read_text() == "precious"


def test_an_empty_folder_is_filled_and_a_file_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert (make_release(empty).folder / "SHA256SUMS").is_file()
    file = tmp_path / "file"
    file.write_text("x")
    with pytest.raises(ReleaseError, match="is a file; give a new or empty folder"):
        make_release(file)
    with pytest.raises(FileNotFoundError, match="no such folder"):
        make_release(tmp_path / "missing" / "v1")
