"""Characters that change how a cell reads without showing themselves: bidirectional
controls and invisible format characters.

A right-to-left override (U+202E) displays `txt.exe` as `exe.txt`; other bidirectional
embeddings, overrides and isolates reorder the text after them; zero-width spaces and
joiners, the word joiner, the soft hyphen and Unicode tag characters are not drawn at all,
so two cells that look the same differ, or a reader (or a program that shows the text)
sees something else than what is stored ("Trojan Source", CVE-2021-42574). None belongs
in an annotation; each is a warning, like a formula, since the text is still the text.
A span's verbatim text is left out: it must equal the seed, which the span rule checks.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..report.issues import Issue
from .cells import _by_row

if TYPE_CHECKING:
    import pyarrow as pa

    from ..tables.column_table import ColumnTable
    from ..tables.columns import ColumnContext

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Arabic letter mark, LRM, RLM, the embeddings, overrides and pop (U+202A–U+202E), and the
isolates (U+2066–U+2069)."""
INVISIBLE = "\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"
"""Soft hyphen, Mongolian vowel separator, zero-width space, non-joiner and joiner, word
joiner, the invisible operators, and the zero-width no-break space (a BOM inside text)."""
_TAGS = "\U000e0000-\U000e007f"
_PATTERN = re.compile(f"[{BIDI_CONTROLS}{INVISIBLE}{_TAGS}]")


def invisible_character(text: str) -> tuple[int, str] | None:
    """The position and character of the first bidirectional control or invisible
    character in `text`, or None."""
    match = _PATTERN.search(text)
    return None if match is None else (match.start(), match.group())


def _ascii(chunk: pa.Array) -> bool:
    """Whether every cell of a string chunk is ASCII, tested at once on the bytes that hold
    its values (those of a slice's neighbours too: a false no is only slower)."""
    import pyarrow as pa

    if not (pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)):
        return False
    values = chunk.buffers()[2]
    return values is None or values.to_pybytes().isascii()


def describe(char: str) -> str:
    """`U+202E RIGHT-TO-LEFT OVERRIDE`: a character by code point and Unicode name."""
    name = unicodedata.name(char, "TAG CHARACTER" if char >= "\U000e0000" else "")
    return f"U+{ord(char):04X} {name}".rstrip()


def cell_has_no_invisible_character(ctx: ColumnContext) -> Iterator[Issue]:
    """No cell holds a bidirectional control or an invisible character (a warning): they
    make the text read differently from what it is."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def suspects(column: pa.ChunkedArray, kind: str) -> Any:
        if all(_ascii(chunk) for chunk in column.chunks):
            return pa.repeat(pa.scalar(False), len(column))  # each one is outside ASCII
        return pc.match_substring_regex(column, _PATTERN.pattern)  # RE2 reads it alike

    def rule(table: ColumnTable, name: str, kind: str, i: int, value: str) -> Issue | None:
        found = invisible_character(value)
        if found is None:
            return None
        position, char = found
        kind_of = "a bidirectional control" if char in BIDI_CONTROLS else "an invisible character"
        return Issue(
            table.path, table.row(i), name, "invisible-character",
            f"the cell holds {kind_of}, {describe(char)}, at position {position}: it changes "
            "how the text reads without showing itself; remove it",
            value, severity="warning",
        )  # fmt: skip

    yield from _by_row(ctx, suspects, rule, skip_verbatim=True)
