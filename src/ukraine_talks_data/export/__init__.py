"""Writing every bundled table in another format: SQLite, DuckDB or JSON Lines.

`export()` here picks the writer: `sqlite` and `duckdb` (databases with types, NOT NULL,
primary, unique and foreign keys and the schemas' descriptions; the CREATE TABLE both
share is in `sql`), `jsonl` (one `<table>.jsonl` per table, rows only). Every format gets
every bundled table, rows in primary-key order, read through `load`; each output is
written to a temporary file, then renamed.

May import: the base modules, `package` and `load`. Never `validate`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import ExportError

__all__ = ["FORMATS", "ExportError", "export"]

FORMATS = ("sqlite", "duckdb", "jsonl")


def export(fmt: str, out: Path) -> Path:
    """Write every bundled table in format `fmt` (sqlite, duckdb: a file; jsonl: a folder)."""
    from .duckdb import export_duckdb
    from .jsonl import export_jsonl
    from .sqlite import export_sqlite

    writers: dict[str, Callable[[Path], Path]] = {
        "sqlite": export_sqlite,
        "duckdb": export_duckdb,
        "jsonl": export_jsonl,
    }
    if fmt not in writers:
        raise ExportError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    return writers[fmt](Path(out))
