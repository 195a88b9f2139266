"""The talks as a timeline: the data (`timeline_data.build_timeline`) written as a file.

`render()` writes it as a static figure drawn by matplotlib (`timeline_figure`: PNG or SVG)
or as an interactive page (`timeline_page`: HTML, a Vega-Lite chart made with Altair),
deterministically; `write_timeline()` writes the file `ukraine-talks timeline` asks for.
Every output carries the SHA-256 of the drawn data in its metadata (`Timeline.digest()`),
so a test can tell a stale figure.
"""

from __future__ import annotations

from pathlib import Path

from .._atomic import write_bytes_atomic
from ..analysis.rows import RowSource, bundled_rows
from ..errors import TimelineError as TimelineError
from .timeline_data import DIGEST_PREFIX as DIGEST_PREFIX
from .timeline_data import Timeline as Timeline
from .timeline_data import build_timeline as build_timeline

FORMATS = (".png", ".svg", ".html")


def render(timeline: Timeline, fmt: str) -> bytes:
    """The timeline as bytes in `fmt`: ".png" or ".svg" (the static figure) or ".html" (the
    interactive page), the same bytes every time for the same data."""
    if fmt not in FORMATS:
        raise TimelineError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    if fmt == ".html":
        from .timeline_page import page

        return page(timeline)
    from .timeline_figure import figure_bytes

    return figure_bytes(timeline, fmt)


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
    if fmt == ".html":
        require("altair", "plot", "ukraine-talks timeline --out *.html")
    else:
        require("matplotlib", "plot", "ukraine-talks timeline")
    data = render(build_timeline(rows), fmt)
    write_bytes_atomic(out, data, parents=False)
    return out
