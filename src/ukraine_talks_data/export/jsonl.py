"""Exporting the tables to JSON Lines: one `<table>.jsonl` per table in a folder, one JSON
object per row with every field in schema order (null for empty cells, ISO dates, lists as
arrays). JSON Lines has no keys or comments; the Table Schemas describe them.

The folder is filled beside its place and swapped in whole (`_atomic.atomic_folder`): an
interrupted export leaves the previous folder or the new one, never some of the files. An
existing folder is replaced only when it is empty or holds nothing but `<table>.jsonl`
files (a previous export).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from .._atomic import atomic_folder
from ..errors import ExportError
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


def file_names() -> list[str]:
    """The files an export writes: `<table>.jsonl` for every bundled table."""
    return [f"{name}.jsonl" for name in table_names()]


def check_replaceable(out: Path) -> None:
    """Raise ExportError unless `out` is missing, an empty folder or a previous export."""
    if not out.exists():
        return
    if not out.is_dir():
        raise ExportError(f"cannot write {out}: it is a file; JSON Lines go into a folder")
    ours = set(file_names())
    foreign = sorted(p.name for p in out.iterdir() if p.name not in ours)
    if foreign:
        shown = ", ".join(foreign[:5]) + (", …" if len(foreign) > 5 else "")
        raise ExportError(
            f"cannot write {out}: the folder holds files an export did not write ({shown}); "
            "nothing was changed: give a new or empty folder"
        )


def export_jsonl(out: Path) -> Path:
    """Write every bundled table to `out/<table>.jsonl`, swapping the folder in whole.

    `out` is created if missing (its parent must exist); an existing `out` must be empty
    or a previous export's folder.
    """
    out = Path(out)
    check_replaceable(out)
    with atomic_folder(out, parents=False) as tmp:
        for name, file in zip(table_names(), file_names(), strict=True):
            (tmp / file).write_bytes(table_jsonl(name).encode("utf-8"))
    return out
