"""The wheel carries the whole data package: validate and load work with no repository beside it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import ukraine_talks_data as u
from ukraine_talks_data.package.bundle import bundle_dir

ROOT = bundle_dir()


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (ROOT / "pyproject.toml").is_file():
        pytest.skip("not a source checkout")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(out.glob("ukraine_talks_data-*.whl"))
    site = out / "site"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    return site


def test_wheel_contains_descriptor_schemas_data_and_seeds(unpacked_wheel: Path) -> None:
    bundle = unpacked_wheel / "ukraine_talks_data" / "_bundle"
    for rel in (
        "datapackage.json",
        "schemas/statements.json",
        "data/statements.csv",
        "data/parquet/statements.parquet",
        "data/parquet/datapackage.json",
        "docs/codebook.md",
        "docs/data-dictionary.md",
        "CITATION.cff",
        "docs/datacard.md",
    ):
        assert (bundle / rel).read_bytes() == (ROOT / rel).read_bytes(), rel
    assert sorted(p.name for p in (bundle / "seeds").iterdir()) == sorted(
        p.name for p in (ROOT / "seeds").iterdir()
    )


def test_validate_and_load_from_the_wheel_in_an_empty_folder(
    unpacked_wheel: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "PYTHONPATH": str(unpacked_wheel)}
    code = (
        "import ukraine_talks_data as u, ukraine_talks_data.package.bundle as b;"
        "from ukraine_talks_data.validate import validate_package;"
        "print(b.bundle_dir().name, validate_package().valid, len(u.load('statements')));"
        "first = u.load('statements').column('statement_id')[0].as_py();"
        "print(len(u.source_text('S003')), u.context(first, chars=10).context_start)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = sum(1 for _ in (ROOT / "data" / "statements.csv").open(encoding="utf-8")) - 1
    first = u.load("statements").to_pylist()[0]
    expected = [len(u.source_text("S003")), max(0, first["start_char"] - 10)]
    assert out.stdout.split() == ["_bundle", "True", str(rows), *map(str, expected)]


def test_wheel_metadata_declares_both_licences_and_no_url(unpacked_wheel: Path) -> None:
    from email.parser import Parser

    (info,) = unpacked_wheel.glob("ukraine_talks_data-*.dist-info")
    metadata = Parser().parsestr((info / "METADATA").read_text(encoding="utf-8"))
    assert metadata["License-Expression"] == "MIT AND CC-BY-4.0"
    assert sorted(metadata.get_all("License-File") or []) == ["LICENSE", "LICENSE-DATA.md"]
    assert {p.name for p in (info / "licenses").iterdir()} == {"LICENSE", "LICENSE-DATA.md"}
    assert metadata.get_all("Project-URL") is None  # no public home yet
