"""The key columns of every table, in DuckDB, for the rules that read across rows and tables.

Once the rules on rows have read a table (or a piece of it), the columns that the
whole-column rules declare (`rules.WHOLE`) are appended here and the table is let go of:
keys, foreign keys, references, evidence, utterances, demand links and made-at dates are
then SQL over these relations. DuckDB runs it within `MEMORY_LIMIT` and spills to a
temporary folder beyond it, so a package of any size is checked in bounded memory; the
same SQL (inner, left and anti joins, `EXISTS`, `IS NOT DISTINCT FROM`, window functions) runs on
Spark SQL where a package outgrows one machine (docs/performance.md).

Two relations per table, each with `_row`, the record's row number in the file:

- `rows(name)`: the table's non-blank data rows as `ColumnContext.table` reads them
  (only when its header is its schema's field names), a text column per kept field (null
  where empty) and, for each `date_of(field)` a rule asks for, `<field>#`: the field's
  canonical dates as DATE (null where the cell is in another form: `tables/values.py`),
  whatever type the schema gives the field, as the rules on rows read them;
- `cells(name)`: every data record as Table Schema reads it, by position, with `_blank`;
  for each kept position p, `v<p>` (its value as text: present, of canonical form, in a
  record that is not blank; else null) and, in the primary key, `p<p>` (the cell as
  written).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..._scratch import remove_scratch, scratch_folder
from ...package.sql_text import literal, quoted
from .values import CANONICAL, typed

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

    from .column_table import ColumnTable
    from .positional import Positional

_KIND = "keys"  # its temp folders: `ukraine-talks-keys-<pid>-…` (`_scratch`)
MEMORY_LIMIT = "256MB"
"""What DuckDB may hold in memory while the tables are read (beside a piece in Arrow);
beyond it, it spills to its temporary folder."""
QUERY_MEMORY_LIMIT = 512_000_000
"""Bytes DuckDB and the pieces held in Arrow (`HELD_LIMIT`) may take together once the rules
query the store (the pieces being read are let go of by then): at real-shaped 10M, joins
over the key columns ran out of 256 MB."""
HELD_LIMIT = 64 << 20
"""Bytes of the tables' kept columns the store holds in Arrow, beside the first piece of
each table, before it writes the pieces of a table that comes in more to Parquet files
(`KeyStore._append`): a mid-sized package is then queried without files."""
FETCH_ROWS = 10_000
"""Rows of a query's result brought into Python at a time."""


class ReleasedColumnError(RuntimeError):
    """A rule read a table after its rows were checked, or a column the store did not keep
    (its entry in `rules.WHOLE` does not name it): a bug of the rule, never of the package."""


_DATES = "#"  # `date_of`'s mark: what follows a field's name in it


def date_of(field: str) -> str:
    """How a whole-column rule asks (in its entry of `rules.WHOLE`) for the canonical dates
    of `field`, and the name of their column in a `rows` relation."""
    return f"{field}{_DATES}"


def value_of(field: str) -> str:
    """SQL: the column of `field`'s canonical dates in a `rows` relation (`date_of`)."""
    return quoted(date_of(field))


class KeyStore:
    """The kept columns of a validation's tables (a DuckDB database, created on first use)."""

    def __init__(self) -> None:
        self._con: duckdb.DuckDBPyConnection | None = None
        self._made: set[str] = set()
        self._views: dict[str, list[pa.Table]] = {}  # relations held in Arrow (`_append`)
        self._held = 0  # their bytes
        self._files: dict[str, int] = {}  # relations in Parquet files → the files written
        self._folder: Path | None = None  # its temp folder (`_scratch`)
        self._large = False  # some table came in pieces
        self._querying = False  # the rules query: QUERY_MEMORY_LIMIT
        self._reader: int | None = None  # the thread reading a query's rows (`query`)
        self._paths: dict[str, str] = {}
        self._lock = threading.Lock()

    def _connection(self) -> duckdb.DuckDBPyConnection:
        import duckdb

        if self._con is None:
            # DuckDB makes its folder when it first spills, and removes it when closed.
            self._con = duckdb.connect(
                ":memory:",
                config={
                    "memory_limit": MEMORY_LIMIT,
                    "temp_directory": str(self._scratch() / "spill"),
                    "threads": 1,  # two once a table comes in pieces (`_append`)
                    "preserve_insertion_order": False,
                    # Nothing to keep after the validation: no checkpoints (in-memory, they
                    # compress what was appended, seconds for nothing).
                    "checkpoint_threshold": "1TB",
                },
            )
        return self._con

    def has(self, name: str, kind: str = "rows") -> bool:
        """Whether table `name` was stored (its rules could read it)."""
        return f"{kind}:{name}" in self._made

    def path(self, name: str) -> str:
        """The path of table `name`'s file, as issues name it."""
        return self._paths[name]

    def rows(self, name: str) -> str:
        """The relation of table `name`'s data rows, by field name."""
        return quoted(f"rows:{name}")

    def cells(self, name: str) -> str:
        """The relation of table `name`'s records, by position."""
        return quoted(f"cells:{name}")

    def add_rows(self, table: ColumnTable, keep: set[str]) -> None:
        """Append the rows of `table` (a table or a piece of it), with the fields of `keep`
        (and the canonical dates it names with `date_of`)."""
        import pyarrow as pa

        columns: dict[str, Any] = {"_row": table.rows}
        for field in sorted(keep):
            if field.endswith(_DATES):  # date_of(name)
                columns[field] = typed(table, field.removesuffix(_DATES), "date")
                continue
            column = table.columns.get(field)
            if column is None:
                column = pa.nulls(table.num_rows, pa.string())
            columns[field] = column
        self._append(f"rows:{table.name}", table.path, pa.table(columns))

    def add_cells(self, table: Positional, keep: set[str]) -> None:
        """Append the records of `table` (by position), with the positions of `keep`."""
        import pyarrow as pa
        import pyarrow.compute as pc

        blank = table.blank()
        columns: dict[str, Any] = {"_row": table.rows, "_blank": blank}
        key = table.primary_key
        key = {key} if isinstance(key, str) else set(key or [])
        for position, field in enumerate(table.fields):
            if field["name"] not in keep:
                continue
            cells = table.cells[position]
            given = pc.and_(table.present(position), pc.invert(blank))
            if field.get("type") in CANONICAL:  # a value only in canonical form
                given = pc.and_(given, pc.fill_null(table.canonical(position), False))
            if field["name"] in key:
                columns[f"p{position}"] = cells
            columns[f"v{position}"] = pc.if_else(given, cells, pa.scalar(None, pa.string()))
        self._append(f"cells:{table.name}", table.path, pa.table(columns))

    def _append(self, relation: str, path: str, data: pa.Table) -> None:
        """A table's pieces are views of their Arrow columns (no copy) while the pieces
        held so far fit in `HELD_LIMIT` (a table's first piece always does: most tables
        are one piece). Beyond, the table's pieces are written to Parquet files, one
        each (plain, uncompressed: about as fast as a copy, and several times faster
        than DuckDB's INSERT), and the relation is a view of those files, which DuckDB
        reads as the rules query it; so the store holds no more than `HELD_LIMIT` and
        one piece of each table in memory."""
        import pyarrow as pa

        with self._lock:
            con = self._connection()
            self._paths[relation.split(":", 1)[1]] = path
            if relation in self._files:  # written out already
                self._write(relation, data)
                return
            held = self._views.setdefault(relation, [])
            if held:
                if not self._large:  # a large table: DuckDB's threads pay off (not on small)
                    con.execute("SET threads = 2")
                    self._large = True
                con.unregister(relation)
            self._made.add(relation)
            if held and self._held + data.nbytes > HELD_LIMIT:
                pieces = self._let_go(relation)
                self._files[relation] = 0
                for piece in (*pieces, data):
                    self._write(relation, piece)
                files = literal(str(self._file(relation, "*")))
                con.execute(
                    f"CREATE VIEW {quoted(relation)} AS SELECT * FROM read_parquet({files})"
                )
                return
            held.append(data)
            self._held += data.nbytes
            con.register(relation, held[0] if len(held) == 1 else pa.concat_tables(held))

    def _let_go(self, relation: str) -> list[pa.Table]:
        """The pieces of `relation` held in Arrow, no longer counted as held."""
        pieces = self._views.pop(relation)
        self._held -= sum(piece.nbytes for piece in pieces)
        return pieces

    def _write(self, relation: str, data: pa.Table) -> None:
        """Write one piece of `relation` to its next Parquet file."""
        import pyarrow.parquet as pq

        number = self._files[relation]
        path = self._file(relation, str(number))
        try:
            pq.write_table(
                data, path, compression="none", use_dictionary=False, write_statistics=False
            )
        except OSError as exc:  # most likely a full disk: say where, and what to do
            why = f"{exc.strerror or exc}; the validator keeps a large table's key columns here"
            raise OSError(
                exc.errno, f"{why} (free space, or set TMPDIR)", str(path.parent)
            ) from None
        self._files[relation] = number + 1

    def _scratch(self) -> Path:
        """The store's temp folder (`_scratch`): DuckDB's spill folder and the Parquet
        files (`_append`), removed at `close` (or by a later store, once this process is
        gone)."""
        if self._folder is None:
            self._folder = scratch_folder(_KIND)
        return self._folder

    def _file(self, relation: str, number: str) -> Path:
        """The Parquet file `number` of `relation` (a glob with `*`)."""
        kind, _, table = relation.partition(":")
        return self._scratch() / f"{kind}-{table.encode().hex()}-{number}.parquet"

    def drop(self, name: str) -> None:
        """Forget what was stored of table `name` (it is read again from its start)."""
        with self._lock:
            for relation in (f"rows:{name}", f"cells:{name}"):
                if relation in self._views:
                    self._connection().unregister(relation)
                    self._let_go(relation)
                elif relation in self._made:
                    self._connection().execute(f"DROP VIEW {quoted(relation)}")
                    for number in range(self._files.pop(relation, 0)):
                        self._file(relation, str(number)).unlink(missing_ok=True)
                self._made.discard(relation)

    def query(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        """The rows of `sql` over the stored relations, fetched `FETCH_ROWS` at a time (a
        rule finding an issue in every one of 10M rows never holds them all). One query at
        a time: the views of Arrow columns belong to the connection, so read (or drop)
        one query's rows before asking the next; DuckDB runs each in its own threads. A
        column that was not kept raises ReleasedColumnError: the rule's entry in
        `rules.WHOLE` does not name it."""
        if self._reader == threading.get_ident():  # the lock is this thread's: it would wait
            raise RuntimeError("a query while the rows of another are read: list them first")
        with self._lock:
            con = self._connection()
            self._reader = threading.get_ident()
            try:
                batch = self._first(con, sql, params)
                while batch:
                    yield from batch
                    batch = con.fetchmany(FETCH_ROWS)
            finally:
                self._reader = None
                if self._large:
                    con.execute("SET threads = 2")

    def _first(
        self, con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any]
    ) -> list[tuple[Any, ...]]:
        """Run `sql` and fetch its first rows. DuckDB streams a result, but the joins,
        windows and sorts of the rules' queries take in all their input before the first
        row leaves: running out of memory happens here, when nothing was given yet, and
        with two threads (their partitions need more) the query runs again on one."""
        import duckdb

        if not self._querying:
            limit = max(QUERY_MEMORY_LIMIT - self._held, QUERY_MEMORY_LIMIT // 2)
            con.execute(f"SET memory_limit = {literal(f'{limit}B')}")
            self._querying = True
        try:
            return con.execute(sql, list(params)).fetchmany(FETCH_ROWS)
        except duckdb.BinderException as exc:
            message = f"a column the SQL reads was not kept: {exc}"
            raise ReleasedColumnError(message) from None
        except duckdb.OutOfMemoryException:
            if not self._large:
                raise
        con.execute("SET threads = 1")
        return con.execute(sql, list(params)).fetchmany(FETCH_ROWS)

    def found(self, queries: Sequence[str]) -> list[bool]:
        """Whether each of `queries` gives a row, asked in one query while the store holds
        every table in memory (a valid package gives none: its rules then cost one query
        each, not one per key or table); one at a time once some table is in files."""
        if not queries:
            return []
        if self._files:  # one at a time: together, their joins would share the memory limit
            answers = [self._one(f"SELECT EXISTS ({q})")[0] for q in queries]
        else:
            answers = list(self._one("SELECT " + ", ".join(f"EXISTS ({q})" for q in queries)))
        return [bool(x) for x in answers]

    def _one(self, sql: str) -> tuple[Any, ...]:
        (row,) = self.query(sql)  # reads the result to its end: the lock is let go of
        return row

    def close(self) -> None:
        """Let go of the database (DuckDB removes its temporary folder)."""
        if self._con is not None:
            self._con.close()
            self._con = None
        self._views.clear()
        self._held = 0
        if self._folder is not None:
            remove_scratch(self._folder)
            self._folder = None
