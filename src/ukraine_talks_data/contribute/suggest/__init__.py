"""`suggest()`: proposed rows for one source, written as a review file (never into data/).

Plain rules, no model (docs/annotation-assist.md says why and how well they do):
- `text.py` — paragraphs, headings, UPDATE sections, sentences;
- `mentions.py` — actors named by name or alias, new names, unnamed speakers, pronouns;
- `speech.py` — statements: quotations and reported speech, quote type, ranked speakers;
- `dating.py` — each statement's date, basis and note (codebook §3.4);
- `events.py` — candidate known events, new events, CAMEO codes;
- `propose.py` — `propose()`: all of it for one article, a pure function `measure` reuses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ...errors import ContributeError
from ...package.bundle import bundle_dir, command_line
from ..review import write_review
from ..tables import PackageTables, package_root
from .propose import Article, Known, Proposal, actors_from_rows, propose

__all__ = ["Suggested", "propose", "suggest"]


@dataclass(frozen=True)
class Suggested:
    """Where the review file went and how many rows of each table it proposes."""

    source_id: str
    out: Path
    counts: dict[str, int]
    root: Path | None = None  # the package annotated (None: the bundled one)

    def lines(self) -> list[str]:
        """What `ukraine-talks suggest` prints."""
        counts = ", ".join(f"{n} {t}" for t, n in self.counts.items())
        return [
            f"wrote {self.out}: {counts or 'no proposals'} for {self.source_id}",
            "next: set each row's decision (keep, edit or reject), then "
            + command_line(
                "accept", str(self.out), root=self.root or bundle_dir(), default=bundle_dir()
            ),
        ]


def suggest(
    source_id: str, out: Path | str | None = None, *, root: Path | str | None = None
) -> Suggested:
    """Propose rows for source `source_id` of the package at `root` and write them to `out`
    (default: `<source_id>-review.csv` in the current folder). Refuses to write into the
    package's data/ folder."""
    tables = PackageTables(package_root(root))
    target = Path(out) if out is not None else Path(f"{source_id}-review.csv")
    data = (tables.root / "data").resolve()
    if target.resolve().parent == data or data in target.resolve().parents:
        raise ContributeError(f"{target}: a review file never goes into {data}; write it elsewhere")
    text = tables.seed_text(source_id)
    row = next(r for r in tables.rows("sources") if r.get("source_id") == source_id)
    day = row.get("published") or row.get("inferred_published") or ""
    try:
        published = dt.date.fromisoformat(day)
    except ValueError:
        raise ContributeError(f"{source_id} has no publication date in sources.csv") from None
    known = Known(
        actors_from_rows(tables.rows("actors")), tables.rows("events"), tables.rows("categories")
    )
    proposals: list[Proposal] = propose(Article(source_id, text, published), known)
    write_review(target, proposals, tables)
    counts: dict[str, int] = {}
    for p in proposals:
        counts[p.table] = counts.get(p.table, 0) + 1
    return Suggested(source_id, target, counts, tables.root)
