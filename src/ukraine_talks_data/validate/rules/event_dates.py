"""Checks that tie a statement's date to its event: words said at an event fall on its dates.

An event lasts from `date` to `end_date`, or the whole month or year its `date` stands for
where `date_precision` says so (codebook 3.4, month-only dates).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..report.issues import Issue
from ..tables.rows import as_date
from ..tables.values import dates, flagged
from ._lookup import looked_up

if TYPE_CHECKING:
    from ..tables.columns import ColumnContext
    from ..tables.context import Context


def event_needs(ctx: Context) -> dict[str, set[str]]:
    """The fields that `made_at_within_event` reads in each table."""
    return {
        "events": {"event_id", "date", "end_date", "date_precision"},
        "statements": {"event_id", "event_relation", "date"},
    }


def event_spans(ctx: ColumnContext) -> dict[str, tuple[dt.date, dt.date]]:
    """event_id → (first day, last day) of each event with a readable date."""
    spans: dict[str, tuple[dt.date, dt.date]] = {}
    events = ctx.table("events")
    if events is None:
        return spans
    columns = [events.column(n) for n in ("event_id", "date", "end_date", "date_precision")]
    if columns[0] is None:
        return spans
    ids, starts, ends, precisions = (
        c.to_pylist() if c is not None else [None] * events.num_rows for c in columns
    )
    for event_id, date, end_date, precision in zip(ids, starts, ends, precisions, strict=True):
        start = as_date(date)
        if event_id is None or start is None:
            continue
        end = as_date(end_date)
        if end is None and precision == "month":
            end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
        elif end is None and precision == "year":
            end = start.replace(month=12, day=31)
        spans.setdefault(event_id, (start, max(end or start, start)))
    return spans


def made_at_within_event(ctx: ColumnContext) -> Iterator[Issue]:
    """A statement made_at an event is dated within the event's dates."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = ctx.table("statements")
    spans = event_spans(ctx)
    if table is None or not spans:
        return
    event, relation = table.column("event_id"), table.column("event_relation")
    if event is None or relation is None:
        return
    ids = pa.array(list(spans), pa.string())
    start = looked_up(event, ids, pa.array([s for s, _ in spans.values()], pa.date32()))
    end = looked_up(event, ids, pa.array([e for _, e in spans.values()], pa.date32()))
    said = dates(table, "date")
    outside = pc.or_kleene(pc.less(said, start), pc.greater(said, end))
    for i in flagged(pc.and_(pc.equal(relation, "made_at"), outside)):
        yield Issue(
            table.path, table.row(i), "date", "made-at-outside-event",
            f"made_at {event[i].as_py()}, which lasts from {start[i].as_py()} to {end[i].as_py()}",
            table.cell("date", i),
        )  # fmt: skip
