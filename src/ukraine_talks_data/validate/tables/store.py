"""The key columns of every table, in DuckDB, for the rules that read across rows and tables.

Once the rules on rows have read a table (or a piece of it), the columns that the
whole-column rules declare (`rules.WHOLE`) are appended here and the table is let go of:
keys, foreign keys, references, evidence, utterances, demand links and made-at dates are
then SQL over these relations. DuckDB runs it within `MEMORY_LIMIT` and spills to a
temporary folder beyond it, so a package of any size is checked in bounded memory; the
same SQL (standard joins, `NOT EXISTS`, `IS NOT DISTINCT FROM`, window functions) runs on
Spark SQL where a package outgrows one machine (docs/performance.md).

Two relations per table, each with `_row`, the record's row number in the file:

- `rows(name)`: the table's non-blank data rows as `ColumnContext.table` reads them
  (only when its header is its schema's field names), a text column per kept field (null
  where empty) and, for a date or integer field, `<field>#`: its canonical value as DATE
  or BIGINT (null where the cell is in another form: `tables/values.py`);
- `cells(name)`: every data record as Table Schema reads it, by position, with `_blank`;
  for each kept position p, `v<p>` (its value as text: present, of canonical form, in a
  record that is not blank; else null) and, in the primary key, `p<p>` (the cell as
  written).
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .values import CANONICAL, TYPED, canonical, typed

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

    from .column_table import ColumnTable
    from .positional import Positional

MEMORY_LIMIT = "256MB"
"""What DuckDB may hold in memory; beyond it, it spills to its temporary folder."""


class ReleasedColumnError(RuntimeError):
    """A rule read a table after its rows were checked, or a column the store did not keep
    (its entry in `rules.WHOLE` does not name it): a bug of the rule, never of the package."""


def quoted(name: str) -> str:
    """`name` as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def value_of(field: str) -> str:
    """The column holding the canonical value of date or integer `field` in a `rows`
    relation."""
    return quoted(f"{field}#")


class KeyStore:
    """The kept columns of a validation's tables (a DuckDB database, created on first use)."""

    def __init__(self) -> None:
        self._con: duckdb.DuckDBPyConnection | None = None
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._made: set[str] = set()
        self._paths: dict[str, str] = {}
        self._lock = threading.Lock()

    def _connection(self) -> duckdb.DuckDBPyConnection:
        import duckdb

        if self._con is None:
            self._folder = tempfile.TemporaryDirectory(
                prefix="ukraine-talks-keys-", ignore_cleanup_errors=True
            )
            self._con = duckdb.connect(
                ":memory:",
                config={
                    "memory_limit": MEMORY_LIMIT,
                    "temp_directory": self._folder.name,
                    "threads": 2,
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

    def add_rows(self, table: ColumnTable, keep: set[str], types: dict[str, str]) -> None:
        """Append the rows of `table` (a table or a piece of it), with the fields of `keep`."""
        import pyarrow as pa

        columns: dict[str, Any] = {"_row": table.rows}
        for field in sorted(keep):
            column = table.columns.get(field)
            if column is None:
                column = pa.nulls(table.num_rows, pa.string())
            columns[field] = column
            kind = types.get(field)
            if kind in TYPED:
                columns[f"{field}#"] = typed(table, field, kind)
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
            value = pc.if_else(
                pc.and_(table.present(position), pc.invert(blank)),
                cells,
                pa.scalar(None, pa.string()),
            )
            kind = field.get("type")
            if field["name"] in key:
                columns[f"p{position}"] = cells
            columns[f"v{position}"] = (
                _canonical_text(value, kind) if isinstance(kind, str) and kind in CANONICAL
                else value
            )  # fmt: skip
        self._append(f"cells:{table.name}", table.path, pa.table(columns))

    def _append(self, relation: str, path: str, data: pa.Table) -> None:
        with self._lock:
            con = self._connection()
            con.register("piece", data)
            try:
                if relation in self._made:
                    con.execute(f"INSERT INTO {quoted(relation)} SELECT * FROM piece")
                else:
                    con.execute(f"CREATE TABLE {quoted(relation)} AS SELECT * FROM piece")
                    self._made.add(relation)
            finally:
                con.unregister("piece")
            self._paths[relation.split(":", 1)[1]] = path

    def drop(self, name: str) -> None:
        """Forget what was stored of table `name` (it is read again from its start)."""
        with self._lock:
            for relation in (f"rows:{name}", f"cells:{name}"):
                if relation in self._made:
                    self._connection().execute(f"DROP TABLE {quoted(relation)}")
                    self._made.discard(relation)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """The rows of `sql` over the stored relations (a cursor of its own: threads may ask
        at once). A column that was not kept raises ReleasedColumnError: the rule's entry in
        `rules.WHOLE` does not name it."""
        import duckdb

        cursor = self._connection().cursor()
        try:
            return cursor.execute(sql, list(params)).fetchall()
        except duckdb.BinderException as exc:
            raise ReleasedColumnError(f"a column the SQL reads was not kept: {exc}") from None
        finally:
            cursor.close()

    def count(self, name: str) -> int:
        """The data rows stored of table `name`."""
        if not self.has(name):
            return 0
        return int(self.query(f"SELECT count(*) FROM {self.rows(name)}")[0][0])

    def close(self) -> None:
        """Let go of the database and its temporary folder."""
        if self._con is not None:
            self._con.close()
            self._con = None
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None


def _canonical_text(column: pa.Array | pa.ChunkedArray, kind: str) -> pa.Array:
    """The cells of `column` in the canonical form of `kind`; null elsewhere."""
    import pyarrow as pa
    import pyarrow.compute as pc

    given = pc.fill_null(canonical(column, kind), False)
    return pc.if_else(given, column, pa.scalar(None, pa.string()))
