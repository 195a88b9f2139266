"""Validation results as values: one frozen `Issue` per problem, gathered in a `Report`."""

from __future__ import annotations

import functools
import heapq
import json
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, Generic, Literal, TypeVar, get_args

from ...spreadsheet_safety import BIDI_CONTROLS, CONTROLS, LINE_SEPARATORS

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Issue:
    """One problem found in a data package.

    `row` follows Frictionless: the header is row 1, the first data row is row 2;
    it is None for problems of a whole file or of the descriptor.
    """

    file: str
    row: int | None
    field: str | None
    code: str
    message: str
    value: str | None = None
    severity: Severity = "error"

    def __post_init__(self) -> None:
        """A value or message over `MAX_VALUE` characters is cut in its middle, saying how
        much was left out: a cell may be of any length, an issue not, whichever rule or
        engine makes it (JSON reports included)."""
        if len(self.message) > MAX_VALUE:
            object.__setattr__(self, "message", _cut(self.message))
        if self.value is not None and len(self.value) > MAX_VALUE:
            object.__setattr__(self, "value", _cut(self.value))

    def line(self, physical: int | None = None) -> str:
        """One human line: `file:row:field: code: message (value: …)`.

        A warning reads `file:row:field: warning: code: message (value: …)`. When the row
        starts on another physical line (`physical`: a cell above holds a line break), the
        line ends with `(row 9 starts on line 12)`: `file:9` reads like a line number.
        Control characters anywhere (a newline in a file name or message) are escaped, so
        that one issue is always exactly one line.
        """
        severity = "warning: " if self.severity == "warning" else ""
        message = _elide(escaped(self.message), MAX_MESSAGE)
        text = f"{self.where()}: {severity}{self.code}: {message}"
        if self.value is not None:
            text += f" (value: {_short(self.value)})"
        if physical is not None and physical != self.row:
            text += f" (row {self.row} starts on line {physical})"
        return text

    def where(self) -> str:
        """`file:row:field`, `file::field` or `file:row` — the culprit's address."""
        where = escaped(self.file)
        if self.row is not None:
            where += f":{self.row}"
        if self.field is not None:
            field = escaped(self.field)
            where += f":{field}" if self.row is not None else f"::{field}"
        return where


def counted(n: int, noun: str) -> str:
    """`1 error`, `2 errors`: a count and its noun, plural unless the count is 1."""
    return f"{n} {noun}{'s' * (n != 1)}"


def order(issue: Issue) -> tuple[Any, ...]:
    """How a report lists issues: by file, row, field (`column 12` before `column 100`)
    and code."""
    return (issue.file, issue.row or 0, field_order(issue.field), issue.code)


@functools.lru_cache(maxsize=4096)  # a report's fields are few; its issues, millions
def field_order(field: str | None) -> tuple[tuple[str | tuple[int, str], ...], str]:
    """A field name as a sort key whose runs of ASCII digits compare as numbers, of any
    length (by their length without leading zeros, then as text: no `int()` of a label of
    5,000 digits); names equal as numbers (`c7`, `c007`) then by their text."""
    parts = tuple(
        (len(part.lstrip("0")), part.lstrip("0")) if n % 2 else part
        for n, part in enumerate(_DIGITS.split(field or ""))
    )
    return parts, field or ""


_DIGITS = re.compile("([0-9]+)")
_CONTROL = re.compile(f"[\t\n\r{CONTROLS}{LINE_SEPARATORS}{BIDI_CONTROLS}]")
"""What a line of a report cannot show as itself: the cell rules' controls and line breaks,
and the bidirectional controls (an override would show the rest of the line reversed)."""


def escaped(text: str) -> str:
    """`text` with control characters (newlines, tabs, NUL…) written as escapes."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


MAX_MESSAGE = 1000
"""Longest message a line shows; the middle of a longer one is elided (JSON keeps up to
`MAX_VALUE` characters)."""


def _short(value: str, limit: int = 120) -> str:
    """Quote a value for a one-line message, eliding the middle of long values."""
    return _elide(
        repr(value[: 4 * limit] + value[-4 * limit :]) if len(value) > 8 * limit else repr(value),
        limit,
    )


def _elide(text: str, limit: int) -> str:
    if len(text) > limit:
        text = text[: limit // 2] + "…" + text[-limit // 2 :]
    return text


MAX_VALUE = 10_000
"""Characters of an issue's value, or message, that a report keeps (JSON included): a cell
may be of any length, an issue not (`Issue.__post_init__`)."""


def _cut(text: str) -> str:
    """`text`, or its first and last characters and how many are left out between them:
    `MAX_VALUE` characters at most in all, so that cutting again changes nothing."""
    if len(text) <= MAX_VALUE:
        return text
    half = (MAX_VALUE - MARK_ROOM) // 2
    return f"{text[:half]}…[{len(text) - 2 * half:,} characters left out]…{text[-half:]}"


MARK_ROOM = 48
"""Characters `_cut` keeps for its mark, `…[N characters left out]…` (N of up to 24 digits)."""


ISSUE_LIMIT = 1000
"""Issues of one code in one file that a report lists by default (`IssueLimit`)."""

Tag = TypeVar("Tag", bound=Hashable)


class IssueLimit(Generic[Tag]):
    """Lists the first `limit` issues (by row) of each code in each file and counts the
    rest, so that a table with an error in each of its 10M rows is reported in bounded
    memory (None: list all). Which are listed does not depend on the order they are found
    in (pieces, threads, engines); issues of a whole file (no row) or of its header (row 1)
    are always listed.

    `take(issues, tag)` gives back at once what is listed for sure; the rest is held (at
    most `limit` per code and file, the others counted in `omitted`) until `held()`.
    Listed and omitted add up to what the rules found, whatever the limit. A held issue
    holds at most `MAX_VALUE` characters of a cell (`Issue`).
    """

    def __init__(self, limit: int | None = ISSUE_LIMIT) -> None:
        self.limit = limit
        self._held: dict[tuple[str, str], list[_Held[Tag]]] = {}
        self.omitted: Counter[tuple[str, Severity]] = Counter()

    def take(self, issues: Iterable[Issue], tag: Tag) -> list[Issue]:
        """The issues listed at once; the others held or counted."""
        now: list[Issue] = []
        for issue in issues:
            if self.limit is None or issue.row is None or issue.row == 1:
                now.append(issue)  # a whole file's or its header's: found once per piece
                continue
            held = self._held.setdefault((issue.file, issue.code), [])
            new = _Held(issue, tag)
            if len(held) < self.limit:
                heapq.heappush(held, new)
                continue
            if held and new.key < held[0].key:  # before the last held: it takes its place
                new = heapq.heapreplace(held, new)
            self.omitted[(new.issue.file, new.issue.severity)] += 1
        return now

    def held(self) -> Iterator[tuple[Tag, Issue]]:
        """The held issues that are listed, each with its tag."""
        for held in self._held.values():
            for item in held:
                yield item.tag, item.issue

    def mark(self) -> _Mark[Tag]:
        """Where the limit stands now, to go back to (`reset`) when a table is read again."""
        return {k: list(v) for k, v in self._held.items()}, self.omitted.copy()

    def reset(self, mark: _Mark[Tag]) -> None:
        self._held, self.omitted = mark


class _Held(Generic[Tag]):
    """A held issue; the heap's first is the last listed (compared in reverse)."""

    __slots__ = ("issue", "key", "tag")

    def __init__(self, issue: Issue, tag: Tag) -> None:
        self.issue, self.tag = issue, tag
        i = issue
        self.key = (i.row or 0, field_order(i.field), i.message, i.value or "", i.severity)

    def __lt__(self, other: _Held[Tag]) -> bool:
        return self.key > other.key


_Mark = tuple[dict[tuple[str, str], list[_Held[Tag]]], Counter[tuple[str, Severity]]]


@dataclass
class Report:
    """Everything one validation run found, plus what it checked."""

    package: str
    issues: list[Issue] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)
    unchecked: list[str] = field(default_factory=list)
    """The tables the dataset's rules could not read (their file, parse or header has an
    error, reported): those rules check their rows once the errors are fixed."""
    physical_lines: dict[str, dict[int, int]] = field(default_factory=dict)
    """file → row → the physical line it starts on, for the rows of listed issues in files
    where rows span lines (elsewhere a row's line is its number)."""
    omitted: dict[str, dict[Severity, int]] = field(default_factory=dict)
    """file → how many errors and warnings were found but not listed (`IssueLimit`)."""
    issue_limit: int | None = None
    """The most issues of one code in one file listed (None: all)."""

    def __repr__(self) -> str:
        """One line, not every issue (a report may list thousands)."""
        return (
            f"<Report {'valid' if self.valid else 'INVALID'} {self.package!r}: "
            f"{counted(self.count('error'), 'error')}, "
            f"{counted(self.count('warning'), 'warning')}, "
            f"{len(self.issues)} listed>"
        )

    @property
    def errors(self) -> list[Issue]:
        """The listed errors."""
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        """The listed warnings."""
        return [i for i in self.issues if i.severity == "warning"]

    def count(self, severity: Severity) -> int:
        """How many errors (or warnings) were found, those not listed included; a severity
        that is neither is a ValueError, not a count of 0."""
        if severity not in get_args(Severity):
            raise ValueError(f"a severity is 'error' or 'warning', not {severity!r}")
        listed = sum(1 for i in self.issues if i.severity == severity)
        return listed + sum(n.get(severity, 0) for n in self.omitted.values())

    @property
    def valid(self) -> bool:
        return not self.count("error")

    def sorted(self) -> list[Issue]:
        """Issues grouped by file, then by row and field."""
        return sorted(self.issues, key=order)

    def line_of(self, issue: Issue) -> int | None:
        """The physical line (1-based) of the issue's row in its file; None without a row."""
        if issue.row is None:
            return None
        return self.physical_lines.get(issue.file, {}).get(issue.row, issue.row)

    def flatten(self, keys: Iterable[str] = ("file", "row", "field", "code")) -> list[list[Any]]:
        """The issues as lists of the given attributes (for compact test assertions)."""
        keys = list(keys)
        return [[getattr(i, k) for k in keys] for i in self.sorted()]

    def to_dict(self) -> dict[str, Any]:
        return {
            "package": self.package,
            "valid": self.valid,
            "errors": self.count("error"),
            "warnings": self.count("warning"),
            "checked": self.checked,
            "unchecked": self.unchecked,
            "issue_limit": self.issue_limit,
            "omitted": self.omitted,
            "issues": [{**asdict(i), "line": self.line_of(i)} for i in self.sorted()],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)
