"""The talks as a timeline: what to draw (`build_timeline`) and the figure itself (`render`).

`build_timeline()` turns the tables into plain data: events by date and venue, each speaker's
statements, and each demand with the statements that stated, rejected or answered it.
`render()` draws it with matplotlib as PNG, SVG or HTML (the SVG inline), deterministically:
fixed fonts, SVG ids and metadata, no timestamps. Every output carries the SHA-256 of the
drawn data in its metadata (`Timeline.digest()`), so a test can tell a stale figure.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._atomic import write_bytes_atomic
from ..errors import TimelineError as TimelineError
from ..package.relations import field
from .query import RowSource, bundled_rows

if TYPE_CHECKING:
    from matplotlib.axes import Axes

FORMATS = (".png", ".svg", ".html")
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


@dataclass(frozen=True)
class StatementMark:
    """One statement, as a mark on its speaker's line."""

    statement_id: str
    date: dt.date
    quote_type: str


@dataclass(frozen=True)
class SpeakerLine:
    """A speaker and their statements, by date."""

    actor_id: str
    name: str
    statements: tuple[StatementMark, ...]


@dataclass(frozen=True)
class Answer:
    """A statement that stated, rejected or answered a demand."""

    statement_id: str
    speaker: str
    date: dt.date
    relation: str


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
    """The timeline's data from the tables (default: the bundled data)."""
    names: dict[str, str] = {a["actor_id"]: a["name"] for a in rows("actors")}

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
            )
            for e in rows("events")
        ),
        key=lambda e: (e.date, e.event_id),
    )
    statements = rows("statements")
    by_speaker: dict[str, list[StatementMark]] = {}
    for s in statements:
        mark = StatementMark(s["statement_id"], s["date"], s["quote_type"])
        by_speaker.setdefault(s["speaker_id"], []).append(mark)
    speakers = sorted(
        (
            SpeakerLine(
                actor_id,
                name(actor_id),
                tuple(sorted(marks, key=lambda m: (m.date, m.statement_id))),
            )
            for actor_id, marks in by_speaker.items()
        ),
        key=lambda line: (line.statements[0].date, line.name),
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
    return Timeline(tuple(events), tuple(speakers), tuple(demands))


_EPOCH = dt.date(1970, 1, 1)  # matplotlib's date.epoch, set in render()


def _day(date: dt.date) -> float:
    """A date as matplotlib's date number (days since `_EPOCH`)."""
    return float((date - _EPOCH).days)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _enum(table: str, name: str) -> list[str]:
    return [str(v) for v in field(table, name).get("constraints", {}).get("enum", [])]


# Marks: statements by quote type, demand links by relation (schema vocabularies).
_QUOTE_MARKERS = {"direct": "o", "partial": "^", "paraphrase": "s"}
_QUOTE_OFFSET = {"direct": -0.22, "partial": 0.0, "paraphrase": 0.22}
_RELATION_STYLE = {
    "states": ("|", "#555555"),
    "rejects": ("X", "#c0392b"),
    "answers": ("o", "#1f77b4"),
}
_LABEL_CHARS = 62


def _draw(timeline: Timeline) -> Any:
    """The figure, built without pyplot (no global state)."""
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    event_types = _enum("events", "event_type")
    palette = [
        "#1f77b4",
        "#ff7f0e",
        "#2ca02c",
        "#d62728",
        "#9467bd",
        "#8c564b",
        "#e377c2",
        "#7f7f7f",
        "#bcbd22",
        "#17becf",
    ]
    colours = {t: palette[i % len(palette)] for i, t in enumerate(event_types)}

    rows = [max(1, len(timeline.events)), max(1, len(timeline.speakers))]
    rows.append(max(1, len(timeline.demands)))
    height = 1.6 + 0.32 * sum(rows) + 3 * 0.7
    fig = Figure(figsize=(12, height), layout="constrained")
    axes: list[Axes] = list(
        fig.subplots(3, 1, sharex=True, gridspec_kw={"height_ratios": [r + 1.2 for r in rows]})
    )
    fig.suptitle(
        "The January 2022 Russia–US/NATO/OSCE security talks, from the data",
        fontsize=13,
        fontweight="bold",
    )
    dates = timeline.dates() or [dt.date(2022, 1, 1)]
    first, last = min(dates), max(dates)
    span = max((last - first).days, 6)
    low = _day(first) - 1
    high = _day(first) + span + 1

    def lines(ax: Axes, labels: list[str], title: str, empty: str) -> None:
        ax.set_title(title, loc="left", fontsize=10)
        ax.set_ylim(len(labels) - 0.5 if labels else 0.5, -0.5)
        ax.set_yticks(range(len(labels)), labels, fontsize=8)
        ax.grid(axis="y", color="#eeeeee", linewidth=0.6)
        ax.set_axisbelow(True)
        if not labels:
            ax.text(0.5, 0.5, empty, transform=ax.transAxes, ha="center", va="center", alpha=0.6)
        for event in timeline.events:
            ax.axvline(_day(event.date), color="#dddddd", linewidth=0.8, zorder=0)

    # Marks sit on their day's tick; an event over several days is a bar across them.

    # Events: one line each, a diamond on the day or a bar over several days.
    ax = axes[0]
    labels = []
    for y, e in enumerate(timeline.events):
        venue = f" — {e.location}" if e.location else ""
        labels.append(_short(f"{e.event_id} {e.title}{venue}", _LABEL_CHARS))
        start = _day(e.date)
        if e.end_date:
            width = _day(e.end_date) - start + 0.6
            ax.barh(y, width, left=start - 0.3, height=0.5, color=colours.get(e.event_type, "k"))
        else:
            ax.plot([start], [y], "D", color=colours.get(e.event_type, "k"), markersize=7)
    lines(ax, labels, "Events, by date and venue (colour: event type)", "no events in the data")
    used = [t for t in event_types if any(e.event_type == t for e in timeline.events)]
    if used:
        handles = [
            Line2D([], [], marker="D", linestyle="", color=colours[t], label=t.replace("_", " "))
            for t in used
        ]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)

    # Statements: one line per speaker, one mark per statement (shape: quote type).
    ax = axes[1]
    labels = []
    for y, line in enumerate(timeline.speakers):
        labels.append(_short(f"{line.name} ({len(line.statements)})", _LABEL_CHARS))
        per_day: dict[tuple[dt.date, str], int] = {}
        for s in line.statements:
            per_day[(s.date, s.quote_type)] = per_day.get((s.date, s.quote_type), 0) + 1
        for (day, quote_type), count in sorted(per_day.items()):
            x, at = _day(day), y + _QUOTE_OFFSET.get(quote_type, 0.0)
            ax.plot([x], [at], _QUOTE_MARKERS.get(quote_type, "o"), color="#333333", markersize=6)
            if count > 1:
                ax.annotate(
                    f"×{count}", (x, at), xytext=(5, -3), textcoords="offset points", fontsize=7
                )
    lines(
        ax,
        labels,
        "Statements by speaker (number said that day, if more than one)",
        "no statements in the data",
    )
    handles = [
        Line2D([], [], marker=m, linestyle="", color="#333333", label=q)
        for q, m in _QUOTE_MARKERS.items()
        if q in _enum("statements", "quote_type")
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)

    # Demands: from the day first stated to each statement that stated, rejected or answered it.
    ax = axes[2]
    labels = []
    for y, d in enumerate(timeline.demands):
        labels.append(_short(f"{d.demand_id} {d.demander}: {d.summary} [{d.status}]", 80))
        start = _day(d.first_stated)
        ax.plot([start], [y], "s", color="black", markersize=6)
        for a in d.answers:
            x = _day(a.date)
            marker, colour = _RELATION_STYLE.get(a.relation, ("o", "k"))
            ax.plot([start, x], [y, y], color=colour, linewidth=1, alpha=0.6)
            ax.plot([x], [y], marker, color=colour, markersize=7)
    lines(ax, labels, "Demands and the answers they got", "no demands in the data")
    handles = [Line2D([], [], marker="s", linestyle="", color="black", label="first stated")]
    handles += [
        Line2D([], [], marker=m, linestyle="", color=c, label=r)
        for r, (m, c) in _RELATION_STYLE.items()
        if r in _enum("demand_statements", "relation")
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)

    ax.set_xlim(low, high)
    every = max(1, -(-span // 12))
    ax.xaxis.set_major_locator(mdates.DayLocator(interval=every))  # type: ignore[no-untyped-call]
    ax.xaxis.set_minor_locator(mdates.DayLocator())  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))  # type: ignore[no-untyped-call]
    years = sorted({str(d.year) for d in dates})
    ax.set_xlabel("–".join(dict.fromkeys([years[0], years[-1]])), fontsize=8)
    for each in axes:
        each.tick_params(axis="x", labelsize=8, labelbottom=each is ax)
    fig.supxlabel(
        "Drawn by `ukraine-talks timeline` from the dataset's tables; every mark is a row with "
        "an evidence span in a source article.",
        x=0.005,
        ha="left",
        fontsize=7,
        alpha=0.7,
    )
    return fig


def render(timeline: Timeline, fmt: str) -> bytes:
    """The figure as bytes in `fmt` (".png", ".svg" or ".html"), the same bytes every time."""
    import matplotlib

    if fmt not in FORMATS:
        raise TimelineError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    description = DIGEST_PREFIX + timeline.digest()
    buffer = io.BytesIO()
    with matplotlib.rc_context(
        {
            "svg.hashsalt": "ukraine-talks-data",  # fixed ids in the SVG
            "svg.fonttype": "none",  # text stays text: searchable, and no glyph paths
            "font.family": "DejaVu Sans",  # shipped with matplotlib: the same everywhere
            "date.epoch": _EPOCH.isoformat(),
        }
    ):
        fig = _draw(timeline)
        if fmt == ".png":
            metadata = {"Software": None, "Description": description}
            fig.savefig(buffer, format="png", dpi=110, metadata=metadata)
            return buffer.getvalue()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Description": description})
    svg = buffer.getvalue().decode("utf-8")
    if fmt == ".svg":
        return svg.encode("utf-8")
    body = svg[svg.index("<svg") :]
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="description" content="{description}">\n'
        "<title>January 2022 Russia–US/NATO/OSCE security talks: timeline</title>\n"
        "<style>body{font-family:sans-serif;margin:1em}svg{max-width:100%;height:auto}</style>\n"
        f"</head>\n<body>\n{body}</body>\n</html>\n"
    )
    return page.encode("utf-8")


def write_timeline(out: Path, rows: RowSource = bundled_rows) -> Path:
    """Draw the timeline of the data into `out` (format from its extension), atomically;
    `out`'s folder must exist."""
    from .._optional import require

    out = Path(out)
    fmt = out.suffix.lower()
    if fmt not in FORMATS:
        raise TimelineError(
            f"cannot tell the format of {out}: its name must end in {', '.join(FORMATS)}"
        )
    require("matplotlib", "plot", "ukraine-talks timeline")
    data = render(build_timeline(rows), fmt)
    write_bytes_atomic(out, data, parents=False)
    return out
