"""Validation results as values: one frozen `Issue` per problem, gathered in a `Report`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

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

    def line(self) -> str:
        """One human line: `file:row:field: code: message (value: …)`.

        A warning reads `file:row:field: warning: code: message (value: …)`.
        Control characters anywhere (a newline in a file name or message) are escaped, so
        that one issue is always exactly one line.
        """
        severity = "warning: " if self.severity == "warning" else ""
        message = _elide(one_line(self.message), MAX_MESSAGE)
        text = f"{self.where()}: {severity}{self.code}: {message}"
        if self.value is not None:
            text += f" (value: {_short(self.value)})"
        return text

    def where(self) -> str:
        """`file:row:field`, `file::field` or `file:row` — the culprit's address."""
        where = one_line(self.file)
        if self.row is not None:
            where += f":{self.row}"
        if self.field is not None:
            field = one_line(self.field)
            where += f":{field}" if self.row is not None else f"::{field}"
        return where

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """`text` with control characters (newlines, tabs, NUL…) written as escapes."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


MAX_MESSAGE = 1000
"""Longest message a line shows; the middle of a longer one is elided (JSON keeps it all)."""


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


@dataclass
class Report:
    """Everything one validation run found, plus what it checked."""

    package: str
    issues: list[Issue] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)
    physical_lines: dict[str, list[int]] = field(default_factory=dict)
    """file → the physical line each row starts on, for files where rows span lines."""

    def extend(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors

    def sorted(self) -> list[Issue]:
        """Issues grouped by file, then by row and field."""
        return sorted(self.issues, key=lambda i: (i.file, i.row or 0, i.field or "", i.code))

    def line_of(self, issue: Issue) -> int | None:
        """The physical line (1-based) of the issue's row in its file; None without a row."""
        if issue.row is None:
            return None
        lines = self.physical_lines.get(issue.file)
        if lines and 1 <= issue.row <= len(lines):
            return lines[issue.row - 1]
        return issue.row

    def lines(self) -> Iterator[str]:
        for issue in self.sorted():
            yield issue.line()

    def flatten(self, keys: Iterable[str] = ("file", "row", "field", "code")) -> list[list[Any]]:
        """The issues as lists of the given attributes (for compact test assertions)."""
        keys = list(keys)
        return [[getattr(i, k) for k in keys] for i in self.sorted()]

    def to_dict(self) -> dict[str, Any]:
        return {
            "package": self.package,
            "valid": self.valid,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "checked": self.checked,
            "issues": [{**i.to_dict(), "line": self.line_of(i)} for i in self.sorted()],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)
