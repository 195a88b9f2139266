"""Checks that tie a statement's date to its event: words said at an event fall on its dates.

An event lasts from `date` to `end_date`, or the whole month or year its `date` stands for
where `date_precision` says so (codebook 3.4, month-only dates).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..report.issues import Issue
from ..tables.store import value_of

if TYPE_CHECKING:
    from ..tables.columns import ColumnContext
    from ..tables.context import Context


def event_needs(ctx: Context) -> dict[str, set[str]]:
    """The fields that `made_at_within_event` reads in each table."""
    return {
        "events": {"event_id", "date", "end_date", "date_precision"},
        "statements": {"event_id", "event_relation", "date"},
    }


def made_at_within_event(ctx: ColumnContext) -> Iterator[Issue]:
    """A statement made_at an event is dated within the event's dates."""
    store = ctx.store
    if not (store.has("statements") and store.has("events")):
        return
    start = value_of("date")
    end = value_of("end_date")
    lasts = (  # an event's last day: its end_date, else the end of its month or year
        f"greatest(coalesce({end}, CASE date_precision "
        f"WHEN 'month' THEN last_day({start}) "
        f"WHEN 'year' THEN make_date(year({start}), 12, 31) END, {start}), {start})"
    )
    events = (
        f"SELECT event_id, first_day, last_day FROM (SELECT event_id, {start} AS first_day, "
        f"{lasts} AS last_day, row_number() OVER (PARTITION BY event_id ORDER BY _row) AS n "
        f"FROM {store.rows('events')} WHERE event_id IS NOT NULL AND {start} IS NOT NULL) "
        f"WHERE n = 1"
    )
    said = f"s.{value_of('date')}"
    sql = (
        f'SELECT s._row, s.event_id, e.first_day, e.last_day, s."date" '
        f"FROM {store.rows('statements')} s JOIN ({events}) e ON e.event_id = s.event_id "
        f"WHERE s.event_relation = 'made_at' AND ({said} < e.first_day OR {said} > e.last_day) "
        f"ORDER BY s._row"
    )
    for row, event, first, last, date in store.query(sql):
        yield Issue(
            store.path("statements"), row, "date", "made-at-outside-event",
            f"made_at {event}, which lasts from {first} to {last}", date,
        )  # fmt: skip
