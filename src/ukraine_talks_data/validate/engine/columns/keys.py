"""Unique values, primary keys and foreign keys, checked in SQL (DuckDB) over key columns.

Each table's key view holds, per data row, its record number `rn` and the text of each key
field's value (NULL for an empty or unreadable cell). The queries reproduce Frictionless's
rules: a duplicate names the previous row with the same value; a primary key whose cells are
all empty is an error; a foreign key whose cells are all empty is not checked, and cells
compare as values, an empty cell matching an empty cell. The same SQL runs unchanged on
DuckDB tables larger than memory, or on any engine with window functions and anti-joins.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb


def key_column(position: int) -> str:
    return f"k{position}"


def _all_null(columns: list[str], alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    return " AND ".join(f"{prefix}{c} IS NULL" for c in columns)


def duplicates(
    con: duckdb.DuckDBPyConnection, view: str, columns: list[str]
) -> Iterator[tuple[int, list[str | None], int]]:
    """(row, values, previous row) for every row whose values repeat an earlier row's.

    Rows whose values are all NULL are left out (they are never duplicates).
    """
    cols = ", ".join(columns)
    on = " AND ".join(f"p.{c} IS NOT DISTINCT FROM d.{c}" for c in columns)
    sql = f"""
        WITH p AS (SELECT rn, {cols} FROM {view} WHERE NOT ({_all_null(columns)})),
        d AS (SELECT {cols} FROM p GROUP BY ALL HAVING count(*) > 1),
        v AS (SELECT p.* FROM p SEMI JOIN d ON {on})
        SELECT rn, {cols}, lag(rn) OVER (PARTITION BY {cols} ORDER BY rn) AS prev
        FROM v QUALIFY prev IS NOT NULL ORDER BY rn
    """
    for row in con.execute(sql).fetchall():
        yield int(row[0]), list(row[1:-1]), int(row[-1])


def all_null(con: duckdb.DuckDBPyConnection, view: str, columns: list[str]) -> list[int]:
    """Rows whose key columns are all NULL."""
    sql = f"SELECT rn FROM {view} WHERE {_all_null(columns)} ORDER BY rn"
    return [int(r[0]) for r in con.execute(sql).fetchall()]


def missing_references(
    con: duckdb.DuckDBPyConnection,
    view: str,
    columns: list[str],
    target: str,
    target_columns: list[str | None],
    values: str | None = None,
) -> Iterator[tuple[int, list[str | None]]]:
    """(row, values) for rows whose values match no row of `target` (NULL matching NULL).

    A target column given as None is one the target table lacks: all its values are NULL.
    The distinct values are looked up first (`values`, SQL giving them as x0, x1…, when
    already at hand), so that only rows with a missing one are read; the target is first
    cut down to the rows that match one of them (a hash table of the smaller side).
    """
    names = [f"x{i}" for i in range(len(columns))]
    own = ", ".join(f"{c} AS {n}" for c, n in zip(columns, names, strict=True))
    theirs = ", ".join(
        f"{c if c is not None else 'NULL::VARCHAR'} AS {n}"
        for c, n in zip(target_columns, names, strict=True)
    )
    on = " AND ".join(f"v.{n} IS NOT DISTINCT FROM r.{n}" for n in names)
    values = values or f"SELECT DISTINCT {own} FROM {view} WHERE NOT ({_all_null(columns)})"
    sql = f"""
        WITH v AS ({values}),
        r AS (SELECT * FROM (SELECT {theirs} FROM {target}) r SEMI JOIN v ON {on}),
        SELECT v.* FROM v ANTI JOIN r ON {on}
    """
    missing = con.execute(sql).fetchall()
    if not missing:
        return
    import pyarrow as pa

    table = pa.table(
        {n: pa.array([row[i] for row in missing], pa.string()) for i, n in enumerate(names)}
    )
    con.register("missing_keys", table)
    on = " AND ".join(
        f"t.{c} IS NOT DISTINCT FROM m.{n}" for c, n in zip(columns, names, strict=True)
    )
    cols = ", ".join(f"t.{c}" for c in columns)
    sql = f"SELECT t.rn, {cols} FROM {view} t SEMI JOIN missing_keys m ON {on} ORDER BY t.rn"
    rows = con.execute(sql).fetchall()
    con.unregister("missing_keys")
    for row in rows:
        yield int(row[0]), list(row[1:])
