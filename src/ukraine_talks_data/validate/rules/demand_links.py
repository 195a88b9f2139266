"""Checks on the links between demands and statements: no answer before the question.

A statement that `answers` or `rejects` a demand cannot be dated before the demand's
`first_stated` (the earliest day the seeds show it stated). Dates are compared as canonical
`YYYY-MM-DD` values; a cell in another form is a type error of its own and is skipped here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..report.issues import Issue
from ..tables.values import dates, flagged
from ._lookup import looked_up

if TYPE_CHECKING:
    from ..tables.columns import ColumnContext
    from ..tables.context import Context

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
    import pyarrow as pa
    import pyarrow.compute as pc

    links, statements, demands = (
        ctx.table("demand_statements"),
        ctx.table("statements"),
        ctx.table("demands"),
    )
    if links is None or statements is None or demands is None:
        return
    relation, demand, statement = (
        links.column("relation"),
        links.column("demand_id"),
        links.column("statement_id"),
    )
    statement_ids, demand_ids = statements.column("statement_id"), demands.column("demand_id")
    if (
        relation is None
        or demand is None
        or statement is None
        or statement_ids is None
        or demand_ids is None
    ):
        return
    said = looked_up(statement, statement_ids, dates(statements, "date"))
    first = looked_up(demand, demand_ids, dates(demands, "first_stated"))
    responds = pc.is_in(relation, value_set=pa.array(RESPONSES, pa.string()))
    for i in flagged(pc.and_(responds, pc.less(said, first))):
        yield Issue(
            links.path, links.row(i), "statement_id", "response-before-demand",
            f"{relation[i].as_py()} {demand[i].as_py()} on {said[i].as_py()}, before the demand "
            f"was first stated ({first[i].as_py()})",
            statement[i].as_py(),
        )  # fmt: skip
