"""Checks on date intervals: a statement's date lies within its earliest and latest possible day.

`date_earliest` and `date_latest` bound an inferred date that the seeds fix only to a range
(codebook 3.4); either may be empty where the seeds give no bound on that side.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..report.issues import Issue
from ..tables.values import dates, flagged

if TYPE_CHECKING:
    from ..tables.columns import ColumnContext


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
