"""The date of a proposed statement, with its basis and note, by docs/codebook.md §3.4.

Read from the statement's sentence outside its quotation marks, first to last rule:
1. a date written out ("on Wednesday (Jan. 12)", "on 26 January") → `stated`;
2. a month without a day ("In December") → the 1st of that month, noted as month-only;
3. "yesterday" → the day before the section's date (the publication or UPDATE heading);
4. a weekday ("said Tuesday"; not "Monday's talks") → the latest such day not after it;
5. the same, 3-4, anywhere else in the paragraph;
6. a quotation continuing a remark of the same speaker from the paragraph before → its date;
7. otherwise the latest possible day: the section's date.
Every date but a stated one is `inferred`, with a note quoting the words it rests on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..dates import FoundDate, month_only, weekdays, written_dates, yesterday
from .speech import Statement
from .text import Layout


@dataclass(frozen=True)
class Dated:
    """A statement's date, its basis (stated or inferred) and what it was inferred from."""

    date: dt.date
    basis: str
    note: str


def _outside_quotes(layout: Layout, start: int, end: int) -> str:
    """text[start:end] with quoted passages blanked (offsets kept)."""
    chars = list(layout.text[start:end])
    for q in layout.quote_marked(start, end):
        for i in range(max(q.start, start), min(q.end, end)):
            chars[i - start] = " "
    return "".join(chars)


def _relative(words: str, bound: dt.date) -> FoundDate | None:
    return yesterday(words, bound) or next(iter(weekdays(words, bound)), None)


def date_of(layout: Layout, statement: Statement, before: list[tuple[Statement, Dated]]) -> Dated:
    """The date of `statement`; `before` holds the statements before it with their dates."""
    sentence, paragraph = statement.sentence, statement.sentence.paragraph
    bound, label = paragraph.section_date, paragraph.section_label
    words = _outside_quotes(layout, sentence.start, sentence.end)
    written = [d for d in written_dates(words, bound) if d.date <= bound]
    if written:
        return Dated(written[-1].date, "stated", "")
    month = month_only(words, bound)
    if month is not None:
        return Dated(
            month.date,
            "inferred",
            f"'{month.words(words)}' (read against {label}, {bound}): month-only, stored as "
            f"the 1st of the month",
        )
    found = _relative(words, bound)
    if found is not None:
        return Dated(found.date, "inferred", f"'{found.words(words)}' against {label} ({bound})")
    rest = _outside_quotes(layout, paragraph.start, paragraph.end)
    rest = (
        rest[: sentence.start - paragraph.start].ljust(sentence.end - paragraph.start)
        + rest[sentence.end - paragraph.start :]
    )
    found = _relative(rest, bound)
    if found is not None:
        return Dated(
            found.date,
            "inferred",
            f"'{found.words(rest)}' in the same paragraph, against {label} ({bound})",
        )
    if statement.quote_type == "direct" and before and statement.speaker is not None:
        previous, dated = before[-1]
        gap = paragraph.index - previous.sentence.paragraph.index
        same = previous.speaker is not None and previous.speaker.actor_id == (
            statement.speaker.actor_id
        )
        if same and gap in (0, 1) and previous.sentence.paragraph.section_date == bound:
            return Dated(
                dated.date, "inferred", f"continues the remark dated {dated.date} just before"
            )
    return Dated(bound, "inferred", f"Not dated in the text; the latest possible day: {label}")
