"""The strict CSV parse of a large table, settled from its bytes and Arrow records.

`csv/form.parse_csv` reads every record with the csv module in strict mode; on a large
file that is most of a validation's time. Its result is known without it when the file is
in plain form: not empty, no byte-order mark, no CR or NUL byte, and every double quote
where a strict reader expects one (`plain_quoting`). Such a file has no problem to report,
Python's strict and lenient readers give the same records, and `csv/records.py` reads those
records with Arrow. `ArrowParsedCsv` is then the `ParsedCsv` of the file: header and row
count from the Arrow records; the records as lists, and the physical lines of multi-line
records, only if something asks for them (read by `parse_csv` itself).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

from .form import BOM, ParsedCsv, parse_csv
from .records import any_of, counting

if TYPE_CHECKING:
    from .records import Records

_QUOTE, _COMMA, _LF = 0x22, 0x2C, 0x0A
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])  # all but tab and LF
_CHUNK = 1 << 24
_HASH_BESIDE = 1 << 20  # a piece this large is hashed in a thread beside its scans


def plain_form(data: bytes, *, start: bool = True) -> bool:
    """Whether `data` is a CSV file `parse_csv` accepts without a problem, decided from its
    bytes alone except for UTF-8 validity (Arrow's reader checks that while reading); with
    `start` false, `data` is a later piece of such a file (`record_pieces`), which may
    begin with the bytes of a byte-order mark."""
    return _form(data, start).plain


def plain_quoting(data: bytes) -> bool:
    """Whether every `"` in `data` opens a quoted cell at the start of a cell, closes it just
    before a comma, a line end or the end of the file, or is half of a doubled quote inside
    it: the only places the csv module's strict mode accepts a quote (see `quoting`)."""
    return quoting(data).plain


@dataclass(frozen=True)
class Quoting:
    """Where the double quotes of a CSV text stand (`quoting`)."""

    plain: bool  # every quote where strict mode expects one (see `plain_quoting`)
    line_ends: bool  # some line feed inside a quoted cell (known only when plain)


def _form(data: bytes, start: bool) -> Quoting:
    if not data or (start and data.startswith(BOM)) or b"\r" in data or b"\0" in data:
        return Quoting(plain=False, line_ends=True)
    return quoting(data)


def quoting(data: bytes) -> Quoting:
    """Whether every quote of `data` stands where strict mode expects one, and whether a
    line feed stands inside a quoted cell (Arrow must then be told that values hold line
    ends, which reads about twice as slowly).

    Counting quotes from the start of the file, odd ones open and even ones close (a
    doubled quote closes and at once reopens). So an opening quote must follow a comma, a
    line end, the file's start or the closing quote just before it, and a closing quote
    must precede a comma, a line end, the file's end or the opening quote just after it.
    A quote anywhere else (inside an unquoted cell, after a space) is not plain, though the
    csv module may accept it: such files are parsed by `parse_csv`. A line feed is inside
    a quoted cell when it stands between an opening quote and the next quote.
    """
    if b'"' not in data:
        return Quoting(plain=True, line_ends=False)
    import pyarrow as pa
    import pyarrow.compute as pc

    size = len(data)
    buffer = pa.py_buffer(data)
    octets = pa.Array.from_buffers(pa.uint8(), size, [None, buffer])
    quote, comma, lf = (pa.scalar(b, pa.uint8()) for b in (_QUOTE, _COMMA, _LF))  # no casts
    quotes = pc.cast(pc.indices_nonzero(pc.equal(octets, quote)), pa.int64())
    if len(quotes) % 2:
        return Quoting(plain=False, line_ends=True)  # a quoted cell is never closed
    pairs = len(quotes) // 2
    even = pc.multiply(pc.subtract(counting(pairs), 1), 2)
    opens = pc.take(quotes, even)
    closes = pc.take(quotes, pc.add(even, 1))
    before = pc.take(octets, pc.max_element_wise(pc.subtract(opens, 1), 0))
    after = pc.take(octets, pc.min_element_wise(pc.add(closes, 1), size - 1))
    previous_close = pa.concat_arrays([pa.array([-2], pa.int64()), closes.slice(0, pairs - 1)])
    next_open = pa.concat_arrays([opens.slice(1), pa.array([size + 2], pa.int64())])
    opens_ok = any_of(
        [
            pc.equal(opens, 0),
            pc.equal(before, comma),
            pc.equal(before, lf),
            pc.equal(opens, pc.add(previous_close, 1)),
        ]
    )
    closes_ok = any_of(
        [
            pc.equal(closes, size - 1),
            pc.equal(after, comma),
            pc.equal(after, lf),
            pc.equal(pc.add(closes, 1), next_open),
        ]
    )
    if not (pc.all(opens_ok).as_py() and pc.all(closes_ok).as_py()):
        return Quoting(plain=False, line_ends=True)
    # The text between one quote and the next, as binary values over `data` (no copy):
    # value k runs from quote k - 1 to quote k, so odd values are inside quoted cells.
    bounds = pa.concat_arrays([pa.array([0], pa.int64()), quotes, pa.array([size], pa.int64())])
    stretches = pa.Array.from_buffers(
        pa.large_binary(), len(bounds) - 1, [None, bounds.buffers()[1], buffer]
    )
    with_lf = pc.indices_nonzero(pc.match_substring(stretches, "\n"))
    inside = pc.equal(pc.bit_wise_and(with_lf, pa.scalar(1, with_lf.type)), 1)
    return Quoting(plain=True, line_ends=bool(pc.any(inside).as_py()))


PIECE_BYTES = 1 << 24
"""About how many bytes of a table file are read, scanned and checked at a time (16 MiB:
at real-shaped 1M, 64 MiB pieces peaked at 872 MiB, 16 MiB ones at 627, in no more time)."""


def record_pieces(fh: BinaryIO, size: int | None = None) -> Iterator[tuple[int, bytes]]:
    """(offset, bytes) of the file in pieces of about `size` bytes (default `PIECE_BYTES`),
    each ending at the end of a record: a line feed after an even number of double quotes
    from the file's start, so that no piece ends inside a quoted cell (a record longer than
    `size` makes a longer piece). The last piece holds the rest."""
    size = size or PIECE_BYTES
    carry, offset = b"", 0
    while block := fh.read(size):
        data = carry + block
        end = _record_end(data)
        if end < 0:
            carry = data
            continue
        yield offset, data[: end + 1]
        offset += end + 1
        carry = data[end + 1 :]
    if carry:
        yield offset, carry


def _record_end(data: bytes) -> int:
    """Position of the last line feed of `data` outside quotes (`data` starts at the start of
    a record, outside quotes); -1 if none."""
    end = data.rfind(b"\n")
    quotes = data.count(b'"', 0, end) if end >= 0 else 0
    while end >= 0 and quotes % 2:
        previous = data.rfind(b"\n", 0, end)
        quotes -= data.count(b'"', previous + 1, end) if previous >= 0 else quotes
        end = previous
    return end


@dataclass
class FileScan:
    """What the bytes of a table file tell, read a piece at a time (`scan_file`)."""

    size: int = 0
    lines: int = 0
    plain: bool = True  # in plain form (see `plain_form`)
    plain_text: bool = True  # ... and no control character but tab and line feed
    quoted_line_ends: bool = False  # some line feed inside a quoted cell (see `quoting`)
    blank_lines: bool = False  # may hold an empty line
    digests: dict[str, str] = field(default_factory=dict)  # algorithm → hex digest
    pieces: list[tuple[int, int]] = field(default_factory=list)  # (offset, size) of each piece


def first_record_end(data: bytes) -> int:
    """Position just after the first record of `data` (its line feed outside quotes
    included); the length of `data` when it holds one record only."""
    start = 0
    while (end := data.find(b"\n", start)) >= 0:
        if data.count(b'"', 0, end) % 2 == 0:
            return end + 1
        start = end + 1
    return len(data)


def scan_file(fh: BinaryIO, algorithm: str | None, size: int | None = None) -> FileScan:
    """Scan a table file, open in `fh`, a piece at a time: its size, lines, hash by `algorithm`,
    plain form and pieces. A file is in plain form when each piece is (`plain_form`): each
    starts at the start of a record, so the quotes' places read alike in the piece and in
    the whole file."""
    scan = FileScan()
    hasher = hashlib.new(algorithm) if algorithm else None
    pool: ThreadPoolExecutor | None = None  # only for a large piece: a thread costs ~1 ms
    hashed: Future[None] | None = None
    try:
        for offset, piece in record_pieces(fh, size):
            if hashed is not None:
                hashed.result()  # the pieces are hashed in order
            if hasher is not None and len(piece) < _HASH_BESIDE:
                hasher.update(piece)
            elif hasher is not None:  # hashing lets go of the GIL: it runs beside the scans
                pool = pool or ThreadPoolExecutor(1)
                hashed = pool.submit(hasher.update, piece)
            scan.pieces.append((offset, len(piece)))
            scan.size += len(piece)
            scan.lines += line_count(piece)  # every piece but the last ends with a line feed
            form = _form(piece, start=offset == 0)
            scan.plain = scan.plain and form.plain
            scan.quoted_line_ends = scan.quoted_line_ends or form.line_ends
            scan.plain_text = scan.plain_text and not has_control_bytes(piece)
            scan.blank_lines = scan.blank_lines or piece.startswith(b"\n") or b"\n\n" in piece
        if hashed is not None:
            hashed.result()
    finally:
        if pool is not None:
            pool.shutdown()
    scan.plain = scan.plain and scan.size > 0
    scan.plain_text = scan.plain_text and scan.plain
    if hasher is not None and algorithm:
        scan.digests[algorithm] = hasher.hexdigest()
    return scan


def line_count(data: bytes) -> int:
    """Physical lines of `data` (a last line without line end counts)."""
    return data.count(b"\n") + (bool(data) and not data.endswith(b"\n"))


def has_control_bytes(data: bytes) -> bool:
    """Whether `data` holds a control character other than tab and line feed (a cell then may)."""
    for start in range(0, len(data), _CHUNK):  # in chunks: a bounded copy at a time
        chunk = data[start : start + _CHUNK]
        if len(chunk.translate(None, _CONTROL_BYTES)) != len(chunk):
            return True
    return False


class ArrowParsedCsv(ParsedCsv):
    """The `ParsedCsv` of a file in plain form, from its Arrow records.

    `records` and, for a file with multi-line records, `lines` are read by `parse_csv` from
    the bytes `read` gives the first time they are asked for; nothing in a validation of a
    valid large package asks. `lines` is the file's `line_count`: when it equals the number
    of records, each record is on a line of its own.
    """

    def __init__(self, read: Callable[[], bytes], records: Records, lines: int) -> None:
        self._read = read
        self._arrow: Records | None = records
        self._count = records.count
        self._header = self._cells(records, 1) if records.count else []
        self._full: ParsedCsv | None = None
        self.problems = []
        self.complete = True
        self._multiline = lines != records.count  # some record spans several lines

    def release(self) -> None:
        """Let go of the Arrow records (a record asked for later is read by `parse_csv`)."""
        self._arrow = None

    @classmethod
    def joined(
        cls, read: Callable[[], bytes], first: ArrowParsedCsv, count: int, lines: int
    ) -> ArrowParsedCsv:
        """The parse of a whole file read in pieces: `first` the first piece's parse, `count`
        the records of every piece (the header once), `lines` the file's lines."""
        parsed = cls.__new__(cls)
        parsed._read, parsed._arrow, parsed._full = read, None, None
        parsed._count, parsed._header = count, first.header
        parsed.problems, parsed.complete = [], True
        parsed._multiline = lines != count
        return parsed

    def _parse(self) -> ParsedCsv:
        if self._full is None:
            self._full = parse_csv(self._read())
        return self._full

    @property
    def records(self) -> list[list[str]]:  # type: ignore[override]
        return self._parse().records

    @property
    def lines(self) -> list[int]:  # type: ignore[override]
        if not self._multiline:
            return list(range(1, self._count + 1))
        return self._parse().lines

    @property
    def header(self) -> list[str]:
        return list(self._header)

    @property
    def data_rows(self) -> int:
        return max(self._count - 1, 0)

    def record(self, row: int) -> list[str]:
        if self._arrow is None:
            return list(self._parse().records[row - 1])
        return self._cells(self._arrow, row)

    @staticmethod
    def _cells(records: Records, row: int) -> list[str]:
        odd = records.odd.get(row)
        if odd is not None:
            return list(odd)
        cells = records.table.slice(row - 1, 1).to_pylist()[0]
        return [cells[f"c{i}"] for i in range(records.width)]

    def multiline(self) -> bool:
        return self._multiline and self._parse().multiline()

    def one_line_each(self) -> bool:
        """Whether every record, the last one too, is on a line of its own (known without
        reading the records; `multiline` ignores a last record that spans lines)."""
        return not self._multiline
