"""The timeline as an interactive page: a Vega-Lite chart made with Altair, in one HTML file.

Three charts share the time axis, which opens on the main period (drag to pan to earlier
items, scroll to zoom): events, statements by speaker (coloured by side, as in the figure)
and the statements that stated, rejected or answered each demand. Each statement's tooltip
shows the quotation, speaker, date and source; a click on it jumps to its span below the
chart (source, offsets, the text). The page loads Vega, Vega-Lite and vega-embed from the
jsDelivr CDN when opened, as Altair's pages do. The same data gives the same bytes; the
data's SHA-256 is in the page's metadata.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from .timeline_data import DIGEST_PREFIX, EventMark, Timeline
from .timeline_figure import OTHER_SIDE, SIDE_COLOURS, split_dates

TITLE = "January 2022 Russia–US/NATO/OSCE security talks: timeline"
WIDTH = 760
LABEL_LIMIT = 420  # pixels; a longer label ends in an ellipsis, its tooltip holds it whole


def _when(day: dt.date, index: int, count: int) -> str:
    """A mark's time: its day, the marks of one line spread evenly across it."""
    hours = 24 * (index + 1) / (count + 1)
    return (dt.datetime.combine(day, dt.time()) + dt.timedelta(hours=hours)).isoformat()


def _last_day(event: EventMark) -> dt.date:
    """An event's last day: its end date, the month's last day for a month-only date."""
    if event.precision == "month":
        following = (event.date.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return following - dt.timedelta(days=1)
    return event.end_date or event.date


def statement_rows(timeline: Timeline) -> list[dict[str, Any]]:
    """One record per statement: where to draw it, what its tooltip says, where it links."""
    titles = dict(timeline.source_titles)
    out = []
    for line in timeline.speakers:
        per_day: dict[dt.date, list[Any]] = {}
        for mark in line.statements:
            per_day.setdefault(mark.date, []).append(mark)
        for day, marks in per_day.items():
            for i, mark in enumerate(marks):
                out.append(
                    {
                        "statement": mark.statement_id,
                        "when": _when(day, i, len(marks)),
                        "date": day.isoformat(),
                        "speaker": line.name,
                        "side": line.side_name or "others",
                        "quotation": mark.text,
                        "quote type": mark.quote_type,
                        "source": f"{mark.source_id}: {titles.get(mark.source_id, '')}",
                        "span": f"{mark.source_id} [{mark.start_char}:{mark.end_char}]",
                        "href": f"#{mark.statement_id}",
                    }
                )
    return out


def _data(values: list[dict[str, Any]]) -> Any:
    """Records as inline Vega-Lite data."""
    import altair as alt

    return alt.Data(values=values)  # type: ignore[no-untyped-call]


def _side_scale(timeline: Timeline) -> Any:
    """The static figure's colours for the sides it names; grey for the others."""
    import altair as alt

    names = {line.side: line.side_name for line in timeline.speakers if line.side}
    shown = [s for s in SIDE_COLOURS if s in names]
    domain = [str(names[s]) for s in shown] + ["others"]
    rest = sorted({line.side_name or "others" for line in timeline.speakers} - set(domain))
    return alt.Scale(
        domain=domain + rest,
        range=[SIDE_COLOURS[s] for s in shown] + [OTHER_SIDE] * (1 + len(rest)),
    )


def _charts(timeline: Timeline) -> Any:
    import altair as alt

    def pan(name: str) -> Any:
        """Drag to pan, scroll to zoom: the x scale, shared by the three charts."""
        return alt.selection_interval(bind="scales", encodings=["x"], name=name)

    _, first, last = split_dates(timeline.dates())
    start = dt.datetime.combine(first, dt.time()) - dt.timedelta(days=1)
    end = dt.datetime.combine(last, dt.time()) + dt.timedelta(days=2)
    x = alt.X(
        "when:T",
        title="drag to pan (earlier items lie to the left), scroll to zoom",
        axis=alt.Axis(format="%-d %b", labelAngle=0),
        scale=alt.Scale(domain=[start.isoformat(), end.isoformat()]),
    )
    events = [
        {
            "event": f"{e.event_id} {e.title}",
            "when": dt.datetime.combine(e.date, dt.time()).isoformat(),
            "until": dt.datetime.combine(_last_day(e), dt.time(23, 59)).isoformat(),
            "date": e.date.isoformat() + (" (month only)" if e.precision == "month" else ""),
            "type": e.event_type.replace("_", " "),
            "venue": e.location or "",
        }
        for e in timeline.events
    ]
    event_chart = (
        alt.Chart(_data(events), title="Events")
        .mark_bar(height=8, cornerRadius=2)
        .encode(
            x=x,
            x2="until:T",
            y=alt.Y("event:N", sort=None, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
            color=alt.Color("type:N", title="event type"),
            tooltip=["event:N", "date:N", "type:N", "venue:N"],
        )
        .add_params(pan("pan_events"))
        .properties(width=WIDTH)
    )
    speakers = [line.name for line in timeline.speakers]
    statement_chart = (
        alt.Chart(_data(statement_rows(timeline)), title="Statements by speaker")
        .mark_circle(size=70, opacity=0.85)
        .encode(
            x=x,
            y=alt.Y("speaker:N", sort=speakers, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
            color=alt.Color("side:N", title="side", scale=_side_scale(timeline)),
            href="href:N",
            tooltip=[
                "quotation:N",
                "speaker:N",
                "date:N",
                "source:N",
                "span:N",
                "quote type:N",
                "statement:N",
            ],
        )
        .add_params(pan("pan_statements"))
        .properties(width=WIDTH)
    )
    answers = []
    for d in timeline.demands:
        label = f"{d.demand_id} {d.demander}: {d.summary}"
        for i, a in enumerate(d.answers):
            answers.append(
                {
                    "demand": label,
                    "status": d.status,
                    "when": _when(a.date, i % 3, 3),
                    "date": a.date.isoformat(),
                    "relation": a.relation,
                    "speaker": a.speaker,
                    "quotation": a.text,
                    "statement": a.statement_id,
                    "href": f"#{a.statement_id}",
                }
            )
    demand_chart = (
        alt.Chart(_data(answers), title="Demands: who stated, rejected or answered them")
        .mark_point(size=60, filled=True)
        .encode(
            x=x,
            y=alt.Y(
                "demand:N",
                sort=None,
                title=None,
                axis=alt.Axis(labelLimit=LABEL_LIMIT),
            ),
            color=alt.Color("relation:N"),
            shape=alt.Shape("relation:N"),
            href="href:N",
            tooltip=["demand:N", "status:N", "relation:N", "speaker:N", "date:N", "quotation:N"],
        )
        .add_params(pan("pan_demands"))
        .properties(width=WIDTH)
    )
    return (
        alt.vconcat(event_chart, statement_chart, demand_chart)
        .resolve_scale(x="shared", color="independent")
        .properties(title=TITLE)
    )


def _spans(timeline: Timeline) -> str:
    """Every statement as a section the chart links to: speaker, date, source, span, text."""
    titles = dict(timeline.source_titles)
    marks = sorted(
        ((m, line) for line in timeline.speakers for m in line.statements),
        key=lambda pair: (pair[0].date, pair[0].statement_id),
    )
    parts = ["<h2>The statements and where they are written</h2>"]
    for mark, line in marks:
        source = html.escape(f"{mark.source_id} [{mark.start_char}:{mark.end_char}]")
        title = html.escape(titles.get(mark.source_id, ""))
        parts.append(
            f'<section id="{html.escape(mark.statement_id)}">'
            f"<p><b>{html.escape(line.name)}</b>, {mark.date.isoformat()} "
            f"({html.escape(mark.statement_id)}, {html.escape(mark.quote_type)}) — {source}, "
            f"<i>{title}</i></p><blockquote><mark>{html.escape(mark.text)}</mark></blockquote>"
            "</section>"
        )
    return "\n".join(parts)


def page(timeline: Timeline) -> bytes:
    """The interactive timeline as a complete HTML page (UTF-8 bytes)."""
    chart = _charts(timeline)
    text: str = chart.to_html(embed_options={"loader": {"target": "_self"}, "actions": False})
    meta = (
        f'<meta name="description" content="{DIGEST_PREFIX}{timeline.digest()}">\n'
        f"<title>{html.escape(TITLE)}</title>\n"
        "<style>body{font-family:sans-serif;margin:1em;max-width:70em}"
        "section:target{background:#fff6d5}blockquote{margin:.3em 0 1em 1.5em}</style>\n"
    )
    text = text.replace("<head>", "<head>\n" + meta, 1)
    text = text.replace("</body>", _spans(timeline) + "\n</body>", 1)
    return text.encode("utf-8")
