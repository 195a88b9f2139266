"""Parsing a CSV file's bytes strictly: records, the physical line of each, and what is damaged.

The package's CSV form is UTF-8 without byte-order mark, LF line ends, comma-separated and
double-quoted as needed (RFC 4180 with LF). Everything else is reported here, located by
Frictionless row number (header = 1) and column, before any other check reads the rows.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from ..inputs.resource_rules import shown
from ..report.issues import counted

BOM = b"\xef\xbb\xbf"
MAX_EXTRA_CELLS = 100
"""Extra cells (beyond the header's width) reported one by one in a record, and extra labels
(beyond the schema's fields) in the header; the rest of a wider record is cut off here and
stated in one `extra-cell` (or `extra-label`) problem (docs/codebook.md)."""
_LINE_END = re.compile(rb"[\r\n]")
_CELL_REST = re.compile(r"[^,\r\n]*")  # a cell's text up to its end
_ESCAPED = re.compile("[\udc80-\udcff]+")  # runs of undecodable bytes, surrogate-escaped


@dataclass(frozen=True)
class CsvProblem:
    """Damage found while parsing: `row` is a Frictionless row number, `column` 0-based."""

    code: str
    message: str
    row: int | None = None
    column: int | None = None
    value: str | None = None


@dataclass
class ParsedCsv:
    """A CSV file read as records of text cells (the header first).

    `complete` is False when the records cannot be trusted (not UTF-8, a quoted field left
    open, an empty file); `records` then holds what a lenient reader would see, so that
    row counts can still be compared with the descriptor's.
    """

    records: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    problems: list[CsvProblem] = field(default_factory=list)
    complete: bool = True

    @property
    def header(self) -> list[str]:
        return self.records[0] if self.records else []

    @property
    def data_rows(self) -> int:
        """Records after the header, blank ones included (what Frictionless counts as rows)."""
        return max(len(self.records) - 1, 0)

    def record(self, row: int) -> list[str]:
        """The cells of Frictionless row `row` (the header is row 1)."""
        return self.records[row - 1]

    def line_of(self, row: int) -> int:
        """Physical line (1-based) on which Frictionless row `row` starts."""
        if 1 <= row <= len(self.lines):
            return self.lines[row - 1]
        return row


def parse_csv(data: bytes, fields: int | None = None) -> ParsedCsv:
    """Parse `data` as the package's CSV form, recording every deviation as a CsvProblem;
    `fields` is the number of fields of the table's schema, if it has one (a header more
    than `MAX_EXTRA_CELLS` labels wider is cut)."""
    parsed = ParsedCsv()
    if not data:
        parsed.complete = False
        parsed.problems.append(
            CsvProblem("empty-file", "the file is empty; it needs at least the header row")
        )
        return parsed
    skipped = len(BOM) if data.startswith(BOM) else 0  # bytes before `data`, in the file
    if skipped:
        parsed.problems.append(
            CsvProblem(
                "byte-order-mark",
                "the file starts with a byte-order mark (EF BB BF); save it as UTF-8 without BOM",
            )
        )
        data = data[len(BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        parsed.complete = False
        parsed.problems.append(_encoding_problem(data, exc, skipped))
        text = data.decode("utf-8", errors="replace")
        _line_ends(text, parsed)  # a form error of its own, reported with the bad byte
        parsed.records, parsed.lines = _read(text, strict=False)
        return parsed
    _line_ends(text, parsed)
    try:
        parsed.records, parsed.lines = _read(text, strict=True)
    except _StrictError as exc:
        parsed.complete = False
        parsed.problems.append(exc.problem)
        parsed.records, parsed.lines = _read(text, strict=False)
        return parsed
    _cut_wide_records(parsed, fields)
    return parsed


def record_starts(stream: Iterable[str], rows: Collection[int]) -> dict[int, int]:
    """The physical line (1-based) on which each of `rows` starts (Frictionless rows: the
    header is row 1), reading the text `stream` (opened with `newline=""`) as `parse_csv`
    reads it, a record at a time, up to the last of `rows`: no record is held."""
    wanted, found = set(rows), {}
    last, start = max(wanted, default=0), 1
    reader = csv.reader(stream, strict=False)
    for row, _ in enumerate(reader, start=1):
        if row in wanted:
            found[row] = start
        if row >= last:
            break
        start = reader.line_num + 1
    return found


def _cut_wide_records(parsed: ParsedCsv, fields: int | None) -> None:
    """Cut a header holding more than `MAX_EXTRA_CELLS` labels past the schema's `fields`,
    then every record holding more than that many cells past the header's width, to that
    many, with one problem stating the rest: a line of a million commas is reported in a
    bounded number of issues, and no later reader holds a million cells."""
    if parsed.records and fields is not None and len(parsed.header) > fields + MAX_EXTRA_CELLS:
        labels = "the header has {extra} labels more than the schema defines"
        _cut(parsed, 1, fields, "extra-label", labels)
    width, cells = len(parsed.header), "the row has {extra} cells more than the header"
    for row, record in enumerate(parsed.records[1:], start=2):
        if len(record) > width + MAX_EXTRA_CELLS:
            _cut(parsed, row, width, "extra-cell", cells)


def _cut(parsed: ParsedCsv, row: int, width: int, code: str, says: str) -> None:
    record, limit = parsed.records[row - 1], width + MAX_EXTRA_CELLS
    extra = len(record) - width
    message = (
        f"{says.format(extra=extra)}; the first {MAX_EXTRA_CELLS} are reported one by one, "
        f"the other {extra - MAX_EXTRA_CELLS} (columns {limit + 1} to {len(record)}) only here"
    )
    parsed.problems.append(CsvProblem(code, message, row, limit, shown(record[limit], 200)))
    del record[limit:]


class _StrictError(Exception):
    def __init__(self, problem: CsvProblem) -> None:
        self.problem = problem


def _read(text: str, *, strict: bool) -> tuple[list[list[str]], list[int]]:
    """Records and the physical line each starts on; strict raises _StrictError on bad quoting."""
    records: list[list[str]] = []
    lines: list[int] = []
    source = io.StringIO(text, newline="")
    reader = csv.reader(source, strict=strict)
    start = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise _StrictError(_quoting_problem(text, start, len(records) + 1, exc)) from None
        records.append(record)
        lines.append(start)
        start = reader.line_num + 1
    return records, lines


def _quoting_problem(text: str, line: int, row: int, exc: csv.Error) -> CsvProblem:
    """Locate a strict-mode CSV error: the row it starts on and the cell whose quote is bad."""
    rest = "".join(io.StringIO(text, newline="").readlines()[line - 1 :])
    column, start, end, kind = _scan_quotes(rest)
    tail = _CELL_REST.match(rest, end) if kind == "text-after-quote" else None
    end = tail.end() if tail else end  # shown with the text after its closing quote
    value = shown(rest[start:end], 200)
    line += line_breaks(rest[:start])  # the bad cell's first line (an earlier cell may span lines)
    if kind == "unclosed":
        swallowed = line_breaks(rest[start:])
        breaks = counted(swallowed, "line break")
        message = (
            f"a quoted cell opened on line {line} is never closed, so the rest of the file "
            f"({breaks}) would be read as one cell; close the quote or remove it"
        )
        return CsvProblem("unterminated-quote", message, row, column, value)
    if kind == "text-after-quote":
        closed = line + line_breaks(rest[start:end])
        if closed == line:
            message = (
                f"on line {line}, text follows the closing quote of a quoted cell; double the "
                'quotes inside a quoted cell ("") or quote the whole cell'
            )
            return CsvProblem("bad-quote", message, row, column, value)
        message = (
            f"a quoted cell opened on line {line} closes on line {closed} with more text after "
            "the closing quote; a quote is missing or extra (double quotes inside a quoted "
            'cell: "")'
        )
        return CsvProblem("unterminated-quote", message, row, column, value)
    return CsvProblem("csv-error", f"cannot parse line {line}: {exc}", row, column, value)


def _scan_quotes(record: str) -> tuple[int, int, int, str]:
    """Walk one CSV record: (column, cell start, cell end, what is wrong) for its bad quote.

    What is wrong: "unclosed" (the file ends inside the quoted cell), "text-after-quote"
    (the closing quote is followed by more than a comma or line end), or "" if nothing.
    """
    column, i, n, at_start = 0, 0, len(record), True
    while i < n:
        c = record[i]
        if at_start and c == '"':
            start, j = i, i + 1
            while True:
                k = record.find('"', j)
                if k < 0:
                    return column, start, n, "unclosed"
                if record.startswith('""', k):
                    j = k + 2
                    continue
                break
            i = k + 1
            if i < n and record[i] not in ",\r\n":
                return column, start, i, "text-after-quote"
            at_start = False
            continue
        if c == ",":
            column, at_start = column + 1, True
        elif c in "\r\n":
            break
        else:
            at_start = False
        i += 1
    return column, 0, min(n, 200), ""


def line_breaks(text: str) -> int:
    """The line ends in `text` as the csv module reads lines: LF, CR and CRLF, each once."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _line_ends(text: str, parsed: ParsedCsv) -> None:
    """Report CRLF or CR line ends once per file, with how many lines and the first one
    (every CR ends a line, as the csv module reads lines; CRLF is one line end)."""
    count = text.count("\r")
    if count:
        first = text.count("\n", 0, text.index("\r")) + 1
        parsed.problems.append(
            CsvProblem(
                "line-ending",
                f"{counted(count, 'line')} with a CR or CRLF end, the first on line {first}; "
                "the package uses LF (\\n) line ends",
            )
        )


def _encoding_problem(data: bytes, exc: UnicodeDecodeError, skipped: int) -> CsvProblem:
    """Locate the first undecodable byte by row and column; count the bad bytes in the file
    (`data`: the file's bytes after the first `skipped`, a byte-order mark)."""
    prefix = data[: exc.start].decode("utf-8", errors="replace")
    line = line_breaks(prefix) + 1
    records, _ = _read(prefix + "\x00", strict=False)
    row = len(records)
    column = max(len(records[-1]) - 1, 0) if records else 0
    bad = len(_ESCAPED.findall(data.decode("utf-8", errors="surrogateescape")))
    end = _LINE_END.search(data, exc.start)
    tail = data[exc.start : end.start() if end else len(data)].decode("utf-8", errors="replace")
    cell = (records[-1][-1][:-1] if records and records[-1] else "") + tail.split(",", 1)[0]
    byte = data[exc.start : exc.start + 1].hex().upper()
    message = (
        f"not UTF-8: byte {byte} on line {line} (file offset {skipped + exc.start}) cannot be "
        f"decoded ({exc.reason}); {counted(bad, 'undecodable byte run')} in the file; save it "
        "as UTF-8"
    )
    return CsvProblem("encoding-error", message, row, column, shown(cell, 200))
