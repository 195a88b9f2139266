"""The review file: proposed rows for one source, as a CSV a person edits before `accept`.

Columns: `proposal` (P001 …), `table` (statements, actors, events or coverage_exclusions),
`decision` (empty until decided: keep, edit or reject), `why` (why it was proposed),
`candidates` (ranked speakers and events, with reasons), then every field of those tables
as their schemas list them, each once. A row fills only its own table's fields; actors and
events use the span columns (source_id, start_char, end_char, text) for their evidence.
Ids are left for `accept` to assign: an empty `statement_id`, and `event_id` or
`utterance_id` either empty (a new one) or a label such as `new-1` that several rows share
(a statement made at a proposed event; the parts of one remark).

`read_review()` refuses a bad file whole: every problem is an Issue naming the file, row
(the header is row 1) and column, like the validator's.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .._atomic import write_text_atomic
from ..errors import ContributeError
from ..validate.report.issues import Issue
from .tables import PackageTables, Row

if TYPE_CHECKING:
    from .suggest.propose import Proposal

REVIEW_COLUMNS = ("proposal", "table", "decision", "why", "candidates")
TABLES = ("statements", "actors", "events", "coverage_exclusions")
SPAN = ("source_id", "start_char", "end_char", "text")
DECISIONS = ("keep", "edit", "reject")


@dataclass(frozen=True)
class ReviewRow:
    """A decided row of the review file: its row number, proposal, table, decision, cells."""

    row: int
    proposal: str
    table: str
    decision: str
    values: Row

    @property
    def kept(self) -> bool:
        return self.decision in ("keep", "edit")


def columns(tables: PackageTables) -> list[str]:
    """The review file's header: the review columns, then the tables' fields, each once."""
    out = list(REVIEW_COLUMNS)
    for table in TABLES:
        out += [f for f in tables.fields(table) if f not in out]
    return out


def write_review(out: Path, proposals: list[Proposal], tables: PackageTables) -> None:
    """Write `proposals` as a review file at `out` (atomically; `out`'s folder must exist)."""
    header = columns(tables)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for number, p in enumerate(proposals, start=1):
        row = {"proposal": f"P{number:03d}", "table": p.table, "decision": "", "why": p.why}
        row["candidates"] = " | ".join(p.candidates)
        writer.writerow({**row, **p.values})
    write_text_atomic(out, buffer.getvalue(), parents=False)


def _records(file: Path) -> list[dict[str, str]]:
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise ContributeError(f"{file}: no such review file") from None
    except IsADirectoryError:
        raise ContributeError(f"{file} is a folder, not a review file") from None
    except OSError as exc:
        raise ContributeError(f"{file}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ContributeError(f"{file} is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        records = list(reader)
    except csv.Error as exc:
        raise ContributeError(f"{file} is not a readable CSV file ({exc})") from None
    if reader.fieldnames is None:
        raise ContributeError(f"{file} is empty: a review file starts with its header")
    return records


def _header_issues(name: str, header: list[str], known: list[str]) -> list[Issue]:
    issues = [
        Issue(name, 1, column, "review-column", "the review file needs this column")
        for column in ("proposal", "table", "decision")
        if column not in header
    ]
    issues += [
        Issue(name, 1, column, "review-column", "no review table has a field of this name")
        for column in header
        if column not in known
    ]
    return issues


def _row_issues(
    name: str, number: int, record: dict[str, str], tables: PackageTables
) -> list[Issue]:
    issues = []
    table, decision = record.get("table") or "", record.get("decision") or ""
    if not record.get("proposal"):
        issues.append(Issue(name, number, "proposal", "review-proposal", "give the row an id"))
    if decision not in DECISIONS:
        message = "decide: keep, edit or reject" if not decision else "must be keep, edit or reject"
        issues.append(Issue(name, number, "decision", "review-decision", message, decision or None))
    if table not in TABLES:
        issues.append(
            Issue(
                name, number, "table", "review-table", f"must be one of: {', '.join(TABLES)}", table
            )
        )
    if issues or decision == "reject":
        return issues
    allowed = {*REVIEW_COLUMNS, *tables.fields(table), *SPAN}
    for column, cell in record.items():
        if cell and column not in allowed:
            issues.append(
                Issue(
                    name,
                    number,
                    column,
                    "review-field",
                    f"{table} has no field {column!r}; leave it empty",
                    cell,
                )
            )
    return issues


def _span_issues(
    name: str, number: int, record: dict[str, str], source_id: str, text: str
) -> list[Issue]:
    if record.get("source_id") != source_id:
        message = f"every row of a review file is from one source ({source_id})"
        return [Issue(name, number, "source_id", "review-span", message, record.get("source_id"))]
    try:
        start, end = int(record.get("start_char", "")), int(record.get("end_char", ""))
    except ValueError:
        message = "start_char and end_char must be whole numbers"
        return [Issue(name, number, "start_char", "review-span", message, record.get("start_char"))]
    if not 0 <= start < end <= len(text):
        message = f"the span {start}-{end} is not inside the source ({len(text)} characters)"
        return [Issue(name, number, "end_char", "review-span", message)]
    if record.get("text") != text[start:end]:
        message = f"text is not the source's characters {start}-{end}: {text[start:end]!r}"
        return [Issue(name, number, "text", "review-span", message, record.get("text"))]
    return []


def read_review(file: Path, tables: PackageTables) -> tuple[str, list[ReviewRow]]:
    """The source id and decided rows of the review file `file`; ContributeError (with
    every problem as an issue) if anything in it is wrong."""
    name = str(file)
    records = _records(file)
    header = list(records[0]) if records else []
    issues = _header_issues(name, header, columns(tables)) if records else []
    if not records:
        raise ContributeError(f"{file} has no rows to accept")
    if issues:
        raise ContributeError(f"{file} is not a review file; nothing was changed", issues)
    sources = sorted({r.get("source_id") or "" for r in records} - {""})
    if len(sources) != 1:
        found = ", ".join(sources) or "none"
        raise ContributeError(f"{file} must hold the rows of one source (found: {found})")
    source_id = sources[0]
    text = tables.seed_text(source_id)
    rows, seen = [], set()
    for number, record in enumerate(records, start=2):
        problems = _row_issues(name, number, record, tables)
        proposal = record.get("proposal") or ""
        if proposal and proposal in seen:
            problems.append(
                Issue(
                    name, number, "proposal", "review-proposal", "this id is used twice", proposal
                )
            )
        seen.add(proposal)
        if not problems and record.get("decision") != "reject":
            problems = _span_issues(name, number, record, source_id, text)
        issues += problems
        rows.append(
            ReviewRow(number, proposal, record.get("table") or "", record.get("decision") or "",
                      {k: v or "" for k, v in record.items() if k})
        )  # fmt: skip
    if issues:
        raise ContributeError(f"{file} was refused; nothing was changed", issues)
    return source_id, rows
