"""Selecting rows of a table by speaker, side, event, date and text, each with the spans that
attest it.

`select()` is what `ukraine-talks show` prints (see `terminal` and `formats`); it works on any
table, finding from the schemas (see `relations`) which column names the speaker, which the
event and dates, and where each row's evidence is: its own span, rows of `evidence`, or a
linked table's span. A demand's actors are its demander and whoever stated, rejected or
answered it (`relations.statement_links`); an actor's side comes from `analysis.sides`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..analysis.rows import RowSource as RowSource
from ..analysis.rows import bundled_rows as bundled_rows
from ..analysis.sides import sides
from ..errors import QueryError as QueryError
from ..package import relations
from ..package.relations import SPAN_FIELDS
from ..package.schemas import primary_key, table_names, table_schema

_T = TypeVar("_T")

# Columns `show` prints by default, besides the evidence; other tables print every field but
# their span, notes and hashes. A test checks every name here against the schemas.
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "sources": ("source_id", "title", "published", "inferred_published", "updated", "outlet"),
    "actors": ("actor_id", "name", "kind", "role", "aliases"),
    "events": ("event_id", "date", "end_date", "event_type", "title", "location"),
    "statements": ("statement_id", "date", "speaker_id", "event_id", "quote_type"),
    "demands": ("demand_id", "first_stated", "demander_id", "kind", "status", "summary"),
    "evidence": ("evidence_id", "row_table", "row_id"),
}
_HIDDEN = {"notes", "sha256", "path"}


@dataclass(frozen=True)
class Span:
    """Characters of a source article that attest a row."""

    source_id: str
    start_char: int
    end_char: int
    text: str
    source_title: str


@dataclass(frozen=True)
class Row:
    """One row of a table (every field, typed) with its evidence spans."""

    values: dict[str, Any]
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class Filters:
    """What `select()` keeps. Empty fields keep everything."""

    speaker: str | None = None
    side: str | None = None
    event: str | None = None
    on: dt.date | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    search: str | None = None

    def describe(self) -> str:
        """The filters as the command-line options that set them."""
        parts = [
            f"--{name.replace('date_', '')} {value}"
            for name, value in (
                ("speaker", self.speaker),
                ("side", self.side),
                ("event", self.event),
                ("on", self.on),
                ("date_from", self.date_from),
                ("date_to", self.date_to),
                ("search", self.search),
            )
            if value is not None
        ]
        return " ".join(parts)


@dataclass(frozen=True)
class Selection:
    """The rows `select()` kept, the columns to show, and names for actor ids."""

    table: str
    columns: tuple[str, ...]
    rows: list[Row]
    filters: Filters
    actor_names: dict[str, str] = field(default_factory=dict)
    actor_columns: frozenset[str] = frozenset()

    def display(self, row: Row, column: str) -> str:
        """A cell as text: actor ids as names, lists joined with ' | ', empty as ''."""
        value = row.values.get(column)
        if value is None:
            return ""
        if column in self.actor_columns:
            return self.actor_names.get(str(value), str(value))
        if isinstance(value, list):
            return " | ".join(str(v) for v in value)
        return str(value)


def default_columns(table: str) -> tuple[str, ...]:
    """Columns `show` prints for `table` unless told otherwise."""
    if table in DEFAULT_COLUMNS:
        return DEFAULT_COLUMNS[table]
    span = set(SPAN_FIELDS) if relations.has_span(table) else set()
    return tuple(
        n
        for n in relations.field_names(table)
        if n not in span and n not in _HIDDEN and not n.endswith("_note")
    )


def speaker_ids(name: str, rows: RowSource = bundled_rows) -> set[str]:
    """Actors whose id, name or an alias is `name` (any case); failing that, contain it."""
    wanted = name.casefold().strip()
    actors = rows("actors")

    def names(actor: dict[str, Any]) -> list[str]:
        return [actor["actor_id"], actor["name"], *(actor.get("aliases") or [])]

    exact = {a["actor_id"] for a in actors if any(n.casefold() == wanted for n in names(a))}
    if exact:
        return exact
    return {a["actor_id"] for a in actors if any(wanted in n.casefold() for n in names(a))}


def _row_actors(table: str, column: str, rows: RowSource) -> Callable[[dict[str, Any]], set[str]]:
    """A row's actors: its actor column, and the speakers of the statements linked to it
    (a demand's demander and whoever stated, rejected or answered it)."""
    linked: dict[Any, set[str]] = {}
    links = relations.statement_links(table)
    if links:
        speaker = relations.actor_column(relations.STATEMENTS)
        said = {s["statement_id"]: s[str(speaker)] for s in rows(relations.STATEMENTS)}
        for link, own, other in links:
            for r in rows(link):
                if r[other] in said:
                    linked.setdefault(r[own], set()).add(said[r[other]])
    (key,) = primary_key(table_schema(table)) if links else ("",)

    def actors(row: dict[str, Any]) -> set[str]:
        return {row[column], *linked.get(row.get(key), ())}

    return actors


def side_ids(name: str, rows: RowSource = bundled_rows) -> set[str]:
    """The sides (actor ids) named `name`, as `speaker_ids` finds actors; QueryError if none."""
    side = sides(rows("actors"))
    known = {s for s in side.values() if s}
    found = speaker_ids(name, rows) & known
    if not found:
        raise QueryError(f"no side is named {name!r}; the sides are: {', '.join(sorted(known))}")
    return found


def _spans(table: str, rows: RowSource) -> dict[tuple[Any, ...], tuple[Span, ...]]:
    """Primary key → evidence spans, for every row of `table`."""
    titles = {s["source_id"]: s["title"] for s in rows("sources")}

    def span(r: dict[str, Any]) -> Span:
        return Span(
            r["source_id"],
            r["start_char"],
            r["end_char"],
            r["text"],
            titles.get(r["source_id"], ""),
        )

    def key_of(t: str, r: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(r[k] for k in primary_key(table_schema(t)))

    out: dict[tuple[Any, ...], list[Span]] = {key_of(table, r): [] for r in rows(table)}
    if relations.has_span(table):
        for r in rows(table):
            out[key_of(table, r)].append(span(r))
    elif table in relations.evidenced_tables():
        for ev in rows("evidence"):
            if ev["row_table"] == table and (ev["row_id"],) in out:
                out[(ev["row_id"],)].append(span(ev))
    else:
        # A link table: the spans of the rows it points at, or of the rows pointing at it.
        for cols, target, ref_cols in relations.foreign_keys(table):
            if relations.has_span(target):
                by_ref = {tuple(r[c] for c in ref_cols): span(r) for r in rows(target)}
                for r in rows(table):
                    found = by_ref.get(tuple(r[c] for c in cols))
                    if found:
                        out[key_of(table, r)].append(found)
        for other in relations.span_tables():
            for cols, target, ref_cols in relations.foreign_keys(other):
                if target == table:
                    for r in rows(other):
                        key = tuple(r[c] for c in cols)
                        if ref_cols == primary_key(table_schema(table)) and key in out:
                            out[key].append(span(r))
    return {k: tuple(sorted(v, key=lambda s: (s.source_id, s.start_char))) for k, v in out.items()}


def _interval(row: dict[str, Any], fields: list[str]) -> tuple[dt.date, dt.date] | None:
    dates = [row[f] for f in fields if row.get(f) is not None]
    return (min(dates), max(dates)) if dates else None


def _applies(table: str, option: str, lookup: Callable[[str], _T]) -> _T:
    """`lookup(table)` (the columns a filter uses), or a QueryError naming the tables it fits."""
    found = lookup(table)
    if not found:
        where = ", ".join(t for t in table_names() if lookup(t))
        raise QueryError(f"{option} does not apply to table {table!r}; it applies to: {where}")
    return found


def select(
    table: str,
    filters: Filters,
    columns: tuple[str, ...] | None = None,
    rows: RowSource = bundled_rows,
) -> Selection:
    """Rows of `table` that pass every filter, by date then primary key, with their spans.

    `rows` gives each table's rows (default: the bundled data). Raises QueryError when a
    filter cannot apply to the table or names nothing in the data.
    """
    if table not in table_names():
        raise QueryError(f"no table named {table!r}; the tables are: {', '.join(table_names())}")
    names = relations.field_names(table)
    if columns is not None:
        unknown = [c for c in columns if c not in names]
        if unknown:
            raise QueryError(
                f"table {table!r} has no column {unknown[0]!r}; its columns are: {', '.join(names)}"
            )
    if filters.on is not None and (filters.date_from is not None or filters.date_to is not None):
        raise QueryError("use either --on or --from/--to, not both")
    kept = list(rows(table))

    if filters.speaker is not None:
        column = _applies(table, "--speaker", relations.actor_column)
        ids = speaker_ids(filters.speaker, rows)
        if not ids:
            raise QueryError(
                f"no actor is named {filters.speaker!r}; see `ukraine-talks show actors`"
            )
        actors = _row_actors(table, str(column), rows)
        kept = [r for r in kept if actors(r) & ids]

    if filters.side is not None:
        column = _applies(table, "--side", relations.actor_column)
        wanted = side_ids(filters.side, rows)
        side = sides(rows("actors"))
        actors = _row_actors(table, str(column), rows)
        kept = [r for r in kept if {side.get(a) for a in actors(r)} & wanted]

    if filters.event is not None:
        columns_ = _applies(table, "--event", relations.event_columns)
        if filters.event not in {e["event_id"] for e in rows("events")}:
            raise QueryError(f"no event {filters.event!r}; see `ukraine-talks show events`")
        kept = [r for r in kept if any(r[c] == filters.event for c in columns_)]

    if filters.on is not None or filters.date_from is not None or filters.date_to is not None:
        fields = _applies(table, "--on/--from/--to", relations.date_fields)
        low = filters.on or filters.date_from or dt.date.min
        high = filters.on or filters.date_to or dt.date.max
        kept = [
            r
            for r in kept
            if (interval := _interval(r, fields)) is not None
            and interval[0] <= high
            and interval[1] >= low
        ]

    spans = _spans(table, rows)
    pk = primary_key(table_schema(table))
    out = [Row(r, spans[tuple(r[k] for k in pk)]) for r in kept]

    if filters.search is not None:
        needle = filters.search.casefold()

        def texts(row: Row) -> list[str]:
            cells = [str(v) for v in row.values.values() if v is not None]
            return cells + [s.text for s in row.spans]

        out = [r for r in out if any(needle in t.casefold() for t in texts(r))]

    dates = relations.date_fields(table)

    def order(row: Row) -> tuple[Any, ...]:
        # The row's first date in schema order (statements: `date`, not the start of its
        # interval), as the explorer's queries sort.
        first = next((row.values[f] for f in dates if row.values.get(f) is not None), None)
        when = (0, first) if first is not None else (1, dt.date.min)
        return (when, *(row.values[k] for k in pk))

    out.sort(key=order)
    actor_columns = frozenset(n for n in names if n in relations.references(table, "actors"))
    return Selection(
        table=table,
        columns=columns or default_columns(table),
        rows=out,
        filters=filters,
        actor_names={a["actor_id"]: a["name"] for a in rows("actors")},
        actor_columns=actor_columns,
    )
