"""Checks on utterances: the rows that report one remark agree on who said it and when.

Rows sharing an `utterance_id` report the same remark (codebook 3.6), so they have one
speaker and one date; each row is compared with the first row of its utterance.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..report.issues import Issue
from ..tables.values import dates, flagged
from ._lookup import first_of_group

if TYPE_CHECKING:
    import pyarrow as pa

    from ..tables.columns import ColumnContext
    from ..tables.context import Context


def utterance_needs(ctx: Context) -> dict[str, set[str]]:
    """The fields that `utterance_rows_agree` reads: it compares rows across the table."""
    return {"statements": {"utterance_id", "statement_id", "speaker_id", "date"}}


def utterance_rows_agree(ctx: ColumnContext) -> Iterator[Issue]:
    """Rows of one utterance_id agree on speaker_id and date."""
    import pyarrow.compute as pc

    table = ctx.table("statements")
    if table is None:
        return
    utterance, ids = table.column("utterance_id"), table.column("statement_id")
    if utterance is None or ids is None:
        return
    first = first_of_group(utterance)
    found: dict[int, list[Issue]] = {}
    columns: list[tuple[str, pa.Array | pa.ChunkedArray | None]] = [
        ("speaker_id", table.column("speaker_id")),
        ("date", dates(table, "date")),
    ]
    for name, column in columns:
        if column is None:
            continue
        reference = pc.take(column, first)
        differs = pc.and_(
            pc.and_(pc.is_valid(column), pc.is_valid(reference)),
            pc.not_equal(column, reference),
        )
        for i in flagged(differs):
            j = int(first[i].as_py())
            found.setdefault(i, []).append(
                Issue(
                    table.path, table.row(i), name, "utterance-disagrees",
                    f"utterance {utterance[i].as_py()} has {name} {reference[i].as_py()} in its "
                    f"first row ({ids[j].as_py()})",
                    table.cell(name, i),
                )
            )  # fmt: skip
    for i in sorted(found):
        yield from found[i]
