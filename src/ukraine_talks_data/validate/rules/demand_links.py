"""Checks on the links between demands and statements: no answer before the question.

A statement that `answers` or `rejects` a demand cannot be dated before the demand's
`first_stated` (the earliest day the seeds show it stated). Dates are compared as canonical
`YYYY-MM-DD` values; a cell in another form is a type error of its own and is skipped here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...package.sql_text import quoted
from ..report.issues import Issue
from ..tables.store import value_of

if TYPE_CHECKING:
    from ..tables.columns import ColumnContext
    from ..tables.context import Context
    from ..tables.store import KeyStore

RESPONSES = ("answers", "rejects")


def link_needs(ctx: Context) -> dict[str, set[str]]:
    """The fields that `response_not_before_demand` reads in each table."""
    return {
        "demand_statements": {"relation", "demand_id", "statement_id"},
        "statements": {"statement_id", "date"},
        "demands": {"demand_id", "first_stated"},
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
