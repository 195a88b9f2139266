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
import re
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

from ...spreadsheet_safety import CONTROLS, LEADING, LINE_SEPARATORS, TRIGGERS, UNSEEN
from .form import BOM, ParsedCsv, parse_csv

if TYPE_CHECKING:
    import pyarrow as pa

    from .records import Records

Bytes = bytes | bytearray

_LF = 0x0A
_HASH_BESIDE = 1 << 20  # a piece this large is hashed in a thread beside the work on it


def _grammar(
    quoted_line_ends: bool, unless: str = "", first_not: str = "", number: str = ""
) -> str:
    """RE2: a CSV text whose every double quote stands where strict mode expects one (an
    unquoted cell holds none; a quoted cell is closed, its quotes doubled), with line feeds
    in quoted cells or not, none of the characters `unless` anywhere and no cell starting
    with one of `first_not` (each the contents of a character class) unless the whole
    cell is a `number`."""
    lf = "" if quoted_line_ends else "\\n"
    unquoted = f'(?:[^",\\n{unless}{first_not}][^",\\n{unless}]*{number})?'
    inside = f'[^"{lf}{unless}]|""'
    quoted = f'"(?:(?:[^"{lf}{unless}{first_not}]|"")(?:{inside})*)?"'
    record = f"(?:{unquoted}|{quoted})(?:,(?:{unquoted}|{quoted}))*"
    return f"\\A(?:{record}\\n)*(?:{record})?\\z"


_QUOTED = _grammar(quoted_line_ends=True)
_ONE_LINE = _grammar(quoted_line_ends=False)
_CLEAN = _grammar(
    quoted_line_ends=False,
    # CR and the separators are line breaks in a cell; surrogates are no UTF-8 (RE2 reads them).
    unless=CONTROLS + r"\r" + LINE_SEPARATORS + UNSEEN + r"\x{D800}-\x{DFFF}",
    first_not=re.escape(LEADING + TRIGGERS),
    number=r"|-[0-9]+(?:\.[0-9]+)?",  # a negative number is no formula (`looks_like_formula`)
)
"""Most pieces, told in one pass: plain, one line a record, valid UTF-8 (read as UTF-8,
every byte is in a character of one of its classes) and nothing in any cell for the rules
on cells to find (`Form.plain_text`): a negative number is the one cell starting with a
formula's trigger it lets by."""


@dataclass(frozen=True)
class Form:
    """What a CSV text's bytes tell of it (`plain_form`, `quoting`)."""

    plain: bool  # every quote where strict mode expects one (and, of `plain_form`, more)
    line_ends: bool = True  # some line feed inside a quoted cell (known only when plain)
    plain_text: bool = False
    """Known: valid UTF-8, and no cell holds a line break, a control character (but tab)
    or an invisible one, or starts with whitespace or a formula's trigger
    (`spreadsheet_safety`); the rules on cells (`rules/cells.py`) then have nothing to
    find, and Arrow's reader need not check the UTF-8 again."""


def plain_form(data: Bytes, start: int = 0, end: int | None = None, *, first: bool = True) -> Form:
    """The `Form` of `data[start:end]` (no copy): plain if it is not empty, holds no CR or
    NUL byte, nor (when `first`, the file's first piece) a byte-order mark, and its quoting
    is plain (`quoting`). Then `parse_csv` accepts it without a problem (UTF-8 validity
    aside, which Arrow's reader checks while reading)."""
    end = len(data) if end is None else end
    if end <= start or (first and data.startswith(BOM, start)):
        return Form(plain=False)
    if _matches(data, start, end, _CLEAN, utf8=True):
        return Form(plain=True, line_ends=False, plain_text=True)
    if data.find(b"\r", start, end) >= 0 or data.find(b"\0", start, end) >= 0:
        return Form(plain=False)
    return quoting(data, start, end)


def quoting(data: Bytes, start: int = 0, end: int | None = None) -> Form:
    """Whether every quote of `data[start:end]` stands where strict mode expects one, and
    whether a line feed stands inside a quoted cell (Arrow must then be told that values
    hold line ends, which reads about twice as slowly); each an RE2 match over the bytes.

    An opening quote follows a comma, a line end or the text's start; a closing one precedes
    a comma, a line end or the text's end; inside a quoted cell, quotes are doubled. A quote
    anywhere else (inside an unquoted cell, after a space) is not plain, though the csv
    module may accept it: such files are parsed by `parse_csv`."""
    end = len(data) if end is None else end
    if data.find(b'"', start, end) < 0:
        return Form(plain=True, line_ends=False)
    if _matches(data, start, end, _ONE_LINE):  # usually: a second match is not needed
        return Form(plain=True, line_ends=False)
    return Form(plain=_matches(data, start, end, _QUOTED))


def _matches(data: Bytes, start: int, end: int, pattern: str, *, utf8: bool = False) -> bool:
    """Whether RE2 finds `pattern` in the bytes `data[start:end]`, read where they lie, in
    linear time: as UTF-8 if `utf8` (Arrow's reader refuses a text that is not), else as
    Latin-1 (any byte is a character)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    size = end - start
    offsets = pa.py_buffer(bytes(8) + size.to_bytes(8, "little"))  # one value: 0 to size
    value = pa.py_buffer(data).slice(start, size)
    kind = pa.large_string() if utf8 else pa.large_binary()
    text = pa.Array.from_buffers(kind, 1, [None, offsets, value])
    return bool(pc.match_substring_regex(text, pattern)[0].as_py())


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
            end, form = _piece_end(data, start, first=offset == 0, eof=eof)
            if end == 0:
                carry = bytes(memoryview(data)[start:])  # a record longer than `size`: read on
                continue
            carry = bytes(memoryview(data)[end:])
            if offset == 0:
                header = bytes(memoryview(data)[: first_record_end(data)])
                header_lines = line_count(header)
            form = form or plain_form(data, start, end, first=offset == 0)
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
                plain_text=form.plain_text,
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


def _piece_end(data: Bytes, start: int, *, first: bool, eof: bool) -> tuple[int, Form | None]:
    """Where the piece `data[start:]` ends (at its last record's line feed; its end at the
    end of the file; 0 when it holds no whole record), and its `Form` when known.

    The last line feed usually ends a record, and a text in plain form that ends there
    proves it: its quotes come in pairs, so that line feed stands outside any. The
    quotes are counted (`_record_end`, in the GIL) only when it is not."""
    if eof:
        return len(data), None
    end = data.rfind(b"\n", start) + 1
    if end == 0:
        return 0, None
    form = plain_form(data, start, end, first=first)
    if form.plain:
        return end, form
    found = _record_end(data, start) + 1
    return found, form if found == end else None


def _record_end(data: Bytes, start: int) -> int:
    """Position of the last line feed of `data[start:]` outside quotes (`data[start:]` starts
    at the start of a record, outside quotes), -1 if none: the last line feed after an even
    number of quotes."""
    end = data.rfind(b"\n", start)
    odd = data.count(b'"', start, max(end, start)) % 2
    while end >= 0 and odd:  # inside a quoted cell: the line feed before it, if any
        before = data.rfind(b"\n", start, end)
        odd ^= data.count(b'"', before + 1, end) % 2
        end = before
    return end


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
