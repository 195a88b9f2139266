"""The strict CSV parse of a large table, settled from its bytes and Arrow records.

`csv/form.parse_csv` reads every record with the csv module in strict mode; on a large
file that is most of a validation's time. Its result is known without it when the file is
in plain form: not empty, no byte-order mark, no CR or NUL byte, and every double quote
where a strict reader expects one (`quoting`). Such a file has no problem to report,
Python's strict and lenient readers give the same records, and `csv/records.py` reads those
records with Arrow. `ArrowParsedCsv` is then the `ParsedCsv` of the file: header and row
count from the Arrow records; the records as lists, and the physical lines of multi-line
records, only if something asks for them (read by `parse_csv` itself).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

from .form import BOM, ParsedCsv, parse_csv
from .records import any_of, counting

if TYPE_CHECKING:
    import pyarrow as pa

    from .records import Records

Bytes = bytes | bytearray
Marks = tuple["pa.Array", "pa.Array"]
"""Where the double quotes and line feeds of a text stand, in order, and which are quotes."""

_QUOTE, _COMMA, _LF = 0x22, 0x2C, 0x0A
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])  # all but tab and LF
_CHUNK = 1 << 20  # control bytes are looked for a chunk at a time (a copy that fits a cache)
_HASH_BESIDE = 1 << 20  # a piece this large is hashed in a thread beside the work on it


@dataclass(frozen=True)
class Quoting:
    """Where the double quotes of a CSV text stand (`quoting`)."""

    plain: bool  # every quote where strict mode expects one (see `quoting`)
    line_ends: bool  # some line feed inside a quoted cell (known only when plain)


def plain_form(
    data: Bytes,
    start: int = 0,
    end: int | None = None,
    *,
    first: bool = True,
    marks: Marks | None = None,
) -> Quoting:
    """`quoting` of `data[start:end]` (no copy) if it is not empty and holds no CR or NUL
    byte, nor (when `first`, the file's first piece) a byte-order mark: if `.plain`,
    `parse_csv` accepts it without a problem (UTF-8 validity aside, which Arrow's reader
    checks while reading)."""
    end = len(data) if end is None else end
    if (
        end <= start
        or (first and data.startswith(BOM, start))
        or data.find(b"\r", start, end) >= 0
        or data.find(b"\0", start, end) >= 0
    ):
        return Quoting(plain=False, line_ends=True)
    return quoting(data, start, end, marks)


def quoting(
    data: Bytes, start: int = 0, end: int | None = None, marks: Marks | None = None
) -> Quoting:
    """Whether every quote of `data` stands where strict mode expects one, and whether a
    line feed stands inside a quoted cell (Arrow must then be told that values hold line
    ends, which reads about twice as slowly).

    Counting quotes from the start of the file, odd ones open and even ones close (a
    doubled quote closes and at once reopens). So an opening quote must follow a comma, a
    line end, the file's start or the closing quote just before it, and a closing quote
    must precede a comma, a line end, the file's end or the opening quote just after it.
    A quote anywhere else (inside an unquoted cell, after a space) is not plain, though the
    csv module may accept it: such files are parsed by `parse_csv`. A line feed is inside
    a quoted cell when it stands between an opening quote and the next quote. With
    `start` and `end`, the text is `data[start:end]`, read where it lies (no copy); `marks`,
    if given, are those of `data[start:]` or more of it (`_marks`).
    """
    end = len(data) if end is None else end
    if data.find(b'"', start, end) < 0:
        return Quoting(plain=True, line_ends=False)
    import pyarrow as pa
    import pyarrow.compute as pc

    size = end - start
    buffer = pa.py_buffer(data).slice(start, size)
    octets = pa.Array.from_buffers(pa.uint8(), size, [None, buffer])
    comma, lf = (pa.scalar(b, pa.uint8()) for b in (_COMMA, _LF))  # no casts
    at, is_quote = marks or _marks(data, start, end)
    if len(at) and at[-1].as_py() >= size:  # marks of more than the text: those in it
        kept = pc.less(at, size)
        at, is_quote = pc.filter(at, kept), pc.filter(is_quote, kept)
    quotes = pc.cast(pc.filter(at, is_quote), pa.int64())
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
    inside = pc.and_(pc.invert(is_quote), _odd(is_quote))  # line feeds inside quoted cells
    return Quoting(plain=True, line_ends=bool(pc.any(inside).as_py()))


PIECE_BYTES = 1 << 24
"""About how many bytes of a table file are read, scanned and checked at a time (16 MiB:
at real-shaped 1M, 64 MiB pieces peaked at 872 MiB, 16 MiB ones at 627, in no more time)."""


@dataclass
class FileScan:
    """What the bytes of a table file told, read a piece at a time (`scan_pieces`)."""

    size: int = 0
    lines: int = 0  # physical lines (`tables/pieces.py` counts them)
    plain: bool = True  # in plain form so far (see `plain_form`)
    digests: dict[str, str] = field(default_factory=dict)  # algorithm → hex digest, at the end


@dataclass(frozen=True)
class FilePiece:
    """One piece of a table file, read once (`scan_pieces`) and found in plain form.

    `data[:end]` is the text Arrow reads: for a piece after the first, the file's header
    record (`start` bytes) and then the piece's own bytes, in one buffer, never copied.
    """

    data: bytearray
    start: int  # where the piece's own bytes begin in `data` (0 for the first piece)
    end: int  # where they end
    header_lines: int  # physical lines of the header record
    line_ends: bool  # some line feed inside a quoted cell of the piece (see `quoting`)
    plain_text: bool  # no control character but tab and line feed in the piece
    last: bool  # the file's last piece

    def buffer(self) -> pa.Buffer:
        """`data[:end]` as an Arrow buffer (no copy)."""
        import pyarrow as pa

        return pa.py_buffer(self.data).slice(0, self.end)

    def text(self) -> bytes:
        """`data[:end]` as bytes (a copy: only when the csv module must read it)."""
        return bytes(memoryview(self.data)[: self.end])


def scan_pieces(fh: BinaryIO, algorithm: str | None, scan: FileScan) -> Iterator[FilePiece]:
    """The pieces of the table file open in `fh`, each read from the file once: pieces of
    about `PIECE_BYTES`, each ending at the end of a record (a line feed after an even
    number of double quotes from the file's start, so that no piece ends inside a quoted
    cell; a record longer than `PIECE_BYTES` makes a longer piece), with the header record
    put before every piece after the first.

    `scan` learns each piece's size and, once the last piece is read, the file's hash by
    `algorithm` (hashed beside the work on the pieces). A piece not in plain form
    (`plain_form`) stops the scan with `scan.plain` false; so does an empty file.
    """
    size = PIECE_BYTES  # read when called: tests lower it
    hasher = hashlib.new(algorithm) if algorithm else None
    pool: ThreadPoolExecutor | None = None  # only for a large piece: a thread costs ~1 ms
    hashed: Future[None] | None = None
    total = os.fstat(fh.fileno()).st_size
    header, carry, offset, header_lines = b"", b"", 0, 0
    try:
        while True:
            head = len(header) + len(carry)
            # No more than the file holds (and a byte to see that it ends): a small table
            # costs no 16 MiB buffer. A record longer than `size` doubles the read each
            # time round, so that it is scanned in linear time, not once per `size` bytes.
            want = min(max(size, len(carry)), max(total - offset - len(carry), 0) + 1)
            data = bytearray(head + want)
            data[: len(header)] = header
            data[len(header) : head] = carry
            read = _read_into(fh, memoryview(data)[head:])
            if read < want:
                del data[head + read :]
            start, eof = len(header), read < want
            if len(data) == start:
                break  # nothing left
            end, marks = _record_end(data, start)
            end += 1
            if end == 0 and not eof:
                carry = bytes(memoryview(data)[start:])  # a record longer than `size`: read on
                continue
            if end == 0 or eof:
                end = len(data)
            carry = bytes(memoryview(data)[end:])
            if offset == 0:
                header = bytes(memoryview(data)[: first_record_end(data)])
                header_lines = line_count(header)
            form = plain_form(data, start, end, first=offset == 0, marks=marks)
            if not form.plain:
                scan.plain = False
                return
            body = memoryview(data)[start:end]
            if hashed is not None:
                hashed.result()  # the pieces are hashed in order
                hashed = None
            last = not carry and (eof or offset + end - start >= total)
            if hasher is not None and (len(body) < _HASH_BESIDE or last):
                hasher.update(body)
            elif hasher is not None:  # hashing lets go of the GIL: it runs beside the rules
                pool = pool or ThreadPoolExecutor(1)
                hashed = pool.submit(hasher.update, body)
            scan.size += end - start
            if last and hasher is not None and algorithm:
                scan.digests[algorithm] = hasher.hexdigest()
            yield FilePiece(
                data,
                start,
                end,
                header_lines=header_lines,
                line_ends=form.line_ends,
                plain_text=not has_control_bytes(data, start, end),
                last=last,
            )
            offset += end - start
        if hashed is not None:  # the file ended sooner than its size said
            hashed.result()
        if hasher is not None and algorithm:
            scan.digests[algorithm] = hasher.hexdigest()
    finally:
        if pool is not None:
            pool.shutdown()
    scan.plain = scan.plain and scan.size > 0


def _marks(data: Bytes, start: int, end: int) -> Marks:
    """The `Marks` of `data[start:end]` (from `start`), in one pass over it (no copy)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    size = end - start
    octets = pa.Array.from_buffers(pa.uint8(), size, [None, pa.py_buffer(data).slice(start, size)])
    quote, lf = pa.scalar(_QUOTE, pa.uint8()), pa.scalar(_LF, pa.uint8())
    at = pc.indices_nonzero(pc.or_(pc.equal(octets, quote), pc.equal(octets, lf)))
    return at, pc.equal(pc.take(octets, at), quote)


def _odd(is_quote: pa.Array) -> pa.Array:
    """Whether an odd number of quotes stand up to each mark (inside a quoted cell)."""
    import pyarrow.compute as pc

    return pc.equal(pc.bit_wise_and(pc.cumulative_sum(pc.cast(is_quote, "int64")), 1), 1)


def _record_end(data: Bytes, start: int) -> tuple[int, Marks | None]:
    """Position of the last line feed of `data[start:]` outside quotes (`data[start:]` starts
    at the start of a record, outside quotes), -1 if none; and the `Marks` of `data[start:]`
    (None when it holds no quote), which `quoting` reads again."""
    import pyarrow.compute as pc

    if data.find(b'"', start) < 0:
        return data.rfind(b"\n", start), None
    at, is_quote = marks = _marks(data, start, len(data))
    ends = pc.filter(at, pc.invert(pc.or_(is_quote, _odd(is_quote))))  # outside quotes
    return (start + ends[-1].as_py() if len(ends) else -1), marks


def first_record_end(data: Bytes) -> int:
    """Position just after the first record of `data` (its line feed outside quotes
    included); the length of `data` when it holds one record only."""
    start = 0
    while (end := data.find(b"\n", start)) >= 0:
        if data.count(b'"', 0, end) % 2 == 0:
            return end + 1
        start = end + 1
    return len(data)


def line_count(data: Bytes, start: int = 0, end: int | None = None) -> int:
    """Physical lines of `data[start:end]` (a last line without line end counts)."""
    end = len(data) if end is None else end
    return data.count(b"\n", start, end) + (end > start and data[end - 1] != _LF)


def has_control_bytes(data: Bytes, start: int = 0, end: int | None = None) -> bool:
    """Whether `data[start:end]` holds a control character other than tab and line feed (a
    cell then may)."""
    end = len(data) if end is None else end
    view = memoryview(data)
    for at in range(start, end, _CHUNK):  # in chunks: a bounded copy at a time
        chunk = view[at : min(at + _CHUNK, end)].tobytes()
        if len(chunk.translate(None, _CONTROL_BYTES)) != len(chunk):
            return True
    return False


def _read_into(fh: BinaryIO, view: memoryview) -> int:
    """Fill `view` from `fh` (fewer bytes only at the end of the file); the bytes read."""
    done = 0
    while done < len(view):
        got = fh.readinto(view[done:])  # type: ignore[attr-defined]
        if not got:
            break
        done += got
    return done


class ArrowParsedCsv(ParsedCsv):
    """The `ParsedCsv` of a file in plain form, from its Arrow records.

    `records` and `lines` are read by `parse_csv` from the bytes `read` gives the first time
    they are asked for; nothing in a validation of a valid large package asks. `lines` given
    is the file's `line_count`: when it equals the number of records, each record is on a
    line of its own (`one_line_each`), and a report's rows are its lines.
    """

    def __init__(self, read: Callable[[], bytes], records: Records, lines: int) -> None:
        self._read = read
        self._count = records.count
        header = records.table.slice(0, 1).to_pylist()  # the header is never an odd record
        self._header = [header[0][f"c{i}"] for i in range(records.width)] if header else []
        self._full: ParsedCsv | None = None
        self.problems = []
        self.complete = True
        self._multiline = lines != records.count  # some record spans several lines

    @classmethod
    def joined(
        cls, read: Callable[[], bytes], first: ArrowParsedCsv, count: int, lines: int
    ) -> ArrowParsedCsv:
        """The parse of a whole file read in pieces: `first` the first piece's parse, `count`
        the records of every piece (the header once), `lines` the file's lines."""
        parsed = cls.__new__(cls)
        parsed._read, parsed._full = read, None
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
        return self._parse().lines

    @property
    def header(self) -> list[str]:
        return list(self._header)

    @property
    def data_rows(self) -> int:
        return max(self._count - 1, 0)

    def one_line_each(self) -> bool:
        """Whether every record, the last one too, is on a line of its own (known without
        reading the records)."""
        return not self._multiline
