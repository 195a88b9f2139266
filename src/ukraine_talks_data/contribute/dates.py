"""Dates as news articles write them: full dates, days without a year, weekdays, months.

Used by `add_source` (is the publication date written in the article?) and by `suggest`
(the date of each statement, by the codebook's rules, docs/codebook.md §3.4).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
MONTHS: dict[str, int] = {}
for _number, _name in enumerate(_MONTH_NAMES, start=1):
    MONTHS[_name.lower()] = _number
    MONTHS[_name[:3].lower()] = _number
MONTHS["sept"] = 9
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_FULL = [
    re.compile(rf"\b(?P<day>\d{{1,2}})\s+{_MONTH}\s+(?P<year>\d{{4}})\b", re.I),
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})\b", re.I),
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
    re.compile(r"\b(?P<day>\d{1,2})[/.](?P<month>\d{1,2})[/.](?P<year>\d{4})\b"),
]
_DAY_MONTH = [
    re.compile(rf"\b(?P<day>\d{{1,2}})\s+{_MONTH}\b(?!\s+\d{{4}})", re.I),
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})\b(?!,?\s+\d{{4}})", re.I),
]
_MONTH_ONLY = re.compile(
    r"\b(?i:in|since|during|from)\s+(?P<month>"
    + "|".join(_MONTH_NAMES)
    + r")\b(?!\s+\d)(?:\s+(?P<year>\d{4}))?"
)
_WEEKDAY = re.compile(
    r"(?<![A-Za-z])(?P<before>(?:next|coming|following)\s+)?(?P<weekday>"
    + "|".join(WEEKDAYS)
    + r")(?P<possessive>['’]s)?\b"
)
_YESTERDAY = re.compile(r"\byesterday\b", re.I)
_TODAY = re.compile(r"\btoday\b", re.I)


@dataclass(frozen=True)
class FoundDate:
    """A date written at text[start:end]; `precision` is 'day' or 'month'."""

    start: int
    end: int
    date: dt.date
    precision: str = "day"

    def words(self, text: str) -> str:
        return text[self.start : self.end]


def _month(value: str) -> int:
    return int(value) if value.isdigit() else MONTHS[value.lower().rstrip(".")]


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def full_dates(text: str) -> list[FoundDate]:
    """Every date written with day, month and year, in order of position."""
    found: dict[int, FoundDate] = {}
    for pattern in _FULL:
        for m in pattern.finditer(text):
            day = _date(int(m["year"]), _month(m["month"]), int(m["day"]))
            if day is not None and m.start() not in found:
                found[m.start()] = FoundDate(m.start(), m.end(), day)
    return [found[k] for k in sorted(found)]


def latest_on_or_before(reference: dt.date, month: int, day: int = 1) -> dt.date | None:
    """The latest date with this month (and day) not after `reference`."""
    for year in (reference.year, reference.year - 1):
        candidate = _date(year, month, day)
        if candidate is not None and candidate <= reference:
            return candidate
    return None


def written_dates(text: str, reference: dt.date) -> list[FoundDate]:
    """Full dates, and days written without a year ("Jan. 12", "26 January") read as the
    latest such day not after `reference`, in order of position."""
    found = {f.start: f for f in full_dates(text)}
    covered = [(f.start, f.end) for f in found.values()]
    for pattern in _DAY_MONTH:
        for m in pattern.finditer(text):
            if any(s <= m.start() < e for s, e in covered):
                continue
            day = latest_on_or_before(reference, _month(m["month"]), int(m["day"]))
            if day is not None:
                found.setdefault(m.start(), FoundDate(m.start(), m.end(), day))
    return [found[k] for k in sorted(found)]


def month_only(text: str, reference: dt.date, within: int = 92) -> FoundDate | None:
    """The first month named without a day ("In December"), as the first of that month
    (the codebook's month-only rule): the latest such month not after `reference` and at
    most `within` days before it (a month further back, or ahead, is a plan, not a date)."""
    for m in _MONTH_ONLY.finditer(text):
        month = MONTHS[m["month"].lower()]
        if m["year"]:
            day = _date(int(m["year"]), month, 1)
        else:
            day = latest_on_or_before(reference, month)
        if day is not None and 0 <= (reference - day).days <= within:
            return FoundDate(m.start(), m.end(), day, "month")
    return None


def weekdays(text: str, reference: dt.date) -> list[FoundDate]:
    """Weekdays that date an act ("on Tuesday", "said Tuesday"), each read as the latest such
    day not after `reference`; "Monday's talks" (a possessive names an event, not the day of
    the words) and "next Monday" are left out."""
    out = []
    for m in _WEEKDAY.finditer(text):
        if m["possessive"] or m["before"]:
            continue
        back = (reference.weekday() - WEEKDAYS.index(m["weekday"])) % 7
        out.append(FoundDate(m.start("weekday"), m.end("weekday"), reference - dt.timedelta(back)))
    return out


def yesterday(text: str, reference: dt.date) -> FoundDate | None:
    """'yesterday' (or 'today') as the day before (or the day of) `reference`."""
    m = _YESTERDAY.search(text)
    if m:
        return FoundDate(m.start(), m.end(), reference - dt.timedelta(1))
    m = _TODAY.search(text)
    return FoundDate(m.start(), m.end(), reference) if m else None
