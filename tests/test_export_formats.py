"""`ukraine-talks export --format sqlite|duckdb|jsonl`: every table, keys, comments, joins."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from typer.testing import CliRunner

import ukraine_talks_data as u
from ukraine_talks_data.cli import app
from ukraine_talks_data.export import ExportError
from ukraine_talks_data.export.duckdb import insertion_levels
from ukraine_talks_data.export.sql import dependency_order
from ukraine_talks_data.package.schemas import primary_key, table_schema

runner = CliRunner()


def export(fmt: str, out: Path) -> None:
    result = runner.invoke(app, ["export", "--format", fmt, str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out}\n"


def foreign_key_count(name: str) -> int:
    return len(table_schema(name).get("foreignKeys", []))


def test_sqlite_has_descriptions_as_comments(tmp_path: Path) -> None:
    out = tmp_path / "talks.sqlite"
    export("sqlite", out)
    with sqlite3.connect(out) as db:
        for name in u.tables():
            (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", [name]).fetchone()
            schema = table_schema(name)
            assert f"-- {' '.join(schema['description'].split())}" in sql.splitlines()[0]
            for field in schema["fields"]:
                line = next(
                    x for x in sql.splitlines() if x.strip().startswith(f'"{field["name"]}"')
                )
                assert line.endswith(f"-- {' '.join(field['description'].split())}"), line


def test_sqlite_joins_follow_foreign_keys(tmp_path: Path) -> None:
    out = tmp_path / "talks.sqlite"
    export("sqlite", out)
    statements = u.load("statements").to_pylist()
    with sqlite3.connect(out) as db:
        joined = db.execute(
            "SELECT s.statement_id, a.name FROM statements s "
            "JOIN actors a ON a.actor_id = s.speaker_id ORDER BY s.statement_id"
        ).fetchall()
    names = {a["actor_id"]: a["name"] for a in u.load("actors").to_pylist()}
    assert joined == [(s["statement_id"], names[s["speaker_id"]]) for s in statements]


def test_duckdb_has_every_row_key_and_comment(tmp_path: Path) -> None:
    out = tmp_path / "talks.duckdb"
    export("duckdb", out)
    with duckdb.connect(str(out), read_only=True) as con:
        for name in u.tables():
            schema = table_schema(name)
            (count,) = con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0]
            assert count == u.load(name).num_rows, name
            constraints = con.execute(
                "SELECT constraint_type, constraint_column_names FROM duckdb_constraints() "
                "WHERE table_name = ?",
                [name],
            ).fetchall()
            assert ("PRIMARY KEY", primary_key(schema)) in constraints, name
            assert [c for c, _ in constraints].count("FOREIGN KEY") == foreign_key_count(name)
            comments = dict(
                con.execute(
                    "SELECT column_name, comment FROM duckdb_columns() WHERE table_name = ?",
                    [name],
                ).fetchall()
            )
            assert comments == {f["name"]: f["description"] for f in schema["fields"]}
            (table_comment,) = con.execute(
                "SELECT comment FROM duckdb_tables() WHERE table_name = ?", [name]
            ).fetchall()[0]
            assert table_comment == schema["description"]
        for name in u.tables():
            key = ", ".join(f'"{k}"' for k in primary_key(table_schema(name)))
            rows = con.execute(f'SELECT * FROM "{name}" ORDER BY {key}').fetchall()
            assert rows == [tuple(r.values()) for r in u.load(name).to_pylist()], name


def test_duckdb_enforces_foreign_keys(tmp_path: Path) -> None:
    out = tmp_path / "talks.duckdb"
    export("duckdb", out)
    with duckdb.connect(str(out)) as con, pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO event_participants (event_id, actor_id) VALUES ('E999', 'nobody')")


def test_jsonl_has_every_row_in_schema_order(tmp_path: Path) -> None:
    out = tmp_path / "jsonl"
    export("jsonl", out)
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.jsonl" for t in u.tables())
    for name in u.tables():
        lines = (out / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        expected = [
            {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}
            for row in u.load(name).to_pylist()
        ]
        rows = [json.loads(line) for line in lines]
        assert rows == expected, name
        assert all(list(r) == [f["name"] for f in table_schema(name)["fields"]] for r in rows)


def test_default_format_is_sqlite(tmp_path: Path) -> None:
    out = tmp_path / "talks.db"
    assert runner.invoke(app, ["export", str(out)]).exit_code == 0
    assert out.read_bytes().startswith(b"SQLite format 3\x00")


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--format", "xlsx", str(tmp_path / "t")])
    assert result.exit_code == 2
    assert "'xlsx' is not one of" in result.output


def test_missing_duckdb_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "duckdb", None)
    result = runner.invoke(app, ["export", "--format", "duckdb", str(tmp_path / "t.duckdb")])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: export --format duckdb needs duckdb, which is not installed; install the "
        "'duckdb' extra: pip install 'ukraine-talks-data[duckdb]'\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_tables_come_after_the_tables_they_reference() -> None:
    order = dependency_order()
    assert sorted(order) == sorted(u.tables())
    for name in order:
        for fk in table_schema(name).get("foreignKeys", []):
            target = fk["reference"].get("resource") or name
            assert order.index(target) <= order.index(name), (name, target)


SELF_REFERENCING = {
    "fields": [{"name": "id"}, {"name": "parent"}],
    "foreignKeys": [{"fields": ["parent"], "reference": {"resource": "", "fields": ["id"]}}],
}


def test_self_references_are_inserted_parents_first() -> None:
    table = pa.table({"id": ["c", "b", "a", "d"], "parent": ["b", "a", None, None]})
    assert insertion_levels("t", table, SELF_REFERENCING) == [[2, 3], [1], [0]]


def test_self_reference_cycle_is_an_error() -> None:
    table = pa.table({"id": ["a", "b"], "parent": ["b", "a"]})
    with pytest.raises(ExportError, match="t: rows reference each other in a cycle"):
        insertion_levels("t", table, SELF_REFERENCING)
