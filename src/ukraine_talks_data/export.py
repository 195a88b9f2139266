"""Exporting the tables to other formats: SQLite with primary and foreign keys."""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from .schemas import primary_key, table_names, table_schema

_SQL_TYPES = {
    "string": "TEXT",
    "integer": "INTEGER",
    "number": "REAL",
    "boolean": "INTEGER",
    "date": "TEXT",
    "list": "TEXT",
}


def referenced_keys() -> dict[str, set[tuple[str, ...]]]:
    """table → the column sets other tables' foreign keys point at (SQLite needs them unique)."""
    out: dict[str, set[tuple[str, ...]]] = {}
    for name in table_names():
        for fk in table_schema(name).get("foreignKeys", []):
            ref = fk["reference"]
            out.setdefault(ref.get("resource") or name, set()).add(tuple(ref["fields"]))
    return out


def create_table_sql(
    name: str, schema: dict[str, Any], unique: set[tuple[str, ...]] | None = None
) -> str:
    """CREATE TABLE for a Table Schema: typed columns, NOT NULL, primary/unique/foreign keys."""
    lines = []
    for field in schema["fields"]:
        required = field.get("constraints", {}).get("required", False)
        lines.append(
            f'"{field["name"]}" {_SQL_TYPES[field["type"]]}' + (" NOT NULL" if required else "")
        )
    key = ", ".join(f'"{k}"' for k in primary_key(schema))
    lines.append(f"PRIMARY KEY ({key})")
    for columns in sorted(unique or set()):
        if list(columns) != primary_key(schema):
            lines.append("UNIQUE (" + ", ".join(f'"{c}"' for c in columns) + ")")
    for fk in schema.get("foreignKeys", []):
        ref = fk["reference"]
        ref_table = ref.get("resource") or name
        cols = ", ".join(f'"{c}"' for c in fk["fields"])
        ref_cols = ", ".join(f'"{c}"' for c in ref["fields"])
        lines.append(f'FOREIGN KEY ({cols}) REFERENCES "{ref_table}" ({ref_cols})')
    return f'CREATE TABLE "{name}" (\n  ' + ",\n  ".join(lines) + "\n)"


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def export_sqlite(out: Path) -> Path:
    """Write every bundled table to a new SQLite database at `out` (atomically replaced).

    Lists are stored as JSON arrays, dates as ISO text.
    """
    from .accessor import load

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        unique = referenced_keys()
        with sqlite3.connect(tmp) as db:
            for name in table_names():
                schema = table_schema(name)
                db.execute(create_table_sql(name, schema, unique.get(name)))
                columns = [f["name"] for f in schema["fields"]]
                marks = ", ".join("?" for _ in columns)
                rows = ([_cell(r[c]) for c in columns] for r in load(name).to_pylist())
                db.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
        db.close()
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out
