"""Checks on dates: recorded for every source, ordered, never later than the reporting source."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..raw_tables import as_date
from ..report import Issue
from .context import Context


def source_bounds(ctx: Context) -> dict[str, dt.date]:
    """source_id → the latest day the source can report: its update date, else its publication."""
    bounds: dict[str, dt.date] = {}
    for row in ctx.table("sources") or []:
        source_id = row.get("source_id")
        dates = [
            d
            for d in (
                as_date(row.get("published")),
                as_date(row.get("inferred_published")),
                as_date(row.get("updated")),
            )
            if d is not None
        ]
        if source_id is not None and dates:
            bounds[source_id] = max(dates)
    return bounds


def source_date_recorded(ctx: Context) -> Iterator[Issue]:
    """A source has exactly one of published (stated) or inferred_published, an inferred date
    says what it was inferred from, and updated is not before publication."""
    table = ctx.table("sources")
    if table is None:
        return
    for row in table:
        published, inferred = row.get("published"), row.get("inferred_published")
        if published is None and inferred is None:
            yield Issue(
                table.path,
                row.number,
                "published",
                "source-date",
                "give published (stated in the text) or inferred_published",
            )
        elif published is not None and inferred is not None:
            yield Issue(
                table.path,
                row.number,
                "inferred_published",
                "source-date",
                "leave inferred_published empty when the text states the date",
                inferred,
            )
        if inferred is not None and row.get("published_note") is None:
            yield Issue(
                table.path,
                row.number,
                "published_note",
                "source-date",
                "say what inferred_published was inferred from",
            )
        start = as_date(published) or as_date(inferred)
        updated = as_date(row.get("updated"))
        if start is not None and updated is not None and updated < start:
            yield Issue(
                table.path,
                row.number,
                "updated",
                "date-order",
                f"updated is before the publication date ({start})",
                row.get("updated"),
            )


def end_date_not_before_date(ctx: Context) -> Iterator[Issue]:
    """An event's end_date is not before its date."""
    table = ctx.table("events")
    if table is None:
        return
    for row in table:
        start, end = as_date(row.get("date")), as_date(row.get("end_date"))
        if start is not None and end is not None and end < start:
            yield Issue(
                table.path,
                row.number,
                "end_date",
                "date-order",
                f"end_date is before date ({start})",
                row.get("end_date"),
            )


def statement_not_after_source(ctx: Context) -> Iterator[Issue]:
    """A statement is not dated after the source that reports it was published or last updated."""
    table = ctx.table("statements")
    bounds = source_bounds(ctx)
    if table is None:
        return
    for row in table:
        said, source_id = as_date(row.get("date")), row.get("source_id")
        bound = bounds.get(source_id) if source_id else None
        if said is not None and bound is not None and said > bound:
            yield Issue(
                table.path,
                row.number,
                "date",
                "date-after-source",
                f"dated after {source_id} was published or last updated ({bound})",
                row.get("date"),
            )


def inferred_date_explained(ctx: Context) -> Iterator[Issue]:
    """A row whose date_basis is inferred says in date_note what the date was inferred from."""
    for name in ("events", "statements"):
        table = ctx.table(name)
        if table is None:
            continue
        for row in table:
            if row.get("date_basis") == "inferred" and row.get("date_note") is None:
                yield Issue(
                    table.path,
                    row.number,
                    "date_note",
                    "date-basis",
                    "an inferred date needs a date_note saying what it was inferred from",
                )
