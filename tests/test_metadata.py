"""Version, citation, changelog, data dictionary and `ukraine-talks info` agree with the package."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from typer.testing import CliRunner

import ukraine_talks_data as u
from conftest import read_rows
from ukraine_talks_data.cli import app
from ukraine_talks_data.loading.parquet import PARQUET_DESCRIPTOR
from ukraine_talks_data.package.bundle import bundle_dir
from ukraine_talks_data.package.schemas import table_path, table_schema
from ukraine_talks_data.publish.data_dictionary import DATA_DICTIONARY, data_dictionary_for

ROOT = bundle_dir()
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?$")
checkout = pytest.mark.skipif(
    not (ROOT / "pyproject.toml").is_file(), reason="not a source checkout"
)


def test_version_is_semver_and_descriptors_agree() -> None:
    """_version.py is the source; `ukraine-talks build` copies it into the descriptors."""
    assert SEMVER.match(u.__version__)
    for rel in ("datapackage.json", PARQUET_DESCRIPTOR):
        version = json.loads((ROOT / rel).read_text(encoding="utf-8"))["version"]
        assert version == u.__version__, f"{rel}: run `ukraine-talks build`"


def test_cli_reports_the_version() -> None:
    assert CliRunner().invoke(app, ["--version"]).stdout == f"{u.__version__}\n"


@checkout
def test_citation_cites_this_version_and_invents_nothing() -> None:
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    assert citation["version"] == u.__version__, "update version in CITATION.cff"
    assert citation["authors"] == [{"name": "ukraine-talks-data maintainers"}]
    assert not {"doi", "url", "repository-code", "identifiers", "date-released"} & set(citation)


@checkout
def test_changelog_has_an_unreleased_section() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "\n## [Unreleased]\n" in text


def test_data_dictionary_is_current() -> None:
    committed = (ROOT / DATA_DICTIONARY).read_text(encoding="utf-8")
    assert committed == data_dictionary_for(ROOT), (
        f"{DATA_DICTIONARY} is stale: run `ukraine-talks build`"
    )


@pytest.mark.parametrize("table", u.tables())
def test_data_dictionary_documents_every_field(table: str) -> None:
    text = data_dictionary_for(ROOT)
    section = text.split(f"\n## {table}\n", 1)[1].split("\n## ", 1)[0]
    schema = table_schema(table)
    for field in schema["fields"]:
        (line,) = [x for x in section.splitlines() if x.startswith(f"| `{field['name']}` |")]
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        name, kind, required, constraints, description = cells
        assert name == f"`{field['name']}`"
        assert kind.startswith(field["type"])
        assert required == ("yes" if field.get("constraints", {}).get("required") else "")
        for value in field.get("constraints", {}).get("enum", []):
            assert f"`{value}`" in constraints
        assert description.replace("\\|", "|") == " ".join(field["description"].split())
    assert "- Primary key: " + ", ".join(f"`{k}`" for k in schema["primaryKey"]) in section


def test_info_lists_version_tables_and_sources() -> None:
    result = CliRunner().invoke(app, ["info"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"ukraine-talks-data {u.__version__}: ")
    for table in u.tables():
        rows = len(read_rows(ROOT / table_path(table)))
        assert any(re.fullmatch(rf"  {table} +{rows}", line) for line in lines), table
    for source in read_rows(ROOT / "data" / "sources.csv"):
        date = source["published"] or f"{source['inferred_published']} (inferred)"
        assert f"  {source['source_id']}  {date}  {source['title']}" in lines


def test_info_json_matches_the_library() -> None:
    from ukraine_talks_data.views.info import package_info

    result = CliRunner().invoke(app, ["info", "--json"])
    assert json.loads(result.stdout) == package_info().to_dict()


def test_every_command_and_option_has_help() -> None:
    import typer.main

    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert command.help, name
        for param in command.params:
            if param.name != "help":
                assert getattr(param, "help", None), f"{name} {param.name}"


@checkout
def test_readme_shows_backends_remote_and_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for needle in (
        'backend="pandas"',
        'backend="polars"',
        'source="remote"',
        "UKRAINE_TALKS_BASE_URL",
        "UKRAINE_TALKS_CACHE",
        "ukraine-talks build",
        "ukraine-talks release",
        "ukraine-talks info",
        "export --format duckdb",
        "sha256sum -c SHA256SUMS",
    ):
        assert needle in readme, needle
