"""File statistics a descriptor declares for each resource — `bytes`, `hash`, `rows` — and
refreshing them in a datapackage.json.

These are the keys Frictionless v5 checks when validating (`frictionless/checks/baseline.py`):
`bytes` (byte-count), `hash` as ``sha256:<hex>`` (hash-count) and `rows`, the number of data
rows (row-count). Declaring `rows` lets the stock ``frictionless validate`` catch a CSV whose
unterminated quote swallows the rows after it. Frictionless ignores ``rows: 0`` (it tests the
value for truth), so an empty table is guarded by its hash and size only.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._atomic import write_text_atomic
from ..package.digest import file_sha256


@dataclass(frozen=True)
class ResourceStats:
    """What a descriptor declares about one file: size, SHA-256, and data rows for tables."""

    bytes: int
    sha256: str
    rows: int | None = None

    @property
    def hash(self) -> str:
        """The hash as a descriptor writes it: ``sha256:<hex>``."""
        return f"sha256:{self.sha256}"

    def as_descriptor(self) -> dict[str, Any]:
        """The descriptor keys: bytes, hash and (for tables) rows."""
        out: dict[str, Any] = {"bytes": self.bytes, "hash": self.hash}
        if self.rows is not None:
            out["rows"] = self.rows
        return out


def csv_rows(path: Path, dialect: dict[str, Any] | None = None) -> int:
    """Data rows of a CSV file (records after the header), counted as Frictionless counts them.

    Blank lines count as rows (Frictionless reports them as blank-row errors); a quoted cell
    running over line ends is one record, so rows swallowed by an unterminated quote are not
    counted.
    """
    from ..validate import csv as _  # noqa: F401  (lifts the csv module's 128 KiB cell cap)

    options = (dialect or {}).get("csv", dialect or {})
    with Path(path).open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(
            fh,
            delimiter=options.get("delimiter", ","),
            quotechar=options.get("quoteChar", '"'),
            doublequote=options.get("doubleQuote", True),
            skipinitialspace=options.get("skipInitialSpace", False),
        )
        count = sum(1 for _ in reader)
    return max(count - 1, 0)


def resource_stats(path: Path, resource: dict[str, Any] | None = None) -> ResourceStats:
    """Bytes, SHA-256 and (for a CSV table resource) data rows of the file at `path`.

    `resource` is the resource's descriptor: rows are counted when it is a table in CSV
    format, using its dialect. A Parquet table's rows are read from the file's footer.
    """
    path = Path(path)
    size = path.stat().st_size
    digest = file_sha256(path)
    rows: int | None = None
    resource = resource or {}
    is_table = resource.get("type") == "table" or "schema" in resource
    if is_table:
        fmt = resource.get("format") or path.suffix.lstrip(".")
        if fmt == "csv":
            rows = csv_rows(path, resource.get("dialect"))
        elif fmt == "parquet":
            import pyarrow.parquet as pq

            rows = int(pq.ParquetFile(path).metadata.num_rows)
    return ResourceStats(size, digest, rows)


def refreshed(
    raw: dict[str, Any], root: Path, paths: Collection[str] | None = None
) -> dict[str, Any]:
    """A copy of descriptor `raw` with bytes, hash and rows recomputed for its resources.

    Every resource, or only those whose `path` is in `paths`. Resource paths are relative
    to `root`; keys keep their order, new keys go last.
    """
    out = json.loads(json.dumps(raw))
    for resource in out.get("resources", []):
        if paths is not None and resource.get("path") not in paths:
            continue
        stats = resource_stats(root / resource["path"], resource)
        resource.update(stats.as_descriptor())
    return dict(out)


def dump_descriptor(raw: dict[str, Any]) -> str:
    """A descriptor as the package writes it: 2-space JSON, UTF-8 kept, final newline."""
    return json.dumps(raw, indent=2, ensure_ascii=False) + "\n"


def refresh_descriptor(
    file: Path,
    version: str | None = None,
    paths: Collection[str] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> bool:
    """Rewrite bytes, hash and rows of the resources in `file` (a datapackage.json).

    Every resource, or only those whose `path` (relative, as the descriptor writes it) is
    in `paths`. With `version`, the descriptor's `version` is set too, and with `metadata`
    its keys (see `metadata.package_metadata`). The file is replaced atomically, and only
    when something changed; returns whether it did.
    """
    file = Path(file)
    text = file.read_text(encoding="utf-8")
    raw = json.loads(text)
    new = refreshed(raw, file.parent, paths)
    new.update(metadata or {})
    if version is not None:
        new["version"] = version
    new_text = dump_descriptor(new)
    if new_text == text:
        return False
    write_text_atomic(file, new_text)
    return True
