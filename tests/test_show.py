"""`ukraine-talks show` and query.select(): filters, evidence spans, and the terminal table."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

import ukraine_talks_data as u
from ukraine_talks_data.cli import app
from ukraine_talks_data.package import relations
from ukraine_talks_data.package.bundle import bundle_dir
from ukraine_talks_data.package.schemas import primary_key, table_schema
from ukraine_talks_data.package.sources import read_source
from ukraine_talks_data.views.query import DEFAULT_COLUMNS, Filters, QueryError, select, speaker_ids
from ukraine_talks_data.views.terminal import print_selection

D = dt.date

# A tiny made-up dataset (not the shipped one), so every filter has something to keep and drop.
TINY: dict[str, list[dict[str, Any]]] = {
    "sources": [{"source_id": "S001", "title": "Made-up article"}],
    "actors": [
        {"actor_id": "sergey_lavrov", "name": "Sergey Lavrov", "aliases": ["Lavrov"]},
        {"actor_id": "antony_blinken", "name": "Antony Blinken", "aliases": ["Blinken"]},
        {"actor_id": "sergei_ryabkov", "name": "Sergei Ryabkov", "aliases": None},
    ],
    "events": [
        {"event_id": "E001", "date": D(2022, 1, 10), "end_date": D(2022, 1, 12)},
        {"event_id": "E002", "date": D(2022, 1, 21), "end_date": None},
    ],
    "evidence": [],
    "statements": [
        {
            "statement_id": f"ST000{i}",
            "speaker_id": speaker,
            "date": date,
            "event_id": event,
            "source_id": "S001",
            "start_char": 10 * i,
            "end_char": 10 * i + 5,
            "text": text,
        }
        for i, (speaker, date, event, text) in enumerate(
            [
                ("sergey_lavrov", D(2022, 1, 13), "E001", "before the window"),
                ("sergey_lavrov", D(2022, 1, 27), "E002", "no positive reaction [sic]"),
                ("sergey_lavrov", D(2022, 1, 14), None, "first day of the window"),
                ("antony_blinken", D(2022, 1, 21), "E002", "we will share our concerns"),
                ("sergey_lavrov", D(2022, 1, 28), None, "after the window"),
                ("sergei_ryabkov", D(2022, 1, 10), "E001", "talks were difficult"),
            ],
            start=1,
        )
    ],
}


def tiny(table: str) -> Sequence[dict[str, Any]]:
    return TINY.get(table, [])


def ids(table: str, filters: Filters) -> list[str]:
    key = primary_key(table_schema(table))[0]
    return [r.values[key] for r in select(table, filters, rows=tiny).rows]


def test_speaker_between_two_dates_in_date_order() -> None:
    window = Filters(speaker="Lavrov", date_from=D(2022, 1, 14), date_to=D(2022, 1, 27))
    assert ids("statements", window) == ["ST0003", "ST0002"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("LAVROV", {"sergey_lavrov"}),  # an alias, any case
        ("sergey lavrov", {"sergey_lavrov"}),  # the name
        ("antony_blinken", {"antony_blinken"}),  # the id
        ("serge", {"sergey_lavrov", "sergei_ryabkov"}),  # no exact match: contained in names
        ("Kozak", set()),
    ],
)
def test_speaker_names_ids_and_aliases(name: str, expected: set[str]) -> None:
    assert speaker_ids(name, tiny) == expected


def test_unknown_speaker_is_an_error() -> None:
    with pytest.raises(QueryError) as err:
        select("statements", Filters(speaker="Kozak"), rows=tiny)
    assert str(err.value) == "no actor is named 'Kozak'; see `ukraine-talks show actors`"


def test_event_on_and_search_filters() -> None:
    assert ids("statements", Filters(event="E002")) == ["ST0004", "ST0002"]
    assert ids("statements", Filters(on=D(2022, 1, 21))) == ["ST0004"]
    assert ids("statements", Filters(search="[SIC]")) == ["ST0002"]
    assert ids("statements", Filters(date_to=D(2022, 1, 13))) == ["ST0006", "ST0001"]
    # An event spanning several days is on every one of them.
    assert ids("events", Filters(on=D(2022, 1, 11))) == ["E001"]
    assert ids("events", Filters(date_from=D(2022, 1, 12), date_to=D(2022, 1, 20))) == ["E001"]


def test_unknown_event_is_an_error() -> None:
    with pytest.raises(QueryError) as err:
        select("statements", Filters(event="E999"), rows=tiny)
    assert str(err.value) == "no event 'E999'; see `ukraine-talks show events`"


def test_filters_name_the_tables_they_apply_to() -> None:
    with pytest.raises(QueryError) as err:
        select("events", Filters(speaker="Lavrov"), rows=tiny)
    where = ", ".join(t for t in u.tables() if relations.actor_column(t))
    assert str(err.value) == f"--speaker does not apply to table 'events'; it applies to: {where}"
    undated = next(t for t in u.tables() if not relations.date_fields(t))
    with pytest.raises(QueryError) as err:
        select(undated, Filters(on=D(2022, 1, 1)), rows=tiny)
    dated = ", ".join(t for t in u.tables() if relations.date_fields(t))
    assert str(err.value) == (
        f"--on/--from/--to does not apply to table '{undated}'; it applies to: {dated}"
    )
    with pytest.raises(QueryError) as err:
        select("statements", Filters(on=D(2022, 1, 1), date_to=D(2022, 1, 2)), rows=tiny)
    assert str(err.value) == "use either --on or --from/--to, not both"


def test_terminal_table_shows_names_spans_and_titles_verbatim() -> None:
    console = Console(record=True, width=200)
    print_selection(select("statements", Filters(search="sic"), rows=tiny), console)
    out = console.export_text()
    assert "statements: 1 row (--search sic)" in out
    assert "Sergey Lavrov" in out
    assert "S001 [20:25]" in out
    assert "“no positive reaction [sic]”" in out  # square brackets are text, not markup
    assert "Made-up article" in out


@pytest.mark.parametrize("table", sorted(DEFAULT_COLUMNS))
def test_default_columns_exist(table: str) -> None:
    assert set(DEFAULT_COLUMNS[table]) <= set(relations.field_names(table))


@pytest.mark.parametrize("table", u.tables())
def test_bundled_rows_and_spans(table: str) -> None:
    """Every row is shown; every span is the seed's characters at its offsets."""
    selection = select(table, Filters())
    assert len(selection.rows) == u.load(table).num_rows
    paths = {s["source_id"]: s["path"] for s in u.load("sources").to_pylist()}
    titles = {s["source_id"]: s["title"] for s in u.load("sources").to_pylist()}
    for row in selection.rows:
        for span in row.spans:
            text = read_source(bundle_dir() / paths[span.source_id]).text or ""
            assert text[span.start_char : span.end_char] == span.text
            assert span.source_title == titles[span.source_id]
        if relations.has_span(table):
            assert [s.text for s in row.spans] == [row.values["text"]]
        if table in relations.evidenced_tables():
            key = row.values[primary_key(table_schema(table))[0]]
            expected = [
                e["text"]
                for e in u.load("evidence").to_pylist()
                if e["row_table"] == table and e["row_id"] == key
            ]
            assert sorted(s.text for s in row.spans) == sorted(expected)


def test_cli_show_a_speakers_statements() -> None:
    statements = u.load("statements").to_pylist()
    actors = {a["actor_id"]: a for a in u.load("actors").to_pylist()}
    speaker = actors[statements[0]["speaker_id"]]
    mine = [s for s in statements if s["speaker_id"] == speaker["actor_id"]]
    result = CliRunner().invoke(
        app, ["show", "statements", "--speaker", speaker["name"].upper()], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert f"statements: {len(mine)} row" in result.stdout
    for s in mine:
        assert s["statement_id"] in result.stdout
        assert f"{s['source_id']} [{s['start_char']}:{s['end_char']}]" in result.stdout


def test_cli_show_errors() -> None:
    result = CliRunner().invoke(app, ["show", "statement"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: no table named 'statement'; the tables are: {', '.join(u.tables())}\n"
    )
    result = CliRunner().invoke(app, ["show", "statements", "--columns", "date,who"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: table 'statements' has no column 'who'; its columns")
    result = CliRunner().invoke(app, ["show", "statements", "--on", "14 January"])
    assert result.exit_code == 2
    assert "Invalid value for '--on'" in result.stderr


def test_terminal_title_shows_the_search_verbatim() -> None:
    for search, rows in (("[sic]", "1 row"), ("[/x]", "0 rows")):
        console = Console(record=True, width=200)
        print_selection(select("statements", Filters(search=search), rows=tiny), console)
        assert f"statements: {rows} (--search {search})" in console.export_text()


# Sides and the actors of a demand, on a tiny dataset with an affiliation chain.
SIDED: dict[str, list[dict[str, Any]]] = {
    **TINY,
    "actors": [
        {"actor_id": "russia", "name": "Russia", "kind": "state", "aliases": ["Moscow"]},
        {"actor_id": "mfa", "name": "Foreign Ministry", "kind": "organization"},
        {"actor_id": "us", "name": "United States", "kind": "state", "aliases": ["US"]},
        {"actor_id": "white_house", "name": "White House", "kind": "organization"},
        {"actor_id": "jen_psaki", "name": "Jen Psaki", "kind": "person", "aliases": ["Psaki"]},
        {"actor_id": "sergey_lavrov", "name": "Sergey Lavrov", "kind": "person"},
    ],
    "demands": [
        {"demand_id": "D001", "demander_id": "russia", "first_stated": D(2022, 1, 10)},
        {"demand_id": "D002", "demander_id": "us", "first_stated": D(2022, 1, 11)},
    ],
    "demand_statements": [
        {"demand_id": "D001", "statement_id": "ST0001", "relation": "states"},
        {"demand_id": "D001", "statement_id": "ST0002", "relation": "rejects"},
    ],
}
SIDED["actors"][1]["affiliation_id"] = "russia"
SIDED["actors"][3]["affiliation_id"] = "us"
SIDED["actors"][4]["affiliation_id"] = "white_house"
SIDED["actors"][5]["affiliation_id"] = "mfa"
SIDED["statements"] = [
    {**s, "speaker_id": "jen_psaki"} if s["statement_id"] == "ST0002" else s
    for s in TINY["statements"]
]


def sided(table: str) -> Sequence[dict[str, Any]]:
    return SIDED.get(table, [])


def sided_ids(table: str, filters: Filters) -> list[str]:
    key = primary_key(table_schema(table))[0]
    return [r.values[key] for r in select(table, filters, rows=sided).rows]


@pytest.mark.parametrize(
    ("table", "filters", "expected"),
    [
        # A demand's actors: the demander, and whoever stated, rejected or answered it.
        ("demands", Filters(speaker="Lavrov"), ["D001"]),
        ("demands", Filters(speaker="Psaki"), ["D001"]),
        ("demands", Filters(speaker="us"), ["D002"]),
        # A side by id, name or alias, through the affiliation chain.
        ("statements", Filters(side="US"), ["ST0002"]),
        ("statements", Filters(side="moscow"), ["ST0001", "ST0003", "ST0005"]),
        ("demands", Filters(side="United States"), ["D001", "D002"]),
        ("demands", Filters(side="russia"), ["D001"]),
    ],
)
def test_speaker_and_side_filters(table: str, filters: Filters, expected: list[str]) -> None:
    assert sided_ids(table, filters) == expected


def test_unknown_side_lists_the_sides() -> None:
    with pytest.raises(QueryError) as err:
        select("statements", Filters(side="Psaki"), rows=sided)
    assert str(err.value) == "no side is named 'Psaki'; the sides are: russia, us"


def test_formats_carry_values_and_every_span() -> None:
    import csv
    import io
    import json

    from ukraine_talks_data.views.formats import render

    selection = select("statements", Filters(speaker="Lavrov", search="window"), rows=tiny)
    rows = json.loads(render(selection, "json"))
    assert [r["statement_id"] for r in rows] == ["ST0001", "ST0003", "ST0005"]
    assert rows[1]["date"] == "2022-01-14"
    assert rows[1]["speaker_id"] == "sergey_lavrov"
    assert rows[1]["evidence"] == [
        {
            "source_id": "S001",
            "start_char": 30,
            "end_char": 35,
            "text": "first day of the window",
            "source_title": "Made-up article",
        }
    ]
    table = list(csv.DictReader(io.StringIO(render(selection, "csv"))))
    assert list(table[0]) == [*selection.columns, "evidence", "evidence_text"]
    assert (table[1]["evidence"], table[1]["evidence_text"]) == (
        "S001 [30:35]",
        "first day of the window",
    )
    markdown = render(selection, "markdown").splitlines()
    assert markdown[0] == "| " + " | ".join([*selection.columns, "evidence"]) + " |"
    assert len(markdown) == 2 + 3
    assert "| Sergey Lavrov |" in markdown[3]
    assert markdown[3].endswith("| S001 [30:35] “first day of the window” |")


def test_csv_neutralises_formulas_and_markdown_escapes_pipes() -> None:
    import csv
    import io

    from ukraine_talks_data.views.formats import render

    data = {**TINY, "statements": [{**TINY["statements"][0], "text": "=1+1 | a\nb"}]}
    selection = select("statements", Filters(), rows=lambda t: data.get(t, []))
    (row,) = csv.DictReader(io.StringIO(render(selection, "csv")))
    assert row["evidence_text"] == "'=1+1 | a\nb"
    assert render(selection, "markdown").splitlines()[2].endswith("“=1+1 \\| a<br>b” |")


@pytest.mark.parametrize("fmt", ["csv", "json", "markdown"])
def test_cli_show_formats_match_the_library(fmt: str) -> None:
    from ukraine_talks_data.views.formats import render

    args = ["show", "demands", "--speaker", "Lavrov", "--format", fmt]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.stdout == render(select("demands", Filters(speaker="Lavrov")), fmt)


def test_cli_demands_by_speaker_include_what_they_said_about_them() -> None:
    """`show demands --speaker Lavrov`: demands Lavrov stated, rejected or answered."""
    lavrov = speaker_ids("Lavrov")
    said = {
        s["statement_id"] for s in u.load("statements").to_pylist() if s["speaker_id"] in lavrov
    }
    expected = {
        r["demand_id"] for r in u.load("demand_statements").to_pylist() if r["statement_id"] in said
    }
    assert expected
    result = CliRunner().invoke(app, ["show", "demands", "--speaker", "Lavrov", "-f", "json"])
    assert {r["demand_id"] for r in json.loads(result.stdout)} == expected


def test_cli_table_is_not_wrapped_when_piped() -> None:
    statements = u.load("statements").to_pylist()
    longest = max(statements, key=lambda s: len(s["text"]) if "\n" not in s["text"] else 0)
    result = CliRunner().invoke(
        app, ["show", "statements", "--search", longest["text"]], env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0, result.output
    assert f"“{longest['text']}”" in result.stdout
