"""Checks on evidence spans: every quoted text is exactly the seed's characters at its offsets.

Computed a column at a time: offsets are read as canonical integers (`tables/values.ints`;
a cell in any other form is a type error, reported by `values.value_is_canonical`), the
seed slices are compared in batches as Arrow string views (`seed_slices`), and single rows
are looked at only where an issue is found.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..report.issues import Issue, counted
from ..tables.seed_slices import SeedsTooLargeError
from ..tables.values import flagged, ints
from .files import unchecked_seeds

if TYPE_CHECKING:
    from ..tables.columns import ColumnContext

BATCH = 1 << 16  # rows compared at once by span_matches_source


def span_offsets_ordered(ctx: ColumnContext) -> Iterator[Issue]:
    """A span's end_char is greater than its start_char, and start_char is not negative
    (said here only where the schema's own `minimum` does not refuse it already)."""
    import pyarrow.compute as pc

    for table in ctx.span_tables():
        start, end = ints(table, "start_char"), ints(table, "end_char")
        bounded = _bounded_below(ctx.rows.schema(table.name) or {})
        wrong = pc.less_equal(end, start)
        if not bounded:
            wrong = pc.or_(pc.fill_null(pc.less(start, 0), False), wrong)
        for i in flagged(wrong):
            s, e = start[i].as_py(), end[i].as_py()
            if s is not None and s < 0 and not bounded:
                yield Issue(
                    table.path, table.row(i), "start_char", "span-offsets",
                    "start_char must be 0 or more", str(s),
                )  # fmt: skip
            if s is not None and e is not None and e <= s:
                yield Issue(
                    table.path, table.row(i), "end_char", "span-offsets",
                    f"end_char must be greater than start_char ({s})", str(e),
                )  # fmt: skip


def _bounded_below(schema: dict[str, Any]) -> bool:
    """Whether start_char is an integer field whose `minimum` in `schema` is 0 or more: a
    negative start is then the schema's constraint-error, and this rule would only say it
    a second time."""
    fields: list[dict[str, Any]] = schema.get("fields", [])
    spec = next((f for f in fields if f.get("name") == "start_char"), {})
    minimum = (spec.get("constraints") or {}).get("minimum")
    return spec.get("type") == "integer" and type(minimum) is int and minimum >= 0


def span_matches_source(ctx: ColumnContext) -> Iterator[Issue]:
    """A span's text equals the source's text[start_char:end_char], character for character
    (against a seed whose bytes hash to its sources row's sha256, on one row only: the
    spans of any other are checked once its `source-hash` or `primary-key` error is put
    right; `files.unchecked_seeds`)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    tables = ctx.span_tables()  # each has every span field
    if not tables:
        return
    sources, unchecked = ctx.rows.sources(), unchecked_seeds(ctx.rows)
    seeds = {
        k: v.text
        for k, v in sources.items()
        if v is not None and v.text is not None and k not in unchecked
    }
    known = pa.array(list(seeds), pa.string())
    lengths = pa.array([len(t) for t in seeds.values()], pa.int64())
    try:
        seed_bytes = ctx.seed_bytes(seeds)
    except SeedsTooLargeError as exc:
        listed = ctx.rows.descriptor.resource("sources")
        yield Issue(
            listed.path if listed is not None else "datapackage.json", None, None,
            "seeds-too-large", str(exc),
        )  # fmt: skip
        return
    for table in tables:
        ids = table.columns["source_id"]
        start, end = ints(table, "start_char"), ints(table, "end_char")
        which = pc.index_in(ids, value_set=known)  # each row's seed, by its place in `seeds`
        size = pc.take(lengths, which)
        usable = pc.and_(pc.greater_equal(start, 0), pc.greater(end, start))
        given = pc.and_(pc.is_valid(size), pc.is_valid(table.columns["text"]))  # else: required
        usable = pc.fill_null(pc.and_(usable, given), False)
        beyond = pc.fill_null(pc.and_(usable, pc.greater(end, size)), False)
        found: dict[int, Issue] = {}
        for i in flagged(beyond):
            source_id, e = ids[i].as_py(), end[i].as_py()
            found[i] = Issue(
                table.path, table.row(i), "end_char", "span-out-of-range",
                f"end_char is past the end of {source_id} "
                f"({counted(len(seeds[source_id]), 'character')})",
                str(e),
            )  # fmt: skip
        text = table.columns["text"]
        checked = pc.and_(usable, pc.invert(beyond))
        for first in range(0, table.num_rows, BATCH):  # in batches: less memory at once
            part = checked.slice(first, BATCH)
            parts = [c.slice(first, BATCH) for c in (which, start, end, text)]
            local = None  # the batch's rows compared: usually every one (no copies)
            if not pc.all(part).as_py():
                local = pc.indices_nonzero(part)
                parts = [pc.take(c, local) for c in parts]
            span_seeds, span_start, span_end, texts = (
                c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c for c in parts
            )  # a batch's slices: small copies
            expected = seed_bytes.slices(span_seeds, span_start, span_end)
            same = pc.fill_null(pc.equal(expected, texts.cast(pa.string_view())), False)
            for j in pc.indices_nonzero(pc.invert(same)).to_pylist():
                i = first + (j if local is None else local[j].as_py())
                source_id, s, e = ids[i].as_py(), start[i].as_py(), end[i].as_py()
                value = text[i].as_py() or ""
                actual = seeds[source_id][s:e]
                found[i] = Issue(
                    table.path, table.row(i), "text", "span-mismatch",
                    f"text differs from {source_id}[{s}:{e}], which reads {actual!r} "
                    f"({_first_difference(actual, value, source_id, s)})",
                    value,
                )  # fmt: skip
        for i in sorted(found):
            yield found[i]


def _first_difference(actual: str, text: str, source_id: str, start: int) -> str:
    """Where `text` first departs from `actual`, the seed's span from `start`, by code point:
    a curly apostrophe, a no-break space or a decomposed accent looks like its look-alike."""
    k = next((i for i, (a, b) in enumerate(zip(actual, text, strict=False)) if a != b), None)
    if k is None:
        k = min(len(actual), len(text))
    at = f"{source_id}[{start + k}]"
    if k < len(actual) and k < len(text):
        return f"first difference at {at}: {_char(actual[k])} in the seed, {_char(text[k])} here"
    if k < len(actual):
        return f"the text stops at {at}, where the seed has {_char(actual[k])}"
    return f"the text goes on past the span's end with {_char(text[k])}"


def _char(c: str) -> str:
    """A character by its code point and name: U+2019 RIGHT SINGLE QUOTATION MARK."""
    import unicodedata

    return f"U+{ord(c):04X} {unicodedata.name(c, '')}".rstrip()
