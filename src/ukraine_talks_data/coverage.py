"""Annotation coverage: which statement rows or exclusions cover each quotation-mark span."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .bundle import bundled_descriptor
from .quotes import QuoteSpan, quote_spans
from .validate.inputs.descriptor import DescriptorError, read_descriptor
from .validate.tables.context import Context
from .validate.tables.rows import Table, as_int


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


def _spans(table: Table | None, id_field: str | None) -> dict[str, list[tuple[int, int, str]]]:
    """source_id → (start, end, label) of every row of a span table."""
    out: dict[str, list[tuple[int, int, str]]] = {}
    for row in table or []:
        source_id = row.get("source_id")
        start, end = as_int(row.get("start_char")), as_int(row.get("end_char"))
        if source_id is None or start is None or end is None:
            continue
        label = (row.get(id_field) if id_field else row.get("reason")) or ""
        out.setdefault(source_id, []).append((start, end, label))
    return out


def coverage(path: Path | str | None = None) -> list[QuoteCoverage]:
    """Every quotation-mark span of every source, with the statements or exclusion covering it.

    A span is covered by a statement of the same source whose span contains it, or by a
    coverage_exclusions row whose span contains it.
    """
    descriptor, issues = read_descriptor(Path(path) if path else bundled_descriptor())
    if any(i.code == "unsafe-path" for i in issues):
        raise DescriptorError(f"{descriptor.file}: {issues[0].line()}")
    ctx = Context(descriptor)
    statements = _spans(ctx.table("statements"), "statement_id")
    exclusions = _spans(ctx.table("coverage_exclusions"), None)
    out: list[QuoteCoverage] = []
    for source_id, seed in sorted(ctx.sources().items()):
        if seed is None or seed.text is None:
            continue
        for q in quote_spans(seed.text):
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
            out.append(QuoteCoverage(source_id, q, seed.text[q.start : q.end], covering, reason))
    return out
