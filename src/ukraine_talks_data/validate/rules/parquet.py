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

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...package.bundle import CSV_SHA256_KEY, PARQUET_DESCRIPTOR, PARQUET_DIR, parquet_file_name
from ...package.types import TYPES
from ..inputs.descriptor import load_json
from ..inputs.files import PackageFileError, path_problem, read_package_file
from ..report.issues import Issue

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..inputs.descriptor import Resource
    from ..tables.columns import ColumnContext

PARQUET_STALE = "parquet-stale"
PARQUET_CODES = frozenset({PARQUET_STALE})
"""The codes of this module: all fixed by a build (which therefore does not stop on them)."""
FIX = "run `ukraine-talks build`"


@dataclass(frozen=True)
class _Declared:
    """What the Parquet descriptor says of one table: its table and file resources."""

    table: dict[str, Any]
    file: dict[str, Any]


def parquet_descriptor_readable(package: ColumnContext) -> Iterator[Issue]:
    """When the package has data/parquet/, its descriptor can be read and lists resources."""
    declared = _resources(package)
    if isinstance(declared, Issue):
        yield declared


def parquet_matches_csv(package: ColumnContext) -> Iterator[Issue]:
    """When the package has data/parquet/, its descriptor declares each table's Parquet file
    with the file's true size, SHA-256 and rows, and each file was built from its CSV as it
    is now and holds the same columns and values."""
    resources = _resources(package)
    if resources is None or isinstance(resources, Issue):
        return  # no Parquet distribution, or its descriptor is reported as such
    for resource in package.tables():
        issue = _table_problem(package, resource, _declared(resources, resource.name))
        if issue is not None:
            yield issue


def _resources(package: ColumnContext) -> list[Any] | Issue | None:
    """The resources of the Parquet descriptor; None without data/parquet/; the issue when
    the descriptor cannot be read or lists none."""
    ctx = package.rows
    root = ctx.descriptor.root
    if path_problem(root, PARQUET_DIR) is not None or not (root / PARQUET_DIR).is_dir():
        return None
    try:
        raw = load_json(read_package_file(root, PARQUET_DESCRIPTOR))
    except PackageFileError as exc:
        return _issue(PARQUET_DESCRIPTOR, f"the Parquet descriptor {_unreadable(exc)}; {FIX}")
    except ValueError as exc:
        return _issue(PARQUET_DESCRIPTOR, f"the Parquet descriptor is {exc}; {FIX}")
    resources = raw.get("resources") if isinstance(raw, dict) else None
    if not isinstance(resources, list):
        return _issue(PARQUET_DESCRIPTOR, f"the Parquet descriptor lists no resources; {FIX}")
    return resources


def _declared(resources: list[Any], name: str) -> _Declared | None:
    file_name = parquet_file_name(name)
    table = file = None
    for entry in resources:
        if not isinstance(entry, dict):
            continue
        if entry.get("type") == "table" and entry.get("name") == name:
            table = entry
        elif entry.get("type") == "file" and entry.get("path") == file_name:
            file = entry
    return _Declared(table, file) if table is not None and file is not None else None


def _table_problem(
    package: ColumnContext, resource: Resource, declared: _Declared | None
) -> Issue | None:
    """The first way table `resource`'s Parquet file is out of step, or None."""
    import hashlib

    ctx = package.rows
    schema = ctx.schema(resource.name)
    if schema is None:
        return None
    rel = f"{PARQUET_DIR}/{parquet_file_name(resource.name)}"
    if declared is None:
        return _issue(PARQUET_DESCRIPTOR, f"declares no Parquet file for {resource.name}; {FIX}")
    try:
        data = read_package_file(ctx.descriptor.root, rel)
    except PackageFileError as exc:
        return _issue(rel, f"the Parquet file of {resource.name} {_unreadable(exc)}; {FIX}")
    digest = hashlib.sha256(data).hexdigest()
    size, sha = declared.file.get("bytes"), declared.file.get("hash")
    if size != len(data) or sha != f"sha256:{digest}":
        return _issue(
            rel,
            f"{PARQUET_DESCRIPTOR} declares {size} bytes and {sha}, but the file has "
            f"{len(data)} bytes and sha256:{digest} (a build stopped midway, or a file "
            f"changed after it); {FIX}",
        )
    try:
        parquet = _open(data)
        num_rows, arrow = parquet.metadata.num_rows, parquet.schema_arrow
    except Exception as exc:  # pyarrow's errors on a damaged file are many
        return _issue(rel, f"cannot be read as Parquet ({exc}); {FIX}")
    rows = declared.table.get("rows")
    if rows != num_rows:
        return _issue(
            rel, f"{PARQUET_DESCRIPTOR} declares {rows} rows, the file has {num_rows}; {FIX}"
        )
    recorded = (arrow.metadata or {}).get(CSV_SHA256_KEY.encode(), b"").decode()
    current = ctx.digest(resource.name, "sha256")
    if current is not None and recorded != current:
        return _issue(
            rel,
            f"was built from another version of {resource.path} (its recorded SHA-256 is "
            f"{recorded or 'missing'}, the CSV's is {current}); {FIX}",
        )
    with parquet:
        return _content_problem(package, resource, schema, parquet, rel)


def _open(data: bytes) -> pq.ParquetFile:
    """Parquet bytes opened by the file reader alone (pyarrow's `read_table` brings in its
    dataset layer and every file system: a quarter of a second)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    return pq.ParquetFile(pa.BufferReader(data))


def _content_problem(
    package: ColumnContext,
    resource: Resource,
    schema: dict[str, Any],
    parquet: pq.ParquetFile,
    rel: str,
) -> Issue | None:
    """The first column or cell where the Parquet table differs from the CSV's, or None.
    Columns are read one at a time, so that no more than one is held beside the CSV's."""
    names = [f["name"] for f in schema["fields"]]
    columns = parquet.schema_arrow.names
    if columns != names:
        return _issue(
            rel,
            f"its columns are {', '.join(columns)}, but {resource.path} has "
            f"{', '.join(names)}; {FIX}",
        )
    csv = package.table(resource.name)
    if csv is None:
        return None  # the CSV itself is unusable: its own errors say why
    num_rows = parquet.metadata.num_rows
    total = csv.total if csv.pieced else csv.num_rows  # a piece knows the total when last
    if (total is not None and total != num_rows) or csv.start + csv.num_rows > num_rows:
        rows = total if total is not None else f"more than {num_rows}"
        return _issue(rel, f"has {num_rows} rows, but {resource.path} has {rows}; {FIX}")
    for field in schema["fields"]:
        text = csv.column(field["name"])
        expected = None if text is None else _typed(text, field)
        if expected is None:
            continue  # a cell the CSV's own checks reject
        try:
            stored = parquet.read(columns=[field["name"]]).column(0)
            actual = stored.slice(csv.start, csv.num_rows).cast(expected.type)
        except Exception:
            kind = parquet.schema_arrow.field(field["name"]).type
            return _issue(
                rel,
                f"its column {field['name']} is {kind}, but the Table Schema makes it "
                f"{expected.type}; {FIX}",
            )
        if not actual.equals(expected):
            index, found, wanted = _first_difference(actual, expected)
            message = f"the Parquet file holds {found!r} where {resource.path} holds {wanted!r}"
            return Issue(rel, csv.row(index), field["name"], PARQUET_STALE, f"{message}; {FIX}")
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
        forms = TYPES.get(kind)
        if forms is None or kind == "string":
            return text
        return text.cast(getattr(pa, forms.arrow)())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _first_difference(actual: pa.ChunkedArray, expected: pa.ChunkedArray) -> tuple[int, Any, Any]:
    for index, (found, wanted) in enumerate(
        zip(actual.to_pylist(), expected.to_pylist(), strict=True)
    ):
        if found != wanted:
            return index, found, wanted
    return 0, None, None  # equal values, unequal arrays: not reached for these types


def _unreadable(exc: PackageFileError) -> str:
    return "is missing" if exc.code == "file-missing" else f"cannot be read: it {exc.message}"


def _issue(path: str, message: str) -> Issue:
    return Issue(path, None, None, PARQUET_STALE, message)
