"""Exporting the tables to other formats: `export()` picks the writer; SQLite is here.

Every format gets every bundled table, rows in primary-key order. SQLite and DuckDB
(`export_duckdb.py`) carry types, NOT NULL, primary, unique and foreign keys and the
schemas' descriptions; JSON Lines (`export_jsonl.py`) carries the rows only. Each output
file is written to a temporary file, then renamed.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .atomic_files import atomic_path
from .schemas import primary_key, table_names, table_schema

FORMATS = ("sqlite", "duckdb", "jsonl")

_SQL_TYPES = {
    "string": "TEXT",
    "integer": "INTEGER",
    "number": "REAL",
    "boolean": "INTEGER",
    "date": "TEXT",
    "list": "TEXT",
}


class ExportError(Exception):
    """The tables cannot be written in the requested format."""


def referenced_keys() -> dict[str, set[tuple[str, ...]]]:
    """table → the column sets other tables' foreign keys point at (SQL needs them unique)."""
    out: dict[str, set[tuple[str, ...]]] = {}
    for name in table_names():
        for fk in table_schema(name).get("foreignKeys", []):
            ref = fk["reference"]
            out.setdefault(ref.get("resource") or name, set()).add(tuple(ref["fields"]))
    return out


def dependency_order() -> list[str]:
    """Table names with every table after the tables its foreign keys reference."""
    names = table_names()
    needs = {
        name: {
            fk["reference"].get("resource") or name
            for fk in table_schema(name).get("foreignKeys", [])
        }
        - {name}
        for name in names
    }
    order: list[str] = []
    while len(order) < len(names):
        ready = [n for n in names if n not in order and needs[n] <= set(order)]
        if not ready:
            cycle = sorted(n for n in names if n not in order)
            raise ExportError(f"foreign keys form a cycle between tables: {', '.join(cycle)}")
        order += ready
    return order


def _comment(text: str) -> str:
    return " ".join(str(text).split())


def create_table_sql(
    name: str,
    schema: dict[str, Any],
    unique: set[tuple[str, ...]] | None = None,
    types: dict[str, str] | None = None,
    comments: bool = True,
) -> str:
    """CREATE TABLE for a Table Schema: typed columns, NOT NULL, primary/unique/foreign keys.

    With `comments`, the table's and each column's description follow as `--` comments,
    which SQLite keeps in the stored schema.
    """
    types = types or _SQL_TYPES
    items: list[tuple[str, str]] = []
    for field in schema["fields"]:
        required = field.get("constraints", {}).get("required", False)
        sql = f'"{field["name"]}" {types[field["type"]]}' + (" NOT NULL" if required else "")
        items.append((sql, _comment(field.get("description", ""))))
    key = ", ".join(f'"{k}"' for k in primary_key(schema))
    items.append((f"PRIMARY KEY ({key})", ""))
    for columns in sorted(unique or set()):
        if list(columns) != primary_key(schema):
            items.append(("UNIQUE (" + ", ".join(f'"{c}"' for c in columns) + ")", ""))
    for fk in schema.get("foreignKeys", []):
        ref = fk["reference"]
        ref_table = ref.get("resource") or name
        cols = ", ".join(f'"{c}"' for c in fk["fields"])
        ref_cols = ", ".join(f'"{c}"' for c in ref["fields"])
        items.append((f'FOREIGN KEY ({cols}) REFERENCES "{ref_table}" ({ref_cols})', ""))
    lines = []
    for index, (sql, note) in enumerate(items):
        line = "  " + sql + ("," if index < len(items) - 1 else "")
        if comments and note:
            line += f"  -- {note}"
        lines.append(line)
    head = f'CREATE TABLE "{name}" ('
    if comments and schema.get("description"):
        head += f"  -- {_comment(schema['description'])}"
    return head + "\n" + "\n".join(lines) + "\n)"


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
    from .accessor import load

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


def export(fmt: str, out: Path) -> Path:
    """Write every bundled table in format `fmt` (sqlite, duckdb: a file; jsonl: a folder)."""
    writers: dict[str, Callable[[Path], Path]]
    from .export_duckdb import export_duckdb
    from .export_jsonl import export_jsonl

    writers = {"sqlite": export_sqlite, "duckdb": export_duckdb, "jsonl": export_jsonl}
    if fmt not in writers:
        raise ExportError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    return writers[fmt](Path(out))
