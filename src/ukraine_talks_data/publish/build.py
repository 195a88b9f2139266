"""`ukraine-talks build`: validate the CSVs, then regenerate everything derived from them.

Derived files: the `bytes`, `hash`, `rows` (and `version`, `created`, `sources`: see
`metadata`) in datapackage.json, the Parquet
files and their descriptor in data/parquet/, and docs/data-dictionary.md. Every write is
atomic, and a file is rewritten only when its content changed, so a second build writes
nothing. `stale_files()` reports what a build would change; a test calls it.

Byte-identity: the same CSVs give byte-identical files for a given pyarrow version. A
Parquet file whose decoded content and metadata already match is left alone, so building
with another pyarrow version does not churn committed files; `force=True` rewrites them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._atomic import write_bytes_atomic, write_text_atomic
from .._version import __version__
from ..errors import BuildError as BuildError
from ..loading.parquet import PARQUET_DESCRIPTOR, PARQUET_DIR, parquet_file_name, read_parquet_file
from ..package.bundle import DESCRIPTOR, bundle_dir
from ..validate.inputs.descriptor import Descriptor, DescriptorError, read_descriptor
from .data_dictionary import DATA_DICTIONARY, render_data_dictionary
from .descriptor_stats import dump_descriptor, refresh_descriptor, refreshed
from .metadata import package_metadata
from .parquet import WRITE_OPTIONS, parquet_bytes, parquet_descriptor, parquet_table

# Issues a build fixes rather than reports: the descriptor's statistics of changed files.
STATS_CODES = frozenset({"hash-count", "byte-count", "row-count"})
BUILD_COMMAND = "ukraine-talks build"


@dataclass
class BuildResult:
    """Paths (relative to the package root) a build wrote, left unchanged, or removed."""

    root: Path
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """What `ukraine-talks build` prints: each file written or removed, then a summary."""
        return [
            *(f"wrote {rel}" for rel in self.written),
            *(f"removed {rel}" for rel in self.removed),
            f"built {self.root}: {len(self.written)} written, {len(self.removed)} removed, "
            f"{len(self.unchanged)} unchanged",
        ]


def _descriptor(root: Path) -> Descriptor:
    try:
        descriptor, issues = read_descriptor(root / DESCRIPTOR)
    except DescriptorError as exc:
        raise BuildError(str(exc)) from None
    if issues:
        raise BuildError(f"{root / DESCRIPTOR} has problems", issues)
    return descriptor


def _schemas(descriptor: Descriptor) -> dict[str, dict[str, Any]]:
    return {r.name: r.schema for r in descriptor.tables() if r.schema is not None}


def _validate(root: Path) -> None:
    from ..validate import validate_package

    report = validate_package(root / DESCRIPTOR)
    blocking = [i for i in report.sorted() if i.severity == "error" and i.code not in STATS_CODES]
    if blocking:
        raise BuildError(f"{root / DESCRIPTOR} is invalid; nothing was built", blocking)


def _parquet_matches(path: Path, expected: Any) -> bool:
    """Whether Parquet file `path` decodes to `expected` (data and metadata) with our codec."""
    import pyarrow.parquet as pq

    if not path.is_file():
        return False
    try:
        metadata = pq.ParquetFile(path).metadata
        table = read_parquet_file(path)
    except (OSError, ValueError):
        return False
    codecs = {
        metadata.row_group(g).column(c).compression
        for g in range(metadata.num_row_groups)
        for c in range(metadata.num_columns)
    }
    if codecs - {str(WRITE_OPTIONS["compression"]).upper()}:
        return False
    return bool(table.equals(expected, check_metadata=True))


def _write_if_changed(root: Path, rel: str, text: str, result: BuildResult) -> None:
    path = root / rel
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        result.unchanged.append(rel)
    else:
        write_text_atomic(path, text)
        result.written.append(rel)


def _orphans(root: Path, names: list[str]) -> list[str]:
    """Parquet files in data/parquet/ for tables the package no longer has."""
    folder = root / PARQUET_DIR
    if not folder.is_dir():
        return []
    wanted = {parquet_file_name(n) for n in names}
    return sorted(
        f"{PARQUET_DIR}/{p.name}" for p in folder.glob("*.parquet") if p.name not in wanted
    )


def build(root: Path | None = None, *, force: bool = False) -> BuildResult:
    """Validate the package at `root` (default: the bundled one), then regenerate its derived files.

    Raises BuildError, writing nothing, when the package is invalid; stale sizes, hashes
    and row counts in datapackage.json are not errors here, since the build rewrites them.
    """
    root = Path(root) if root is not None else bundle_dir()
    descriptor = _descriptor(root)
    _validate(root)
    result = BuildResult(root)
    schemas = _schemas(descriptor)
    # Every table is read before anything is written: a build that fails, fails whole.
    tables = {r.name: parquet_table(root / r.path, schemas[r.name]) for r in descriptor.tables()}
    metadata = package_metadata(root, descriptor.raw)
    if refresh_descriptor(root / DESCRIPTOR, version=__version__, metadata=metadata):
        result.written.append(DESCRIPTOR)
    else:
        result.unchanged.append(DESCRIPTOR)
    descriptor = _descriptor(root)  # as refreshed
    for name, table in tables.items():
        rel = f"{PARQUET_DIR}/{parquet_file_name(name)}"
        if not force and _parquet_matches(root / rel, table):
            result.unchanged.append(rel)
        else:
            write_bytes_atomic(root / rel, parquet_bytes(table))
            result.written.append(rel)
    for rel in _orphans(root, list(schemas)):
        (root / rel).unlink()
        result.removed.append(rel)
    parquet = parquet_descriptor(descriptor.raw, schemas, root / PARQUET_DIR)
    _write_if_changed(root, PARQUET_DESCRIPTOR, dump_descriptor(parquet), result)
    _write_if_changed(root, DATA_DICTIONARY, render_data_dictionary(descriptor), result)
    return result


def stale_files(root: Path | None = None) -> list[str]:
    """What `ukraine-talks build` would change in the package at `root`, one line per file.

    Parquet files are compared by decoded content and metadata (including the hash of the
    CSV each was built from), not by bytes, so the answer does not depend on the pyarrow
    version; the Parquet descriptor is compared with the files as they are.
    """
    root = Path(root) if root is not None else bundle_dir()
    descriptor = _descriptor(root)
    stale: list[str] = []
    expected = refreshed(descriptor.raw, root)
    expected.update(package_metadata(root, descriptor.raw))
    expected["version"] = __version__
    if dump_descriptor(expected) != (root / DESCRIPTOR).read_text(encoding="utf-8"):
        stale.append(
            f"{DESCRIPTOR}: version, created, sources, bytes, hash or rows differ from the "
            "files it describes"
        )
    schemas = _schemas(descriptor)
    for name, schema in schemas.items():
        rel = f"{PARQUET_DIR}/{parquet_file_name(name)}"
        csv = descriptor.resource(name)
        table = parquet_table(root / csv.path, schema) if csv else None
        if not (root / rel).is_file():
            stale.append(f"{rel}: missing")
        elif not _parquet_matches(root / rel, table):
            stale.append(f"{rel}: differs from what {csv.path if csv else name} gives")
    stale += [f"{rel}: no such table any more" for rel in _orphans(root, list(schemas))]
    parquet_file = root / PARQUET_DESCRIPTOR
    if all((root / PARQUET_DIR / parquet_file_name(n)).is_file() for n in schemas):
        parquet = dump_descriptor(parquet_descriptor(descriptor.raw, schemas, root / PARQUET_DIR))
        if not parquet_file.is_file() or parquet_file.read_text(encoding="utf-8") != parquet:
            stale.append(f"{PARQUET_DESCRIPTOR}: differs from the Parquet files and schemas")
    dictionary = root / DATA_DICTIONARY
    current = dictionary.read_text(encoding="utf-8") if dictionary.is_file() else None
    if current != render_data_dictionary(descriptor):
        stale.append(f"{DATA_DICTIONARY}: missing or differs from the schemas")
    return stale
