"""`propose()`: the proposed rows for one article, from its text and what the package knows.

A pure function of the article (text, id, publication date) and the package's actors,
events and categories, so that `measure` can run it on a shipped seed with that seed's own
rows hidden. Each proposal is a row of one table (`statements`, `actors`, `events`,
`coverage_exclusions`) with its span and why it was proposed; speakers and events come
with their ranked candidates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..tables import Row
from .dating import Dated, date_of
from .events import channel, event_code, known_events, new_event_type, statement_code
from .mentions import Actor, Mention, mentions
from .speech import Statement, statements
from .text import Layout, layout


@dataclass(frozen=True)
class Article:
    """The article to annotate: its source id, text and (stated or inferred) publication."""

    source_id: str
    text: str
    published: dt.date


@dataclass(frozen=True)
class Known:
    """What the package already has: actors, events and categories (rows as text cells)."""

    actors: list[Actor]
    events: list[Row] = field(default_factory=list)
    categories: list[Row] = field(default_factory=list)


@dataclass
class Proposal:
    """One proposed row: its table, its cells (the span in source_id, start_char, end_char,
    text), why it was proposed, and the ranked candidates for its open choices."""

    table: str
    values: Row
    why: str
    candidates: list[str] = field(default_factory=list)

    @property
    def span(self) -> tuple[int, int]:
        return int(self.values["start_char"]), int(self.values["end_char"])


def actors_from_rows(rows: list[Row]) -> list[Actor]:
    """Actors as suggest needs them, from `actors` rows (aliases split on '|')."""
    return [
        Actor(
            r["actor_id"],
            r.get("name", ""),
            r.get("kind", ""),
            tuple(a for a in r.get("aliases", "").split("|") if a),
        )
        for r in rows
    ]


def _span(article: Article, start: int, end: int) -> Row:
    return {
        "source_id": article.source_id,
        "start_char": str(start),
        "end_char": str(end),
        "text": article.text[start:end],
    }


def _statement(
    article: Article, parts: Layout, statement: Statement, dated: Dated, known: Known
) -> Proposal:
    paragraph = parts.text[statement.sentence.paragraph.start : statement.sentence.paragraph.end]
    code, plover = statement_code(statement.verb, known.categories)
    values: Row = {
        **_span(article, statement.start, statement.end),
        "speaker_id": statement.speaker.actor_id if statement.speaker else "",
        "date": dated.date.isoformat(),
        "date_basis": dated.basis,
        "date_note": dated.note,
        "quote_type": statement.quote_type,
        "channel": channel(parts.text[statement.sentence.start : statement.sentence.end]),
        "cameo_code": code,
        "plover_type": plover,
    }
    candidates = [f"speaker {s.actor_id}: {s.reason}" for s in statement.speakers]
    guesses = known_events(values["date"], paragraph, known.events)
    if guesses and (len(guesses) == 1 or guesses[0].score > guesses[1].score):
        values["event_id"], values["event_relation"] = guesses[0].event_id, "about"
    candidates += [f"event {g.event_id}: {g.reason}" for g in guesses]
    return Proposal("statements", values, statement.why, candidates)


def _new_actor(
    article: Article, statement: Statement, first: dict[str, Mention]
) -> Proposal | None:
    speaker = statement.speaker
    if speaker is None or not speaker.new or speaker.start is None or speaker.end is None:
        return None
    named = first.get(speaker.actor_id)
    start, end = (named.start, named.end) if named else (speaker.start, speaker.end)
    words = article.text[start:end]
    values = {**_span(article, start, end), "actor_id": speaker.actor_id, "kind": speaker.kind}
    if speaker.kind == "person":
        values["name"] = words
        role = re.search(r"(?:[A-Z][\w’'.\-]*\s+)+$", article.text[max(0, start - 80) : start])
        if role:
            values["role"] = role.group().strip()
    else:
        values["aliases"] = words
        name = re.sub(r"^(?:[Aa]n?|[Tt]he)\s+", "", words)
        anonymous = f" (anonymous, {article.source_id})" if speaker.kind == "anonymous" else ""
        values["name"] = name[:1].upper() + name[1:] + anonymous
    why = f"speaker of the statement at {statement.start}-{statement.end}, not in actors"
    return Proposal("actors", values, why)


def _new_event(
    article: Article, statement: Statement, dated: Dated, known: Known, taken: set[tuple[str, str]]
) -> Proposal | None:
    sentence = article.text[statement.sentence.start : statement.sentence.end]
    found = new_event_type(sentence)
    if found is None:
        return None
    event_type, words = found
    day = dated.date.isoformat()
    if (day, event_type) in taken or any(
        e.get("date") == day and e.get("event_type") == event_type for e in known.events
    ):
        return None
    taken.add((day, event_type))
    start = statement.sentence.start + sentence.index(words)
    code, plover = event_code(event_type, known.events, known.categories)
    who = statement.speaker.actor_id if statement.speaker else "?"
    values = {
        **_span(article, start, start + len(words)),
        "title": f"{event_type.replace('_', ' ').capitalize()} ({who}, {day})",
        "event_type": event_type,
        "date": day,
        "date_precision": "day",
        "date_basis": dated.basis,
        "date_note": dated.note,
        "cameo_code": code,
        "plover_type": plover,
    }
    return Proposal("events", values, f"'{words}' on a day no known {event_type} covers")


def _exclusions(article: Article, parts: Layout) -> list[Proposal]:
    """Quotation marks in headings: not speech (docs/codebook.md §3.1)."""
    out = []
    for q in parts.quotes:
        heading = next(
            (p for p in parts.paragraphs if p.heading and p.start <= q.start < p.end), None
        )
        if heading is None:
            continue
        line = article.text[heading.start : heading.end]
        kind = "Headline" if heading.index == 0 else "Heading"
        values = {
            **_span(article, q.start, q.end),
            "reason": f"{kind} ('{line}'); headings are not recorded as statements.",
        }
        out.append(Proposal("coverage_exclusions", values, "quotation marks in a heading"))
    return out


def propose(article: Article, known: Known) -> list[Proposal]:
    """Every proposed row for `article`: statements in order, then new actors and events,
    then quotation marks to exclude from coverage."""
    parts = layout(article.text, article.published)
    named = mentions(parts, known.actors)
    found = statements(parts, named, article.source_id)
    first: dict[str, Mention] = {}
    for m in named:
        if m.new and len(m.words(article.text).split()) > 1:
            first.setdefault(m.actor_id, m)
    dated: list[tuple[Statement, Dated]] = []
    for statement in found:
        dated.append((statement, date_of(parts, statement, dated)))
    rows = [_statement(article, parts, s, d, known) for s, d in dated]
    actors: dict[str, Proposal] = {}
    for statement in found:
        proposal = _new_actor(article, statement, first)
        if proposal is not None:
            actors.setdefault(proposal.values["actor_id"], proposal)
    taken: set[tuple[str, str]] = set()
    events = [e for s, d in dated if (e := _new_event(article, s, d, known, taken)) is not None]
    return [*rows, *actors.values(), *events, *_exclusions(article, parts)]
