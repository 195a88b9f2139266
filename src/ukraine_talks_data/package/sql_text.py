"""Text for SQL: identifiers and string literals, quoted once for every module that writes
SQL (the validator's key store, the DuckDB export)."""

from __future__ import annotations


def quoted(name: str) -> str:
    """`name` as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """`text` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
