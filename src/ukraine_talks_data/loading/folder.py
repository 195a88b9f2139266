"""A data package on disk — any datapackage.json, not only the bundled one — as typed Arrow
tables and seed texts.

The descriptor is untrusted: it is read by the validator's `inputs.descriptor` (every
resource path confined to the package folder; a package naming an unsafe path is refused)
and seeds through `inputs.files` (regular files inside the folder, size-capped). Tables are
read with their own Table Schemas by `arrow.read_csv()`; a file that does not match its
schema is refused with a `LoadError` (`ukraine-talks validate` says where it differs).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import LoadError
from ..package.bundle import bundled_descriptor, settle
from ..package.sources import source_text
from ..validate.inputs.descriptor import Descriptor, DescriptorError, read_descriptor
from ..validate.inputs.files import PackageFileError, read_package_file
from .arrow import read_csv

if TYPE_CHECKING:
    import pyarrow as pa


class PackageFolder:
    """The package whose descriptor is `path` (a datapackage.json or its folder; default:
    the bundled one). Raises LoadError if there is no usable descriptor or it names a path
    outside the package."""

    def __init__(self, path: Path | str | None = None) -> None:
        file = Path(path) if path is not None else bundled_descriptor()
        settle(file if file.is_dir() else file.parent)  # a change a killed run left half made
        try:
            descriptor, issues = read_descriptor(file)
        except DescriptorError as exc:
            raise LoadError(str(exc)) from None
        unsafe = [i for i in issues if i.code == "unsafe-path"]
        if unsafe:
            raise LoadError(f"{descriptor.file}: {unsafe[0].line()}")
        self.descriptor: Descriptor = descriptor
        self._tables: dict[str, pa.Table | None] = {}

    @property
    def root(self) -> Path:
        return self.descriptor.root

    def table(self, name: str) -> pa.Table | None:
        """Table `name` typed per the package's own schema (read once); None if the package
        has no such table. LoadError if its file cannot be read as that schema declares."""
        if name not in self._tables:
            self._tables[name] = self._read(name)
        return self._tables[name]

    def _read(self, name: str) -> pa.Table | None:
        resource = self.descriptor.resource(name)
        if resource is None or resource.schema is None:
            return None
        try:
            return read_csv(self.root / resource.path, resource.schema)
        except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            raise LoadError(
                f"{resource.path}: cannot be read as its schema declares ({exc}); "
                "`ukraine-talks validate` says where"
            ) from None

    def seeds(self) -> dict[str, str]:
        """source_id → the seed's text, for every seed of `sources`; LoadError for a seed
        that is not a readable UTF-8 file inside the package (coverage said every quotation
        was covered, leaving out the seed's own)."""
        sources = self.table("sources")
        out: dict[str, str] = {}
        for row in [] if sources is None else sources.select(["source_id", "path"]).to_pylist():
            source_id, path = row["source_id"], row["path"]
            if source_id is None or path is None:
                continue
            try:
                seed = source_text(self.root / path, read_package_file(self.root, path))
            except PackageFileError as exc:
                problem = f"cannot be read ({exc.message})"
            else:
                if seed.text is not None:
                    out[source_id] = seed.text
                    continue
                problem = f"is not UTF-8 ({seed.decode_error})"
            raise LoadError(
                f"{path}: the seed of {source_id} {problem}; `ukraine-talks validate` says more"
            )
        return out
