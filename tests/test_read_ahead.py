"""`read_pieces` reads the next piece in a thread while the caller checks the current one:
what the caller sees must be what reading one piece after the other gave — the same pieces
in order, an error in a later piece raised only when that piece is asked for, and an
iterator closed midway leaving no read running on the file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ukraine_talks_data.validate.csv import plain
from ukraine_talks_data.validate.csv.plain import FileScan, scan_pieces
from ukraine_talks_data.validate.csv.records import ROW
from ukraine_talks_data.validate.tables.pieces import PieceUnreadableError, read_pieces

LINE = b"12,plain text\n"


def _file(tmp_path: Path, body: bytes) -> Path:
    path = tmp_path / "t.csv"
    path.write_bytes(b"id,text\n" + body)
    return path


def test_the_pieces_come_in_order_and_number_their_rows_as_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plain, "PIECE_BYTES", 64)
    path = _file(tmp_path, LINE * 40)
    scan = FileScan()
    with path.open("rb") as fh:
        pieces = list(read_pieces(fh, "sha256", scan))
    rows = [n for piece in pieces for n in piece.records.table.column(ROW).to_pylist()]
    assert len(rows) > 40  # the header of each piece besides
    assert [n for n in rows if n != 1] == list(range(2, 42))
    assert (scan.size, scan.lines) == (path.stat().st_size, 41)
    assert scan.digests["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_error_in_a_later_piece_comes_when_that_piece_is_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plain, "PIECE_BYTES", 64)
    path = _file(tmp_path, LINE * 10 + b'12,a "quote" inside\n' + LINE * 10)
    with path.open("rb") as fh:
        before = len(list(scan_pieces(fh, None, FileScan())))  # the plain pieces
    given = 0
    with path.open("rb") as fh:
        pieces = read_pieces(fh, None, FileScan())
        with pytest.raises(PieceUnreadableError):
            for _ in pieces:
                given += 1
    assert given == before > 1  # every piece before the bad one, then the error


def test_an_iterator_closed_midway_leaves_the_file_to_be_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plain, "PIECE_BYTES", 64)
    path = _file(tmp_path, LINE * 40)
    with path.open("rb") as fh:
        pieces = read_pieces(fh, None, FileScan())
        next(pieces)
        pieces.close()  # waits for the piece being read ahead
        where = fh.tell()
    assert 0 < where < path.stat().st_size


def test_a_record_longer_than_a_piece_is_read_in_growing_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 1 MiB cell with 64-byte pieces: each read at least doubles what is held, so the
    record takes a few dozen reads (linear time), not one per 64 bytes (16,384: each one
    scanning again all that was read before, quadratic)."""
    monkeypatch.setattr(plain, "PIECE_BYTES", 64)
    cell = b'"' + b"x" * 2**20 + b'"'
    path = _file(tmp_path, LINE + b"13," + cell + b"\n" + LINE)
    reads: list[int] = []
    real = plain._read_into

    def counted(fh: object, view: memoryview) -> int:
        reads.append(len(view))
        return real(fh, view)  # type: ignore[arg-type]

    monkeypatch.setattr(plain, "_read_into", counted)
    scan = FileScan()
    with path.open("rb") as fh:
        pieces = list(scan_pieces(fh, "sha256", scan))
    assert b"".join(bytes(p.data[p.start : p.end]) for p in pieces) == path.read_bytes()
    assert scan.digests["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert len(reads) < 40
