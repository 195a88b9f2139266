"""The whole-column rules are SQL over the key store (`validate/tables/store.py`), written so
that the same text runs where a package outgrows one machine (docs/performance.md, "Past
one machine"): every query a validation sends is parsed (sqlglot, DuckDB's dialect) and may
use only inner, left and anti joins, `EXISTS` subqueries, and functions that Spark SQL has too
(its reference, "JOIN": `[ INNER ] | LEFT [ OUTER ] | [ LEFT ] ANTI`, among others)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from ukraine_talks_data.validate import validate_package
from ukraine_talks_data.validate.tables import store as store_module
from ukraine_talks_data.validate.tables.column_table import ColumnTable
from ukraine_talks_data.validate.tables.store import KeyStore

SPARK_FUNCTIONS = frozenset(
    {
        "AND", "OR", "CASE", "IF", "EXISTS", "COALESCE", "GREATEST", "CONCAT_WS", "COUNT",
        "LAG", "LEAD", "FIRST_VALUE", "ROW_NUMBER", "LAST_DAY", "YEAR", "DAY", "MIN", "LEAST",
        "DATE_FROM_PARTS",  # sqlglot's name for make_date (Spark SQL 3.0 and later)
        "ARG_MIN",  # DuckDB's min_by; sqlglot writes Spark's MIN_BY (3.0 and later)
        "STRUCT",  # DuckDB's struct_pack; sqlglot writes Spark's STRUCT(x AS name, ...)
    }
)  # fmt: skip
"""Functions of DuckDB that Spark SQL's built-in functions have under the same name and
meaning (sqlglot's names)."""


def functions_and_joins(sql: str) -> tuple[set[str], set[tuple[str, str]]]:
    """The functions (sqlglot's names; `anonymous:` + name for one sqlglot does not know)
    and the joins (side, kind or method: `ASOF`, `POSITIONAL`) of `sql`."""
    import sqlglot
    from sqlglot import expressions as exp

    tree = sqlglot.parse_one(sql, read="duckdb")
    functions = {
        f"anonymous:{f.name}" if isinstance(f, exp.Anonymous) else f.sql_name()
        for f in tree.find_all(exp.Func)
    }
    joins = {(j.side, j.kind or j.args.get("method") or "") for j in tree.find_all(exp.Join)}
    return functions, joins


def test_every_query_of_the_whole_column_rules_keeps_to_what_spark_sql_has(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[str] = []
    query = KeyStore.query

    def spy(self: KeyStore, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        sent.append(sql)
        return query(self, sql, params)

    def every(self: KeyStore, queries: Sequence[str]) -> list[bool]:
        sent.extend(f"SELECT EXISTS ({q})" for q in queries)
        return [True] * len(queries)  # so that every rule sends its queries for rows too

    monkeypatch.setattr(KeyStore, "query", spy)
    monkeypatch.setattr(KeyStore, "found", every)
    assert validate_package(package).valid
    used: set[str] = set()
    for sql in sent:
        functions, joins = functions_and_joins(sql)
        assert functions <= SPARK_FUNCTIONS, f"not in Spark SQL: {functions - SPARK_FUNCTIONS}"
        allowed = {("", ""), ("LEFT", ""), ("", "ANTI")}
        assert joins <= allowed, f"only inner, left and anti joins: {joins} in {sql}"
        used |= functions
    assert {
        "EXISTS",
        "LAG",
        "LEAD",
        "ROW_NUMBER",
        "DATE_FROM_PARTS",
        "ARG_MIN",
        "STRUCT",
    } <= used  # all ran


@pytest.mark.parametrize(
    ("sql", "found"),
    [
        ("SELECT regexp_full_match(a, 'x') FROM t", "REGEXP_FULL_MATCH"),
        ("SELECT list_contains(a, 1) FROM t", "ARRAY_CONTAINS"),
        ("SELECT a FROM t QUALIFY row_number() OVER (ORDER BY a) = 1", "ROW_NUMBER"),
        ("SELECT t.a FROM t ASOF JOIN u ON t.a >= u.a", ("", "ASOF")),
        ("SELECT t.a FROM t ANTI JOIN u ON t.a = u.a", ("", "ANTI")),
        ("SELECT t.a FROM t POSITIONAL JOIN u", ("", "POSITIONAL")),
    ],
)
def test_what_the_check_reads_of_a_query(sql: str, found: str | tuple[str, str]) -> None:
    functions, joins = functions_and_joins(sql)
    assert found in (joins if isinstance(found, tuple) else functions)


@pytest.mark.parametrize(
    ("held", "written"),
    [(0, {"a": 2, "b": 2}), (2, {"b": 2}), (100, {})],
    ids=["none held", "a held, b written", "all held"],
)
def test_a_tables_pieces_read_the_same_held_or_written(
    held: int, written: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key store holds a table's pieces in Arrow while they fit in `HELD_LIMIT` (a
    table's first piece whatever its size) and writes the table's pieces to Parquet files
    once the next does not fit; queried, each relation is the same. `held`: the limit in
    pieces, all of the same size."""
    monkeypatch.setattr(store_module, "HELD_LIMIT", held * _piece_bytes())
    store = KeyStore()
    try:
        for name in ("a", "b"):
            for start in (0, 10):
                store.add_rows(_piece(name, start), {"id"})
        assert {k.removeprefix("rows:"): n for k, n in store._files.items()} == written
        for name in ("a", "b"):
            sql = (
                f"SELECT count(*), count(DISTINCT id), min(_row), max(_row) FROM {store.rows(name)}"
            )
            assert list(store.query(sql)) == [(20, 20, 0, 19)]
    finally:
        store.close()


def test_a_dropped_table_no_longer_counts_as_held(monkeypatch: pytest.MonkeyPatch) -> None:
    """A table read again from its start (`drop`) lets go of its pieces: read again, they
    fit in `HELD_LIMIT` as they did the first time, and only the new rows are there."""
    monkeypatch.setattr(store_module, "HELD_LIMIT", 2 * _piece_bytes())
    store = KeyStore()
    try:
        for _ in range(2):  # read, dropped, read again
            store.drop("a")
            for start in (0, 10):
                store.add_rows(_piece("a", start), {"id"})
        assert store._files == {}
        sql = f"SELECT count(*), max(_row) FROM {store.rows('a')}"
        assert list(store.query(sql)) == [(20, 19)]
    finally:
        store.close()


def _piece(name: str, start: int) -> ColumnTable:
    """Ten rows of table `name` from row `start`, with an `id` column (k00, k01, ...)."""
    import pyarrow as pa

    rows = list(range(start, start + 10))
    ids = pa.chunked_array([[f"k{n:02}" for n in rows]], pa.string())
    return ColumnTable(
        name, f"data/{name}.csv", ["id"], pa.chunked_array([rows], pa.int64()), {"id": ids}
    )


def _piece_bytes() -> int:
    """What the key store counts as held for one `_piece` (its row numbers and ids)."""
    import pyarrow as pa

    piece = _piece("a", 0)
    return int(pa.table({"_row": piece.rows, "id": piece.columns["id"]}).nbytes)
