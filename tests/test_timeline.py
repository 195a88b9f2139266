"""`ukraine-talks timeline`: drawn from the data, deterministically; README's figure is current."""

from __future__ import annotations

import datetime as dt
import html
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import ukraine_talks_data as u
from ukraine_talks_data.cli import app
from ukraine_talks_data.package.bundle import bundle_dir
from ukraine_talks_data.views.timeline import DIGEST_PREFIX, build_timeline, render

README_IMAGE = "docs/timeline.svg"
D = dt.date

TINY: dict[str, list[dict[str, Any]]] = {
    "actors": [
        {"actor_id": "sergey_lavrov", "name": "Sergey Lavrov"},
        {"actor_id": "antony_blinken", "name": "Antony Blinken"},
    ],
    "events": [
        {"event_id": "E002", "title": "Talks", "event_type": "talks", "date": D(2022, 1, 21)},
        {
            "event_id": "E001",
            "title": "Exercise",
            "event_type": "military_exercise",
            "date": D(2022, 1, 10),
            "end_date": D(2022, 1, 12),
            "location": "Belarus",
        },
    ],
    "statements": [
        {"statement_id": "ST0001", "speaker_id": "sergey_lavrov", "date": D(2022, 1, 14)},
        {"statement_id": "ST0002", "speaker_id": "antony_blinken", "date": D(2022, 1, 21)},
        {"statement_id": "ST0003", "speaker_id": "sergey_lavrov", "date": D(2022, 1, 27)},
    ],
    "demands": [
        {
            "demand_id": "D001",
            "summary": "No further NATO enlargement",
            "demander_id": "sergey_lavrov",
            "status": "rejected",
            "first_stated": D(2022, 1, 14),
        }
    ],
    "demand_statements": [
        {"demand_id": "D001", "statement_id": "ST0003", "relation": "rejects"},
        {"demand_id": "D001", "statement_id": "ST0002", "relation": "answers"},
        {"demand_id": "D001", "statement_id": "ST0001", "relation": "states"},
    ],
}
for _s in TINY["statements"]:
    _s["quote_type"] = "direct"


def tiny(table: str) -> Sequence[dict[str, Any]]:
    return TINY.get(table, [])


def test_timeline_data_orders_and_links_a_tiny_dataset() -> None:
    timeline = build_timeline(tiny)
    assert [e.event_id for e in timeline.events] == ["E001", "E002"]
    assert timeline.events[0].end_date == D(2022, 1, 12)
    assert [(s.name, [m.statement_id for m in s.statements]) for s in timeline.speakers] == [
        ("Sergey Lavrov", ["ST0001", "ST0003"]),
        ("Antony Blinken", ["ST0002"]),
    ]
    (demand,) = timeline.demands
    assert (demand.demander, demand.status) == ("Sergey Lavrov", "rejected")
    assert [(a.statement_id, a.speaker, a.relation) for a in demand.answers] == [
        ("ST0001", "Sergey Lavrov", "states"),
        ("ST0002", "Antony Blinken", "answers"),
        ("ST0003", "Sergey Lavrov", "rejects"),
    ]


def test_timeline_data_has_every_event_speaker_and_demand_of_the_data() -> None:
    timeline = build_timeline()
    events = u.load("events").to_pylist()
    assert {(e.event_id, e.date, e.end_date) for e in timeline.events} == {
        (e["event_id"], e["date"], e["end_date"]) for e in events
    }
    statements = u.load("statements").to_pylist()
    assert {
        (line.actor_id, m.statement_id, m.date)
        for line in timeline.speakers
        for m in line.statements
    } == {(s["speaker_id"], s["statement_id"], s["date"]) for s in statements}
    assert {d.demand_id for d in timeline.demands} == {
        d["demand_id"] for d in u.load("demands").to_pylist()
    }
    links = {(d.demand_id, a.statement_id, a.relation) for d in timeline.demands for a in d.answers}
    assert links == {
        (r["demand_id"], r["statement_id"], r["relation"])
        for r in u.load("demand_statements").to_pylist()
    }


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`ukraine-talks timeline` run once per format on the bundled data (drawing the whole
    data takes seconds): the folder holding t.svg, t.PNG and t.html."""
    pytest.importorskip("matplotlib")
    out = tmp_path_factory.mktemp("timeline")
    for name in ("t.svg", "t.PNG", "t.html"):
        result = CliRunner().invoke(app, ["timeline", "--out", str(out / name)])
        assert result.exit_code == 0, result.output
        assert result.stdout == f"wrote {out / name}\n"
    return out


def test_cli_writes_each_format(drawn: Path) -> None:
    assert sorted(p.name for p in drawn.iterdir()) == ["t.PNG", "t.html", "t.svg"]
    assert (drawn / "t.PNG").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert (drawn / "t.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_svg_names_every_event_and_speaker_and_records_its_data(drawn: Path) -> None:
    timeline = build_timeline()
    svg = (drawn / "t.svg").read_text(encoding="utf-8")  # render(timeline, ".svg"), by the CLI
    assert f"<dc:description>{DIGEST_PREFIX}{timeline.digest()}</dc:description>" in svg
    texts = html.unescape(" ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg)))
    for event in timeline.events:
        assert event.event_id in texts
    for line in timeline.speakers:
        assert line.name in texts
    for demand in timeline.demands:
        assert demand.demand_id in texts


def test_outputs_are_deterministic_and_in_their_format() -> None:
    pytest.importorskip("matplotlib")
    timeline = build_timeline(tiny)
    drawn = {fmt: render(timeline, fmt) for fmt in (".svg", ".png", ".html")}
    for fmt, first in drawn.items():
        assert render(timeline, fmt) == first, fmt
    png = drawn[".png"]
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert (DIGEST_PREFIX + timeline.digest()).encode() in png
    page = drawn[".html"].decode("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert f'<meta name="description" content="{DIGEST_PREFIX}{timeline.digest()}">' in page


def test_readme_image_is_current(drawn: Path) -> None:
    """docs/timeline.svg shows today's data (and, with the same matplotlib, is byte-identical).

    The data digest in its metadata is checked always; bytes only with the matplotlib version
    that drew it, since another version may draw the same data with different path numbers.
    Regenerate with: ukraine-talks timeline --out docs/timeline.svg
    """
    import matplotlib

    image = bundle_dir() / README_IMAGE
    if not image.is_file():
        pytest.skip("not a source checkout")
    readme = (bundle_dir() / "README.md").read_text(encoding="utf-8")
    assert f"]({README_IMAGE})" in readme
    stored = image.read_text(encoding="utf-8")
    timeline = build_timeline()
    fix = "stale; regenerate: ukraine-talks timeline --out docs/timeline.svg"
    assert f"{DIGEST_PREFIX}{timeline.digest()}<" in stored, fix
    drawn_with = re.search(r"<dc:title>Matplotlib v([^,]+),", stored)
    if drawn_with and drawn_with.group(1) == matplotlib.__version__:
        assert (drawn / "t.svg").read_text(encoding="utf-8") == stored, fix


def test_the_figure_has_no_overlapping_or_cut_text() -> None:
    """Every drawn text box stays inside the figure and clear of every other; labels are
    wrapped, never cut: each event title and demand summary is drawn whole."""
    pytest.importorskip("matplotlib")
    from matplotlib.text import Text

    from ukraine_talks_data.views.timeline_figure import _draw, layout_problems

    timeline = build_timeline()
    assert layout_problems(timeline) == []
    assert layout_problems(build_timeline(tiny)) == []
    fig = _draw(timeline)
    texts = [" ".join(t.get_text().split()) for t in fig.findobj(Text)]
    drawn = " ".join(texts)
    assert "…" not in drawn
    for e in timeline.events:
        assert " ".join(f"{e.event_id} {e.title}".split()) in drawn, e.event_id
    for d in timeline.demands:
        assert " ".join(d.summary.split()) in drawn, d.demand_id


def test_the_layout_check_finds_overlaps(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    from ukraine_talks_data.views import timeline_figure

    monkeypatch.setattr(timeline_figure, "LINE_IN", 0.03)  # rows too close for their labels
    problems = timeline_figure.layout_problems(build_timeline())
    assert any(p.startswith("overlap: 'E001 ") for p in problems)


def test_every_panel_has_dates_and_the_january_weeks_have_the_width() -> None:
    pytest.importorskip("matplotlib")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from ukraine_talks_data.views.timeline_figure import _draw, split_dates

    timeline = build_timeline()
    fig = _draw(timeline)
    FigureCanvasAgg(fig).draw()  # type: ignore[no-untyped-call]
    early_end, first, last = split_dates(timeline.dates())
    assert early_end is not None and early_end < first  # the December items sit behind a break
    mains = [ax for ax in fig.axes if ax.get_xlim()[1] - ax.get_xlim()[0] < (last - first).days + 3]
    assert len(mains) == 3
    for ax in mains:
        labels = [t.get_text() for t in ax.get_xticklabels() if t.get_visible()]
        assert str(first.day) in labels and str(last.day) in labels
        assert ax.get_position().width > 0.5  # more than half the figure's width
    early = [ax for ax in fig.axes if ax not in mains]
    assert len(early) == 3
    assert all(any(t.get_text() for t in ax.get_xticklabels(minor=True)) for ax in early)


def test_html_page_has_tooltips_and_links_to_every_span(drawn: Path) -> None:
    import json

    page = (drawn / "t.html").read_text(encoding="utf-8")
    spec = json.loads(re.search(r"var spec = (\{.*?\});\n", page, re.S).group(1))  # type: ignore[union-attr]
    statements = next(c for c in spec["vconcat"] if c["title"] == "Statements by speaker")
    tooltip = {t["field"] for t in statements["encoding"]["tooltip"]}
    assert {"quotation", "speaker", "date", "source", "span"} <= tooltip
    assert statements["encoding"]["href"]["field"] == "href"
    values = statements["data"]["values"]
    rows = u.load("statements").to_pylist()
    assert sorted(v["statement"] for v in values) == sorted(r["statement_id"] for r in rows)
    for row in rows:
        assert f'<section id="{row["statement_id"]}">' in page
        assert html.escape(row["text"]) in page
    one = next(v for v in values if v["statement"] == rows[0]["statement_id"])
    assert one["quotation"] == rows[0]["text"]
    assert one["span"] == f"{rows[0]['source_id']} [{rows[0]['start_char']}:{rows[0]['end_char']}]"
    assert one["href"] == f"#{rows[0]['statement_id']}"


def test_cli_unknown_format_is_a_clean_error(tmp_path: Path) -> None:
    out = tmp_path / "t.pdf"
    result = CliRunner().invoke(app, ["timeline", "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: cannot tell the format of {out}: its name must end in .png, .svg, .html\n"
    )
    assert not list(tmp_path.iterdir())


def test_cli_without_matplotlib_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    result = CliRunner().invoke(app, ["timeline", "--out", str(tmp_path / "t.svg")])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: ukraine-talks timeline needs matplotlib, which is not installed; install the "
        "'plot' extra: pip install 'ukraine-talks-data[plot]'\n"
    )
    assert not list(tmp_path.iterdir())


def test_cli_html_without_altair_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "altair", None)
    result = CliRunner().invoke(app, ["timeline", "--out", str(tmp_path / "t.html")])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: ukraine-talks timeline --out *.html needs altair, which is not installed; "
        "install the 'plot' extra: pip install 'ukraine-talks-data[plot]'\n"
    )
    assert not list(tmp_path.iterdir())
