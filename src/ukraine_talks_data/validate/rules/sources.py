"""Checks on the sources table: each seed file is present, safe, UTF-8 and unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..inputs.files import path_problem
from ..report.issues import Issue

if TYPE_CHECKING:
    from ..tables.columns import ColumnContext


def source_file_intact(package: ColumnContext) -> Iterator[Issue]:
    """Each source file is inside the package, exists, is UTF-8 and its bytes hash to sha256."""
    ctx = package.rows
    table = ctx.table("sources")
    if table is None:
        return
    texts = ctx.sources()
    for row in table:
        source_id, path = row.get("source_id"), row.get("path")
        if source_id is None or path is None:
            continue
        problem = path_problem(ctx.descriptor.root, path)
        if problem:
            yield Issue(
                table.path, row.number, "path", "unsafe-path", f"source path {problem}", path
            )
            continue
        seed = texts.get(source_id)
        if seed is None:
            error = ctx.source_error(source_id)
            if error is None or error.code == "file-missing":
                code, message = "source-missing", "no seed file at this path"
            else:
                code, message = "source-unreadable", f"the seed file {error.message}"
            yield Issue(table.path, row.number, "path", code, message, path)
            continue
        if seed.decode_error:
            yield Issue(
                table.path,
                row.number,
                "path",
                "source-encoding",
                f"seed file is not UTF-8 ({seed.decode_error})",
                path,
            )
        expected = row.get("sha256")
        if expected is not None and seed.sha256 != expected:
            yield Issue(
                table.path,
                row.number,
                "sha256",
                "source-hash",
                f"{path} has changed: its bytes hash to {seed.sha256}",
                expected,
            )
