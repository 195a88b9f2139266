"""Validation results as values: one frozen `Issue` per problem, gathered in a `Report`."""

from __future__ import annotations

import json
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
        """One human line: `file:row:field: code: message (value: …)`."""
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
        if self.field is not None:
            where += f":{self.field}" if self.row is not None else f"::{self.field}"
        text = f"{where}: {self.code}: {self.message}"
        if self.value is not None:
            text += f" (value: {_short(self.value)})"
        return text

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _short(value: str, limit: int = 120) -> str:
    """Quote a value for a one-line message, eliding the middle of long values."""
    text = repr(value)
    if len(text) > limit:
        text = text[: limit // 2] + "…" + text[-limit // 2 :]
    return text


@dataclass
class Report:
    """Everything one validation run found, plus what it checked."""

    package: str
    issues: list[Issue] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

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
            "issues": [i.to_dict() for i in self.sorted()],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)
