"""How Frictionless reads a CSV table resource: its encoding, sniffed dialect, header row, labels.

`open_table` settles each of these exactly as Frictionless 5 does (encoding detection on the
first 100,000 bytes, `csv.Sniffer` on the first 100 lines, the header row chosen by width
among the first 100 records) and returns the table's records. `CannotReadError` means the column
engine leaves the resource to Frictionless (file missing, not decodable, no header...).
"""

from __future__ import annotations

import codecs
import csv
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from .column_plan import TablePlan
from .csv_columns import (
    CsvDialect,
    NotUtf8Error,
    Records,
    UnreadableCsvError,
    head,
    read_records,
    read_rows,
    sample_lines,
)

BUFFER_SIZE = 100_000  # Frictionless's detector buffer
SAMPLE_SIZE = 100  # rows (and lines) Frictionless samples


class CannotReadError(Exception):
    """The column engine does not read this resource the way Frictionless does."""


@dataclass
class SourceTable:
    """A table resource as Frictionless sees it: labels from `header_row`, data after it."""

    plan: TablePlan
    file: Path
    encoding: str
    dialect: CsvDialect
    header_row: int
    labels: list[str]
    records: Records | None  # Arrow records (large packages)
    rows: list[list[str]] | None  # or every record as a list of cells (small packages)


def open_table(
    root: Path, plan: TablePlan, cache: RecordsCache, *, arrow: bool = True
) -> SourceTable:
    """Read the resource's records and settle its header; raises CannotReadError.

    With `arrow` the records are Arrow columns, otherwise lists read by the csv module.
    """
    file = root / plan.path
    if not file.is_file():
        raise CannotReadError("no such file")
    try:
        with file.open("rb") as fh:
            buffer = fh.read(BUFFER_SIZE)
    except OSError:
        raise CannotReadError("unreadable") from None
    encoding = detect_encoding(buffer, plan.encoding)
    try:
        dialect = sniff(plan, sample_lines(file, encoding, SAMPLE_SIZE))
        sample = head(file, encoding, dialect, SAMPLE_SIZE)
    except (NotUtf8Error, UnreadableCsvError) as exc:
        raise CannotReadError(str(exc)) from None
    header_row = 1 if plan.header_declared else detect_header_row(sample)
    if not sample:
        raise CannotReadError("empty")
    labels = [cell.strip() for cell in sample[header_row - 1]]
    if not labels:
        raise CannotReadError("blank header")
    if not arrow:
        try:
            rows = read_rows(file, dialect, encoding=encoding)
        except (NotUtf8Error, UnreadableCsvError) as exc:
            raise CannotReadError(str(exc)) from None
        return SourceTable(plan, file, encoding, dialect, header_row, labels, None, rows)
    records = cache.get(file, dialect, encoding, len(sample[0]))
    return SourceTable(plan, file, encoding, dialect, header_row, labels, records, None)


def detect_encoding(buffer: bytes, declared: str | None) -> str:
    """The text encoding Frictionless uses; raises CannotReadError unless it is UTF-8."""
    encoding = declared
    if encoding is None:
        import chardet

        detector = chardet.UniversalDetector()
        for line in buffer.splitlines():
            detector.feed(line)
        detector.close()
        encoding = detector.result["encoding"] or "utf-8"
        confidence = detector.result["confidence"] or 0
        if confidence < 0.5:
            detected, encoding = encoding, "utf-8"
            try:
                buffer.decode(encoding)
            except UnicodeDecodeError:
                encoding = detected
        if encoding == "ascii":
            encoding = "utf-8"
    try:
        encoding = codecs.lookup(encoding).name
    except LookupError:
        raise CannotReadError(f"encoding {encoding}") from None
    if encoding == "utf-8" and buffer.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    if encoding not in ("utf-8", "utf-8-sig"):
        raise CannotReadError(f"encoding {encoding}")
    return encoding


def sniff(plan: TablePlan, lines: list[str]) -> CsvDialect:
    """The declared dialect, with what it leaves open sniffed from the first lines."""
    if not plan.sniffed:
        return plan.dialect
    delimiters = ",\t;|" if "delimiter" in plan.sniffed else plan.dialect.delimiter
    try:
        sniffed = csv.Sniffer().sniff("".join(lines), delimiters)
    except csv.Error:
        return plan.dialect
    dialect = plan.dialect
    if "delimiter" in plan.sniffed:
        dialect = replace(dialect, delimiter=sniffed.delimiter)
    if "skipinitialspace" in plan.sniffed:
        dialect = replace(dialect, skipinitialspace=bool(sniffed.skipinitialspace))
    return dialect


def detect_header_row(sample: list[list[str]]) -> int:
    """The header row Frictionless picks: the first whose width is near the sample's mean."""
    widths = [len(cells) for cells in sample]
    if not widths:
        return 1
    width = round(sum(widths) / len(widths))
    drift = max(round(width * 0.1), 1)
    for number, cells in enumerate(sample, start=1):
        if width - drift <= len(cells) <= width + drift:
            return number
    return 1


class RecordsCache:
    """Records read once per file, dialect and decoding, shared by both views of a table."""

    def __init__(self) -> None:
        self._records: dict[tuple[Path, CsvDialect, str], Records] = {}
        self._lock = threading.Lock()  # the schema pass and the checks may run in two threads

    def get(
        self,
        file: Path,
        dialect: CsvDialect,
        encoding: str,
        width: int,
        *,
        quoted_newlines: bool = True,
    ) -> Records:
        """The file's records, read once (`quoted_newlines`: see `read_records`)."""
        if encoding == "utf-8-sig" and not _has_bom(file):
            encoding = "utf-8"
        key = (file, dialect, encoding)
        with self._lock:
            if key not in self._records:
                try:
                    records = read_records(
                        file,
                        dialect,
                        encoding=encoding,
                        width=width,
                        quoted_newlines=quoted_newlines,
                    )
                except (NotUtf8Error, UnreadableCsvError) as exc:
                    raise CannotReadError(str(exc)) from None
                self._records[key] = records
            return self._records[key]


def _has_bom(file: Path) -> bool:
    with file.open("rb") as fh:
        return fh.read(3) == codecs.BOM_UTF8
