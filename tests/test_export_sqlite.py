"""The SQLite export: every table and row, with keys that make joins work."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from typer.testing import CliRunner

import ukraine_talks_data as u
from ukraine_talks_data.cli import app
from ukraine_talks_data.package.schemas import primary_key, table_schema


def test_export_has_every_table_row_and_key(tmp_path: Path) -> None:
    out = tmp_path / "talks.sqlite"
    result = CliRunner().invoke(app, ["export", str(out)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(out) as db:
        for name in u.tables():
            (count,) = db.execute(f'SELECT count(*) FROM "{name}"').fetchone()
            assert count == u.load(name).num_rows, name
            info = db.execute(f'PRAGMA table_info("{name}")').fetchall()
            pk = [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]]
            assert pk == primary_key(table_schema(name)), name
            fks = {tuple(r[3] for r in db.execute(f'PRAGMA foreign_key_list("{name}")'))}
            declared = table_schema(name).get("foreignKeys", [])
            assert len(db.execute(f'PRAGMA foreign_key_list("{name}")').fetchall()) == sum(
                len(fk["fields"]) for fk in declared
            ), (name, fks)
        (violations,) = db.execute("SELECT count(*) FROM pragma_foreign_key_check").fetchone()
        assert violations == 0
    assert not list(tmp_path.glob(".*.tmp"))


def test_export_to_unwritable_place_is_a_clean_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(app, ["export", str(blocker / "talks.sqlite")])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: cannot write {blocker / 'talks.sqlite'}:")
