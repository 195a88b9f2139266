"""`ukraine-talks build`: validate the CSVs, then regenerate everything derived from them.

Derived files: the `bytes`, `hash`, `rows` (and `version`, `created`, `sources`: see
`metadata`) in datapackage.json, the Parquet
files and their descriptor in data/parquet/, and docs/data-dictionary.md. They are
published as one change, all or nothing even if the run is killed (`_journal`), and a file
is rewritten only when its content changed, so a second build writes nothing.
`stale_files()` reports what a build would change; a test calls it.

Byte-identity: the same CSVs give byte-identical files for a given pyarrow version. A
Parquet file whose decoded content and metadata already match is left alone, so building
with another pyarrow version does not churn committed files; `force=True` rewrites them.
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._atomic import Publication, clear_leftovers
from .._journal import journaled_group
from .._version import __version__
from ..errors import BuildError as BuildError
from ..loading.parquet import PARQUET_DESCRIPTOR, PARQUET_DIR, parquet_file_name, read_parquet_file
from ..package.bundle import CHANGE_JOURNAL, DESCRIPTOR, bundle_dir, parquet_orphans, settle
from ..validate.inputs.descriptor import Descriptor, DescriptorError, read_descriptor
from ..validate.rules.parquet_descriptor import PARQUET_CODES
from .data_dictionary import DATA_DICTIONARY, render_data_dictionary
from .descriptor_stats import dump_descriptor, refreshed
from .metadata import package_metadata
from .parquet import WRITE_OPTIONS, parquet_bytes, parquet_descriptor, parquet_table

if TYPE_CHECKING:
    from ..validate.report.issues import Report

# Issues a build fixes rather than reports: the descriptor's statistics of changed files,
# and a Parquet distribution out of step with the CSVs.
STATS_CODES = frozenset({"hash-count", "byte-count", "row-count"}) | PARQUET_CODES


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


def _validate(root: Path, reference_schemas: bool) -> Report:
    """The package's report; BuildError when it has errors a build does not fix."""
    from ..validate import validate_package

    report = validate_package(root / DESCRIPTOR, reference_schemas=reference_schemas)
    blocking = [i for i in report.sorted() if i.severity == "error" and i.code not in STATS_CODES]
    if blocking:
        raise BuildError(f"{root / DESCRIPTOR} is invalid; nothing was built", blocking)
    return report


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


def _read_tables(root: Path, descriptor: Descriptor, reference_schemas: bool) -> dict[str, Any]:
    """Every table as its Parquet file will hold it; BuildError if a CSV cannot be read."""
    schemas = _schemas(descriptor)
    tables = {}
    for resource in descriptor.tables():
        try:
            tables[resource.name] = parquet_table(root / resource.path, schemas[resource.name])
        except (ValueError, OSError, csv.Error) as exc:
            raise _unreadable(root, resource.path, exc, reference_schemas) from None
    return tables


def _unreadable(root: Path, rel: str, exc: Exception, reference_schemas: bool) -> BuildError:
    """The error for a CSV the build cannot read: the validator's issues if it has any."""
    try:
        _validate(root, reference_schemas)
    except BuildError as invalid:
        return invalid
    return BuildError(
        f"{root / rel} cannot be read ({type(exc).__name__}: {exc}); nothing was built"
    )


def build(
    root: Path | None = None, *, force: bool = False, reference_schemas: bool = True
) -> BuildResult:
    """Validate the package at `root` (default: the bundled one), then regenerate its derived files.

    Raises BuildError, writing nothing, when the package is invalid; stale sizes, hashes
    and row counts in datapackage.json and a stale Parquet distribution are not errors
    here, since the build rewrites them. Every table is read and encoded before anything
    is written; then the Parquet distribution (files and descriptor, one folder),
    datapackage.json and the data dictionary are published as one change
    (`_journal.journaled_group`): a failure puts the previous ones back, and so does the
    next command to read the package after a run killed midway.

    `reference_schemas=False` validates a derived package against its own schemas, as
    `validate_package` does (CLI `--allow-schema-changes`).
    """
    root = Path(root) if root is not None else bundle_dir()
    settle(root)
    descriptor = _descriptor(root)
    validated = _expected_descriptor(root, descriptor, reference_schemas)  # as validated
    _validate(root, reference_schemas)
    result = BuildResult(root)
    for rel in (DESCRIPTOR, PARQUET_DIR, DATA_DICTIONARY):  # what a killed build left
        clear_leftovers(root / rel)
    tables = _read_tables(root, descriptor, reference_schemas)
    raw = _expected_descriptor(root, descriptor, reference_schemas)
    _unchanged(root, validated, raw)
    text = dump_descriptor(raw)
    dictionary = render_data_dictionary(replace(descriptor, raw=raw))
    with journaled_group(root / CHANGE_JOURNAL) as publish:
        _stage_parquet(root, raw, _schemas(descriptor), tables, force, result, publish)
        _stage_if_changed(root, DESCRIPTOR, text, result, publish)
        _stage_if_changed(root, DATA_DICTIONARY, dictionary, result, publish)
    return result


def _unchanged(root: Path, validated: dict[str, Any], now: dict[str, Any]) -> None:
    """BuildError unless the files read for the build (`now`: their stats after the tables
    were read) are those validated: an editor saving a table mid-build would otherwise have
    its unvalidated rows built and their hash recorded as if checked."""
    if now == validated:
        return
    was = {r.get("path"): r for r in validated.get("resources", [])}
    paths = [
        str(r.get("path"))
        for r in now.get("resources", [])
        if any(r.get(k) != was.get(r.get("path"), {}).get(k) for k in ("bytes", "hash", "rows"))
    ]
    changed = ", ".join(paths) or "the sources table"
    raise BuildError(f"{changed} changed while the build read it; nothing was built: build again")


def _stage_if_changed(
    root: Path, rel: str, text: str, result: BuildResult, publish: Publication
) -> None:
    path = root / rel
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        result.unchanged.append(rel)
    else:
        publish.file(path).write_bytes(text.encode("utf-8"))
        result.written.append(rel)


def _stage_parquet(
    root: Path,
    raw: dict[str, Any],
    schemas: dict[str, dict[str, Any]],
    tables: dict[str, Any],
    force: bool,
    result: BuildResult,
    publish: Publication,
) -> None:
    """Stage data/parquet/ anew when any file or its descriptor would change; `publish`
    swaps it in when the build's block ends."""
    folder = root / PARQUET_DIR
    changed: dict[str, bytes] = {}
    for name, table in tables.items():
        rel = f"{PARQUET_DIR}/{parquet_file_name(name)}"
        if force or not _parquet_matches(root / rel, table):
            changed[parquet_file_name(name)] = parquet_bytes(table)
    orphans = parquet_orphans(root, list(tables))
    files = sorted(parquet_file_name(n) for n in tables)
    if not changed and not orphans:
        text = dump_descriptor(parquet_descriptor(raw, schemas, folder))
        current = root / PARQUET_DESCRIPTOR
        if current.is_file() and current.read_text(encoding="utf-8") == text:
            result.unchanged += [f"{PARQUET_DIR}/{f}" for f in files] + [PARQUET_DESCRIPTOR]
            return
    staging = publish.folder(folder)
    gone = {Path(rel).name for rel in orphans}
    for entry in sorted(folder.iterdir()) if folder.is_dir() else []:
        if entry.name.startswith(".") or entry.name in gone or entry.name in changed:
            continue
        if entry.is_dir():
            shutil.copytree(entry, staging / entry.name)
        else:
            shutil.copy2(entry, staging / entry.name)
    for name, data in changed.items():
        (staging / name).write_bytes(data)
    text = dump_descriptor(parquet_descriptor(raw, schemas, staging))
    (staging / Path(PARQUET_DESCRIPTOR).name).write_bytes(text.encode("utf-8"))
    for name in files:
        rel = f"{PARQUET_DIR}/{name}"
        (result.written if name in changed else result.unchanged).append(rel)
    result.removed += orphans
    result.written.append(PARQUET_DESCRIPTOR)


def _expected_descriptor(
    root: Path, descriptor: Descriptor, reference_schemas: bool
) -> dict[str, Any]:
    """datapackage.json as a build writes it: sizes, hashes and rows of the files as they
    are, the package metadata and this version."""
    try:
        raw = refreshed(descriptor.raw, root)
    except (ValueError, OSError, csv.Error) as exc:
        raise _unreadable(root, DESCRIPTOR, exc, reference_schemas) from None
    raw.update(package_metadata(root, descriptor.raw))
    raw["version"] = __version__
    return raw


def check(root: Path | None = None, *, reference_schemas: bool = True) -> list[str]:
    """What `ukraine-talks build --check` says, writing nothing: BuildError where a build
    would refuse (an unreadable descriptor, invalid data), else `stale_files`. A stale
    file in an invalid package is not worth listing: the build it calls for would fail."""
    return checked(root, reference_schemas=reference_schemas)[0]


def checked(
    root: Path | None = None, *, reference_schemas: bool = True
) -> tuple[list[str], Report]:
    """`check`'s stale files, and the validation's report they come after (`release`
    needs both, and a package validated once)."""
    root = Path(root) if root is not None else bundle_dir()
    settle(root)
    _descriptor(root)
    report = _validate(root, reference_schemas)
    return stale_files(root, reference_schemas=reference_schemas), report


def stale_files(root: Path | None = None, *, reference_schemas: bool = True) -> list[str]:
    """What `ukraine-talks build` would change in the package at `root`, one line per file.

    Parquet files are compared by decoded content and metadata (including the hash of the
    CSV each was built from), not by bytes, so the answer does not depend on the pyarrow
    version; the Parquet descriptor is compared with the files as they are. A CSV that
    cannot be read is a BuildError carrying the validator's issues, as for a build (with
    `reference_schemas` as there).
    """
    root = Path(root) if root is not None else bundle_dir()
    settle(root)
    descriptor = _descriptor(root)
    tables = _read_tables(root, descriptor, reference_schemas)
    expected = _expected_descriptor(root, descriptor, reference_schemas)
    stale: list[str] = []
    if dump_descriptor(expected) != (root / DESCRIPTOR).read_text(encoding="utf-8"):
        stale.append(
            f"{DESCRIPTOR}: version, created, sources, bytes, hash or rows differ from the "
            "files it describes"
        )
    schemas = _schemas(descriptor)
    for resource in descriptor.tables():
        rel = f"{PARQUET_DIR}/{parquet_file_name(resource.name)}"
        if not (root / rel).is_file():
            stale.append(f"{rel}: missing")
        elif not _parquet_matches(root / rel, tables[resource.name]):
            stale.append(f"{rel}: differs from what {resource.path} gives")
    stale += [f"{rel}: no such table any more" for rel in parquet_orphans(root, list(schemas))]
    parquet_file = root / PARQUET_DESCRIPTOR
    if all((root / PARQUET_DIR / parquet_file_name(n)).is_file() for n in schemas):
        try:
            parquet = dump_descriptor(parquet_descriptor(expected, schemas, root / PARQUET_DIR))
        except (OSError, ValueError):  # a file that is not Parquet (stale, listed above)
            parquet = None
        if (
            parquet is None
            or not parquet_file.is_file()
            or parquet_file.read_text(encoding="utf-8") != parquet
        ):
            stale.append(f"{PARQUET_DESCRIPTOR}: differs from the Parquet files and schemas")
    dictionary = root / DATA_DICTIONARY
    current = dictionary.read_text(encoding="utf-8") if dictionary.is_file() else None
    if current != render_data_dictionary(descriptor):
        stale.append(f"{DATA_DICTIONARY}: missing or differs from the schemas")
    return stale
