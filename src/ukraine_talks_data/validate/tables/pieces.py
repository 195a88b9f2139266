"""A large table a piece at a time: its records read piece by piece, and its pieces joined.

A table file in plain form larger than `csv.plain.PIECE_BYTES` is read in pieces that end
at the end of a record (`csv.plain.record_pieces`); each piece is read by Arrow with the
header record put before it, and its records are numbered as in the whole file. The rules
on rows check one piece at a time; each piece then keeps only the columns the whole-column
rules need go to the key store (`store.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from ..csv.form import MAX_EXTRA_CELLS
from ..csv.plain import FileScan, first_record_end, line_count
from ..csv.records import ROW, NotUtf8Error, Records, UnreadableCsvError, read_piece


class PieceUnreadableError(Exception):
    """A piece Arrow cannot read as the package's CSV form: the whole file is parsed by the
    csv module instead, which reports why."""


@dataclass
class Piece:
    """One piece of a table: its records (the header first) and its text's physical lines."""

    records: Records
    lines: int
    data: bytes


def read_pieces(fh: BinaryIO, scan: FileScan) -> Iterator[Piece]:
    """The pieces of the file open in `fh`, as `scan` found them, with records numbered as in
    the whole file. Raises PieceUnreadableError."""
    import pyarrow as pa
    import pyarrow.compute as pc

    header = b""
    before = 0  # records in the pieces before (the header once)
    for offset, size in scan.pieces:
        fh.seek(offset)
        body = fh.read(size)
        if not header:
            header = body[: first_record_end(body)]
        data = body if offset == 0 else header + body
        try:
            width = _width(header)
            if not width:
                raise PieceUnreadableError  # an empty first line: the csv module reads it
            records = read_piece(data, width, quoted_newlines=scan.quoted_line_ends)
        except (NotUtf8Error, UnreadableCsvError, UnicodeDecodeError):
            raise PieceUnreadableError from None
        if any(len(cells) > records.width + MAX_EXTRA_CELLS for cells in records.odd.values()):
            raise PieceUnreadableError  # a record too wide: parse_csv cuts it and reports it
        shift = 0 if offset == 0 else before - 1
        if shift:
            numbers = records.table.column(ROW)
            shifted = pc.if_else(pc.equal(numbers, 1), numbers, pc.add(numbers, shift))
            table = records.table.set_column(
                records.table.schema.get_field_index(ROW), ROW, shifted.cast(pa.int64())
            )
            odd = {(n if n == 1 else n + shift): cells for n, cells in records.odd.items()}
            records = Records(table, records.width, odd)
        before += records.count - (0 if offset == 0 else 1)
        yield Piece(records, line_count(data), data)


def _width(header: bytes) -> int:
    """The number of cells of the header record."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(header.decode("utf-8"), newline="")))
    return len(rows[0]) if rows else 0
