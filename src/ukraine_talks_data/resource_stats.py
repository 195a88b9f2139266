"""What datapackage.json records about a file: its size, SHA-256 and, for a table, its rows.

`file_stats()` computes a resource's `bytes`, `hash` (`sha256:…`) and, for a CSV table,
`rows` — the data rows after the header, blank ones included, which is what Frictionless
counts and what `validate` compares (`byte-count`, `hash-count`, `row-count`). Recording
`rows` lets a validator notice rows silently swallowed by a quote left open. This module
only computes; writing the descriptor is the build step's job.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .csv_files import data_rows


def file_stats(path: Path, *, table: bool) -> dict[str, int | str]:
    """`{"bytes": …, "hash": "sha256:…"}` for `path`, plus `"rows"` when it is a CSV table."""
    data = path.read_bytes()
    stats: dict[str, int | str] = {
        "bytes": len(data),
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
    }
    if table:
        stats["rows"] = data_rows(data)
    return stats
