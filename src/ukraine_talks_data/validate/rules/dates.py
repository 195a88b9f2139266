"""Checks on dates: recorded for every source, ordered, never later than the reporting source,
within a statement's interval and its event's dates, a month on its 1st, a demand first
stated when its earliest statement says, no answer before it.

Dates are read as canonical `YYYY-MM-DD` values (`tables/values.dates`); a cell in any
other form is a type error (`values.value_is_canonical`) and is not compared here.
`date_earliest` and `date_latest` bound an inferred date that the seeds fix only to a range
(codebook 3.4); either may be empty where the seeds give no bound on that side. An event
lasts from `date` to `end_date`, or the whole month or year its `date` stands for where
`date_precision` says so (codebook 3.4, month-only dates), dated on the month's 1st. A
demand's `first_stated` is the earliest date of the statements that `states` it (codebook 6),
and a statement that `answers` or `rejects` a demand cannot be dated before it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...package.sql_text import quoted
from ..report.issues import Issue
from ..tables.store import date_of, value_of
from ..tables.values import CANONICAL, dates, flagged

if TYPE_CHECKING:
    from ..tables.columns import ColumnContext
    from ..tables.context import Context
    from ..tables.store import KeyStore


def as_date(value: str | None) -> dt.date | None:
    """The cell as a date; None if empty or not a canonical date (`YYYY-MM-DD`, a day of
    the calendar)."""
    if value is None or not re.fullmatch(CANONICAL["date"], value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def source_bounds(ctx: ColumnContext) -> dict[str, dt.date]:
    """source_id → the latest day the source can report: its update date, else its
    publication (of its first row, where a source_id is on two: a primary-key error)."""
    bounds: dict[str, dt.date] = {}
    for row in ctx.rows.table("sources") or []:
        days = [as_date(row.get(k)) for k in ("published", "inferred_published", "updated")]
        known = [d for d in days if d is not None]
        source_id = row.get("source_id")
        if source_id is not None and known and source_id not in bounds:  # its first row
            bounds[source_id] = max(known)
    return bounds


def source_date_recorded(ctx: ColumnContext) -> Iterator[Issue]:
    """A source has exactly one of published (stated) or inferred_published, an inferred date
    says what it was inferred from (not in white space alone), and updated is not before
    publication."""
    table = ctx.rows.table("sources")
    if table is None:
        return
    path = table.path
    for row in table:
        published, inferred = row.get("published"), row.get("inferred_published")
        if published is None and inferred is None:
            message = "give published (stated in the text) or inferred_published"
            yield Issue(path, row.number, "published", "source-date", message)
        elif published is not None and inferred is not None:
            message = "leave inferred_published empty when the text states the date"
            yield Issue(path, row.number, "inferred_published", "source-date", message, inferred)
        if inferred is not None and not (row.get("published_note") or "").strip():
            message = "say what inferred_published was inferred from"
            yield Issue(path, row.number, "published_note", "source-date", message)
        start = as_date(published) or as_date(inferred)
        updated = as_date(row.get("updated"))
        if start is not None and updated is not None and updated < start:
            message = f"updated is before the publication date ({start})"
            yield Issue(path, row.number, "updated", "date-order", message, row.get("updated"))


def end_date_not_before_date(ctx: ColumnContext) -> Iterator[Issue]:
    """An event's end_date is not before its date."""
    import pyarrow.compute as pc

    table = ctx.table("events")
    if table is None:
        return
    start, end = dates(table, "date"), dates(table, "end_date")
    for i in flagged(pc.less(end, start)):
        yield Issue(
            table.path, table.row(i), "end_date", "date-order",
            f"end_date is before date ({start[i].as_py()})", table.cell("end_date", i),
        )  # fmt: skip


PRECISION_DAYS = {  # a precision coarser than a day: the day that stands for its period
    "month": "the 1st of its month (it stands for the month)",
    "year": "1 January of its year (it stands for the year)",
}


def coarse_date_on_its_first_day(ctx: ColumnContext) -> Iterator[Issue]:
    """An event of month (year) precision is dated on the 1st of its month (year), the
    day that stands for the period (codebook 3.4, month-only dates)."""
    import pyarrow.compute as pc

    table = ctx.table("events")
    precision = None if table is None else table.column("date_precision")
    if table is None or precision is None:
        return
    said = dates(table, "date")
    not_first = pc.not_equal(pc.day(said), 1)
    wrong = pc.or_(
        pc.and_(pc.equal(precision, "month"), not_first),
        pc.and_(pc.equal(precision, "year"), pc.or_(not_first, pc.not_equal(pc.month(said), 1))),
    )
    for i in flagged(wrong):
        stated = precision[i].as_py()
        yield Issue(
            table.path, table.row(i), "date", "date-precision",
            f"a date of {stated} precision is {PRECISION_DAYS[stated]}",
            table.cell("date", i),
        )  # fmt: skip


def statement_not_after_source(ctx: ColumnContext) -> Iterator[Issue]:
    """A statement is not dated after the source that reports it was published or last updated."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = ctx.table("statements")
    bounds: dict[str, dt.date] = source_bounds(ctx)
    if table is None or not bounds:
        return
    ids = table.column("source_id")
    if ids is None:
        return
    said = dates(table, "date")
    known = pa.array(list(bounds), pa.string())
    bound = pc.take(pa.array(list(bounds.values()), pa.date32()), pc.index_in(ids, value_set=known))
    for i in flagged(pc.greater(said, bound)):
        source_id = ids[i].as_py()
        yield Issue(
            table.path, table.row(i), "date", "date-after-source",
            f"dated after {source_id} was published or last updated ({bounds[source_id]})",
            table.cell("date", i),
        )  # fmt: skip


def inferred_date_explained(ctx: ColumnContext) -> Iterator[Issue]:
    """A row whose date_basis is inferred says in date_note what the date was inferred from
    (a note of white space alone says nothing)."""
    import pyarrow.compute as pc

    for name in ("events", "statements"):
        table = ctx.table(name)
        if table is None:
            continue
        basis, note = table.column("date_basis"), table.column("date_note")
        if basis is None:
            continue
        mask = pc.equal(basis, "inferred")
        if note is not None:
            mask = pc.and_(mask, pc.fill_null(pc.utf8_is_space(note), True))
        for i in flagged(mask):
            yield Issue(
                table.path, table.row(i), "date_note", "date-basis",
                "an inferred date needs a date_note saying what it was inferred from",
            )  # fmt: skip


def date_within_interval(ctx: ColumnContext) -> Iterator[Issue]:
    """A statement's date is neither before its date_earliest nor after its date_latest."""
    import pyarrow.compute as pc

    table = ctx.table("statements")
    if table is None:
        return
    said = dates(table, "date")
    earliest, latest = dates(table, "date_earliest"), dates(table, "date_latest")
    outside = pc.or_kleene(pc.less(said, earliest), pc.greater(said, latest))
    for i in flagged(outside):
        low, high = earliest[i].as_py(), latest[i].as_py()
        yield Issue(
            table.path, table.row(i), "date", "date-interval",
            f"outside its interval: earliest {low or 'not given'}, latest {high or 'not given'}",
            table.cell("date", i),
        )  # fmt: skip


def event_needs(ctx: Context) -> dict[str, set[str]]:
    """The fields that `made_at_within_event` reads in each table."""
    return {
        "events": {"event_id", date_of("date"), date_of("end_date"), "date_precision"},
        "statements": {"event_id", "event_relation", "date", date_of("date")},
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


RESPONSES = ("answers", "rejects")


def link_needs(ctx: Context) -> dict[str, set[str]]:
    """The fields that `response_not_before_demand` and `first_stated_from_statements` read."""
    said = {date_of(f) for f in ("date", "date_earliest", "date_latest")}
    return {
        "demand_statements": {"relation", "demand_id", "statement_id"},
        "statements": {"statement_id", *said},
        "demands": {"demand_id", "first_stated", date_of("first_stated")},
    }


def response_not_before_demand(ctx: ColumnContext) -> Iterator[Issue]:
    """An answers or rejects link is not dated before its demand's first_stated."""
    store = ctx.store
    if not all(store.has(n) for n in ("demand_statements", "statements", "demands")):
        return
    said = first_of("statements", "statement_id", "date", store)
    first = first_of("demands", "demand_id", "first_stated", store)
    sql = (
        f"SELECT l._row, l.relation, l.demand_id, st.day, dm.day, l.statement_id "
        f"FROM {store.rows('demand_statements')} l "
        f"JOIN ({said}) st ON st.id = l.statement_id JOIN ({first}) dm ON dm.id = l.demand_id "
        f"WHERE l.relation IN ({', '.join('?' for _ in RESPONSES)}) AND st.day < dm.day "
        f"ORDER BY l._row"
    )
    for row, relation, demand, day, first_day, statement in store.query(sql, RESPONSES):
        yield Issue(
            store.path("demand_statements"), row, "statement_id", "response-before-demand",
            f"{relation} {demand} on {day}, before the demand was first stated ({first_day})",
            statement,
        )  # fmt: skip


def first_of(table: str, key: str, field: str, store: KeyStore) -> str:
    """SQL: (id, day) for each `key` of `table`, the canonical date `field` of its first row
    (where a key repeats, the first row wins)."""
    k = quoted(key)
    return (
        f"SELECT id, day FROM (SELECT {k} AS id, {value_of(field)} AS day, "
        f"row_number() OVER (PARTITION BY {k} ORDER BY _row) AS n "
        f"FROM {store.rows(table)} WHERE {k} IS NOT NULL) WHERE n = 1"
    )


def first_stated_from_statements(ctx: ColumnContext) -> Iterator[Issue]:
    """A demand is stated by a statement (a `states` link), and its first_stated is the
    earliest date of those statements; where that date is month-only (the statement's
    interval is the whole month, dated on its 1st), any day of that month up to the first
    statement of a fixed day (codebook 6: D006, 17 Dec, stated "In December").

    A demand one of whose `states` links names no statement, or a statement without a
    readable date, is not judged (those are errors of their own). Every row of a repeated
    statement_id counts (the repeat is the primary key's error): no sort to find firsts."""
    store = ctx.store
    if not all(store.has(n) for n in ("demand_statements", "statements", "demands")):
        return
    day, low, high = (value_of(f) for f in ("date", "date_earliest", "date_latest"))
    said = (  # each statement's date, and whether it is month-only (an empty bound: not)
        f"SELECT statement_id AS id, {day} AS day, "
        f"coalesce({low} = {day} AND {high} = last_day({day}) AND day({day}) = 1, false) "
        f"AS month_only FROM {store.rows('statements')}"
    )
    first = "min_by(l.statement_id, struct_pack(d := s.day, r := l._row))"  # by day, then link
    fixed = "FILTER (WHERE NOT s.month_only)"  # statements of a fixed day
    stated = (  # per demand: its links, the earliest statement, the last day allowed
        f"SELECT l.demand_id, count(*) = count(s.day) AS judged, min(s.day) AS earliest, "
        f"{first} AS first, {first} {fixed} AS fixed, min(s.day) {fixed} AS fixed_day, "
        f"least(min(s.day) {fixed}, min(last_day(s.day)) FILTER (WHERE s.month_only)) AS latest "
        f"FROM {store.rows('demand_statements')} l LEFT JOIN ({said}) s ON s.id = l.statement_id "
        f"WHERE l.relation = 'states' GROUP BY l.demand_id"
    )
    sql = (
        f"SELECT d._row, d.demand_id, d.first_stated, t.demand_id IS NULL, t.earliest, "
        f"t.latest, t.first, t.fixed, t.fixed_day "
        f"FROM {store.rows('demands')} d LEFT JOIN ({stated}) t "
        f"ON t.demand_id = d.demand_id WHERE d.demand_id IS NOT NULL AND (t.demand_id IS NULL "
        f"OR t.judged AND d.{value_of('first_stated')} NOT BETWEEN t.earliest AND t.latest) "
        f"ORDER BY d._row"
    )
    path = store.path("demands")
    for row, demand, value, unstated, earliest, latest, *names in store.query(sql):
        first_id, fixed, fixed_day = names
        if unstated:
            message = "no statement states this demand (a `states` row in demand_statements)"
            yield Issue(path, row, "demand_id", "first-stated", message, demand)
            continue
        message = f"is not the date of the earliest statement stating {demand} ({first_id})"
        if earliest == latest:
            message += f": it allows {earliest}"
        else:
            message += f", a month-only date: it allows a day from {earliest} to {latest}"
            if fixed_day == latest:  # a statement of a fixed day ends the month early
                message += f" ({fixed}, stating it too, is dated {latest})"
        yield Issue(path, row, "first_stated", "first-stated", message, value)
