"""`accept()`: the kept rows of a review file written into the tables, or nothing at all.

Kept rows (decision `keep` or `edit`; `reject` rows are dropped) get their ids: the next
free statement, event and evidence numbers, a new utterance per statement unless rows
share a label (`new-1`) or name an existing utterance; event labels are replaced in the
statements that use them. Actors and events get an evidence row from their span. The rows
are written in canonical form in a copy of the package, which is built and validated
(`staging`); any problem refuses the whole file, each issue pointing at the review file's
row where it can.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..validate.report.issues import Issue
from .review import SPAN, ReviewRow, read_review
from .staging import commit, staged
from .tables import PackageTables, Row, id_width, next_number, package_root

_ID = {"statements": "statement_id", "events": "event_id"}


@dataclass
class Accepted:
    """What `accept` wrote: rows added per table and the files changed."""

    source_id: str
    added: dict[str, int] = field(default_factory=dict)
    rejected: int = 0
    written: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """What `ukraine-talks accept` prints."""
        added = ", ".join(f"{n} {t}" for t, n in self.added.items() if n) or "nothing"
        return [
            *(f"wrote {rel}" for rel in self.written),
            f"accepted for {self.source_id}: {added}; {self.rejected} rejected",
        ]


class _Ids:
    """Next free ids per prefix, and the labels (`new-1`) already given one."""

    def __init__(self, tables: PackageTables) -> None:
        self.tables = tables
        self.next: dict[str, int] = {}
        self.width: dict[str, int] = {}
        self.labels: dict[tuple[str, str], str] = {}
        for prefix, table, column, width in (
            ("ST", "statements", "statement_id", 4),
            ("U", "statements", "utterance_id", 3),
            ("E", "events", "event_id", 3),
            ("EV", "evidence", "evidence_id", 4),
        ):
            ids = [r.get(column, "") for r in tables.rows(table)]
            self.next[prefix] = next_number(ids, prefix)
            self.width[prefix] = id_width(ids, prefix, width)

    def new(self, prefix: str) -> str:
        number = self.next[prefix]
        self.next[prefix] += 1
        return f"{prefix}{number:0{self.width[prefix]}d}"

    def label(self, prefix: str, cell: str) -> str:
        """An existing id stays; an empty cell is a new id; a label is one new id per label."""
        if re.fullmatch(rf"{prefix}[0-9]+", cell):
            return cell
        if not cell:
            return self.new(prefix)
        if (prefix, cell) not in self.labels:
            self.labels[(prefix, cell)] = self.new(prefix)
        return self.labels[(prefix, cell)]


def _rows(
    kept: list[ReviewRow], tables: PackageTables, ids: _Ids
) -> dict[str, list[tuple[Row, int]]]:
    """New rows per table, each with the review row it came from."""
    out: dict[str, list[tuple[Row, int]]] = {}
    for table in ("events", "actors", "coverage_exclusions", "statements"):
        for item in (r for r in kept if r.table == table):
            values = dict(item.values)
            if table == "events":
                values["event_id"] = ids.label("E", values.get("event_id", ""))
                if values.get("parent_event_id"):
                    values["parent_event_id"] = ids.label("E", values["parent_event_id"])
            if table == "statements":
                values["statement_id"] = values.get("statement_id") or ids.new("ST")
                values["utterance_id"] = ids.label("U", values.get("utterance_id", ""))
                if values.get("event_id"):
                    values["event_id"] = ids.label("E", values["event_id"])
            names = tables.fields(table)
            out.setdefault(table, []).append(({n: values.get(n, "") for n in names}, item.row))
            if table in ("actors", "events"):
                key = tables.fields(table)[0]
                evidence = {
                    "evidence_id": ids.new("EV"),
                    "row_table": table,
                    "row_id": values[key],
                    **{k: values[k] for k in SPAN},
                }
                out.setdefault("evidence", []).append((evidence, item.row))
    return out


def _issues_named(
    issues: list[Issue], where: dict[tuple[str, int], int], review: str
) -> list[Issue]:
    """Each issue on a new row told as an issue of the review file's row that made it."""
    out = []
    for issue in issues:
        row = where.get((issue.file, issue.row or -1))
        if row is None:
            out.append(issue)
        else:
            message = f"{issue.message} (as {issue.file} row {issue.row})"
            out.append(
                Issue(review, row, issue.field, issue.code, message, issue.value, issue.severity)
            )
    return out


def accept(
    review_file: Path | str, *, root: Path | str | None = None, reference_schemas: bool = True
) -> Accepted:
    """Write the kept rows of `review_file` into the package at `root` (default: bundled).

    Raises ContributeError, changing nothing, when the review file is bad or the package
    would not be valid with its rows. `reference_schemas=False` checks a derived package
    against its own schemas.
    """
    review_file = Path(review_file)
    tables = PackageTables(package_root(root))
    source_id, rows = read_review(review_file, tables)
    kept = [r for r in rows if r.kept]
    new = _rows(kept, tables, _Ids(tables))
    result = Accepted(source_id, {t: len(v) for t, v in new.items()}, len(rows) - len(kept))
    where: dict[tuple[str, int], int] = {}
    with staged(tables) as stage:
        for table, added in new.items():
            origin = {id(row): number for row, number in added}
            csv_text, ordered = tables.canonical_csv(
                table, [*tables.rows(table), *(r for r, _ in added)]
            )
            rel = tables.path(table).relative_to(tables.root).as_posix()
            for index, row in enumerate(ordered):
                if id(row) in origin:
                    where[(rel, index + 2)] = origin[id(row)]
            (stage / rel).write_text(csv_text, encoding="utf-8", newline="")
        result.written = commit(
            stage,
            tables.root,
            lambda issues: _issues_named(issues, where, str(review_file)),
            reference_schemas=reference_schemas,
        )
    return result
