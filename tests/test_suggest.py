"""`suggest`'s rules: a table of small made-up cases, and the measurement on the shipped seeds
that docs/annotation-assist.md reports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ukraine_talks_data.contribute.measure import measure, table
from ukraine_talks_data.contribute.suggest.mentions import Actor
from ukraine_talks_data.contribute.suggest.propose import Article, Known, propose

DOC = Path(__file__).resolve().parent.parent / "docs" / "annotation-assist.md"
ACTORS = [
    Actor("anna_berg", "Anna Berg", "person", ("Berg", "Ms. Berg")),
    Actor("russia", "Russia", "state", ("Moscow",)),
    Actor("nato", "NATO", "organization", ("the alliance",)),
    Actor("nato_allies", "NATO allies", "group", ("The allies",)),
]
PUBLISHED = dt.date(2022, 1, 13)  # a Thursday


def _statements(body: str) -> list[tuple[str, str, str, str, str]]:
    text = f"A made-up headline\n\n{body}\n"
    rows = propose(Article("S900", text, PUBLISHED), Known(ACTORS))
    return [
        (r.values["text"], r.values["quote_type"], r.values["speaker_id"], r.values["date"],
         r.values["date_basis"])
        for r in rows
        if r.table == "statements"
    ]  # fmt: skip


CASES = [
    (
        "weekday",
        "Berg said on Tuesday that the talks would go on.",
        [("Berg said on Tuesday that the talks would go on.", "paraphrase", "anna_berg",
          "2022-01-11", "inferred")],
    ),
    (
        "stated date",
        "Berg told a news conference on Wednesday (Jan. 12) that the talks would go on.",
        [("Berg told a news conference on Wednesday (Jan. 12) that the talks would go on.",
          "paraphrase", "anna_berg", "2022-01-12", "stated")],
    ),
    (
        "yesterday, quote and pronoun",
        "“We will not wait forever,” Berg said yesterday. “Our proposals are on the table.”",
        [("We will not wait forever,", "direct", "anna_berg", "2022-01-12", "inferred"),
         ("Our proposals are on the table.", "direct", "anna_berg", "2022-01-12", "inferred")],
    ),
    (
        "possessive weekday is an event, not the day of the words",
        "Moscow described Wednesday’s talks as “useful”.",
        [("Moscow described Wednesday’s talks as “useful”.", "partial", "russia", "2022-01-13",
          "inferred")],
    ),
    (
        "month only",
        "In December, Moscow demanded guarantees, saying that the alliance must not grow.",
        [("In December, Moscow demanded guarantees, saying that the alliance must not grow.",
          "paraphrase", "russia", "2021-12-01", "inferred")],
    ),
    (
        "pronouns",
        "Ms. Berg met envoys. She said the meeting was long. The allies insisted on unity. "
        "They also threatened sanctions.",
        [("She said the meeting was long.", "paraphrase", "anna_berg", "2022-01-13", "inferred"),
         ("The allies insisted on unity.", "paraphrase", "nato_allies", "2022-01-13",
          "inferred"),
         ("They also threatened sanctions.", "paraphrase", "nato_allies", "2022-01-13",
          "inferred")],
    ),
    (
        "a new name and an unnamed source",
        "Foreign Minister Jan Novak said the alliance was united. Talks will go on, "
        "according to a senior diplomat.",
        [("Foreign Minister Jan Novak said the alliance was united.", "paraphrase", "jan_novak",
          "2022-01-13", "inferred"),
         ("Talks will go on, according to a senior diplomat.", "paraphrase",
          "anon_senior_diplomat_s900", "2022-01-13", "inferred")],
    ),
    (
        "update heading dates its section",
        "Berg said talks began.\n\nUPDATE 18/01/2022\n\nBerg said on Monday that talks ended.",
        [("Berg said talks began.", "paraphrase", "anna_berg", "2022-01-13", "inferred"),
         ("Berg said on Monday that talks ended.", "paraphrase", "anna_berg", "2022-01-17",
          "inferred")],
    ),
    ("no speech", "The talks lasted four hours. Snow fell in Geneva.", []),
]  # fmt: skip


@pytest.mark.parametrize(("body", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rules(body: str, expected: list[tuple[str, str, str, str, str]]) -> None:
    assert _statements(body) == expected


def test_quotation_marks_in_headings_are_proposed_as_exclusions() -> None:
    text = "Talks hit a “dead end”\n\nBerg said talks went on.\n"
    rows = propose(Article("S900", text, PUBLISHED), Known(ACTORS))
    exclusions = [r.values for r in rows if r.table == "coverage_exclusions"]
    start = text.index("dead end")
    assert [(e["start_char"], e["end_char"], e["text"]) for e in exclusions] == [
        (str(start), str(start + len("dead end")), "dead end")
    ]
    assert exclusions[0]["reason"] == (
        "Headline ('Talks hit a “dead end”'); headings are not recorded as statements."
    )


def _doc_tables() -> list[list[str]]:
    """The Markdown tables of docs/annotation-assist.md, each as its lines."""
    tables: list[list[str]] = []
    lines = DOC.read_text(encoding="utf-8").splitlines()
    for previous, line in zip(["", *lines], lines, strict=False):
        if line.startswith("| source |"):
            tables.append([])
        if line.startswith("|") and (
            tables and (previous.startswith("|") or line.startswith("| source |"))
        ):
            tables[-1].append(line)
    return tables


def test_the_measurement_in_the_doc_is_what_measure_computes() -> None:
    computed = [table(measure(unseen_actors=u)) for u in (False, True)]
    assert _doc_tables() == computed


def test_measure_runs_on_one_seed_alone() -> None:
    """One seed's figures are its row of the doc's first table."""
    figures = measure(sources=["S001"])
    assert (figures["S001"].statements, figures["S001"].quotations) == (16, 7)
    assert table(figures)[2] == next(line for line in _doc_tables()[0] if "| S001 |" in line)
