"""Checks on evidence spans: every quoted text is exactly the seed's characters at its offsets."""

from __future__ import annotations

from collections.abc import Iterator

from ..raw_tables import as_int
from ..report import Issue
from .context import Context


def span_offsets_ordered(ctx: Context) -> Iterator[Issue]:
    """A span's end_char is greater than its start_char, and start_char is not negative."""
    for table in ctx.span_tables():
        for row in table:
            start, end = as_int(row.get("start_char")), as_int(row.get("end_char"))
            if start is not None and start < 0:
                yield Issue(
                    table.path,
                    row.number,
                    "start_char",
                    "span-offsets",
                    "start_char must be 0 or more",
                    str(start),
                )
            if start is not None and end is not None and end <= start:
                yield Issue(
                    table.path,
                    row.number,
                    "end_char",
                    "span-offsets",
                    f"end_char must be greater than start_char ({start})",
                    str(end),
                )


def span_matches_source(ctx: Context) -> Iterator[Issue]:
    """A span's text equals the source's text[start_char:end_char], character for character."""
    sources = ctx.sources()
    for table in ctx.span_tables():
        for row in table:
            source_id = row.get("source_id")
            start, end = as_int(row.get("start_char")), as_int(row.get("end_char"))
            text = row.get("text") or ""
            seed = sources.get(source_id) if source_id else None
            if seed is None or seed.text is None or start is None or end is None:
                continue  # unknown source, unreadable seed or bad offsets: reported elsewhere
            if start < 0 or end <= start:
                continue
            if end > len(seed.text):
                yield Issue(
                    table.path,
                    row.number,
                    "end_char",
                    "span-out-of-range",
                    f"end_char is past the end of {source_id} ({len(seed.text)} characters)",
                    str(end),
                )
                continue
            actual = seed.text[start:end]
            if actual != text:
                yield Issue(
                    table.path,
                    row.number,
                    "text",
                    "span-mismatch",
                    f"text differs from {source_id}[{start}:{end}], which reads {actual!r}",
                    text,
                )
