"""The source articles' texts and the characters around a span, read from the bundled package.

The bundle is found by `package/bundle.py` (the wheel's `_bundle/`, or the repository root in
a checkout or an editable install), so these work wherever the package is installed; offsets
are Python `str` indices into the UTF-8-decoded seed, as every span of the dataset.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..errors import LoadError
from ..package import relations
from ..package.bundle import bundle_dir
from ..package.schemas import primary_key, table_schema

DEFAULT_CHARS = 200
"""Characters of context on each side of a span, unless told otherwise."""


@dataclass(frozen=True)
class Context:
    """A span of a source and the characters around it.

    `text` is `source[start_char:end_char]`; `before` and `after` are up to `chars` characters
    on either side (fewer at the start or end of the article). `str(context)` is the three
    together; `context_start` and `context_end` are its offsets in the source.
    """

    source_id: str
    start_char: int
    end_char: int
    text: str
    before: str
    after: str

    @property
    def context_start(self) -> int:
        """Offset of the first character of `before` in the source."""
        return self.start_char - len(self.before)

    @property
    def context_end(self) -> int:
        """Offset just past the last character of `after` in the source."""
        return self.end_char + len(self.after)

    def marked(self, left: str = "[[", right: str = "]]") -> str:
        """The context with the span between `left` and `right`."""
        return f"{self.before}{left}{self.text}{right}{self.after}"

    def __str__(self) -> str:
        return self.before + self.text + self.after


@cache
def _source_paths() -> dict[str, str]:
    from .accessor import load

    return {r["source_id"]: r["path"] for r in load("sources").to_pylist()}


@cache
def source_text(source_id: str) -> str:
    """The text of bundled source `source_id` (e.g. "S003") exactly as stored: the offsets of
    every span index into it.

    >>> source_text("S003")[:9]
    'Russia Uk'
    """
    from ..package.sources import read_source

    paths = _source_paths()
    if source_id not in paths:
        raise LoadError(
            f"unknown source {source_id!r}; the sources are: {', '.join(sorted(paths))}"
        )
    return read_source(bundle_dir() / paths[source_id]).text or ""


def _check_chars(chars: int) -> None:
    if isinstance(chars, bool) or not isinstance(chars, int) or chars < 0:
        raise ValueError(f"chars must be a whole number of characters, 0 or more (got {chars!r})")


def span_context(
    source_id: str, start_char: int, end_char: int, chars: int = DEFAULT_CHARS
) -> Context:
    """Characters `start_char:end_char` of source `source_id`, with `chars` on either side."""
    _check_chars(chars)
    text = source_text(source_id)
    if not 0 <= start_char <= end_char <= len(text):
        raise LoadError(
            f"span [{start_char}:{end_char}] is outside source {source_id!r} "
            f"({len(text)} characters)"
        )
    return Context(
        source_id,
        start_char,
        end_char,
        text[start_char:end_char],
        text[max(0, start_char - chars) : start_char],
        text[end_char : end_char + chars],
    )


def _span_tables() -> list[str]:
    """Tables whose rows carry their own span and are named by one id (statements, evidence…)."""
    return [t for t in relations.span_tables() if len(primary_key(table_schema(t))) == 1]


def context(row_id: str, chars: int = DEFAULT_CHARS) -> Context:
    """The span of a statement (or of any row with its own span and a one-field id, such as
    an evidence row) with `chars` characters of its source on either side.

    >>> c = context("ST0064", chars=40)
    >>> c.source_id, c.context_start < c.start_char
    ('S003', True)
    """
    from .accessor import load

    _check_chars(chars)
    tables = _span_tables()
    for table in tables:
        (key,) = primary_key(table_schema(table))
        column = load(table).column(key).to_pylist()
        if row_id in column:
            row = load(table).slice(column.index(row_id), 1).to_pylist()[0]
            return span_context(row["source_id"], row["start_char"], row["end_char"], chars)
    raise LoadError(f"no row of {', '.join(tables)} has the id {row_id!r}")
