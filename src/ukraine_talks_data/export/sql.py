"""The SQL both databases share: CREATE TABLE from a Table Schema, and the order to fill tables.

Column types come from the type registry (`package.types`: `sqlite` or `duckdb`); NOT
NULL, primary keys, foreign keys, and UNIQUE on every column set a foreign key references
(SQL requires it) come from the schemas.
"""

from __future__ import annotations

from typing import Any, Literal

from ..errors import ExportError
from ..package.schemas import primary_key, table_names, table_schema
from ..package.types import type_forms

Dialect = Literal["sqlite", "duckdb"]


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
    dialect: Dialect = "sqlite",
    comments: bool = True,
) -> str:
    """CREATE TABLE for a Table Schema: typed columns, NOT NULL, primary/unique/foreign keys.

    Column types are the `dialect`'s (`package.types`). With `comments`, the table's and
    each column's description follow as `--` comments, which SQLite keeps in the stored
    schema.
    """
    items: list[tuple[str, str]] = []
    for field in schema["fields"]:
        required = field.get("constraints", {}).get("required", False)
        column_type = getattr(type_forms(field), dialect)
        sql = f'"{field["name"]}" {column_type}' + (" NOT NULL" if required else "")
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
