"""A table a piece at a time: each piece read from the file once, scanned and parsed.

A table file is read in pieces of about `csv.plain.PIECE_BYTES` that end at the end of a
record (`csv.plain.scan_pieces`, which also hashes the file and checks each piece's plain
form); each piece is read by Arrow with the header record before it, from the same buffer,
and its records are numbered as in the whole file. The rules on rows check one piece at a
time; each piece then keeps only the columns the whole-column rules need go to the key
store (`store.py`).
"""

from __future__ import annotations

from collections.abc import Generator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, BinaryIO

from ..csv.form import MAX_EXTRA_CELLS
from ..csv.plain import FilePiece, FileScan, first_record_end, line_count, scan_pieces
from ..csv.records import ROW, NotUtf8Error, Records, UnreadableCsvError, read_piece


class PieceUnreadableError(Exception):
    """A piece Arrow cannot read as the package's CSV form (or not in plain form, or with
    an empty line where that is not a blank row): the whole file is parsed by the csv
    module instead, which reports why."""


@dataclass
class Piece:
    """One piece of a table: its records (the header first), the bytes they were read from
    and their physical lines (the header's included)."""

    records: Records
    file: FilePiece
    lines: int


def read_pieces(
    fh: BinaryIO,
    algorithm: str | None,
    scan: FileScan,
    *,
    empty_lines: bool = True,
    fields: int | None = None,
) -> Generator[Piece, None, None]:
    """The pieces of the file open in `fh`, with records numbered as in the whole file;
    `scan` learns the file's size, lines and hash by `algorithm` (`scan_pieces`). Raises
    PieceUnreadableError for a piece Arrow cannot read, one not in plain form and, unless
    `empty_lines`, one that holds an empty line, and one whose header has more than
    `MAX_EXTRA_CELLS` labels past the schema's `fields`. An empty file gives no piece, with
    `scan.plain` false.

    While the caller checks one piece, the next is read, scanned and parsed in a thread
    (Arrow and the hash let go of the GIL: the two cores work at once), so a file of n
    pieces holds at most two; an error reading the next piece is raised when it is asked
    for, as if it had been read then. A file of one piece starts no thread. Close the
    iterator before closing `fh` (the thread may be reading it)."""
    pieces = _parsed_pieces(fh, algorithm, scan, empty_lines=empty_lines, fields=fields)
    pool: ThreadPoolExecutor | None = None
    pending: Future[Piece | None] | None = None
    try:
        piece = next(pieces, None)
        while piece is not None:
            if not piece.file.last:
                pool = pool or ThreadPoolExecutor(1)
                pending = pool.submit(next, pieces, None)
            yield piece
            if pending is None:
                piece = next(pieces, None)  # the last piece: the scan's end, in this thread
            else:
                piece, pending = pending.result(), None
    finally:
        settle(pending)
        if pool is not None:
            pool.shutdown()
        pieces.close()


def first_then_rest(
    first: Future[Piece | None], rest: Generator[Piece, None, None]
) -> Generator[Piece, None, None]:
    """The pieces of `rest` (`read_pieces`) whose first was asked for in a thread (`first`):
    that piece (or its error), then the others. Closing it waits for that thread."""
    try:
        piece = first.result()
        if piece is not None:
            yield piece
            yield from rest
    finally:
        settle(first)
        rest.close()


def settle(future: Future[Any] | None) -> None:
    """Cancel `future` if it has not started, else wait for it to end (its error stays
    with it): a generator it runs must not be running when it is closed."""
    if future is not None and not future.cancel():
        future.exception()


def _parsed_pieces(
    fh: BinaryIO, algorithm: str | None, scan: FileScan, *, empty_lines: bool, fields: int | None
) -> Generator[Piece, None, None]:
    """`read_pieces`, one piece after the other, in the caller's thread."""
    import pyarrow as pa
    import pyarrow.compute as pc

    before = 0  # records in the pieces before (the header once)
    width = 0
    for piece in scan_pieces(fh, algorithm, scan):
        first = piece.start == 0
        try:
            width = _width(piece) if first else width
            if not width:
                raise PieceUnreadableError  # an empty first line: the csv module reads it
            if fields is not None and width > fields + MAX_EXTRA_CELLS:
                raise PieceUnreadableError  # a header too wide: parse_csv cuts it
            records = read_piece(
                piece.buffer(), width, quoted_newlines=piece.line_ends, utf8=piece.plain_text
            )
        except (NotUtf8Error, UnreadableCsvError, UnicodeDecodeError):
            raise PieceUnreadableError from None
        if any(len(cells) > records.width + MAX_EXTRA_CELLS for cells in records.odd.values()):
            raise PieceUnreadableError  # a record too wide: parse_csv cuts it and reports it
        if not empty_lines and _empty_line(records):
            raise PieceUnreadableError  # an empty line: the csv module reads the file
        # Without a line feed inside a quoted cell, each record is a line of its own.
        body = records.count - (0 if first else 1)
        if piece.line_ends:
            body = line_count(piece.data, piece.start, piece.end)
        scan.lines += body
        shift = 0 if first else before - 1
        if shift:
            numbers = records.table.column(ROW)
            shifted = pc.if_else(pc.equal(numbers, 1), numbers, pc.add(numbers, shift))
            table = records.table.set_column(
                records.table.schema.get_field_index(ROW), ROW, shifted.cast(pa.int64())
            )
            odd = {(n if n == 1 else n + shift): cells for n, cells in records.odd.items()}
            records = Records(table, records.width, odd)
        before += records.count - (0 if first else 1)
        yield Piece(records, piece, body + (0 if first else piece.header_lines))
    if not scan.plain:
        raise PieceUnreadableError  # not in plain form: the csv module reads the file


def _empty_line(records: Records) -> bool:
    """Whether a record may have been an empty line, which the csv module reads as no cell
    at all and Arrow as a record of empty cells: one of no cell (the csv module's records),
    or one whose every cell is empty (an empty line, or commas alone)."""
    import pyarrow.compute as pc

    if any(not cells for cells in records.odd.values()):
        return True
    empty = None
    for position in range(records.width):  # usually the first column settles it
        cells = pc.equal(records.column(position), "")
        empty = cells if empty is None else pc.and_(empty, cells)
        if not pc.any(empty).as_py():
            return False
    return empty is not None


def _width(piece: FilePiece) -> int:
    """The number of cells of the header record (the start of the file's first piece)."""
    import csv
    import io

    header = bytes(memoryview(piece.data)[: first_record_end(piece.data)])
    rows = list(csv.reader(io.StringIO(header.decode("utf-8"), newline="")))
    return len(rows[0]) if rows else 0
