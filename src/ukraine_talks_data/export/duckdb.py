"""Exporting the tables to a DuckDB database: native types (DATE, VARCHAR[]), NOT NULL,
primary, unique and foreign keys, and the descriptions as table and column comments.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._atomic import atomic_path
from .._optional import require
from ..errors import ExportError
from ..package.schemas import table_schema
from ..package.sql_text import literal
from .sql import create_table_sql, dependency_order, referenced_keys

if TYPE_CHECKING:
    import pyarrow as pa


def insertion_levels(name: str, table: pa.Table, schema: dict[str, Any]) -> list[list[int]]:
    """Row indices of `table` in batches, each row after the rows its self-references need.

    DuckDB checks a foreign key against rows already inserted, even within one INSERT, so
    a table referencing itself (events.parent_event_id → events) is inserted level by
    level. Tables without self-references are one batch.
    """
    self_keys = [
        (fk["fields"], fk["reference"]["fields"])
        for fk in schema.get("foreignKeys", [])
        if (fk["reference"].get("resource") or name) == name
    ]
    rows = table.to_pylist()
    if not self_keys:
        return [list(range(len(rows)))]
    present: list[set[tuple[Any, ...]]] = [set() for _ in self_keys]
    remaining = list(range(len(rows)))
    levels: list[list[int]] = []
    while remaining:
        level = [
            i
            for i in remaining
            if all(
                any(rows[i][c] is None for c in fields)
                or tuple(rows[i][c] for c in fields) in present[k]
                for k, (fields, _) in enumerate(self_keys)
            )
        ]
        if not level:
            raise ExportError(f"{name}: rows reference each other in a cycle")
        for i in level:
            for k, (_, ref_fields) in enumerate(self_keys):
                present[k].add(tuple(rows[i][c] for c in ref_fields))
        chosen = set(level)
        remaining = [i for i in remaining if i not in chosen]
        levels.append(level)
    return levels


def export_duckdb(out: Path) -> Path:
    """Write every bundled table to a new DuckDB database at `out` (atomically replaced).

    `out`'s folder must exist. DuckDB's own failures (a full disk, a read-only folder) are
    an ExportError; nothing is left behind.
    """
    duckdb = require("duckdb", "duckdb", "export --format duckdb")

    out = Path(out)
    try:
        with atomic_path(out, parents=False) as tmp:
            con = duckdb.connect(str(tmp))
            try:
                _fill(con)
            finally:
                con.close()
    except duckdb.Error as exc:
        raise ExportError(
            f"cannot write {out}: DuckDB failed ({exc}); nothing was written"
        ) from None
    return out


def _fill(con: Any) -> None:
    """Create and fill every table, with its comments, in foreign-key order."""
    import pyarrow as pa

    from ..loading.accessor import load

    unique = referenced_keys()
    for name in dependency_order():
        schema = table_schema(name)
        con.execute(create_table_sql(name, schema, unique.get(name), "duckdb", comments=False))
        if schema.get("description"):
            con.execute(f'COMMENT ON TABLE "{name}" IS {literal(schema["description"])}')
        for field in schema["fields"]:
            if field.get("description"):
                con.execute(
                    f'COMMENT ON COLUMN "{name}"."{field["name"]}" IS '
                    f"{literal(field['description'])}"
                )
        table = load(name)
        for level in insertion_levels(name, table, schema):
            if not level:
                continue
            con.register("incoming", table.take(pa.array(level, type=pa.int64())))
            con.execute(f'INSERT INTO "{name}" SELECT * FROM incoming')
            con.unregister("incoming")
