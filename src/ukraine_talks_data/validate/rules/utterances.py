"""Checks on utterances: the rows that report one remark agree on who said it and when.

Rows sharing an `utterance_id` report the same remark (codebook 3.6), so they have one
speaker and one date; each row is compared with the first row of its utterance that gives
one (SQL over the key store, `tables/store.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..report.issues import Issue
from ..tables.store import date_of, value_of

if TYPE_CHECKING:
    from ..tables.columns import ColumnContext
    from ..tables.context import Context


def utterance_needs(ctx: Context) -> dict[str, set[str]]:
    """The fields that `utterance_rows_agree` reads: it compares rows across the table."""
    return {"statements": {"utterance_id", "statement_id", "speaker_id", "date", date_of("date")}}


def utterance_rows_agree(ctx: ColumnContext) -> Iterator[Issue]:
    """Rows of one utterance_id agree on speaker_id and date: each is compared with the
    first row that gives one (an empty or unreadable first value is its own error, and
    must not hide the rows after it)."""
    store = ctx.store
    if not store.has("statements"):
        return
    day, rows_of = value_of("date"), store.rows("statements")
    # Each utterance's first row giving a value, with its statement_id: one aggregate per
    # utterance (`min_by`, no sort), joined back to the rows; only rows that disagree leave.
    rows = store.query(
        f"WITH firsts AS (SELECT utterance_id, "
        f"min_by(struct_pack(v := speaker_id, id := statement_id), _row) "
        f"FILTER (WHERE speaker_id IS NOT NULL) AS speaker, "
        f"min_by(struct_pack(v := {day}, id := statement_id), _row) "
        f"FILTER (WHERE {day} IS NOT NULL) AS said "
        f"FROM {rows_of} WHERE utterance_id IS NOT NULL "
        f"GROUP BY utterance_id HAVING count(*) > 1) "
        f"SELECT r._row, r.utterance_id, "  # then, for each field: value, own, reference, source
        f"r.speaker_id, r.speaker_id, f.speaker.v, f.speaker.id, "
        f'r."date", r.{day}, f.said.v, f.said.id '
        f"FROM {rows_of} r JOIN firsts f ON r.utterance_id = f.utterance_id "
        f"WHERE r.speaker_id <> f.speaker.v OR r.{day} <> f.said.v ORDER BY r._row"
    )
    path = store.path("statements")
    for row, utterance, *found in rows:
        for name, (value, own, reference, source) in zip(
            ("speaker_id", "date"), (found[:4], found[4:]), strict=True
        ):
            if own is not None and reference is not None and own != reference:
                yield Issue(
                    path, row, name, "utterance-disagrees",
                    f"utterance {utterance} has {name} {reference} in its first row that "
                    f"gives one ({source})",
                    value,
                )  # fmt: skip
