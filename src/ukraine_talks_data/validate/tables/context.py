"""What every check reads: the package's files, tables and source texts, each read once.

Files are read through `inputs/files.py` (inside the package, regular files, size-capped)
and tables parsed once by `csv/form.py`; checks on rows only see a table whose file parsed
completely and whose header is exactly its schema's field names — any other table has its
own file or header error, and checking its rows would only add confusing echoes.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...package.sources import SourceText, source_text
from ..csv.form import ParsedCsv, parse_csv
from ..inputs.descriptor import Descriptor
from ..inputs.files import (
    NO_LIMIT,
    FileChangedError,
    PackageFileError,
    open_package_file,
    read_package_file,
)
from ..inputs.resource_rules import declared_algorithm
from ..inputs.schema_rules import field_names

KEEP_BYTES = 1 << 24
"""Files up to this size are kept in memory once read; larger ones are read again when asked
(from the page cache), so that a large package is not held in memory beside its columns."""


@dataclass(frozen=True)
class Row:
    """One data row: `number` is its Frictionless row number (header = 1, first row = 2)."""

    number: int
    cells: dict[str, str | None]

    def get(self, name: str) -> str | None:
        return self.cells.get(name)


@dataclass
class Table:
    """A CSV resource's non-blank data rows as text, for checks that Table Schema cannot
    express."""

    path: str
    rows: list[Row]

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)


def table_from_csv(path: str, parsed: ParsedCsv) -> Table:
    """Rows of a parsed CSV as dicts keyed by the header, blank records left out."""
    header = parsed.header
    rows = [
        Row(
            number,
            {h: (record[i] or None) if i < len(record) else None for i, h in enumerate(header)},
        )
        for number, record in enumerate(parsed.records[1:], start=2)
        if any(record)
    ]
    return Table(path, rows)


@dataclass
class Context:
    """Lazy access to a validated package's files, tables and seeds.

    Safe to share between threads (the column engine runs checks side by side): what is
    built lazily (parses, tables, seeds) is built under a lock and published whole.

    `reference` maps table names to the reference Table Schemas (those bundled with this
    distribution); when given, a table named there is validated against the reference
    schema, whatever the package's own schema says.
    """

    descriptor: Descriptor
    reference: Mapping[str, dict[str, Any]] | None = None
    _files: dict[str, bytes | PackageFileError | None] = field(default_factory=dict)
    _parsed: dict[str, ParsedCsv | None] = field(default_factory=dict)
    _tables: dict[str, Table | None] = field(default_factory=dict)
    _sources: dict[str, SourceText | None] | None = None
    _source_errors: dict[str, PackageFileError] = field(default_factory=dict)
    _source_rows: dict[str, int] = field(default_factory=dict)
    _sizes: dict[str, int] = field(default_factory=dict)
    _digests: dict[tuple[str, str], str] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    def data(self, name: str) -> bytes | PackageFileError | None:
        """The bytes of resource `name`'s file, the reason it cannot be read, or None if unknown.
        A file read again (not kept) must be what was read first: FileChangedError if not."""
        resource = self.descriptor.resource(name)
        if resource is None:
            return None
        kept = self._files.get(name)
        if kept is not None:
            return kept
        limit = NO_LIMIT if resource.is_table else None  # tables of any size
        try:
            data = read_package_file(self.descriptor.root, resource.path, limit)
        except PackageFileError as exc:
            if name in self._sizes:  # it was read before
                raise _changed(resource.path, exc) from None
            self._files[name] = exc
            return exc
        size = self._sizes.setdefault(name, len(data))
        if size != len(data):
            raise FileChangedError(resource.path, f"has {len(data):,} bytes, not {size:,}")
        for (file, method), digest in list(self._digests.items()):  # read before: the same?
            if file == name and hashlib.new(method, data).hexdigest() != digest:
                raise FileChangedError(resource.path, f"no longer hashes to {method}:{digest}")
        algorithm = declared_algorithm(resource.raw)
        if len(data) > KEEP_BYTES and algorithm and (name, algorithm) not in self._digests:
            # hashed now, as read: `digest` needs no other read, and the next is compared
            self._digests[(name, algorithm)] = hashlib.new(algorithm, data).hexdigest()
        self._files[name] = data if len(data) <= KEEP_BYTES else None  # None: read again
        return data

    def reopen(self, name: str) -> io.BufferedReader:
        """Resource `name`'s file, read before, open again; FileChangedError if it cannot be
        opened or its size is no longer the one read."""
        resource = self.descriptor.resource(name)
        assert resource is not None and name in self._sizes, name
        try:
            fh = open_package_file(self.descriptor.root, resource.path)
        except PackageFileError as exc:
            raise _changed(resource.path, exc) from None
        size = os.fstat(fh.fileno()).st_size
        if size != self._sizes[name]:
            fh.close()
            raise FileChangedError(resource.path, f"has {size:,} bytes, not {self._sizes[name]:,}")
        return fh

    def size(self, name: str) -> int | None:
        """The size in bytes of resource `name`'s file; None if it cannot be read."""
        if name not in self._sizes:
            self.data(name)
        return self._sizes.get(name)

    def digest(self, name: str, algorithm: str) -> str | None:
        """The hex digest of resource `name`'s file by `algorithm`; None if it cannot be read.
        A file not kept in memory is hashed as it is read, a chunk at a time (a table read in
        pieces has its digest only once its last piece is read: `remember`)."""
        if (name, algorithm) not in self._digests:
            resource = self.descriptor.resource(name)
            data = self._files.get(name)
            if resource is not None and not resource.is_table:
                data = self.data(name)  # size-capped
            if isinstance(data, bytes):
                digest = hashlib.new(algorithm, data).hexdigest()
            elif resource is None or isinstance(data, PackageFileError):
                return None  # unknown, or not readable (`file_error` says why)
            elif name in self._sizes:  # read before: the same file, read again
                with self.reopen(name) as fh:
                    digest = hashlib.file_digest(fh, algorithm).hexdigest()
            else:
                try:
                    with open_package_file(self.descriptor.root, resource.path) as fh:
                        digest = hashlib.file_digest(fh, algorithm).hexdigest()
                except (PackageFileError, OSError):
                    self.data(name)  # records why
                    return None
            self._digests[(name, algorithm)] = digest
        return self._digests[(name, algorithm)]

    def remember(self, name: str, size: int, digests: Mapping[str, str]) -> None:
        """Record the `size` of resource `name`'s file and its `digests` (algorithm → hex
        digest), computed by a reader that read it safely, so that it is not read again."""
        self._sizes[name] = size
        self._files.setdefault(name, None)  # readable; its bytes are read again if asked
        for algorithm, digest in digests.items():
            self._digests[(name, algorithm)] = digest

    def file_error(self, name: str) -> PackageFileError | None:
        """Why resource `name`'s file cannot be read, or None if it can (or is unknown)."""
        if name not in self._files:
            self.data(name)
        found = self._files.get(name)
        return found if isinstance(found, PackageFileError) else None

    def parsed(self, name: str) -> ParsedCsv | None:
        """Table `name`'s file parsed as CSV; None when it is not a table or cannot be read."""
        with self._lock:
            if name not in self._parsed:
                resource = self.descriptor.resource(name)
                data = self.data(name) if resource is not None and resource.is_table else None
                schema = self.schema(name) if isinstance(data, bytes) else None
                fields = len(field_names(schema)) if schema is not None else None
                self._parsed[name] = parse_csv(data, fields) if isinstance(data, bytes) else None
            return self._parsed[name]

    def forget_parsed(self, name: str) -> None:
        """Drop table `name`'s parse and rows (the next asks parse the file again)."""
        self._parsed.pop(name, None)
        self._tables.pop(name, None)
        if name == "sources":  # the seeds are read from the sources table
            self._sources = None
            self._source_errors.clear()
            self._source_rows.clear()

    def use_parsed(self, name: str, parsed: ParsedCsv) -> None:
        """Take `parsed` as table `name`'s parse (one settled without `parse_csv`, which
        must equal what `parse_csv` would give: see column_files.py)."""
        self._parsed[name] = parsed

    def schema(self, name: str) -> dict[str, Any] | None:
        """The schema table `name` is validated against: the reference one, else its own."""
        resource = self.descriptor.resource(name)
        if resource is None or not resource.is_table:
            return None
        if self.reference is not None and name in self.reference:
            return self.reference[name]
        return resource.schema

    def table(self, name: str) -> Table | None:
        """The named table's rows, or None if it is missing, unreadable or its header is off."""
        with self._lock:
            if name not in self._tables:
                resource = self.descriptor.resource(name)
                parsed, schema = self.parsed(name), self.schema(name)
                self._tables[name] = (
                    table_from_csv(resource.path, parsed)
                    if resource is not None
                    and parsed is not None
                    and parsed.complete
                    and schema is not None
                    and parsed.header == field_names(schema)
                    else None
                )
            return self._tables[name]

    def sources(self) -> dict[str, SourceText | None]:
        """source_id → the seed file's text; None where the file is missing or unsafe."""
        with self._lock:  # checks run in threads: none may see a half-built dict
            if self._sources is None:
                sources: dict[str, SourceText | None] = {}
                read: dict[str, SourceText | PackageFileError] = {}  # by the file's real path
                for row in self.table("sources") or []:
                    source_id, path = row.get("source_id"), row.get("path")
                    if source_id is None or path is None:
                        continue
                    key = _real(self.descriptor.root / path)  # rows naming one file: read once
                    if key not in read:
                        try:
                            data = read_package_file(self.descriptor.root, path)
                            read[key] = source_text(self.descriptor.root / path, data)
                        except PackageFileError as exc:
                            read[key] = exc
                    found = read[key]
                    self._source_rows[source_id] = row.number  # the last row of the id wins
                    if isinstance(found, PackageFileError):
                        sources[source_id] = None
                        self._source_errors[source_id] = found
                    else:
                        sources[source_id] = found
                self._sources = sources
            return self._sources

    def source_row(self, source_id: str) -> int | None:
        """The number of the sources row whose seed `sources()` holds for `source_id` (of
        several rows with one source_id, a `primary-key` error, the last)."""
        self.sources()
        return self._source_rows.get(source_id)

    def source_error(self, source_id: str) -> PackageFileError | None:
        """Why the seed of `source_id` could not be read, if it could not."""
        self.sources()
        return self._source_errors.get(source_id)


def _changed(path: str, error: PackageFileError) -> FileChangedError:
    """The FileChangedError of a file read before that now cannot be read for `error`."""
    now = "is gone" if error.code == "file-missing" else error.message
    return FileChangedError(path, now)


def _real(path: Path) -> str:
    """The real path of `path` (any spelling of it: `seeds/a.txt`, `./seeds//a.txt`, a link);
    the path itself where it has none (a NUL byte)."""
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return str(path)
