"""A `query.Selection` as CSV, JSON or Markdown: what `ukraine-talks show --format` writes.

CSV and JSON carry the values as stored (actor ids, ISO dates; lists as JSON arrays, or
joined with `|` in CSV, as in the package's own CSV files) and every evidence span; CSV text
cells that a spreadsheet would run as a formula are neutralised (`spreadsheet_safety`), as in
the release's CSV files. Markdown is for reading: actor names, each span with its text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from ..spreadsheet_safety import neutralise_formula
from .query import Row, Selection, Span

FORMATS = ("table", "csv", "json", "markdown")
"""What `ukraine-talks show --format` accepts; `table` is `terminal.print_selection`."""


def span_ref(span: Span) -> str:
    """A span as `S003 [120:180]`."""
    return f"{span.source_id} [{span.start_char}:{span.end_char}]"


def _plain(value: Any) -> Any:
    """A value as JSON holds it: dates in ISO form, everything else as it is."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _cell(value: Any) -> str:
    """A value as a CSV cell: empty for none, lists joined with '|', booleans lower case."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    return str(_plain(value))


def _evidence(row: Row) -> list[dict[str, Any]]:
    return [
        {
            "source_id": s.source_id,
            "start_char": s.start_char,
            "end_char": s.end_char,
            "text": s.text,
            "source_title": s.source_title,
        }
        for s in row.spans
    ]


def to_json(selection: Selection) -> str:
    """The rows as a JSON array: the chosen columns, then `evidence` (every span)."""
    rows = [
        {
            **{c: _plain(row.values.get(c)) for c in selection.columns},
            "evidence": _evidence(row),
        }
        for row in selection.rows
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def to_csv(selection: Selection) -> str:
    """The rows as CSV: the chosen columns, then `evidence` (`S003 [120:180]`, several joined
    with ' | ') and `evidence_text` (their texts, likewise)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*selection.columns, "evidence", "evidence_text"])
    for row in selection.rows:
        cells = [_cell(row.values.get(c)) for c in selection.columns]
        cells.append(" | ".join(span_ref(s) for s in row.spans))
        cells.append(" | ".join(s.text for s in row.spans))
        writer.writerow([neutralise_formula(c) for c in cells])
    return out.getvalue()


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell: pipes escaped, line breaks as <br>."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def to_markdown(selection: Selection) -> str:
    """The rows as a Markdown table (actor names for ids), evidence in the last column."""
    columns = [*selection.columns, "evidence"]
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "|".join(" --- " for _ in columns) + "|",
    ]
    for row in selection.rows:
        cells = [_md(selection.display(row, c)) for c in selection.columns]
        spans = [f"{span_ref(s)} “{_md(s.text)}”" for s in row.spans]
        cells.append("<br>".join(spans))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def render(selection: Selection, fmt: str) -> str:
    """The selection in `fmt`: csv, json or markdown."""
    writers = {"csv": to_csv, "json": to_json, "markdown": to_markdown}
    if fmt not in writers:
        raise ValueError(f"unknown format {fmt!r}; choose one of: {', '.join(writers)}")
    return writers[fmt](selection)
