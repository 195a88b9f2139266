"""The timeline as a static figure (matplotlib): PNG or SVG, fit to print and to a README.

Three panels share one time axis — events, statements by speaker (grouped and coloured by
side), demands with the statements that stated, rejected or answered them — and each panel
has its own date labels. The main period (the January weeks) has the width; items dated
before it, across a gap of more than `GAP_DAYS`, sit in a narrow panel on the left behind a
marked break, by month. Labels are wrapped, never cut; `layout_problems()` checks a drawn
figure for text that overlaps other text or leaves the figure (a test runs it).
Deterministic: fixed fonts, SVG ids and metadata, no timestamps.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from typing import TYPE_CHECKING, Any

from ..package.relations import field
from .timeline_data import DIGEST_PREFIX, Timeline

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

GAP_DAYS = 10
"""Items before a gap of more than this many days go to the panel behind the break."""
WIDTH_IN = 8.5
LINE_IN = 0.155  # height of one line of a label, in inches
# Layout, in inches: margins, the panel behind the break and the gap after it, the bands
# above (title, legend) and below (dates) each panel.
MARGIN_IN, EARLY_IN, BREAK_IN = 0.12, 0.42, 0.1
TOP_IN, BAND_IN, TICKS_IN, BOTTOM_IN = 0.45, 0.55, 0.45, 0.3
LEGEND_COLUMNS = 6
ROW_GAP = 0.5  # lines between two rows' labels
FONT = 8.0
EVENT_CHARS, SPEAKER_CHARS, DEMAND_CHARS = 46, 40, 50
_EPOCH = dt.date(1970, 1, 1)  # matplotlib's date.epoch, set in figure_bytes()

# Marks: sides' colours (others grey), event types' colours, demand links by relation.
SIDE_COLOURS = {"russia": "#c0392b", "us": "#1f4e9c", "nato": "#2a9d8f", "ukraine": "#e9a100"}
OTHER_SIDE = "#7f7f7f"
PALETTE: tuple[str, ...] = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
)
PALETTE += ("#7f7f7f", "#bcbd22", "#17becf")
RELATION_STYLE = {
    "states": ("|", "#555555"),
    "rejects": ("X", "#c0392b"),
    "answers": ("o", "#1f77b4"),
}


def _day(date: dt.date) -> float:
    """A date as matplotlib's date number (days since `_EPOCH`)."""
    return float((date - _EPOCH).days)


def _enum(table: str, name: str) -> list[str]:
    return [str(v) for v in field(table, name).get("constraints", {}).get("enum", [])]


def _wrap(text: str, width: int) -> str:
    """`text` on lines of at most `width` characters (a longer word stays whole)."""
    return (
        "\n".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False))
        or text
    )


def split_dates(dates: list[dt.date]) -> tuple[dt.date | None, dt.date, dt.date]:
    """(last date behind the break or None, first and last date of the main period)."""
    days = sorted(set(dates)) or [dt.date(2022, 1, 1)]
    gaps = [i for i in range(1, len(days)) if (days[i] - days[i - 1]).days > GAP_DAYS]
    if not gaps:
        return None, days[0], days[-1]
    cut = gaps[-1]
    return days[cut - 1], days[cut], days[-1]


def _month_span(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """From the first day of `first`'s month to the first day after `last`'s month."""
    start = first.replace(day=1)
    end = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start, end


def _width_in(labels: list[str]) -> float:
    """Width of the widest line of `labels` at the labels' font size, in inches."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    measure, font = TextToPath(), FontProperties(family="DejaVu Sans", size=FONT)
    lines = [line for label in labels for line in label.splitlines()] or [""]
    widths = [measure.get_text_width_height_descent(x, font, ismath=False)[0] for x in lines]
    return max(widths) / 72


def _rows(labels: list[str]) -> tuple[list[float], float]:
    """Each label's centre on the y axis (in lines, top down) and the panel's height."""
    centres, top = [], 0.0
    for label in labels:
        lines = label.count("\n") + 1
        centres.append(top + (lines + ROW_GAP) / 2)
        top += lines + ROW_GAP
    return centres, max(top, 1.0)


def _draw(timeline: Timeline) -> Figure:
    """The figure, built without pyplot (no global state)."""
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FixedLocator, NullFormatter

    event_types = _enum("events", "event_type")
    colours = {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(event_types)}
    early_end, first, last = split_dates(timeline.dates())
    early = [d for d in timeline.dates() if early_end is not None and d <= early_end]

    event_labels = []
    for e in timeline.events:
        venue = f" — {e.location}" if e.location else ""
        event_labels.append(_wrap(f"{e.event_id} {e.title}{venue}", EVENT_CHARS))
    speaker_labels = [
        _wrap(f"{s.name} ({len(s.statements)})", SPEAKER_CHARS) for s in timeline.speakers
    ]
    demand_labels = [
        _wrap(f"{d.demand_id} {d.demander}: {d.summary} [{d.status}]", DEMAND_CHARS)
        for d in timeline.demands
    ]
    panels = [_rows(event_labels), _rows(speaker_labels), _rows(demand_labels)]
    # Inches, top down: the title, then per panel a band for its title and legend, the axes,
    # a band for the date labels; the caption at the bottom.
    heights = [size * LINE_IN for _, size in panels]
    height = TOP_IN + sum(BAND_IN + h + TICKS_IN for h in heights) + BOTTOM_IN
    fig = Figure(figsize=(WIDTH_IN, height))
    fig.suptitle(
        "The January 2022 Russia–US/NATO/OSCE security talks, from the data",
        fontsize=12,
        fontweight="bold",
        x=MARGIN_IN / WIDTH_IN,
        y=1 - 0.12 / height,
        ha="left",
        va="top",
    )
    main_low, main_high = _day(first) - 0.8, _day(last) + 0.8
    if early_end is not None:
        early_start, early_stop = _month_span(min(early), early_end)
    left = MARGIN_IN + _width_in([*event_labels, *speaker_labels, *demand_labels]) + 0.1
    right = WIDTH_IN - MARGIN_IN
    columns = [(left, EARLY_IN), (left + EARLY_IN + BREAK_IN, 0.0)] if early_end else [(left, 0.0)]
    columns[-1] = (columns[-1][0], right - columns[-1][0])

    def panel(row: int, labels: list[str], title: str) -> tuple[Axes, list[Axes]]:
        """The panel's main axes and every axes of the row (early first), set up alike."""
        centres, size = panels[row]
        top = TOP_IN + sum(BAND_IN + h + TICKS_IN for h in heights[:row]) + BAND_IN
        bottom = height - top - heights[row]
        fig.text(
            MARGIN_IN / WIDTH_IN,
            1 - (top - BAND_IN + 0.08) / height,
            title,
            fontsize=9.5,
            fontweight="bold",
            va="top",
        )
        axes = [
            fig.add_axes((x / WIDTH_IN, bottom / height, w / WIDTH_IN, heights[row] / height))
            for x, w in columns
        ]
        main = axes[-1]
        for ax in axes:
            ax.set_ylim(size, 0)
            ax.set_yticks(centres, [""] * len(centres))
            ax.tick_params(axis="y", length=0)
            ax.grid(axis="y", color="#f0f0f0", linewidth=0.6)
            ax.set_axisbelow(True)
            ax.tick_params(axis="x", labelsize=FONT)
            for event in timeline.events:
                ax.axvline(_day(event.date), color="#e4e4e4", linewidth=0.7, zorder=0)
        axes[0].set_yticks(centres, labels, fontsize=FONT)
        main.set_xlim(main_low, main_high)
        main.xaxis.set_major_locator(mdates.DayLocator())  # type: ignore[no-untyped-call]
        main.xaxis.set_major_formatter(mdates.DateFormatter("%-d"))  # type: ignore[no-untyped-call]
        months = sorted({(d.year, d.month) for d in (first, last)})
        names = [dt.date(y, m, 1).strftime("%B %Y") for y, m in months]
        main.set_xlabel(" – ".join(names), fontsize=FONT, loc="left", labelpad=2)
        if early_end is not None:
            early_ax = axes[0]
            early_ax.set_xlim(_day(early_start) - 2, _day(early_stop))
            bounds, mids, month_names = [], [], []
            month = early_start
            while month < early_stop:
                following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
                bounds.append(_day(month))
                mids.append((_day(month) + _day(following)) / 2)
                month_names.append(month.strftime("%b\n%Y"))
                month = following
            early_ax.xaxis.set_major_locator(FixedLocator(bounds))
            early_ax.xaxis.set_major_formatter(NullFormatter())
            early_ax.set_xticks(mids, month_names, minor=True, fontsize=FONT)
            early_ax.tick_params(axis="x", which="minor", length=0)
            early_ax.spines["right"].set_visible(False)
            main.spines["left"].set_visible(False)
            style: dict[str, Any] = {"color": "#555555", "clip_on": False, "linewidth": 1}
            for ax, x in ((early_ax, 1.0), (main, 0.0)):
                box = ax.get_position()
                dx, dy = 0.035 / (box.width * WIDTH_IN), 0.05 / (box.height * height)
                for y in (0.0, 1.0):
                    ax.plot([x - dx, x + dx], [y - dy, y + dy], transform=ax.transAxes, **style)
        return main, axes

    def legend(ax: Axes, handles: list[Any]) -> None:
        ax.legend(
            handles=handles,
            loc="lower right",
            bbox_to_anchor=(1.0, 1.0),
            ncol=-(-len(handles) // -(-len(handles) // LEGEND_COLUMNS)),  # rows evenly filled
            fontsize=FONT,
            frameon=False,
            handletextpad=0.3,
            columnspacing=1.0,
            borderaxespad=0.2,
        )

    # Events: a diamond on the day, a bar over several days or over the month of a
    # month-only date.
    main, axes = panel(0, event_labels, "Events, by date and venue")
    centres = panels[0][0]
    for y, e in zip(centres, timeline.events, strict=True):
        colour = colours.get(e.event_type, "black")
        start = _day(e.date)
        for ax in axes:
            if e.precision == "month":
                stop = _day(_month_span(e.date, e.date)[1])
                ax.barh(y, stop - start, left=start, height=0.6, color=colour, alpha=0.35)
            elif e.end_date:
                width = _day(e.end_date) - start + 0.6
                ax.barh(y, width, left=start - 0.3, height=0.6, color=colour)
            else:
                ax.plot([start], [y], "D", color=colour, markersize=5.5)
    used = [t for t in event_types if any(e.event_type == t for e in timeline.events)]
    handles = [
        Line2D([], [], marker="D", linestyle="", color=colours[t], label=t.replace("_", " "))
        for t in used
    ]
    legend(main, handles)

    # Statements: one line per speaker, one mark per day (the number said that day inside).
    main, axes = panel(1, speaker_labels, "Statements by speaker, grouped by side")
    centres = panels[1][0]
    for y, line in zip(centres, timeline.speakers, strict=True):
        colour = SIDE_COLOURS.get(line.side or "", OTHER_SIDE)
        per_day: dict[dt.date, int] = {}
        for s in line.statements:
            per_day[s.date] = per_day.get(s.date, 0) + 1
        for day, count in sorted(per_day.items()):
            x = _day(day)
            for ax in axes:
                ax.plot([x], [y], "o", color=colour, markersize=9 if count > 1 else 5)
                low, high = sorted(ax.get_xlim())
                if count > 1 and low <= x <= high:
                    ax.text(
                        x, y, str(count), ha="center", va="center", color="white",
                        fontsize=6, fontweight="bold",
                    )  # fmt: skip
    names = {line.side: line.side_name for line in timeline.speakers if line.side}
    shown = [s for s in SIDE_COLOURS if s in names]
    handles = [
        Line2D([], [], marker="o", linestyle="", color=SIDE_COLOURS[s], label=str(names[s]))
        for s in shown
    ]
    handles.append(Line2D([], [], marker="o", linestyle="", color=OTHER_SIDE, label="others"))
    handles.append(
        Line2D(
            [], [], marker="o", markersize=9, linestyle="", color="#999999", label="n said that day"
        )
    )
    legend(main, handles)

    # Demands: from the day first stated to each statement that stated, rejected or answered it.
    main, axes = panel(2, demand_labels, "Demands and the answers they got")
    centres = panels[2][0]
    for y, d in zip(centres, timeline.demands, strict=True):
        start = _day(d.first_stated)
        for ax in axes:
            ax.plot([start], [y], "s", color="black", markersize=5)
            for a in d.answers:
                x = _day(a.date)
                marker, colour = RELATION_STYLE.get(a.relation, ("o", "black"))
                ax.plot([start, x], [y, y], color=colour, linewidth=1, alpha=0.5)
                ax.plot([x], [y], marker, color=colour, markersize=6)
    handles = [Line2D([], [], marker="s", linestyle="", color="black", label="first stated")]
    handles += [
        Line2D([], [], marker=m, linestyle="", color=c, label=r)
        for r, (m, c) in RELATION_STYLE.items()
        if r in _enum("demand_statements", "relation")
    ]
    legend(main, handles)

    fig.text(
        MARGIN_IN / WIDTH_IN,
        0.1 / height,
        "Drawn by `ukraine-talks timeline` from the dataset's tables; every mark is a row with an "
        "evidence span in a source article. Left of the break: earlier items, by month.",
        fontsize=6.5,
        color="#555555",
    )
    return fig


def figure_bytes(timeline: Timeline, fmt: str) -> bytes:
    """The figure as PNG or SVG bytes (".png", ".svg"), the same bytes every time."""
    import matplotlib

    description = DIGEST_PREFIX + timeline.digest()
    buffer = io.BytesIO()
    with matplotlib.rc_context(_RC):
        fig = _draw(timeline)
        if fmt == ".png":
            metadata = {"Software": None, "Description": description}
            fig.savefig(buffer, format="png", dpi=110, metadata=metadata)
        else:
            fig.savefig(buffer, format="svg", metadata={"Date": None, "Description": description})
    return buffer.getvalue()


_RC: Any = {
    "svg.hashsalt": "ukraine-talks-data",  # fixed ids in the SVG
    "svg.fonttype": "none",  # text stays text: searchable, and no glyph paths
    "font.family": "DejaVu Sans",  # shipped with matplotlib: the same everywhere
    "date.epoch": _EPOCH.isoformat(),
}


def layout_problems(timeline: Timeline) -> list[str]:
    """Text of the drawn figure that overlaps other text or leaves the figure, one line each.

    Every visible, non-empty text (titles, labels, tick labels, legend entries, the counts
    on the marks) is measured as the renderer draws it; a count may sit on its own mark.
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    with matplotlib.rc_context(_RC):
        fig = _draw(timeline)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()  # type: ignore[no-untyped-call]
        renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]
        page = fig.bbox
        boxes = []
        for text in fig.findobj(Text):
            if not text.get_visible() or not text.get_text().strip():
                continue
            boxes.append((text.get_text(), text.get_window_extent(renderer)))
    problems = []
    for label, box in boxes:
        if (
            box.x0 < page.x0 - 0.5
            or box.x1 > page.x1 + 0.5
            or box.y0 < page.y0 - 0.5
            or box.y1 > page.y1 + 0.5
        ):
            problems.append(f"outside the figure: {label!r}")
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1 :]:
            shrunk = box_a.padded(-0.5)
            if shrunk.overlaps(box_b.padded(-0.5)):
                problems.append(f"overlap: {a!r} and {b!r}")
    return problems
