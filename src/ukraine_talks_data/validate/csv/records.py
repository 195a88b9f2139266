"""A CSV text's records as Arrow string columns, exactly as Python's csv module reads them.

The package's one CSV dialect (RFC 4180: comma, double quote, doubled quotes; declared and
enforced by `inputs/resource_rules.py`) is one that Arrow's multi-threaded reader shares with
the csv module; a property test checks that the two agree on any text in plain form (the only
texts read here: `csv/plain.py`). Records whose number of cells differs from the first
record's are re-read and parsed by the csv module, and anything Arrow cannot read falls back
to the csv module for the whole text. Record numbers count from 1 (the first record, usually
the header), as Frictionless counts rows.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

ROW = "rn"  # name of the record-number column
BLOCK_SIZE = 1 << 22  # bytes per parsed chunk: fewer chunks than Arrow's 1 MiB, same memory


class NotUtf8Error(Exception):
    """The file is not text in the expected encoding."""


class UnreadableCsvError(Exception):
    """Python's csv module cannot parse the file (the reference reader fails too)."""


@dataclass
class Records:
    """Every record of a CSV file.

    `table` has one string column per cell position of the first record (`c0`, `c1`, …) and
    the record number (`rn`); a record with fewer cells has nulls, one with more is cut.
    Such records are also kept whole in `odd` (record number → cells). Rows are in file
    order.
    """

    table: pa.Table
    width: int
    odd: dict[int, list[str]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return int(self.table.num_rows)

    def column(self, position: int) -> pa.ChunkedArray:
        return self.table.column(f"c{position}")


def read_piece(
    data: bytes | pa.Buffer, width: int, *, quoted_newlines: bool = True, utf8: bool = False
) -> Records:
    """The records of `data`, a piece of a file in plain form that starts with its header
    record (see `plain.scan_pieces`; an Arrow buffer is read where it lies); `width` is the
    header's number of cells. Pass `quoted_newlines=False` only for a text known to have no
    line end inside a quoted cell (`plain.quoting` tells): Arrow then parses faster; and
    `utf8` only for a text known to be valid UTF-8 (`plain.Form.plain_text`): Arrow then
    does not check it again. Raises NotUtf8Error."""
    try:
        return _read_arrow(data, width, quoted_newlines, utf8)
    except _ArrowDisagreesError:
        return _read_python(data if isinstance(data, bytes) else data.to_pybytes(), width)


class _OddRecordError(Exception):
    """The threaded read stopped: a record has another number of cells than the first, or
    Arrow cannot read the text (the read on one thread tells which)."""


class _ArrowDisagreesError(Exception):
    """Arrow could not read the file the way the csv module does."""


def _read_arrow(data: bytes | pa.Buffer, width: int, quoted_newlines: bool, utf8: bool) -> Records:
    import pyarrow as pa
    import pyarrow.compute as pc

    names = [f"c{i}" for i in range(width)]
    invalid: list[tuple[int | None, str]] = []
    try:
        table = _arrow_parse(
            data, names, invalid, threads=True, newlines=quoted_newlines, checked=utf8
        )
        return Records(table.append_column(ROW, counting(table.num_rows)), width)
    except _OddRecordError:
        pass
    # Odd-width records: read again on one thread, which numbers them, then parse each
    # with the csv module. Arrow decodes each odd record's text for the handler and, when
    # that fails, prints a traceback it does not raise: so the text must be UTF-8 first.
    try:
        str(memoryview(data), "utf-8")
    except UnicodeDecodeError as exc:
        raise NotUtf8Error(str(exc)) from None
    table = _arrow_parse(data, names, invalid, threads=False, newlines=quoted_newlines)
    if any(number is None for number, _ in invalid):
        raise _ArrowDisagreesError
    total = table.num_rows + len(invalid)
    odd: dict[int, list[str]] = {}
    for number, text in invalid:  # no record of a text in plain form ends in an open quote
        parsed = list(csv.reader(io.StringIO(text, newline="")))
        if len(parsed) > 1:
            raise _ArrowDisagreesError
        odd[int(number or 0)] = parsed[0] if parsed else []
    everyone = counting(total)
    numbers = pc.filter(everyone, pc.invert(pc.is_in(everyone, pa.array(list(odd), pa.int64()))))
    main = table.append_column(ROW, numbers)
    extra = _table_of(list(odd.values()), pa.array(list(odd), pa.int64()), width)
    return Records(pa.concat_tables([main, extra]).sort_by(ROW), width, odd)


def any_of(masks: list[Any]) -> Any:
    """The element-wise OR of one or more boolean arrays."""
    import pyarrow.compute as pc

    return functools.reduce(pc.or_, masks)


def counting(n: int) -> pa.Array:
    """1, 2, …, n as an int64 array."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if hasattr(pa, "arange"):  # recent pyarrow
        return pa.arange(1, n + 1)
    return pc.cumulative_sum(pa.repeat(pa.scalar(1, pa.int64()), n))


def _arrow_parse(
    data: bytes | pa.Buffer,
    names: list[str],
    invalid: list[tuple[int | None, str]],
    *,
    threads: bool,
    newlines: bool = True,
    checked: bool = False,
) -> pa.Table:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    def on_invalid(row: Any) -> str:
        invalid.append((row.number, row.text))
        return "skip"

    try:
        return pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(
                autogenerate_column_names=True, use_threads=threads, block_size=BLOCK_SIZE
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=",",
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=newlines,
                ignore_empty_lines=False,
                # With threads the records are unnumbered: any error, an odd record's
                # included, stops the read (no handler, which would see text not yet
                # known to be UTF-8), and `_read_arrow` reads again on one thread.
                invalid_row_handler=None if threads else on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(len(names))},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=not checked,  # UTF-8 already checked: told by `checked`
            ),
        ).rename_columns(names)
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "UTF-8" in str(exc):
            raise NotUtf8Error(str(exc)) from None
        raise _OddRecordError if threads else _ArrowDisagreesError from None


def _read_python(data: bytes, width: int) -> Records:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotUtf8Error(str(exc)) from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise UnreadableCsvError(str(exc)) from None
    del text
    return records_of(rows, width)


def records_of(rows: list[list[str]], width: int) -> Records:
    """`Records` of rows read by the csv module (the first record numbered 1)."""

    odd = {n: r for n, r in enumerate(rows, start=1) if len(r) != width}
    return Records(_table_of(rows, counting(len(rows)), width), width, odd)


def _table_of(rows: list[list[str]], numbers: pa.Array, width: int) -> pa.Table:
    """A records table holding `rows` (their cells cut or padded to `width`) numbered `numbers`."""
    import pyarrow as pa

    columns = [
        pa.array([r[i] if i < len(r) else None for r in rows], pa.string()) for i in range(width)
    ]
    names = [f"c{i}" for i in range(width)] + [ROW]
    return pa.Table.from_arrays([*columns, numbers], names=names)
