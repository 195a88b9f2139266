"""Exporting the tables to SQLite with sqlite-utils: typed columns, NOT NULL, primary,
unique and foreign keys and the descriptions as `--` comments (the CREATE TABLE of `sql`),
lists as JSON arrays and dates as ISO text (sqlite-utils' `insert_all`).

The CREATE TABLE statements stay ours: sqlite-utils' `create()` has no way to write
comments, and SQLite keeps a table's documentation only as comments in the statement it
stores; `sql.create_table_sql()` writes DuckDB's tables too.
"""

from __future__ import annotations

from pathlib import Path

from .._atomic import atomic_path
from ..errors import ExportError
from ..package.schemas import table_schema
from .sql import create_table_sql, dependency_order, referenced_keys


def export_sqlite(out: Path) -> Path:
    """Write every bundled table to a new SQLite database at `out` (atomically replaced).

    Lists are stored as JSON arrays, dates as ISO text; descriptions are comments in each
    table's stored CREATE TABLE statement. `out`'s folder must exist. SQLite's own failures
    (a full disk, a read-only folder) are an ExportError; nothing is left behind.
    """
    import sqlite3

    import sqlite_utils

    from ..loading.accessor import load

    out = Path(out)
    unique = referenced_keys()
    try:
        with atomic_path(out, parents=False) as tmp:
            db = sqlite_utils.Database(tmp)
            try:
                for name in dependency_order():
                    db.execute(create_table_sql(name, table_schema(name), unique.get(name)))
                    # sqlite-utils stores a list as its JSON array (ensure_ascii=False) and a
                    # date as its isoformat(), which is how this export has always written them.
                    db.table(name).insert_all(load(name).to_pylist())
            finally:
                db.close()
    except sqlite3.Error as exc:
        raise ExportError(
            f"cannot write {out}: SQLite failed ({exc}); nothing was written"
        ) from None
    return out
