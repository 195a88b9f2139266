"""A package's tables as rows of text cells, read and written through the package's own schemas.

Every table is written in the package's canonical CSV form (UTF-8, LF, comma, minimal
quoting, header = the schema's fields, rows sorted by primary key), so that an added row
leaves the file as a hand edit would. Field lists always come from the schema: a column
added to a schema later is carried along (empty in new rows unless given).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ContributeError
from ..package.bundle import DESCRIPTOR, bundle_dir, settle
from ..package.schemas import primary_key
from ..package.sources import source_text
from ..validate.inputs.descriptor import Descriptor, DescriptorError, read_descriptor
from ..validate.inputs.files import PackageFileError, read_package_file

Row = dict[str, str]


def package_root(root: Path | str | None) -> Path:
    """The package folder: `root` (a folder or its datapackage.json), else the bundled one;
    a change a killed run left half made there is put right first (`settle`)."""
    if root is None:
        return bundle_dir()
    path = Path(root)
    folder = path.parent if path.name == DESCRIPTOR and path.is_file() else path
    if folder.is_dir():
        settle(folder)
    return folder


@dataclass
class PackageTables:
    """The package at `root`: its descriptor, each table's schema and rows, its seeds' texts."""

    root: Path
    descriptor: Descriptor = field(init=False)
    _rows: dict[str, list[Row]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        try:
            descriptor, issues = read_descriptor(self.root / DESCRIPTOR)
        except DescriptorError as exc:
            raise ContributeError(str(exc)) from None
        errors = [i for i in issues if i.severity == "error"]
        if errors:
            raise ContributeError(
                f"{self.root / DESCRIPTOR} has problems; `ukraine-talks validate` lists them",
                errors,
            )
        self.descriptor = descriptor

    def schema(self, table: str) -> dict[str, Any]:
        """The package's own Table Schema of `table`."""
        resource = self.descriptor.resource(table)
        if resource is None or resource.schema is None:
            raise ContributeError(f"{self.root / DESCRIPTOR} has no table named {table!r}")
        return resource.schema

    def fields(self, table: str) -> list[str]:
        """The field names of `table`, in schema order."""
        return [str(f["name"]) for f in self.schema(table)["fields"]]

    def field(self, table: str, name: str) -> dict[str, Any] | None:
        """The schema's field `name` of `table`, or None."""
        return next((f for f in self.schema(table)["fields"] if f["name"] == name), None)

    def path(self, table: str) -> Path:
        resource = self.descriptor.resource(table)
        if resource is None:
            raise ContributeError(f"{self.root / DESCRIPTOR} has no table named {table!r}")
        return self.root / resource.path

    def rows(self, table: str) -> list[Row]:
        """The rows of `table` as read from its CSV (cells as written; empty cells are '')."""
        if table not in self._rows:
            path = self.path(table)
            try:
                with path.open(encoding="utf-8", newline="") as fh:
                    self._rows[table] = [
                        {k: v or "" for k, v in row.items() if k is not None}
                        for row in csv.DictReader(fh, strict=True)
                    ]
            except OSError as exc:
                raise ContributeError(f"{path}: {exc.strerror or exc}") from None
            except (UnicodeDecodeError, csv.Error) as exc:
                raise ContributeError(
                    f"{path} cannot be read ({exc}); `ukraine-talks validate` says more"
                ) from None
        return self._rows[table]

    def seed_text(self, source_id: str) -> str:
        """The text of the seed of `source_id` (UTF-8, not normalised)."""
        row = next((r for r in self.rows("sources") if r.get("source_id") == source_id), None)
        if row is None:
            known = ", ".join(r.get("source_id", "") for r in self.rows("sources"))
            raise ContributeError(f"no source {source_id!r} in {self.root}; sources: {known}")
        try:
            data = read_package_file(self.root, row["path"])
        except PackageFileError as exc:
            raise ContributeError(f"{row['path']} (source {source_id}): {exc}") from None
        seed = source_text(self.root / row["path"], data)
        if seed.text is None:
            raise ContributeError(f"{row['path']} is not UTF-8 ({seed.decode_error})")
        return seed.text

    def canonical_csv(self, table: str, rows: list[Row]) -> tuple[str, list[Row]]:
        """`rows` as the canonical CSV text of `table`, and the rows in the order written."""
        schema = self.schema(table)
        names = self.fields(table)
        ordered = sorted(rows, key=sort_key(schema))
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(names)
        writer.writerows([row.get(name, "") for name in names] for row in ordered)
        return buffer.getvalue(), ordered


def sort_key(schema: dict[str, Any]) -> Any:
    """A row's primary key as a sort key, integer fields compared as numbers."""
    keys = primary_key(schema)
    ints = {f["name"] for f in schema["fields"] if f.get("type") == "integer"}

    def key(row: Row) -> tuple[tuple[int, int, str], ...]:
        out = []
        for name in keys:
            cell = row.get(name, "")
            if name in ints and re.fullmatch(r"-?[0-9]+", cell):
                out.append((0, int(cell), ""))
            else:
                out.append((1, 0, cell))
        return tuple(out)

    return key


def next_number(ids: list[str], prefix: str) -> int:
    """The number after the highest `<prefix><digits>` among `ids` (1 when there is none)."""
    pattern = re.compile(rf"^{re.escape(prefix)}([0-9]+)$")
    numbers = [int(m.group(1)) for i in ids if (m := pattern.match(i))]
    return max(numbers, default=0) + 1


def id_width(ids: list[str], prefix: str, default: int) -> int:
    """How many digits the ids `<prefix><digits>` use (the widest present, else `default`)."""
    pattern = re.compile(rf"^{re.escape(prefix)}([0-9]+)$")
    return max((len(m.group(1)) for i in ids if (m := pattern.match(i))), default=default)
