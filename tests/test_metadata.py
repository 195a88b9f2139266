"""Version, citation, changelog, data dictionary and `ukraine-talks info` agree with the package."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import yaml
from typer.testing import CliRunner

import ukraine_talks_data as u
from conftest import read_rows
from ukraine_talks_data._version import RELEASE_DATE
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
def test_citation_cff_is_what_cite_prints() -> None:
    result = CliRunner().invoke(app, ["cite", "--format", "cff"])
    assert result.exit_code == 0, result.output
    fix = "CITATION.cff is stale: ukraine-talks cite --format cff > CITATION.cff"
    assert (ROOT / "CITATION.cff").read_text(encoding="utf-8") == result.stdout, fix


def test_citation_cites_this_version_and_invents_nothing() -> None:
    """Version, date and licence agree with the package; no URL or DOI of our own: the
    dataset has no public home yet."""
    result = CliRunner().invoke(app, ["cite", "--format", "cff"])
    citation = yaml.safe_load(result.stdout)
    assert citation["cff-version"] == "1.2.0"
    assert {"message", "title", "authors"} <= set(citation)
    preferred = citation["preferred-citation"]
    for cff in (citation, preferred):
        assert cff["version"] == u.__version__
        assert str(cff["date-released"]) == RELEASE_DATE
        assert cff["license"] == "CC-BY-4.0"
        assert cff["authors"] == [{"name": "ukraine-talks-data maintainers"}]
        assert not {"doi", "url", "repository-code", "repository", "identifiers"} & set(cff)
    assert (citation["type"], preferred["type"]) == ("dataset", "data")
    assert (preferred["year"], preferred["month"]) == (
        int(RELEASE_DATE[:4]),
        int(RELEASE_DATE[5:7]),
    )


def test_bibtex_entry_is_complete() -> None:
    result = CliRunner().invoke(app, ["cite"])
    assert result.exit_code == 0, result.output
    entry = result.stdout
    key = "ukraine_talks_data_" + u.__version__.replace(".", "_")
    assert entry.startswith(f"@misc{{{key},\n") and entry.endswith("\n}\n")
    fields = dict(re.findall(r"^  (\w+) = (.*?),?$", entry, re.MULTILINE))
    assert fields == {
        "author": "{{ukraine-talks-data maintainers}}",
        "title": "{{ukraine-talks-data: January 2022 Russia–US/NATO/OSCE security talks}}",
        "year": f"{{{RELEASE_DATE[:4]}}}",
        "month": dt.date.fromisoformat(RELEASE_DATE).strftime("%b").lower(),
        "version": f"{{{u.__version__}}}",
        "note": f"{{Dataset, version {u.__version__}. Data licence: CC-BY-4.0}}",
        "keywords": fields["keywords"],
    }


def test_apa_reference() -> None:
    result = CliRunner().invoke(app, ["cite", "--format", "apa"])
    assert result.stdout == (
        f"ukraine-talks-data maintainers. ({RELEASE_DATE[:4]}). ukraine-talks-data: January 2022 "
        f"Russia–US/NATO/OSCE security talks (Version {u.__version__}) [Data set].\n"
    )


def test_descriptor_metadata_names_the_release_authors_and_sources() -> None:
    raw = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", raw["id"]
    )
    assert raw["created"] == f"{RELEASE_DATE}T00:00:00Z"
    assert raw["contributors"] == [{"title": "ukraine-talks-data maintainers", "role": "author"}]
    sources = read_rows(ROOT / "data" / "sources.csv")
    assert len(raw["sources"]) == len(sources)
    for entry, source in zip(raw["sources"], sources, strict=True):
        assert entry["title"].startswith(f"{source['source_id']}: {source['title']} (")
        assert (source["outlet"] or "outlet not stated") in entry["title"]
    assert [x["name"] for x in raw["licenses"]] == ["CC-BY-4.0"]
    assert not {"homepage", "url"} & set(raw), "the dataset has no public home yet"


@checkout
def test_changelog_dates_this_version_and_keeps_an_unreleased_section() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "\n## [Unreleased]\n" in text
    released = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", text, re.MULTILINE)
    assert released[0] == (u.__version__, RELEASE_DATE)


@checkout
def test_pyproject_declares_both_licences_and_no_invented_url() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT AND CC-BY-4.0"
    assert project["license-files"] == ["LICENSE", "LICENSE-DATA.md"]
    assert all((ROOT / f).is_file() for f in project["license-files"])
    assert "urls" not in project, "no Project-URL until the project has a public home"


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


def test_help_prints_square_brackets() -> None:
    """Help is plain text: an extra's name in brackets is not swallowed as markup."""
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert "pip install 'ukraine-talks-data[explorer]'" in " ".join(result.stdout.split())
