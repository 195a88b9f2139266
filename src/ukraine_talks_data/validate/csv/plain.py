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

from collections.abc import Callable
from typing import TYPE_CHECKING

from .form import BOM, ParsedCsv, parse_csv
from .records import any_of, counting

if TYPE_CHECKING:
    from .records import Records

_QUOTE, _COMMA, _LF = 0x22, 0x2C, 0x0A
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])  # all but tab and LF
_CHUNK = 1 << 24


def plain_form(data: bytes) -> bool:
    """Whether `data` is a CSV file `parse_csv` accepts without a problem, decided from its
    bytes alone except for UTF-8 validity (Arrow's reader checks that while reading)."""
    if not data or data.startswith(BOM) or b"\r" in data or b"\0" in data:
        return False
    return plain_quoting(data)


def plain_quoting(data: bytes) -> bool:
    """Whether every `"` in `data` opens a quoted cell at the start of a cell, closes it just
    before a comma, a line end or the end of the file, or is half of a doubled quote inside
    it: the only places the csv module's strict mode accepts a quote.

    Counting quotes from the start of the file, odd ones open and even ones close (a
    doubled quote closes and at once reopens). So an opening quote must follow a comma, a
    line end, the file's start or the closing quote just before it, and a closing quote
    must precede a comma, a line end, the file's end or the opening quote just after it.
    A quote anywhere else (inside an unquoted cell, after a space) is not plain, though the
    csv module may accept it: such files are parsed by `parse_csv`.
    """
    if b'"' not in data:
        return True
    import pyarrow as pa
    import pyarrow.compute as pc

    size = len(data)
    octets = pa.Array.from_buffers(pa.uint8(), size, [None, pa.py_buffer(data)])
    quote, comma, lf = (pa.scalar(b, pa.uint8()) for b in (_QUOTE, _COMMA, _LF))  # no casts
    quotes = pc.cast(pc.indices_nonzero(pc.equal(octets, quote)), pa.int64())
    if len(quotes) % 2:
        return False  # a quoted cell is never closed
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
    return bool(pc.all(opens_ok).as_py()) and bool(pc.all(closes_ok).as_py())


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
