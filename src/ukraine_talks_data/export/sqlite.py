"""Exporting the tables to SQLite: typed columns, NOT NULL, primary, unique and foreign keys
(`sql`), lists as JSON arrays, dates as ISO text, descriptions as `--` comments kept in the
stored CREATE TABLE statements.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from .._atomic import atomic_path
from ..package.schemas import table_schema
from .sql import create_table_sql, dependency_order, referenced_keys


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def export_sqlite(out: Path) -> Path:
    """Write every bundled table to a new SQLite database at `out` (atomically replaced).

    Lists are stored as JSON arrays, dates as ISO text; descriptions are comments in each
    table's stored CREATE TABLE statement.
    """
    from ..loading.accessor import load

    out = Path(out)
    unique = referenced_keys()
    with atomic_path(out) as tmp:
        db = sqlite3.connect(tmp)
        try:
            with db:
                for name in dependency_order():
                    schema = table_schema(name)
                    db.execute(create_table_sql(name, schema, unique.get(name)))
                    columns = [f["name"] for f in schema["fields"]]
                    marks = ", ".join("?" for _ in columns)
                    rows = ([_cell(r[c]) for c in columns] for r in load(name).to_pylist())
                    db.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
        finally:
            db.close()
    return out
