"""An article's layout: paragraphs (lines), headings, dated sections and sentences.

Plain rules, measured in docs/annotation-assist.md. A line is a heading when it is the
first line (the title), an "UPDATE dd/mm/yyyy" line, or has no sentence-final punctuation;
"UPDATE dd/mm/yyyy" opens a section dated that day (S003's live updates). Sentences end at
., ! or ? followed by a capital or an opening quotation mark, never inside a quotation
(`package.quotes`) and never after a known abbreviation (Mr., Jan., U.S. …).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass

from ...package.quotes import QuoteSpan, quote_spans

UPDATE = re.compile(r"^\s*UPDATE\s+(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
_FINAL = re.compile(r"[.!?][\"”’)\]]*\s*$")
_BOUNDARY = re.compile(r"[.!?][\"”’)\]]*(\s+)(?=[“\"‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = {
    "mr", "ms", "mrs", "dr", "st", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "no", "vs", "gen", "gov", "sen", "rep", "lt", "col", "jr",
}  # fmt: skip


@dataclass(frozen=True)
class Paragraph:
    """One line of the article: its offsets, whether it is a heading, and its section."""

    index: int
    start: int
    end: int
    heading: bool
    section_date: dt.date
    section_label: str


@dataclass(frozen=True)
class Sentence:
    """A sentence at text[start:end] of paragraph `paragraph`."""

    start: int
    end: int
    paragraph: Paragraph


@dataclass(frozen=True)
class Layout:
    """The article cut into paragraphs, sentences and quotation spans."""

    text: str
    paragraphs: list[Paragraph]
    sentences: list[Sentence]
    quotes: list[QuoteSpan]

    def quote_marked(self, start: int, end: int) -> list[QuoteSpan]:
        """Quotation spans that overlap text[start:end]."""
        return [q for q in self.quotes if q.start < end and start < q.end]

    def in_quote(self, offset: int) -> bool:
        return any(q.start <= offset < q.end for q in self.quotes)


def layout(text: str, published: dt.date) -> Layout:
    """Paragraphs, sentences and quotation spans of `text`; sections dated from
    `published` until an UPDATE heading gives another day."""
    quotes = quote_spans(text)
    paragraphs: list[Paragraph] = []
    offset, date, label, seen_title = 0, published, "the source's publication date", False
    for line in text.split("\n"):
        start, end = offset + len(line) - len(line.lstrip()), offset + len(line.rstrip())
        offset += len(line) + 1
        if start >= end:
            continue
        update = UPDATE.match(line)
        if update:
            day = int(update[1]), int(update[2]), int(update[3])
            with contextlib.suppress(ValueError):
                date, label = dt.date(day[2], day[1], day[0]), f"the heading '{line.strip()}'"
        heading = not seen_title or bool(update) or not _FINAL.search(line)
        seen_title = True
        paragraphs.append(Paragraph(len(paragraphs), start, end, heading, date, label))
    sentences = [s for p in paragraphs if not p.heading for s in _sentences(text, p, quotes)]
    return Layout(text, paragraphs, sentences, quotes)


def _sentences(text: str, paragraph: Paragraph, quotes: list[QuoteSpan]) -> list[Sentence]:
    out, start = [], paragraph.start
    for m in _BOUNDARY.finditer(text, paragraph.start, paragraph.end):
        cut = m.start(1)
        word = re.search(r"([A-Za-z]+)\.?[\"”’)\]]*$", text[start:cut])
        if word and text[cut - 1] == "." and _abbreviation(word.group(1)):
            continue
        if any(q.start < cut < q.end for q in quotes):
            continue
        out.append(Sentence(start, cut, paragraph))
        start = m.end(1)
    if start < paragraph.end:
        out.append(Sentence(start, paragraph.end, paragraph))
    return out


def _abbreviation(word: str) -> bool:
    """An abbreviation's last word: Mr, Jan, or a single capital (the S of U.S.)."""
    return word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isupper())
