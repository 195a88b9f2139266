"""Exporting the tables to JSON Lines: one `<table>.jsonl` per table in a folder, one JSON
object per row with every field in schema order (null for empty cells, ISO dates, lists as
arrays). JSON Lines has no keys or comments; the Table Schemas describe them.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from .._atomic import write_text_atomic
from ..package.schemas import table_names


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def table_jsonl(name: str) -> str:
    """Table `name` as JSON Lines text."""
    from ..loading.accessor import load

    return "".join(
        json.dumps(row, ensure_ascii=False, default=_json_default) + "\n"
        for row in load(name).to_pylist()
    )


def export_jsonl(out: Path) -> Path:
    """Write every bundled table to `out/<table>.jsonl` (the folder is created if needed)."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"{out} exists and is not a folder")
    for name in table_names():
        write_text_atomic(out / f"{name}.jsonl", table_jsonl(name))
    return out
