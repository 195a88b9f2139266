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
    day = value_of("date")
    by_speaker = "OVER (PARTITION BY utterance_id ORDER BY speaker_id IS NULL, _row)"
    by_date = f"OVER (PARTITION BY utterance_id ORDER BY {day} IS NULL, _row)"
    rows = store.query(
        f'SELECT _row, utterance_id, speaker_id, first_speaker, speaker_from, "date", said, '
        f"first_said, said_from FROM (SELECT _row, utterance_id, speaker_id, "
        f"first_value(speaker_id) {by_speaker} AS first_speaker, "
        f"first_value(statement_id) {by_speaker} AS speaker_from, "
        f'"date", {day} AS said, first_value({day}) {by_date} AS first_said, '
        f"first_value(statement_id) {by_date} AS said_from, "
        f"count(*) OVER (PARTITION BY utterance_id) AS reports "
        f"FROM {store.rows('statements')} WHERE utterance_id IS NOT NULL) "
        f"WHERE reports > 1 AND (speaker_id <> first_speaker OR said <> first_said) "
        f"ORDER BY _row"  # only the rows that disagree leave DuckDB
    )
    path = store.path("statements")
    for (
        row,
        utterance,
        speaker,
        first_speaker,
        speaker_from,
        date,
        said,
        first_said,
        said_from,
    ) in rows:
        for name, value, own, reference, source in (
            ("speaker_id", speaker, speaker, first_speaker, speaker_from),
            ("date", date, said, first_said, said_from),
        ):
            if own is not None and reference is not None and own != reference:
                yield Issue(
                    path, row, name, "utterance-disagrees",
                    f"utterance {utterance} has {name} {reference} in its first row that "
                    f"gives one ({source})",
                    value,
                )  # fmt: skip
