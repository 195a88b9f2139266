"""The Parquet distribution, when a package ships one: what `data/parquet/` holds must be
what its descriptor says and what the CSV tables say.

`ukraine-talks build` writes `data/parquet/<table>.parquet` from each CSV table (recording
the CSV's SHA-256 in the file's metadata) and `data/parquet/datapackage.json` declaring
each file's size, hash and rows. A build killed midway, a CSV edited after the build or a
file changed by hand leaves the two out of step, and `load()`, the exports and the
releases would hand out something else than the CSVs say; each such table gets one
`parquet-stale` error naming what differs and the command that fixes it. A package
without `data/parquet/` (a fork's, a generated one) is not asked for one.

Files are read like every package file (`inputs.files`: inside the folder, regular,
size-capped) and parsed from memory.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO
from weakref import WeakKeyDictionary

from ...package.bundle import CSV_SHA256_KEY, PARQUET_DESCRIPTOR, PARQUET_DIR, parquet_file_name
from ...package.types import TYPES, arrow_schema
from ..inputs.files import PackageFileError, open_package_file
from ..inputs.resource_rules import whole_number
from ..report.issues import Issue
from .parquet_descriptor import (
    FIX,
    PARQUET_STALE,
    comparable,
    declared,
    fix_for,
    issue,
    json_shown,
    resources,
    unreadable,
)

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..inputs.descriptor import Resource
    from ..tables.column_table import ColumnTable
    from ..tables.columns import ColumnContext
    from ..tables.store import KeyStore


def parquet_matches_csv(package: ColumnContext) -> Iterator[Issue]:
    """When the package has data/parquet/, its descriptor declares each table's Parquet file
    with the file's true size, SHA-256 and rows, and each file was built from its CSV as it
    is now and holds the same columns and values."""
    listed = resources(package)
    if listed is None or isinstance(listed, Issue):
        return  # no Parquet distribution, or its descriptor is reported as such
    for resource in package.tables():
        csv = package.table(resource.name)
        tables = _OPENED.setdefault(package.store, {})
        if csv is None or not csv.pieced or csv.start == 0:  # a table's first piece
            tables[resource.name] = _open_table(package, resource, declared(listed, resource.name))
        opened = tables.get(resource.name)
        if opened is None:
            continue
        problem = opened.problem or _compared(resource, opened, csv)
        if csv is None or not csv.pieced or csv.total is not None:  # its last piece
            opened.close()
        if problem is not None:
            yield problem


@dataclass
class _Opened:
    """A table's Parquet file, checked as a file on the table's first piece and then read
    in step with the pieces (`_next_rows`): each file is hashed and opened once per
    validation, and never held whole."""

    rel: str
    schema: dict[str, Any]
    problem: Issue | None = None  # the file's own, found once: every piece repeats it
    handle: BinaryIO | None = None
    parquet: pq.ParquetFile | None = None
    batches: Iterator[pa.RecordBatch] | None = None
    ahead: list[pa.RecordBatch] = field(default_factory=list)  # read, not yet compared
    rows: int = 0  # the file's
    differences: dict[str, Issue] = field(default_factory=dict)  # each column's first
    unconvertible: set[str] = field(default_factory=set)  # columns with a cell the CSV rejects

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
        self.parquet = self.batches = self.handle = None


_OPENED: WeakKeyDictionary[KeyStore, dict[str, _Opened | None]] = WeakKeyDictionary()
"""Each validation's Parquet files (by its key store: one per validation), by table, from
one piece to the next."""


def _open_table(
    package: ColumnContext,
    resource: Resource,
    declared: tuple[dict[str, Any], dict[str, Any]] | None,
) -> _Opened | None:
    """Table `resource`'s Parquet file, with the first way it is out of step as a file (its
    size, hash, rows, source CSV's hash or columns); None without a schema or a declaration."""
    ctx = package.rows
    schema = ctx.schema(resource.name)  # the one the CSV's rows are read by
    if schema is None:
        return None
    rel = f"{PARQUET_DIR}/{parquet_file_name(resource.name)}"
    opened = _Opened(rel, schema)
    if declared is None:  # said by `parquet_descriptor_as_built` when it compares
        if comparable(ctx.descriptor) is not None:
            return None
        message = f"declares no Parquet file for {resource.name}; {FIX}"
        opened.problem = issue(PARQUET_DESCRIPTOR, message)
        return opened
    try:
        handle = open_package_file(ctx.descriptor.root, rel)
    except PackageFileError as exc:
        message = f"the Parquet file of {resource.name} {unreadable(exc)}; {fix_for(exc)}"
        opened.problem = issue(rel, message)
        return opened
    opened.handle = handle
    declared_table, declared_file = declared
    declared_size, sha = declared_file.get("bytes"), declared_file.get("hash")
    size = os.fstat(handle.fileno()).st_size
    opened.problem = _not_whole(rel, "bytes", declared_size)
    if opened.problem is not None:
        return opened
    if declared_size != size:  # said before hashing it: a file may be of any size
        opened.problem = issue(
            rel,
            f"{PARQUET_DESCRIPTOR} declares {declared_size} bytes, but the file has {size} "
            f"bytes (a build stopped midway, or a file changed after it); {FIX}",
        )
        return opened
    digest = hashlib.file_digest(handle, "sha256").hexdigest()  # a block at a time
    handle.seek(0)
    if sha != f"sha256:{digest}":
        opened.problem = issue(
            rel,
            f"{PARQUET_DESCRIPTOR} declares {_hash_said(sha)}, but the file hashes to "
            f"sha256:{digest} (a "
            f"build stopped midway, or a file changed after it); {FIX}",
        )
        return opened
    import pyarrow.parquet as pq  # the file reader alone: `read_table` brings in pyarrow's
    # dataset layer and every file system (a quarter of a second)

    try:
        parquet = pq.ParquetFile(handle)
        num_rows, arrow = parquet.metadata.num_rows, parquet.schema_arrow
    except Exception as exc:  # pyarrow's errors on a damaged file are many
        opened.problem = issue(rel, f"cannot be read as Parquet ({exc}); {FIX}")
        return opened
    rows = declared_table.get("rows")
    recorded = (arrow.metadata or {}).get(CSV_SHA256_KEY.encode(), b"").decode()
    current = ctx.digest(resource.name, "sha256")
    names = [f["name"] for f in schema["fields"]]
    own = resource.schema  # the build writes its descriptions (the reference may differ)
    own = own if own is not None and [f["name"] for f in own["fields"]] == names else schema
    if (not_whole := _not_whole(rel, "rows", rows)) is not None:
        opened.problem = not_whole
    elif rows != num_rows:
        message = f"{PARQUET_DESCRIPTOR} declares {rows} rows, the file has {num_rows}; {FIX}"
        opened.problem = issue(rel, message)
    elif current is not None and recorded != current:
        opened.problem = issue(
            rel,
            f"was built from another version of {resource.path} (its recorded SHA-256 is "
            f"{recorded or 'missing'}, the CSV's is {current}); {FIX}",
        )
    elif arrow.names != names:
        opened.problem = issue(
            rel,
            f"its columns are {', '.join(arrow.names)}, but {resource.path} has "
            f"{', '.join(names)}; {FIX}",
        )
    elif (other := _other_type(arrow, schema) or _other_metadata(arrow, own)) is not None:
        opened.problem = issue(rel, f"{other}; {FIX}")
    else:
        opened.parquet, opened.rows = parquet, num_rows
        opened.batches = parquet.iter_batches(batch_size=BATCH_ROWS, use_threads=False)
    return opened


def _hash_said(sha: Any) -> str:
    """A declared hash in a message: as written when text, else its JSON, or `no hash`."""
    return sha if isinstance(sha, str) else "no hash" if sha is None else json_shown(sha)


def _not_whole(rel: str, key: str, value: Any) -> Issue | None:
    """The issue of a file whose `bytes` or `rows` is declared as no whole number."""
    if whole_number(value):
        return None
    what = f"no {key}" if value is None else f"{key} {json_shown(value)}, not a whole number"
    return issue(rel, f"{PARQUET_DESCRIPTOR} declares {what} for it; {FIX}")


BATCH_ROWS = 65_536
"""Rows of a Parquet file read at a time, in step with the pieces of its CSV."""


def _next_rows(opened: _Opened, count: int) -> pa.Table | None:
    """The next `count` rows of the Parquet file (None: it has fewer left)."""
    import pyarrow as pa

    assert opened.batches is not None and opened.parquet is not None
    have = sum(b.num_rows for b in opened.ahead)
    while have < count:
        batch = next(opened.batches, None)
        if batch is None:
            return None
        opened.ahead.append(batch)
        have += batch.num_rows
    table = pa.Table.from_batches(opened.ahead, schema=opened.parquet.schema_arrow)
    opened.ahead = table.slice(count).to_batches()
    return table.slice(0, count)


def _compared(resource: Resource, opened: _Opened, csv: ColumnTable | None) -> Issue | None:
    """`_content_problem`; for a file whose pages cannot be read (its size, hash and footer
    were as declared: damaged before the build recorded them, or a string that is not
    UTF-8), that problem, said once and the rest of the file not read."""
    import pyarrow as pa

    try:
        return _content_problem(resource, opened, csv)
    except (OSError, ValueError, pa.ArrowException) as exc:  # pyarrow's errors are many
        opened.parquet = None
        opened.problem = issue(opened.rel, f"cannot be read as Parquet ({exc}); {FIX}")
        return opened.problem


def _content_problem(resource: Resource, opened: _Opened, csv: ColumnTable | None) -> Issue | None:
    """At the table's last piece, how the Parquet file's rows differ from the CSV's: their
    number, else the first differing cell of the first column (in schema order) that has
    one, of the columns whose every cell converts. Found piece by piece, said at the end:
    a table read in pieces gets the issue it gets when read whole. Else None."""
    if csv is None:
        return None  # the CSV itself is unusable: its own errors say why
    fields = [spec["name"] for spec in opened.schema["fields"]]
    differing = opened.differences.keys() - opened.unconvertible
    for spec in opened.schema["fields"]:  # a differing column may yet hold a rejected cell
        text = csv.column(spec["name"]) if spec["name"] in differing else None
        if text is not None and _typed(text, spec) is None:
            opened.unconvertible.add(spec["name"])
    settled = len(opened.differences.keys() | opened.unconvertible) == len(fields)
    if opened.parquet is not None and not settled:
        ahead = csv.start + csv.num_rows > opened.rows
        stored = None if ahead else _next_rows(opened, csv.num_rows)
        if stored is None:
            opened.parquet = None  # fewer rows than the CSV: nothing more to compare
        else:
            _compare_cells(resource, opened, csv, stored)
    total = csv.total if csv.pieced else csv.num_rows  # a piece knows the total when last
    if total is None:
        return None
    if total != opened.rows:
        return issue(opened.rel, f"has {opened.rows} rows, but {resource.path} has {total}; {FIX}")
    compared = (opened.differences.get(n) for n in fields if n not in opened.unconvertible)
    return next((d for d in compared if d is not None), None)


def _compare_cells(resource: Resource, opened: _Opened, csv: ColumnTable, stored: pa.Table) -> None:
    """Record, for each column not yet settled, its first cell in this piece whose Parquet
    value differs, or that it has a cell the CSV's own checks reject."""
    for spec in opened.schema["fields"]:
        name = spec["name"]
        text = csv.column(name)
        if name in opened.differences or name in opened.unconvertible or text is None:
            continue
        expected = _typed(text, spec)
        if expected is None:  # a cell the CSV's own checks reject: not compared, as whole
            opened.unconvertible.add(name)
            continue
        actual = stored.column(name).cast(expected.type)  # its type is known (`_other_type`)
        if not actual.equals(expected):
            index, found, wanted = _first_difference(actual, expected)
            delimiter = spec.get("delimiter", ",")
            message = (
                f"the Parquet file holds {_as_text(found, delimiter)} where {resource.path} "
                f"holds {_as_text(wanted, delimiter)}"
            )
            opened.differences[name] = Issue(
                opened.rel, csv.row(index), name, PARQUET_STALE, f"{message}; {FIX}"
            )


def _other_type(arrow: pa.Schema, schema: dict[str, Any]) -> str | None:
    """The first column of a Parquet file whose type or nullability is not its field's in
    `arrow_schema` (the loader and `build --check` call such a file stale); a list's items
    may be named either way (Parquet's `element`, Arrow's `item`)."""
    import pyarrow as pa

    for stored, wanted in zip(arrow, arrow_schema(schema), strict=True):
        if pa.types.is_list(stored.type) and pa.types.is_list(wanted.type):  # items: any name
            items, wanted_items = stored.type.value_field, wanted.type.value_field
            same = items.with_name("item").equals(wanted_items.with_name("item"))
        else:
            same = stored.type.equals(wanted.type)
        if not same:
            made = wanted.type
            return f"its column {wanted.name} is {stored.type}, but its field makes it {made}"
        if stored.nullable != wanted.nullable:  # required: not nullable
            found, made = ("", "required") if stored.nullable else ("not ", "optional")
            return f"its column {wanted.name} is {found}nullable, but its field is {made}"
    return None


def _other_metadata(arrow: pa.Schema, schema: dict[str, Any]) -> str | None:
    """How the descriptions and primary key a Parquet file records differ from its Table
    Schema's (`arrow_schema`, as the loader compares them), or None."""
    wanted = arrow_schema(schema)
    recorded = {k: v for k, v in (arrow.metadata or {}).items() if k != CSV_SHA256_KEY.encode()}
    given = wanted.metadata or {}
    differing = sorted(k for k in {*recorded, *given} if recorded.get(k) != given.get(k))
    if differing:
        key = differing[0].decode(errors="replace")
        what = {"primary_key": "primary key"}.get(key, key)
        return f"its {what} is not its Table Schema's"
    for stored, spec in zip(arrow, wanted, strict=True):
        if (stored.metadata or {}) != (spec.metadata or {}):
            return f"the description of its column {spec.name} is not its field's"
    return None


def _typed(text: pa.ChunkedArray, field: dict[str, Any]) -> pa.ChunkedArray | None:
    """A CSV column of text (empty cells null) in its Table Schema type, as the build reads
    it; None when a cell does not convert."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = field.get("type", "string")
    try:
        if kind == "list":
            return pc.split_pattern(text, pattern=field.get("delimiter", ","))
        return text if kind == "string" else text.cast(TYPES[kind].arrow_type())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _as_text(value: Any, delimiter: str) -> str:
    """A value of a Parquet or CSV cell in a message, as the CSV writes it, quoted (a date
    as `'2022-01-12'`, not `datetime.date(2022, 1, 12)`; a list joined by its field's
    `delimiter`); empty as `nothing`."""
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return repr(delimiter.join(str(item) for item in value))
    if isinstance(value, bool):
        return repr("true" if value else "false")
    if isinstance(value, dt.date):
        return repr(value.isoformat())
    return repr(value)


def _first_difference(actual: pa.ChunkedArray, expected: pa.ChunkedArray) -> tuple[int, Any, Any]:
    for index, (found, wanted) in enumerate(
        zip(actual.to_pylist(), expected.to_pylist(), strict=True)
    ):
        if found != wanted:
            return index, found, wanted
    return 0, None, None  # equal values, unequal arrays: not reached for these types
