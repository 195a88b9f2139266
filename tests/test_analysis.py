"""The analysis API: sides from the affiliation chain, statements in context, demands with who
answered them, utterances with their sources (joint acts once); source texts and contexts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
import pytest

import ukraine_talks_data as u
from ukraine_talks_data.analysis import joins
from ukraine_talks_data.analysis.sides import sides
from ukraine_talks_data.errors import LoadError
from ukraine_talks_data.package.bundle import bundle_dir
from ukraine_talks_data.package.sources import read_source

D = dt.date


def actor(actor_id: str, kind: str, affiliation: str | None = None) -> dict[str, Any]:
    return {
        "actor_id": actor_id,
        "name": actor_id.title(),
        "kind": kind,
        "affiliation_id": affiliation,
    }


ACTORS = [
    actor("us", "state"),
    actor("white_house", "organization", "us"),
    actor("psaki", "person", "white_house"),
    actor("nato", "organization"),
    actor("stoltenberg", "person", "nato"),
    actor("allies", "group", "nato"),
    actor("diplomat", "anonymous"),
    actor("paper", "organization"),
    actor("writer", "person", "paper"),
    actor("lone", "person"),
    actor("russia", "state"),
    actor("envoy", "person", "russia"),
]


def test_a_side_is_the_first_state_up_the_chain_else_the_top_organisation_or_group() -> None:
    assert sides(ACTORS) == {
        "us": "us",
        "white_house": "us",
        "psaki": "us",
        "nato": "nato",
        "stoltenberg": "nato",
        "allies": "nato",
        "diplomat": None,
        "paper": "paper",
        "writer": "paper",
        "lone": None,
        "russia": "russia",
        "envoy": "russia",
    }


def test_a_state_inside_a_bloc_is_its_own_side() -> None:
    rows = [actor("bloc", "organization"), actor("member", "state", "bloc")]
    rows.append(actor("minister", "person", "member"))
    assert sides(rows) == {"bloc": "bloc", "member": "member", "minister": "member"}


def test_a_looping_chain_is_an_error_naming_the_loop() -> None:
    rows = [actor("a", "person", "b"), actor("b", "organization", "c")]
    rows.append(actor("c", "organization", "b"))
    with pytest.raises(LoadError) as err:
        sides(rows)
    assert str(err.value) == "actors: the affiliation chain of 'a' loops: b → c → b"


def spans_of(*spans: tuple[str, int]) -> list[tuple[str, int, int]]:
    return [(source, start, start + 5) for source, start in spans]


def statement(sid: str, utterance: str, speaker: str, span: tuple[str, int, int]) -> dict[str, Any]:
    source, start, end = span
    return {
        "statement_id": sid,
        "utterance_id": utterance,
        "speaker_id": speaker,
        "date": D(2022, 1, 10),
        "source_id": source,
        "start_char": start,
        "end_char": end,
        "text": f"{source}:{start}",
        "quote_type": "paraphrase",
    }


def tiny_statements() -> list[dict[str, Any]]:
    joint = spans_of(("S1", 0), ("S2", 10))
    return [
        # A joint act: the same two spans recorded once for each party.
        statement("ST01", "U1", "russia", joint[0]),
        statement("ST02", "U1", "russia", joint[1]),
        statement("ST03", "U2", "us", joint[0]),
        statement("ST04", "U2", "us", joint[1]),
        # One remark reported twice in one source and once in another.
        statement("ST05", "U3", "psaki", ("S1", 50, 60)),
        statement("ST06", "U3", "psaki", ("S1", 70, 80)),
        statement("ST07", "U3", "psaki", ("S2", 50, 60)),
        # A relayed remark sharing one span with the relaying statement: two acts.
        statement("ST08", "U4", "writer", ("S2", 90, 99)),
        statement("ST09", "U4", "writer", ("S2", 100, 110)),
        statement("ST10", "U5", "stoltenberg", ("S2", 100, 110)),
    ]


def tiny(table: str) -> Sequence[dict[str, Any]]:
    data: dict[str, list[dict[str, Any]]] = {
        "actors": ACTORS,
        "statements": tiny_statements(),
        "sources": [{"source_id": "S1", "title": "One"}, {"source_id": "S2", "title": "Two"}],
        "demands": [
            {"demand_id": "D1", "demander_id": "russia", "summary": "No enlargement"},
        ],
        "demand_statements": [
            {"demand_id": "D1", "statement_id": "ST05", "relation": "rejects"},
            {"demand_id": "D1", "statement_id": "ST01", "relation": "states"},
        ],
    }
    return data.get(table, [])


def test_utterances_count_sources_and_a_joint_act_once() -> None:
    acts = {tuple(r["utterance_ids"]): r for r in joins.utterances(tiny)}
    assert sorted(acts) == [("U1", "U2"), ("U3",), ("U4",), ("U5",)]
    joint = acts[("U1", "U2")]
    assert joint["speaker_ids"] == ["russia", "us"]
    assert joint["speaker_sides"] == ["russia", "us"]
    assert (joint["n_sources"], joint["n_attestations"]) == (2, 2)
    assert joint["statement_ids"] == ["ST01", "ST03", "ST02", "ST04"]
    assert (acts[("U3",)]["n_sources"], acts[("U3",)]["n_attestations"]) == (2, 3)
    assert acts[("U3",)]["source_ids"] == ["S1", "S2"]
    assert (acts[("U5",)]["n_sources"], acts[("U4",)]["n_attestations"]) == (1, 2)


def test_demand_answers_join_the_demand_relation_and_speaker_with_sides() -> None:
    rows = joins.demand_answers(tiny)
    assert [(r["demand_id"], r["statement_id"], r["relation"]) for r in rows] == [
        ("D1", "ST01", "states"),
        ("D1", "ST05", "rejects"),
    ]
    rejection = rows[1]
    assert (rejection["speaker_id"], rejection["speaker_name"]) == ("psaki", "Psaki")
    assert (rejection["speaker_side"], rejection["demander_side"]) == ("us", "russia")
    assert (rejection["source_id"], rejection["start_char"], rejection["text"]) == (
        "S1",
        50,
        "S1:50",
    )


def test_statements_in_context_cut_at_the_ends_of_the_text() -> None:
    texts = {"S1": "abcdefghij" * 10, "S2": "0123456789" * 12}
    rows = {r["statement_id"]: r for r in joins.statements_in_context(3, tiny, texts.__getitem__)}
    first = rows["ST01"]  # S1[0:5]: nothing before it
    assert (first["context_start"], first["context_end"], first["context"]) == (0, 8, "abcdefgh")
    last = rows["ST10"]  # S2[100:110] of 120 characters
    assert (last["context_start"], last["context_end"]) == (97, 113)
    assert last["context"] == texts["S2"][97:113]
    assert (last["speaker_side"], last["source_title"]) == ("nato", "Two")


@pytest.mark.parametrize("chars", [-1, 1.5, True, "10"])
def test_context_width_must_be_a_whole_number(chars: Any) -> None:
    message = f"chars must be a whole number of characters, 0 or more (got {chars!r})"
    with pytest.raises(ValueError) as err:
        u.context("ST0001", chars=chars)
    assert str(err.value) == message
    with pytest.raises(ValueError) as err:
        u.statements_in_context(chars=chars)
    assert str(err.value) == message


# The bundled data: every answer checked against the tables, not against fixed ids.


def seed(source_id: str) -> str:
    path = {s["source_id"]: s["path"] for s in u.load("sources").to_pylist()}[source_id]
    return read_source(bundle_dir() / path).text or ""


def test_source_text_is_the_seed_as_stored() -> None:
    for source in u.load("sources").to_pylist():
        assert u.source_text(source["source_id"]) == seed(source["source_id"])
    with pytest.raises(LoadError) as err:
        u.source_text("S999")
    ids = ", ".join(sorted(s["source_id"] for s in u.load("sources").to_pylist()))
    assert str(err.value) == f"unknown source 'S999'; the sources are: {ids}"


@pytest.mark.parametrize("table", ["statements", "evidence"])
def test_context_of_a_row_is_its_span_with_the_characters_around(table: str) -> None:
    key = f"{table[:-1]}_id" if table == "statements" else "evidence_id"
    for row in u.load(table).to_pylist()[:20]:
        c = u.context(row[key], chars=30)
        text = seed(row["source_id"])
        assert (c.source_id, c.start_char, c.end_char) == (
            row["source_id"],
            row["start_char"],
            row["end_char"],
        )
        assert c.text == row["text"]
        assert str(c) == text[c.context_start : c.context_end]
        assert c.context_start == max(0, row["start_char"] - 30)
        assert c.context_end == min(len(text), row["end_char"] + 30)
        assert c.marked() == f"{c.before}[[{c.text}]]{c.after}"


def test_context_of_an_unknown_id_names_the_tables_searched() -> None:
    with pytest.raises(LoadError) as err:
        u.context("ST9999")
    assert str(err.value).startswith("no row of statements, ")
    assert str(err.value).endswith(" has the id 'ST9999'")


def test_actor_sides_cover_every_actor_and_follow_the_chain() -> None:
    actors = {a["actor_id"]: a for a in u.load("actors").to_pylist()}
    table = u.actor_sides("pandas")
    assert list(table["actor_id"]) == list(actors)
    by_id = dict(zip(table["actor_id"], table["side_id"], strict=True))
    for actor_id, side in by_id.items():
        if pd.isna(side):
            continue
        walk = actor_id
        while walk != side:  # the side is on the actor's own chain
            walk = actors[walk]["affiliation_id"]
        assert actors[side]["kind"] == "state" or actors[side]["affiliation_id"] is None


def test_statements_in_context_has_every_statement_dated_in_pandas() -> None:
    df = u.statements_in_context("pandas", chars=50)
    statements = u.load("statements").to_pylist()
    assert sorted(df["statement_id"]) == sorted(s["statement_id"] for s in statements)
    assert str(df["date"].dtype).startswith("datetime64")
    window = df[df["date"].between("2022-01-14", "2022-01-27")]
    assert set(window["statement_id"]) == {
        s["statement_id"] for s in statements if D(2022, 1, 14) <= s["date"] <= D(2022, 1, 27)
    }
    for row in df.head(10).itertuples():
        text = seed(row.source_id)
        assert row.context == text[row.context_start : row.context_end]
        assert row.text in row.context


def test_demand_answers_have_one_row_per_link() -> None:
    table = u.demand_answers()
    links = u.load("demand_statements").to_pylist()
    assert table.num_rows == len(links)
    got = {(r["demand_id"], r["statement_id"], r["relation"]) for r in table.to_pylist()}
    assert got == {(r["demand_id"], r["statement_id"], r["relation"]) for r in links}


def test_utterances_partition_the_statements() -> None:
    acts = u.utterances("polars")
    statements = u.load("statements").to_pylist()
    ids = [s for row in acts["statement_ids"].to_list() for s in row]
    assert sorted(ids) == sorted(s["statement_id"] for s in statements)
    utterance_ids = [x for row in acts["utterance_ids"].to_list() for x in row]
    assert sorted(utterance_ids) == sorted({s["utterance_id"] for s in statements})
    sources = {s["statement_id"]: s["source_id"] for s in statements}
    for row in acts.iter_rows(named=True):
        assert row["n_sources"] == len({sources[s] for s in row["statement_ids"]})
