"""Annotation coverage: which statement rows or exclusions cover each quotation-mark span."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..loading.folder import PackageFolder
from ..package.quotes import QuoteSpan, quote_spans

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class QuoteCoverage:
    """One quotation-mark span and what covers it."""

    source_id: str
    span: QuoteSpan
    text: str
    statements: tuple[str, ...]
    exclusion: str | None

    @property
    def covered(self) -> bool:
        return bool(self.statements) or self.exclusion is not None

    def line(self) -> str:
        """`S003:120-180<TAB>statements ST0001,ST0002<TAB>'the text'` (or `excluded: reason`,
        or `UNCOVERED`): what `ukraine-talks coverage` prints."""
        if self.statements:
            by = "statements " + ",".join(self.statements)
        elif self.exclusion is not None:
            by = f"excluded: {self.exclusion}"
        else:
            by = "UNCOVERED"
        return f"{self.source_id}:{self.span.start}-{self.span.end}\t{by}\t{self.text!r}"


def _spans(table: pa.Table | None, label: str) -> dict[str, list[tuple[int, int, str]]]:
    """source_id → (start, end, label) of every row of a span table."""
    out: dict[str, list[tuple[int, int, str]]] = {}
    columns = ["source_id", "start_char", "end_char", label]
    for row in [] if table is None else table.select(columns).to_pylist():
        source_id, start, end = row["source_id"], row["start_char"], row["end_char"]
        if source_id is None or start is None or end is None:
            continue
        out.setdefault(source_id, []).append((start, end, row[label] or ""))
    return out


def coverage(path: Path | str | None = None) -> list[QuoteCoverage]:
    """Every quotation-mark span of every source, with the statements or exclusion covering it.

    A span is covered by a statement of the same source whose span contains it, or by a
    coverage_exclusions row whose span contains it. `path`: a datapackage.json or its
    folder (default: the bundled package); LoadError if its tables cannot be read.
    """
    package = PackageFolder(path)
    statements = _spans(package.table("statements"), "statement_id")
    exclusions = _spans(package.table("coverage_exclusions"), "reason")
    out: list[QuoteCoverage] = []
    for source_id, text in sorted(package.seeds().items()):
        for q in quote_spans(text):
            covering = tuple(
                sorted(
                    label
                    for s, e, label in statements.get(source_id, [])
                    if s <= q.start and q.end <= e
                )
            )
            reason = next(
                (
                    label
                    for s, e, label in exclusions.get(source_id, [])
                    if s <= q.start and q.end <= e
                ),
                None,
            )
            out.append(QuoteCoverage(source_id, q, text[q.start : q.end], covering, reason))
    return out
