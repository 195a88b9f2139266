"""The package's tables as Arrow columns, for column checks.

`ColumnContext.table` gives a table's non-blank data rows as columns, one per field of
its schema, empty cells null, when its file parsed completely and its header is exactly
the schema's field names (otherwise None, as `Context.table` does): from Arrow's records,
read a piece at a time (`pieces.py`), when the file is in plain form (`csv/plain.py`),
else from the csv module's records, so that a table read in any form is checked by the
same rules.
"""

from __future__ import annotations

import threading
from collections.abc import Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

from ...package.relations import SPAN_FIELDS
from ..csv.plain import ArrowParsedCsv, FileScan
from ..csv.records import records_of
from ..inputs.descriptor import Resource
from ..inputs.files import PackageFileError, open_package_file
from ..inputs.resource_rules import declared_algorithm
from ..inputs.schema_rules import field_names
from .column_table import ColumnTable, from_records
from .context import Context
from .pieces import Piece, PieceUnreadableError, first_then_rest, read_pieces, settle
from .positional import Layout, Positional, positional
from .seed_slices import SeedBytes, SeedsTooLargeError
from .store import KeyStore, ReleasedColumnError

if TYPE_CHECKING:
    from ..csv.records import Records


_Ahead = tuple[BinaryIO, FileScan, "Future[Piece | None]", Generator[Piece, None, None]]
"""A table whose first piece is read ahead: its file, scan, that read and its pieces."""


@dataclass
class ColumnContext:
    """The row-wise `Context` of a validation, and its tables as columns.

    With `arrow`, tables in plain form are read by Arrow, a piece at a time, and `rows` is
    told their parse (`Context.use_parsed`), so that no check reads them with the csv
    module. The fields the whole-column rules read go to `store`.
    """

    rows: Context
    arrow: bool = True
    _tables: dict[str, ColumnTable | None] = field(default_factory=dict)
    _records: dict[str, Records] = field(default_factory=dict)
    _plain_text: set[str] = field(default_factory=set)
    _positional: dict[str, Positional | None] = field(default_factory=dict)
    _focus: str | None = None
    _start: dict[str, int] = field(default_factory=dict)  # table read in pieces → rows before
    _last: dict[str, bool] = field(default_factory=dict)  # ... and whether this is its last
    store: KeyStore = field(default_factory=KeyStore)
    _stored: dict[str, int] = field(default_factory=dict)  # table in `store` → its data rows
    _layouts: dict[str, Layout] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)
    _seed_bytes: tuple[tuple[tuple[str, str], ...], SeedBytes | SeedsTooLargeError] | None = None
    _ahead: dict[str, _Ahead] = field(default_factory=dict)
    _reader: ThreadPoolExecutor | None = None  # reads the first piece of `_ahead`

    @contextmanager
    def only(self, name: str) -> Iterator[None]:
        """Within: `table` and `positional` give table `name` alone (None for the others),
        so that rules on rows check that table's rows and no other's."""
        self._focus = name
        try:
            yield
        finally:
            self._focus = None

    def pieces(
        self,
        name: str,
        keep: set[str],
        cells: set[str],
        *,
        whole: bool = False,
        then: str | None = None,
    ) -> Iterator[None]:
        """Steps over table `name` for the rules on rows: within each, `table` and
        `positional` give one piece of it alone (see `only`; a table read whole is one
        piece); after each, the fields of `keep` go to `store` (and those of `cells` by
        position, see `store.KeyStore`) and the piece is let go of,
        and the table is then read from `store` only. With `arrow`, each piece is read from
        the file once and parsed by Arrow (`read_pieces`); a file whose first piece Arrow
        cannot read as it is is parsed by the csv module whole, and a later piece it
        cannot read raises PieceUnreadableError (the caller starts again with `whole`: the
        csv module's parse of the whole file). Once the last piece is read, the first piece
        of table `then` (the next one asked for) is read in a thread (`read_ahead`)."""
        if whole:  # read again from the start, by the csv module
            self._forget(name)
            self.store.drop(name)
            self._start.pop(name, None)
            self._last.pop(name, None)
        elif self.arrow:
            stored = yield from self._in_pieces(name, keep, cells, then)
            if stored is not None:
                self._stored[name] = stored
                return
            self._forget(name)  # read by the csv module
        with self.only(name):
            yield
        self._stored[name] = self._keep(name, keep, cells)

    def _in_pieces(
        self, name: str, keep: set[str], cells: set[str], then: str | None
    ) -> Generator[None, None, int | None]:
        """The pieces of table `name`, each read from its file once (see `pieces`); returns
        the data rows stored, or None, before any piece is checked, when the file is to be
        parsed by the csv module (it cannot be opened, or its first piece is not one Arrow
        reads as it is)."""
        if self.rows.descriptor.resource(name) is None:
            return None
        first: ArrowParsedCsv | None = None
        self._start[name], records = 0, 1
        try:
            if name in self._ahead:
                fh, scan, started, rest = self._ahead.pop(name)
                pieces: Generator[Piece, None, None] = first_then_rest(started, rest)
            else:
                fh, scan, pieces = self._open(name)
        except PackageFileError:
            self.rows.data(name)  # records why (refused before anything is read)
            return None
        except OSError:
            return None  # read by the csv module's parse, which reports why
        with fh, closing(pieces):  # the iterator first: it may be reading `fh`
            while True:
                try:
                    piece = next(pieces, None)
                except (PieceUnreadableError, OSError):
                    if first is not None:
                        raise PieceUnreadableError from None
                    self._start.pop(name, None)
                    return None
                if piece is None:
                    break
                self._last[name] = piece.file.last
                if piece.file.last:
                    self.rows.remember(name, scan.size, scan.digests)
                    if then is not None:
                        self.read_ahead(then)
                self._forget(name)
                self._records[name] = piece.records
                parsed = ArrowParsedCsv(piece.file.text, piece.records, piece.lines)
                first = first or parsed
                self.rows.use_parsed(name, parsed)
                if piece.file.plain_text and parsed.one_line_each():
                    self._plain_text.add(name)
                del piece
                with self.only(name):
                    yield
                # Counted from the piece's records, not its positional table, which a
                # table whose schema was refused does not have: the descriptor's `rows`
                # is still checked against the file.
                records += parsed.data_rows
                self._start[name] += self._keep(name, keep, cells)
        self.rows.remember(name, scan.size, scan.digests)
        stored = self._start.pop(name, 0)
        self._last.pop(name, None)
        if first is not None:
            self._forget(name)  # the Context forgets the last piece's parse (and seeds)
            joined = ArrowParsedCsv.joined(lambda: self._bytes(name), first, records, scan.lines)
            self.rows.use_parsed(name, joined)
        return stored

    def _open(self, name: str) -> tuple[BinaryIO, FileScan, Generator[Piece, None, None]]:
        """Table `name`'s file, open, and the reader of its pieces (`read_pieces`). Raises
        PackageFileError (a file the package may not name) or OSError."""
        resource = self.rows.descriptor.resource(name)
        assert resource is not None
        fh = open_package_file(self.rows.descriptor.root, resource.path)
        schema, scan = self.rows.schema(name), FileScan()
        pieces = read_pieces(
            fh,
            declared_algorithm(resource.raw),
            scan,
            empty_lines=self._empty_is_missing(name),
            fields=len(field_names(schema)) if schema is not None else None,
        )
        return fh, scan, pieces

    def read_ahead(self, name: str) -> None:
        """Start reading the first piece of table `name` in a thread, while the rules check
        the table before it: most tables are one piece, and without this each would be
        read only once the last one's rules are done. Its next pieces are read as usual,
        each while the one before is checked, so at most three pieces are held at the
        turn from one table to the next. `stop_reading_ahead` lets go of it if unused."""
        if not self.arrow or name in self._ahead or self.rows.descriptor.resource(name) is None:
            return
        try:
            fh, scan, pieces = self._open(name)
        except (PackageFileError, OSError):  # reported when the table is asked for
            return
        self._reader = self._reader or ThreadPoolExecutor(1)
        self._ahead[name] = (fh, scan, self._reader.submit(next, pieces, None), pieces)

    def stop_reading_ahead(self) -> None:
        """Let go of the pieces read ahead and not asked for (a validation cut short)."""
        while self._ahead:
            fh, _, started, pieces = self._ahead.popitem()[1]
            settle(started)
            with fh:
                pieces.close()
        if self._reader is not None:
            self._reader.shutdown()
            self._reader = None

    def _keep(self, name: str, keep: set[str], cells: set[str]) -> int:
        """Put the fields of `keep` (and of `cells`, by position) of table `name` (or of the
        piece read) into `store`, then
        let go of what was read of it: the rules on whole columns read only those. The data
        rows stored."""
        with self._lock:
            table, position = self._table_of(name), self._positional_of(name)
            if table is not None:
                self.store.add_rows(table, keep)
            if position is not None:
                self.store.add_cells(position, cells)
                self._layouts.setdefault(name, position.layout())
            for held in (self._records, self._tables, self._positional):
                held.pop(name, None)
            return table.num_rows if table is not None else 0

    def _forget(self, name: str) -> None:
        """Forget what was read of table `name` (its next use reads it again)."""
        self._records.pop(name, None)
        self._tables.pop(name, None)
        self._positional.pop(name, None)
        self._plain_text.discard(name)
        self.rows.forget_parsed(name)

    def _empty_is_missing(self, name: str) -> bool:
        """Whether an empty cell is a missing value in every field of table `name` (then a
        record of empty cells is blank, as an empty line is)."""
        schema = self.rows.schema(name) or {}
        missing = schema.get("missingValues", [""])
        fields = schema.get("fields") or []
        # A label past the fields gets the schema's missing values.
        return "" in missing and all("" in (f.get("missingValues", missing) or []) for f in fields)

    def _bytes(self, name: str) -> bytes:
        data = self.rows.data(name)
        if not isinstance(data, bytes):  # the file went away since it was read
            raise OSError(f"cannot read the file of {name} again")
        return data

    def table(self, name: str) -> ColumnTable | None:
        """The named table as columns, or None where `Context.table` gives None (and for
        every table but one within `only`)."""
        if self._focus is not None and name != self._focus:
            return None
        self._not_stored(name)
        with self._lock:
            return self._table_of(name)

    def _not_stored(self, name: str) -> None:
        if name in self._stored:
            raise ReleasedColumnError(f"{name}: its rows were checked; read it from `store`")

    def layout(self, name: str) -> Layout | None:
        """How table `name`'s labels pair with its fields (once its records are stored)."""
        return self._layouts.get(name)

    def checked(self) -> dict[str, int]:
        """Table name → the data rows the rules read (the tables they could read)."""
        return {n: c for n, c in self._stored.items() if self.store.has(n)}

    def _table_of(self, name: str) -> ColumnTable | None:
        if name not in self._tables:
            self._tables[name] = self._table(name)
        return self._tables[name]

    def positional(self, name: str) -> Positional | None:
        """Table `name` as Table Schema reads it, by position; None unless its file parsed
        completely and its schema is known (and for every table but one within `only`)."""
        if self._focus is not None and name != self._focus:
            return None
        self._not_stored(name)
        with self._lock:
            return self._positional_of(name)

    def _positional_of(self, name: str) -> Positional | None:
        if name not in self._positional:
            self._positional[name] = self._read_positional(name)
        return self._positional[name]

    def _read_positional(self, name: str) -> Positional | None:
        resource = self.rows.descriptor.resource(name)
        parsed, schema = self.rows.parsed(name), self.rows.schema(name)
        if resource is None or parsed is None or not parsed.complete or schema is None:
            return None
        records = self._records.get(name)
        if records is None:
            records = records_of(parsed.records, len(parsed.header))
        return positional(name, resource.path, records, schema)

    def tables(self) -> list[Resource]:
        """The package's tables; within `only`, the one table."""
        if self._focus is not None:
            resource = self.rows.descriptor.resource(self._focus)
            return [resource] if resource is not None else []
        return list(self.rows.descriptor.tables())

    def seed_bytes(self, seeds: dict[str, str]) -> SeedBytes:
        """`SeedBytes` of `seeds` (source id → text), built once while the seeds stay the
        same: the span rule asks for every piece of every span table. Raises
        SeedsTooLargeError (each time asked, found once)."""
        key = tuple(seeds.items())
        with self._lock:
            if self._seed_bytes is None or self._seed_bytes[0] != key:
                try:
                    built: SeedBytes | SeedsTooLargeError = SeedBytes(seeds)
                except SeedsTooLargeError as exc:
                    built = exc
                self._seed_bytes = (key, built)
            found = self._seed_bytes[1]
        if isinstance(found, SeedsTooLargeError):
            raise found
        return found

    def span_tables(self) -> list[ColumnTable]:
        """Every table whose rows carry an evidence span (source_id, start_char, end_char, text)."""
        out = []
        for resource in self.tables():
            names = set(field_names(self.rows.schema(resource.name) or {}))
            if all(n in names for n in SPAN_FIELDS):
                table = self.table(resource.name)
                if table is not None:
                    out.append(table)
        return out

    def _table(self, name: str) -> ColumnTable | None:
        resource = self.rows.descriptor.resource(name)
        parsed, schema = self.rows.parsed(name), self.rows.schema(name)
        if resource is None or parsed is None or not parsed.complete or schema is None:
            return None
        if parsed.header != field_names(schema):
            return None
        records = self._records.get(name)
        if records is None:  # read by the csv module
            records = records_of(parsed.records, len(parsed.header))
            return from_records(name, resource.path, parsed.header, records)
        table = from_records(name, resource.path, parsed.header, records)
        table.plain_text = name in self._plain_text
        if name in self._start:
            table.pieced, table.start = True, self._start[name]
            table.total = table.start + table.num_rows if self._last[name] else None
        return table
