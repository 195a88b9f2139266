"""Growing the dataset: add-source → suggest → review → accept on an article made up here,
in a copy of the package; and every refusal (bad article, bad review file) changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import read_rows
from ukraine_talks_data.cli import app
from ukraine_talks_data.contribute.accept import accept
from ukraine_talks_data.contribute.add_source import add_source
from ukraine_talks_data.contribute.suggest import suggest
from ukraine_talks_data.contribute.tables import PackageTables
from ukraine_talks_data.errors import ContributeError
from ukraine_talks_data.package.bundle import bundle_dir
from ukraine_talks_data.package.schemas import table_names
from ukraine_talks_data.publish.build import stale_files
from ukraine_talks_data.validate import validate_package

runner = CliRunner()

# A made-up article (not a real news report), in the shape of the seeds: a title, a date
# line, a paraphrase with a few quoted words, a remark interrupted by its attribution, and
# a new person speaking at a news conference.
ARTICLE = (
    "Envoys Trade Warnings as Talks Resume\n\n"
    "Friday, 4 February 2022\n\n"
    "Russian Deputy Foreign Minister Alexander Grushko said on Thursday that Moscow was still "
    "waiting for a “serious answer” from the alliance.\n\n"
    "“We are not going to wait forever,” Grushko told reporters. “Our proposals are on the "
    "table.”\n\n"
    "Estonian Foreign Minister Eva Liis Kallas told a news conference that Tallinn would not "
    "accept any deal made over its head.\n"
)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _edit(review: Path, change: Callable[[list[dict[str, str]]], None]) -> None:
    with review.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    header = list(rows[0])
    change(rows)
    with review.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_an_article_goes_from_file_to_a_valid_built_package(package: Path, tmp_path: Path) -> None:
    root = package.parent
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    sources_before = read_rows(root / "data" / "sources.csv")
    new_id = f"S{len(sources_before):03d}"

    added = runner.invoke(
        app, ["add-source", str(article), "--published", "2022-02-04", "--root", str(root)]
    )
    assert added.exit_code == 0, added.output
    sha = hashlib.sha256(article.read_bytes()).hexdigest()
    seed = f"seeds/{len(sources_before):03d}_{sha[:16]}.txt"
    assert (root / seed).read_bytes() == article.read_bytes()
    source = read_rows(root / "data" / "sources.csv")[-1]
    assert (source["source_id"], source["path"], source["sha256"]) == (new_id, seed, sha)
    assert (source["title"], source["published"]) == (
        "Envoys Trade Warnings as Talks Resume",
        "2022-02-04",
    )

    # The next steps are run as printed: they act on this package, not the bundled one.
    advised = added.stdout.splitlines()[-1]
    assert advised == f"next: ukraine-talks suggest {new_id} --root {root.resolve()}"
    review = tmp_path / "review.csv"
    command = shlex.split(advised.removeprefix("next: "))[1:]
    suggested = runner.invoke(app, [*command, "--out", str(review)])
    assert suggested.exit_code == 0, suggested.output
    advised = suggested.stdout.splitlines()[-1]
    assert advised == (
        "next: set each row's decision (keep, edit or reject), then ukraine-talks accept "
        f"{review} --root {root.resolve()}"
    )
    with review.open(encoding="utf-8", newline="") as fh:
        proposals = list(csv.DictReader(fh))
    statements = [p for p in proposals if p["table"] == "statements"]
    assert [(p["text"], p["quote_type"], p["speaker_id"], p["date"]) for p in statements] == [
        (
            "Russian Deputy Foreign Minister Alexander Grushko said on Thursday that Moscow was "
            "still waiting for a “serious answer” from the alliance.",
            "partial", "alexander_grushko", "2022-02-03",
        ),
        ("We are not going to wait forever,", "direct", "alexander_grushko", "2022-02-03"),
        ("Our proposals are on the table.", "direct", "alexander_grushko", "2022-02-03"),
        (
            "Estonian Foreign Minister Eva Liis Kallas told a news conference that Tallinn would "
            "not accept any deal made over its head.",
            "paraphrase", "eva_liis_kallas", "2022-02-04",
        ),
    ]  # fmt: skip
    assert all(p["decision"] == "" and p["why"] for p in proposals)
    actors = [p for p in proposals if p["table"] == "actors"]
    assert [(a["actor_id"], a["name"], a["role"]) for a in actors] == [
        ("eva_liis_kallas", "Eva Liis Kallas", "Estonian Foreign Minister")
    ]
    assert [p["event_type"] for p in proposals if p["table"] == "events"] == ["press_conference"]

    def decide(rows: list[dict[str, str]]) -> None:
        for row in rows:
            row["decision"] = "keep"
        parts = [r for r in rows if r["quote_type"] == "direct"]
        for row in parts:
            row["utterance_id"] = "new-1"  # one remark interrupted by its attribution
        kallas = next(r for r in rows if r["speaker_id"] == "eva_liis_kallas")
        event = next(r for r in rows if r["table"] == "events")
        kallas.update(decision="edit", event_id="new-1", event_relation="made_at")
        event.update(decision="edit", event_id="new-1", title="Kallas news conference")

    _edit(review, decide)
    accepted = runner.invoke(app, shlex.split(advised.split(", then ", 1)[1])[1:])
    assert accepted.exit_code == 0, accepted.output
    assert accepted.output.splitlines()[-1] == (
        f"accepted for {new_id}: 1 events, 2 evidence, 1 actors, 4 statements; 0 rejected"
    )

    report = validate_package(package)
    assert [i.line() for i in report.issues if i.severity == "error"] == []
    assert stale_files(root) == []
    rows = [r for r in read_rows(root / "data" / "statements.csv") if r["source_id"] == new_id]
    assert [r["statement_id"] for r in rows] == ["ST0102", "ST0103", "ST0104", "ST0105"]
    assert [r["utterance_id"] for r in rows] == ["U081", "U082", "U082", "U083"]
    assert rows[3]["event_id"] == "E017" and rows[3]["channel"] == "news_conference"
    evidence = read_rows(root / "data" / "evidence.csv")
    assert {(e["row_table"], e["row_id"], e["text"]) for e in evidence[-4:]} == {
        ("sources", new_id, "Envoys Trade Warnings as Talks Resume"),
        ("sources", new_id, "4 February 2022"),
        ("events", "E017", "told a news conference"),
        ("actors", "eva_liis_kallas", "Eva Liis Kallas"),
    }


def test_a_date_the_article_does_not_write_is_recorded_as_given_not_stated(
    package: Path, tmp_path: Path
) -> None:
    article = tmp_path / "undated.txt"
    article.write_text("A headline\n\nThe envoy said talks would go on.\n", encoding="utf-8")
    result = add_source(
        article,
        dt.date(2022, 2, 1),
        root=package.parent,
        outlet="Example Times",
        url="https://example.org/a",
    )
    assert (result.row["published"], result.row["inferred_published"]) == ("", "2022-02-01")
    assert result.row["published_note"].startswith("Not stated in the text; the date was given")
    assert (result.row["outlet"], result.row["outlet_basis"]) == ("Example Times", "identified")
    assert result.row["url"] == "https://example.org/a"
    assert result.row["outlet_note"] == (
        "Not named in the text; identified by the contributor who added the source "
        "(ukraine-talks add-source --outlet 'Example Times')."
    )


SEED = bundle_dir() / read_rows(bundle_dir() / "data" / "sources.csv")[0]["path"]


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        (b"", {}, "{file} is empty: an article needs text"),
        (b" \n\n", {}, "{file} is empty: an article needs text"),
        (
            b"Title\n\xff caf\xe9\n",
            {},
            "{file} is not UTF-8 text (invalid start byte at byte 6); save it as UTF-8",
        ),
        (
            SEED.read_bytes(),
            {},
            "{file} is already in the package as S000 (seeds/000_4d490cdb46004118.txt): same "
            "SHA-256 08f84a9cc0a4e643daa455920bb3bdf1448e78c72da32ab7df697a408fba582b",
        ),
        (
            b"Title\n\nText.\n",
            {"language": "de"},
            "language 'de' is not one that schemas/sources.json allows (en); add it to the "
            "schema's enum first and pass --allow-schema-changes",
        ),
        (None, {}, "{file}: no such file"),
    ],
    ids=["empty", "blank", "not-utf8", "duplicate", "language", "missing"],
)
def test_add_source_refuses_a_bad_article_and_changes_nothing(
    package: Path, tmp_path: Path, content: bytes | None, options: dict[str, Any], message: str
) -> None:
    root = package.parent
    file = tmp_path / "article.txt"
    if content is not None:
        file.write_bytes(content)
    before = _snapshot(root)
    with pytest.raises(ContributeError) as caught:
        add_source(file, dt.date(2022, 1, 13), root=root, **options)
    assert str(caught.value) == message.format(file=file)
    assert _snapshot(root) == before


def test_a_derived_package_adds_a_source_against_its_own_schemas(
    package: Path, tmp_path: Path
) -> None:
    """The language refusal's advice, followed: the schema's enum gains the language, and
    add-source checks the package against its own schemas only when asked to."""
    root = package.parent
    schema_file = root / "schemas" / "sources.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    language = next(f for f in schema["fields"] if f["name"] == "language")
    language["constraints"]["enum"].append("de")
    schema_file.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
    article = tmp_path / "artikel.txt"
    article.write_text("Gespräche in Genf\n\nText.\n", encoding="utf-8")
    command = ["add-source", str(article), "--published", "2022-02-04", "--language", "de"]
    before = _snapshot(root)

    refused = runner.invoke(app, [*command, "--root", str(root)])
    assert refused.exit_code == 2
    assert (
        "schemas/sources.json::language.constraints.enum: schema-changed: differs from the "
        'reference schema, which has ["en"]'
    ) in refused.output
    assert _snapshot(root) == before

    added = runner.invoke(app, [*command, "--root", str(root), "--allow-schema-changes"])
    assert added.exit_code == 0, added.output
    assert read_rows(root / "data" / "sources.csv")[-1]["language"] == "de"
    assert validate_package(package, reference_schemas=False).valid


def test_add_source_without_a_valid_date_is_a_usage_error(package: Path, tmp_path: Path) -> None:
    file = tmp_path / "a.txt"
    file.write_text("Title\n", encoding="utf-8")
    result = runner.invoke(app, ["add-source", str(file), "--published", "13/01/2022"])
    assert result.exit_code == 2
    assert "'13/01/2022' is not a date in the form YYYY-MM-DD" in result.output


@pytest.fixture
def reviewed(package: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A package with the made-up article added, and its review file (all rows rejected)."""
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    added = add_source(article, dt.date(2022, 2, 4), root=package.parent)
    review = tmp_path / "review.csv"
    suggest(added.source_id, review, root=package.parent)

    def reject(rows: list[dict[str, str]]) -> None:
        for row in rows:
            row["decision"] = "reject"

    _edit(review, reject)
    return package.parent, review


def _keep_first(**cells: str) -> Callable[[list[dict[str, str]]], None]:
    def change(rows: list[dict[str, str]]) -> None:
        rows[0].update({"decision": "keep", **cells})

    return change


BAD_REVIEWS: list[tuple[str, Callable[[list[dict[str, str]]], None], list[str], str]] = [
    (
        "undecided",
        _keep_first(decision=""),
        ["{review}:2:decision: review-decision: decide: keep, edit or reject"],
        "{review} was refused; nothing was changed",
    ),
    (
        "not-a-decision",
        _keep_first(decision="maybe"),
        ["{review}:2:decision: review-decision: must be keep, edit or reject (value: 'maybe')"],
        "{review} was refused; nothing was changed",
    ),
    (
        "unknown-table",
        _keep_first(table="demands"),
        [
            "{review}:2:table: review-table: must be one of: statements, actors, events, "
            "coverage_exclusions (value: 'demands')"
        ],
        "{review} was refused; nothing was changed",
    ),
    (
        "field-of-another-table",
        _keep_first(name="Somebody"),
        [
            "{review}:2:name: review-field: statements has no field 'name'; leave it empty "
            "(value: 'Somebody')"
        ],
        "{review} was refused; nothing was changed",
    ),
    (
        "span-text",
        _keep_first(text="Russian Deputy"),
        ["{review}:2:text: review-span: text is not the source's characters 64-202: "],
        "{review} was refused; nothing was changed",
    ),
    (
        "span-outside",
        _keep_first(end_char="99999"),
        ["{review}:2:end_char: review-span: the span 64-99999 is not inside the source "],
        "{review} was refused; nothing was changed",
    ),
    (
        "unknown-speaker",
        _keep_first(speaker_id="nobody"),
        [
            "{review}:2:speaker_id: foreign-key: no actors row has actor_id = nobody (as "
            "data/statements.csv row {new_row}) (value: 'nobody')"
        ],
        "the package would not be valid; nothing was changed",
    ),
    (
        "id-given",
        _keep_first(statement_id="ST0002"),
        ["{review}:2:statement_id: "],
        "the package would not be valid; nothing was changed",
    ),
]


@pytest.mark.parametrize(
    ("change", "lines", "message"),
    [case[1:] for case in BAD_REVIEWS],
    ids=[case[0] for case in BAD_REVIEWS],
)
def test_a_bad_review_file_is_refused_whole(
    reviewed: tuple[Path, Path],
    change: Callable[[list[dict[str, str]]], None],
    lines: list[str],
    message: str,
) -> None:
    root, review = reviewed
    _edit(review, change)
    before = _snapshot(root)
    result = runner.invoke(app, ["accept", str(review), "--root", str(root)])
    assert result.exit_code == 2
    printed = result.stderr.splitlines()
    assert printed[-1] == "error: " + message.format(review=review)
    assert len(printed) - 1 >= len(lines)
    new_row = len(read_rows(root / "data" / "statements.csv")) + 2  # the header is row 1
    for line, expected in zip(printed, lines, strict=False):
        assert line.startswith(expected.format(review=review, new_row=new_row)), line
    assert _snapshot(root) == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "{review} is empty: a review file starts with its header"),
        ("proposal,table,decision\n", "{review} has no rows to accept"),
        ("a,b\n1,2\n", "{review} is not a review file; nothing was changed"),
    ],
)
def test_a_file_that_is_not_a_review_is_refused(
    reviewed: tuple[Path, Path], text: str, message: str
) -> None:
    root, review = reviewed
    review.write_text(text, encoding="utf-8")
    with pytest.raises(ContributeError) as caught:
        accept(review, root=root)
    assert str(caught.value) == message.format(review=review)


def test_suggest_never_writes_into_data(package: Path) -> None:
    root = package.parent
    out = root / "data" / "review.csv"
    with pytest.raises(ContributeError) as caught:
        suggest("S001", out, root=root)
    assert str(caught.value) == (
        f"{out}: a review file never goes into {(root / 'data').resolve()}; write it elsewhere"
    )
    assert not out.exists()


def test_suggest_names_the_sources_when_the_id_is_unknown(package: Path, tmp_path: Path) -> None:
    root = package.parent
    out = tmp_path / "r.csv"
    result = runner.invoke(app, ["suggest", "S999", "--out", str(out), "--root", str(root)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: no source 'S999' in {root}; sources: S000, S001, S002, S003, S004\n"
    )
    assert not out.exists()


@pytest.mark.parametrize("table", table_names())
def test_tables_are_written_back_byte_for_byte(table: str) -> None:
    """accept rewrites a table in its canonical form: the shipped rows keep every byte."""
    tables = PackageTables(bundle_dir())
    text, _ = tables.canonical_csv(table, tables.rows(table))
    assert text.encode("utf-8") == tables.path(table).read_bytes()
