"""Checks on utterances: the rows that report one remark agree on who said it and when.

Rows sharing an `utterance_id` report the same remark (codebook 3.6), so they have one
speaker and one date; each row is compared with the first row of its utterance (SQL over
the key store, `tables/store.py`).
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
    """Rows of one utterance_id agree on speaker_id and date."""
    store = ctx.store
    if not store.has("statements"):
        return
    day = value_of("date")
    first = "OVER (PARTITION BY utterance_id ORDER BY _row)"
    rows = store.query(
        f'SELECT _row, utterance_id, first_id, speaker_id, first_speaker, "date", said, '
        f"first_said FROM (SELECT _row, utterance_id, "
        f"first_value(statement_id) {first} AS first_id, speaker_id, "
        f'first_value(speaker_id) {first} AS first_speaker, "date", {day} AS said, '
        f"first_value({day}) {first} AS first_said, "
        f"count(*) OVER (PARTITION BY utterance_id) AS reports "
        f"FROM {store.rows('statements')} WHERE utterance_id IS NOT NULL) "
        f"WHERE reports > 1 AND (speaker_id <> first_speaker OR said <> first_said) "
        f"ORDER BY _row"  # only the rows that disagree leave DuckDB
    )
    path = store.path("statements")
    for row, utterance, first_id, speaker, first_speaker, date, said, first_said in rows:
        for name, value, own, reference in (
            ("speaker_id", speaker, speaker, first_speaker),
            ("date", date, said, first_said),
        ):
            if own is not None and reference is not None and own != reference:
                yield Issue(
                    path, row, name, "utterance-disagrees",
                    f"utterance {utterance} has {name} {reference} in its first row ({first_id})",
                    value,
                )  # fmt: skip
