"""Checks on the files themselves: present, readable, in the package's CSV form, as described;
and the seed files the sources table names: present, safe, UTF-8 and unchanged.

These run on bytes, before any row is trusted: a file that is missing, not UTF-8, has a
quoted field left open or differs from the descriptor's `bytes`, `hash`, `rows` or
`fields` is reported here, once, at the row and column where the damage is.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..inputs.files import path_problem
from ..inputs.resource_rules import declared_algorithm, whole_number
from ..report.issues import Issue, counted

if TYPE_CHECKING:
    from ...package.sources import SourceText
    from ..inputs.descriptor import Resource
    from ..tables.columns import ColumnContext
    from ..tables.context import Context, Row


def resource_file_readable(package: ColumnContext) -> Iterator[Issue]:
    """Every resource's file exists in the package, is a regular file, and tables parse as
    UTF-8 CSV without byte-order mark, with LF line ends and every quoted field closed."""
    ctx = package.rows
    for resource in ctx.descriptor.resources:
        error = ctx.file_error(resource.name)
        if error is not None:
            message = error.message if error.code == "file-missing" else f"the path {error.message}"
            where = f"resource '{resource.name}' in {ctx.descriptor.file.name}"
            yield Issue(resource.path, None, None, error.code, f"{message} ({where})")
            continue
        parsed = ctx.parsed(resource.name)
        if parsed is None:
            continue
        header = parsed.header
        for problem in parsed.problems:
            field = None
            if problem.column is not None:
                field = (
                    header[problem.column]
                    if problem.row != 1 and problem.column < len(header)
                    else f"column {problem.column + 1}"
                )
            yield Issue(
                resource.path, problem.row, field, problem.code, problem.message, problem.value
            )


def file_matches_descriptor(package: ColumnContext) -> Iterator[Issue]:
    """A file's size, SHA-256 (or MD5), row count and column count equal the descriptor's
    `bytes`, `hash`, `rows` and `fields`, where the descriptor gives them."""
    ctx = package.rows
    for resource in ctx.descriptor.resources:
        raw = resource.raw
        if not any(key in raw for key in _STAT_CODES):
            continue
        size = ctx.size(resource.name)
        if size is None:
            continue
        if whole_number(raw.get("bytes")) and raw["bytes"] != size:
            yield _stat(resource, "bytes", f"has {size} bytes")
        algorithm = declared_algorithm(raw)
        actual = ctx.digest(resource.name, algorithm) if algorithm is not None else None
        if actual is not None and actual != raw["hash"].rpartition(":")[2]:
            yield _stat(resource, "hash", f"hashes to {algorithm}:{actual}")
        parsed = ctx.parsed(resource.name)
        if parsed is None:
            continue
        if whole_number(raw.get("rows")) and raw["rows"] != parsed.data_rows:
            yield _stat(resource, "rows", f"has {counted(parsed.data_rows, 'data row')}")
        if whole_number(raw.get("fields")) and raw["fields"] != len(parsed.header):
            yield _stat(resource, "fields", f"has {counted(len(parsed.header), 'column')}")


_STAT_CODES = {
    "bytes": "byte-count",
    "hash": "hash-count",
    "rows": "row-count",
    "fields": "field-count",
}


def _stat(resource: Resource, key: str, actual: str) -> Issue:
    """The `_STAT_CODES` error of `key`: the descriptor says one thing, the file has `actual`."""
    hint = (
        "; a quoted field left open, a deleted or an added row changes it" if key == "rows" else ""
    )
    fix = (
        f"record the new {key} in datapackage.json"
        if resource.is_table
        else "restore the file as received (a seed is never edited)"
    )
    message = (
        f"the descriptor's {key} is {resource.raw[key]}, but the file {actual}: the file changed "
        f"after the descriptor was written{hint}; {fix}"
    )
    return Issue(resource.path, None, None, _STAT_CODES[key], message)


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
        at = functools.partial(Issue, table.path, row.number)  # an issue of this row
        problem = path_problem(ctx.descriptor.root, path)
        if problem:
            yield at("path", "unsafe-path", f"source path {problem}", path)
            continue
        seed = texts.get(source_id)
        if seed is None:
            error = ctx.source_error(source_id)
            if error is None or error.code == "file-missing":
                yield at("path", "source-missing", "no seed file at this path", path)
            else:
                yield at("path", "source-unreadable", f"the seed file {error.message}", path)
            continue
        if seed.decode_error:
            yield at(
                "path", "source-encoding", f"seed file is not UTF-8 ({seed.decode_error})", path
            )
        expected = row.get("sha256")
        if expected not in (None, seed.sha256) and _seed(ctx, row) is seed:
            message = (
                f"{path} does not hash to this sha256: its bytes hash to {seed.sha256}"
                f"{_gained(seed, expected)}; the spans citing {source_id} are checked once "
                "the two agree"
            )
            yield at("sha256", "source-hash", message, expected)


def unchecked_seeds(ctx: Context) -> set[str]:
    """The source ids whose spans are not checked: their seed's bytes do not hash to the
    sources row's sha256 (offsets into a changed text, a BOM or CRLF line ends added, would
    all mismatch and bury the one cause, `source-hash`), or two rows name them (which
    seed is meant is unknown: a `primary-key` error)."""
    unchecked: set[str] = set()
    seen: set[str] = set()
    for row in ctx.table("sources") or []:
        source_id, expected, seed = row.get("source_id"), row.get("sha256"), _seed(ctx, row)
        if source_id is None:
            continue
        if source_id in seen or (seed is not None and expected not in (None, seed.sha256)):
            unchecked.add(source_id)
        seen.add(source_id)
    return unchecked


def _seed(ctx: Context, row: Row) -> SourceText | None:
    """The seed file a sources row names, read; None where it is unreadable, or where
    another row with the same source_id (a `primary-key` error) named the seed read."""
    source_id = row.get("source_id")
    if source_id is None or ctx.source_row(source_id) != row.number:
        return None
    return ctx.sources().get(source_id)


def _gained(seed: SourceText, expected: str) -> str:
    """`; it gained a byte-order mark and CRLF line ends (…)` when removing one or both
    gives back the recorded hash (an editor's usual damage); else nothing."""
    text = seed.text
    if text is None:
        return ""
    has_bom, has_crlf = text.startswith("\ufeff"), "\r\n" in text
    for bom, crlf in ((False, True), (True, False), (True, True)):  # one before both
        if (bom and not has_bom) or (crlf and not has_crlf):
            continue
        restored = text[1:] if bom else text
        restored = restored.replace("\r\n", "\n") if crlf else restored
        if hashlib.sha256(restored.encode()).hexdigest() == expected:
            gained = " and ".join(["a byte-order mark"] * bom + ["CRLF line ends"] * crlf)
            undo = " and ".join(["without BOM"] * bom + ["with LF line ends"] * crlf)
            return f"; it gained {gained}, without which it hashes as recorded (save it {undo})"
    return ""
