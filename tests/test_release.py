"""`ukraine-talks release`: a flat folder of verified files and a reproducible zip."""

from __future__ import annotations

import hashlib
import json
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
from ukraine_talks_data.publish.release import ReleaseError, make_release, zip_name
from ukraine_talks_data.validate import validate_package

ROOT = bundle_dir()
VERSION = u.__version__


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release") / f"v{VERSION}"
    result = CliRunner().invoke(app, ["release", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        str(out / n) for n in sorted(p.name for p in out.iterdir())
    ]
    return out


def test_release_holds_every_table_both_descriptors_sums_and_zip(release: Path) -> None:
    expected = {
        "datapackage.json",
        "datapackage-parquet.json",
        "SHA256SUMS",
        zip_name(VERSION),
        *(f"{t}.parquet" for t in table_names()),
        *(f"{t}.csv" for t in table_names()),
    }
    assert {p.name for p in release.iterdir()} == expected


def test_sha256sums_cover_every_file(release: Path) -> None:
    lines = (release / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    sums = {name: digest for digest, name in (line.split("  ", 1) for line in lines)}
    assert sorted(sums) == sorted(p.name for p in release.iterdir() if p.name != "SHA256SUMS")
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
        "error: the build files are stale; run `ukraine-talks build` first:"
    )
    assert not (tmp_path / "out").exists()


def test_release_does_not_replace_other_folders(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    with pytest.raises(ReleaseError, match="exists and is not a previous release"):
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
