"""How well `suggest` does: each shipped seed annotated as if it were new, against its rows.

For each source, `propose()` runs on the seed with the source's own rows hidden: its
statements are never read, nor the events whose only evidence is in it; with
`unseen_actors=True` the actors whose only evidence is in it are hidden too (aliases of
the actors that remain are kept, so that figure still knows some of the seed's wording).
A shipped statement is *found* when a proposed statement's span overlaps it; its speaker
and date are *right* when the proposal overlapping it most (then the closest in length)
gives the same speaker_id and date. A *quotation* is a quotation-mark span
(`package.quotes`) inside a shipped statement; it is found when a proposal overlaps it.
*Precision*: the share of proposed statements that overlap a shipped one.
`bench/annotation_assist.py` prints the table in docs/annotation-assist.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from pathlib import Path

from ..package.quotes import quote_spans
from .suggest.propose import Article, Known, Proposal, actors_from_rows, propose
from .tables import PackageTables, Row, package_root


@dataclass(frozen=True)
class Figures:
    """Counts for one source (or the sum over sources)."""

    statements: int = 0
    found: int = 0
    quotations: int = 0
    quotations_found: int = 0
    proposed: int = 0
    precise: int = 0
    speaker_right: int = 0
    date_right: int = 0
    quote_type_right: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def shares(self) -> dict[str, float]:
        """Quotations found, statements found (recall), precision, and — of the statements
        found — speaker, date and quote type right, each as a share of 1."""

        def share(part: int, whole: int) -> float:
            return part / whole if whole else 0.0

        return {
            "quotations found": share(self.quotations_found, self.quotations),
            "statements found (recall)": share(self.found, self.statements),
            "precision": share(self.precise, self.proposed),
            "top speaker right": share(self.speaker_right, self.found),
            "date right": share(self.date_right, self.found),
            "quote type right": share(self.quote_type_right, self.found),
        }


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _only_in(tables: PackageTables, table: str, source_id: str) -> set[str]:
    """Rows of `table` whose every evidence span is in `source_id`."""
    sources: dict[str, set[str]] = {}
    for row in tables.rows("evidence"):
        if row.get("row_table") == table:
            sources.setdefault(row.get("row_id", ""), set()).add(row.get("source_id", ""))
    return {row_id for row_id, where in sources.items() if where == {source_id}}


def score(text: str, truth: list[Row], proposals: list[Proposal]) -> Figures:
    """The figures of `proposals` (statement proposals) against the shipped rows `truth`."""
    spans = [(int(t["start_char"]), int(t["end_char"])) for t in truth]
    found = speaker = date = quote_type = 0
    for row, span in zip(truth, spans, strict=True):
        touching = [p for p in proposals if _overlap(p.span, span)]
        if not touching:
            continue
        found += 1
        best = max(
            touching,
            key=lambda p: (
                _overlap(p.span, span),
                -abs((p.span[1] - p.span[0]) - (span[1] - span[0])),
            ),
        )
        speaker += best.values.get("speaker_id") == row.get("speaker_id")
        date += best.values.get("date") == row.get("date")
        quote_type += best.values.get("quote_type") == row.get("quote_type")
    quotations = [
        (q.start, q.end)
        for q in quote_spans(text)
        if any(s <= q.start and q.end <= e for s, e in spans)
    ]
    return Figures(
        statements=len(truth),
        found=found,
        quotations=len(quotations),
        quotations_found=sum(any(_overlap(p.span, q) for p in proposals) for q in quotations),
        proposed=len(proposals),
        precise=sum(any(_overlap(p.span, s) for s in spans) for p in proposals),
        speaker_right=speaker,
        date_right=date,
        quote_type_right=quote_type,
    )


def measure_source(tables: PackageTables, source_id: str, *, unseen_actors: bool) -> Figures:
    """The figures of `suggest` on source `source_id`, its own rows hidden."""
    row = next(r for r in tables.rows("sources") if r["source_id"] == source_id)
    published = dt.date.fromisoformat(row.get("published") or row["inferred_published"])
    text = tables.seed_text(source_id)
    hidden_actors = _only_in(tables, "actors", source_id) if unseen_actors else set()
    hidden_events = _only_in(tables, "events", source_id)
    known = Known(
        actors_from_rows([a for a in tables.rows("actors") if a["actor_id"] not in hidden_actors]),
        [e for e in tables.rows("events") if e["event_id"] not in hidden_events],
        tables.rows("categories"),
    )
    proposals = [
        p for p in propose(Article(source_id, text, published), known) if p.table == "statements"
    ]
    truth = [s for s in tables.rows("statements") if s.get("source_id") == source_id]
    return score(text, truth, proposals)


def measure(
    root: Path | str | None = None, *, unseen_actors: bool = False, sources: list[str] | None = None
) -> dict[str, Figures]:
    """Figures per source id (every source, or those in `sources`) of the package at `root`."""
    tables = PackageTables(package_root(root))
    ids = sources or [r["source_id"] for r in tables.rows("sources")]
    return {s: measure_source(tables, s, unseen_actors=unseen_actors) for s in ids}


def table(figures: dict[str, Figures]) -> list[str]:
    """A Markdown table: one row per source and the total, counts and shares."""
    total = sum(figures.values(), Figures())
    columns = ["source", *Figures().shares()]
    lines = ["| " + " | ".join(columns) + " |", "|---" * len(columns) + "|"]
    for name, f in [*figures.items(), ("all", total)]:
        s = f.shares()
        cells = [
            f"{f.quotations_found}/{f.quotations} ({s['quotations found']:.0%})",
            f"{f.found}/{f.statements} ({s['statements found (recall)']:.0%})",
            f"{f.precise}/{f.proposed} ({s['precision']:.0%})",
            f"{f.speaker_right}/{f.found} ({s['top speaker right']:.0%})",
            f"{f.date_right}/{f.found} ({s['date right']:.0%})",
            f"{f.quote_type_right}/{f.found} ({s['quote type right']:.0%})",
        ]
        label = f"**{name}**" if name == "all" else name
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines
