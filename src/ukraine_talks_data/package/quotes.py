"""Finding every quotation-mark span in a seed: the passages annotators must cover.

Marks: curly double “ ”, straight double ", curly single ‘ ’. A span is the text
between the marks, without them. Rules for the seeds' irregular punctuation:

- ’ closes a single quote only while a ‘ is open and only when no letter follows it;
  otherwise it is an apostrophe (NATO’s, It’s). A ‘ right after a letter is a misused
  apostrophe (Biden‘s), not an opening mark.
- A “ whose closing ” never comes runs to the end of its paragraph (line).
- A ” with no opening “ closes a quotation that began at the start of its sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+)(?=\S)")


@dataclass(frozen=True, order=True)
class QuoteSpan:
    """Offsets of a quoted passage (marks excluded) and how it was delimited."""

    start: int
    end: int
    kind: str  # "double", "straight", "single", "unclosed", "unopened"


def quote_spans(text: str) -> list[QuoteSpan]:
    """Every quotation-mark span in `text`, in order of their start."""
    spans: list[QuoteSpan] = []
    offset = 0
    for line in text.split("\n"):
        spans.extend(_line_spans(line, offset))
        offset += len(line) + 1
    return sorted(spans)


def _line_spans(line: str, offset: int) -> Iterator[QuoteSpan]:
    double_open: int | None = None
    straight_open: int | None = None
    single_open: int | None = None
    for i, ch in enumerate(line):
        if ch == "“" and double_open is None:
            double_open = i
        elif ch == "”":
            if double_open is not None:
                yield _span(line, offset, double_open + 1, i, "double")
                double_open = None
            else:
                yield _span(line, offset, _sentence_start(line, i), i, "unopened")
        elif ch == '"':
            if straight_open is None:
                straight_open = i
            else:
                yield _span(line, offset, straight_open + 1, i, "straight")
                straight_open = None
        elif ch == "‘" and single_open is None and not (i and line[i - 1].isalpha()):
            single_open = i
        elif ch == "’" and single_open is not None:
            following = line[i + 1 : i + 2]
            if not following.isalpha():
                yield _span(line, offset, single_open + 1, i, "single")
                single_open = None
    if double_open is not None:
        yield _span(line, offset, double_open + 1, len(line.rstrip()), "unclosed")


def _sentence_start(line: str, before: int) -> int:
    """Start of the sentence that ends at `before`."""
    start = 0
    for match in _SENTENCE_START.finditer(line, 0, before):
        start = match.end()
    return start


def _span(line: str, offset: int, start: int, end: int, kind: str) -> QuoteSpan:
    """Trim surrounding blanks so the span starts and ends on text."""
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return QuoteSpan(offset + start, offset + end, kind)
