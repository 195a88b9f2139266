"""What the timeline draws: `build_timeline()` and its plain data (`Timeline`).

`build_timeline()` turns the tables into plain data: events by date and venue, each speaker's
statements (with the speaker's side), and each demand with the statements that stated,
rejected or answered it. `Timeline.digest()` is the SHA-256 every drawing records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass

from ..analysis.rows import RowSource, bundled_rows
from ..analysis.sides import sides

DIGEST_PREFIX = "timeline-data-sha256:"


@dataclass(frozen=True)
class EventMark:
    """An event: when, what, where."""

    event_id: str
    title: str
    event_type: str
    date: dt.date
    end_date: dt.date | None
    location: str | None
    precision: str = "day"


@dataclass(frozen=True)
class StatementMark:
    """One statement, as a mark on its speaker's line, with where it is written."""

    statement_id: str
    date: dt.date
    quote_type: str
    text: str = ""
    source_id: str = ""
    start_char: int = 0
    end_char: int = 0


@dataclass(frozen=True)
class SpeakerLine:
    """A speaker, the side it speaks for (see `analysis.sides`), and its statements by date."""

    actor_id: str
    name: str
    statements: tuple[StatementMark, ...]
    side: str | None = None
    side_name: str | None = None


@dataclass(frozen=True)
class Answer:
    """A statement that stated, rejected or answered a demand."""

    statement_id: str
    speaker: str
    date: dt.date
    relation: str
    text: str = ""


@dataclass(frozen=True)
class DemandLine:
    """A demand from its first statement, with the answers it got."""

    demand_id: str
    summary: str
    demander: str
    status: str
    first_stated: dt.date
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class Timeline:
    """Everything the figure draws, and nothing else."""

    events: tuple[EventMark, ...]
    speakers: tuple[SpeakerLine, ...]
    demands: tuple[DemandLine, ...]
    source_titles: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> str:
        """The drawn data as canonical JSON (dates in ISO form)."""
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False, default=str)

    def digest(self) -> str:
        """SHA-256 of `to_json()`: what the figure's metadata records."""
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    def dates(self) -> list[dt.date]:
        """Every date the figure places."""
        out = [e.date for e in self.events] + [e.end_date for e in self.events if e.end_date]
        out += [s.date for line in self.speakers for s in line.statements]
        out += [d.first_stated for d in self.demands]
        out += [a.date for d in self.demands for a in d.answers]
        return out


def build_timeline(rows: RowSource = bundled_rows) -> Timeline:
    """The timeline's data from the tables (default: the bundled data).

    Speakers are grouped by side (sides in the order they first speak), then by first date.
    """
    names: dict[str, str] = {a["actor_id"]: a["name"] for a in rows("actors")}
    side = sides(rows("actors"))

    def name(actor_id: str) -> str:
        return names.get(actor_id, actor_id)

    events = sorted(
        (
            EventMark(
                e["event_id"],
                e["title"],
                e["event_type"],
                e["date"],
                e.get("end_date"),
                e.get("location"),
                e.get("date_precision") or "day",
            )
            for e in rows("events")
        ),
        key=lambda e: (e.date, e.event_id),
    )
    statements = rows("statements")
    by_speaker: dict[str, list[StatementMark]] = {}
    for s in statements:
        mark = StatementMark(
            s["statement_id"],
            s["date"],
            s["quote_type"],
            s.get("text") or "",
            s.get("source_id") or "",
            s.get("start_char") or 0,
            s.get("end_char") or 0,
        )
        by_speaker.setdefault(s["speaker_id"], []).append(mark)
    lines = [
        SpeakerLine(
            actor_id,
            name(actor_id),
            tuple(sorted(marks, key=lambda m: (m.date, m.statement_id))),
            side.get(actor_id),
            names.get(side.get(actor_id) or ""),
        )
        for actor_id, marks in by_speaker.items()
    ]
    first_said: dict[str, dt.date] = {}
    for line in lines:
        spoke = line.statements[0].date
        first_said[line.side or ""] = min(spoke, first_said.get(line.side or "", spoke))
    speakers = sorted(
        lines,
        key=lambda line: (
            first_said[line.side or ""],
            line.side or "",
            line.statements[0].date,
            line.name,
        ),
    )
    by_id = {s["statement_id"]: s for s in statements}
    answers: dict[str, list[Answer]] = {}
    for link in rows("demand_statements"):
        said = by_id.get(link["statement_id"])
        if said is not None:
            answer = Answer(
                said["statement_id"],
                name(said["speaker_id"]),
                said["date"],
                link["relation"],
                said.get("text") or "",
            )
            answers.setdefault(link["demand_id"], []).append(answer)
    demands = sorted(
        (
            DemandLine(
                d["demand_id"],
                d["summary"],
                name(d["demander_id"]),
                d["status"],
                d["first_stated"],
                tuple(
                    sorted(answers.get(d["demand_id"], []), key=lambda a: (a.date, a.statement_id))
                ),
            )
            for d in rows("demands")
        ),
        key=lambda d: (d.first_stated, d.demand_id),
    )
    titles = tuple(sorted((r["source_id"], r.get("title") or "") for r in rows("sources")))
    return Timeline(tuple(events), tuple(speakers), tuple(demands), titles)
