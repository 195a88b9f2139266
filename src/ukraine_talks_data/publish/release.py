"""`ukraine-talks release`: the files to attach to a release, in one flat folder.

The folder holds, side by side: every table as `<table>.parquet` and `<table>.csv`,
`datapackage.json` (the CSV files) and `datapackage-parquet.json` (the Parquet files), both
with sizes, SHA-256 hashes and row counts and valid for the stock `frictionless validate`;
`ukraine-talks-data-<version>.zip`, the whole data package (descriptor, schemas, CSV and
Parquet data, seeds, data dictionary, codebook, licences, citation) as laid out in the
repository; and
`SHA256SUMS` for all of them (`sha256sum -c SHA256SUMS`). Remote loading reads
`<base URL>/<table>.parquet` from such a folder. The zip is reproducible: fixed entry order,
timestamps and permissions.

The CSV files here are written for people (`csv_export`); the zip keeps the canonical ones.
"""

from __future__ import annotations

import copy
import hashlib
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._atomic import atomic_folder
from ..errors import ReleaseError as ReleaseError
from ..loading.parquet import PARQUET_DESCRIPTOR, PARQUET_DIR, parquet_file_name
from ..package.bundle import DESCRIPTOR, bundle_dir
from ..validate.inputs.descriptor import read_descriptor
from .build import BUILD_COMMAND, stale_files
from .csv_export import write_csv_export
from .data_dictionary import DATA_DICTIONARY
from .descriptor_stats import dump_descriptor, resource_stats

CSV_DESCRIPTOR = "datapackage.json"
PARQUET_RELEASE_DESCRIPTOR = "datapackage-parquet.json"
CHECKSUMS = "SHA256SUMS"
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
# Besides the package parts, these files go into the zip when the package root has them.
CODEBOOK = "docs/codebook.md"
EXTRA_FILES = (
    "README.md",
    "LICENSE",
    "LICENSE-DATA.md",
    "CITATION.cff",
    "CHANGELOG.md",
    DATA_DICTIONARY,
    CODEBOOK,
    "docs/datacard.md",
)
PACKAGE_PARTS = (DESCRIPTOR, "schemas", "data", "seeds")
FLAT_NOTE = (
    "This descriptor describes the tables as flat release files; the zip beside them holds "
    "the whole package, with the source articles."
)


@dataclass
class ReleaseResult:
    """The release folder and the files in it, by name."""

    folder: Path
    files: list[str] = field(default_factory=list)


def zip_name(version: str) -> str:
    """File name of the release zip."""
    return f"ukraine-talks-data-{version}.zip"


def _zip_members(root: Path) -> list[tuple[str, Path]]:
    """(name in the zip, file) for the package parts and extra files; hidden paths (such as
    leftovers of an interrupted write) are left out."""
    members: list[tuple[str, Path]] = []
    for part in PACKAGE_PARTS:
        path = root / part
        if path.is_dir():
            members += [
                (p.relative_to(root).as_posix(), p)
                for p in path.rglob("*")
                if p.is_file() and not any(x.startswith(".") for x in p.relative_to(root).parts)
            ]
        elif path.is_file():
            members.append((part, path))
    members += [(rel, root / rel) for rel in EXTRA_FILES if (root / rel).is_file()]
    return sorted(set(members))


def write_zip(root: Path, out: Path, prefix: str) -> None:
    """Zip the data package at `root` into `out`, every entry under `prefix/`, reproducibly."""
    with zipfile.ZipFile(out, "w") as archive:
        for rel, path in _zip_members(root):
            info = zipfile.ZipInfo(f"{prefix}/{rel}", date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            info.create_system = 3
            archive.writestr(info, path.read_bytes(), compresslevel=9)


def flat_csv_descriptor(raw: dict[str, Any]) -> dict[str, Any]:
    """The CSV descriptor for the flat folder: table resources only, schemas inline."""
    out = copy.deepcopy(raw)
    out["description"] = f"{raw.get('description', '')} {FLAT_NOTE}".strip()
    resources = []
    for resource in out["resources"]:
        if "schema" not in resource:
            continue
        resource["path"] = f"{resource['name']}.csv"
        resources.append(resource)
    out["resources"] = resources
    return out


def sha256sums(folder: Path) -> str:
    """`sha256sum`-format lines for every file in `folder` but SHA256SUMS, sorted by name."""
    lines = []
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.name != CHECKSUMS:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            lines.append(f"{digest}  {path.name}\n")
    return "".join(lines)


def _check_ready(root: Path) -> None:
    stale = stale_files(root)
    if stale:
        raise ReleaseError(
            f"the build files are stale; run `{BUILD_COMMAND}` first:\n  " + "\n  ".join(stale)
        )
    from ..validate import validate_package

    report = validate_package(root / DESCRIPTOR)
    if not report.valid:
        raise ReleaseError(f"{root / DESCRIPTOR} is invalid; nothing was released", report.errors)


def make_release(out: Path | None = None, root: Path | None = None) -> ReleaseResult:
    """Assemble the release folder `out` (default: release/v<version>/ under `root`).

    Refuses (ReleaseError) when the Parquet files, descriptors or data dictionary are
    stale or the data is invalid. The folder is filled beside `out` and then swapped in,
    so an interrupted run leaves any previous release whole; an existing `out` is replaced
    only if it holds a previous release (a SHA256SUMS file) or nothing.
    """
    root = Path(root) if root is not None else bundle_dir()
    _check_ready(root)
    descriptor, _ = read_descriptor(root / DESCRIPTOR)
    version = str(descriptor.raw.get("version", "0"))
    out = Path(out) if out is not None else root / "release" / f"v{version}"
    if out.exists() and (
        not out.is_dir() or (any(out.iterdir()) and not (out / CHECKSUMS).is_file())
    ):
        raise ReleaseError(f"{out} exists and is not a previous release; not replacing it")
    with atomic_folder(out) as tmp:
        flat = flat_csv_descriptor(descriptor.raw)
        for resource in flat["resources"]:
            name = resource["name"]
            source = descriptor.resource(name)
            if source is None or source.schema is None:
                continue
            write_csv_export(root / source.path, tmp / resource["path"], source.schema, resource)
            resource["schema"] = source.schema
            resource.update(resource_stats(tmp / resource["path"], resource).as_descriptor())
            shutil.copyfile(
                root / PARQUET_DIR / parquet_file_name(name), tmp / parquet_file_name(name)
            )
        (tmp / CSV_DESCRIPTOR).write_text(dump_descriptor(flat), encoding="utf-8")
        shutil.copyfile(root / PARQUET_DESCRIPTOR, tmp / PARQUET_RELEASE_DESCRIPTOR)
        write_zip(root, tmp / zip_name(version), f"ukraine-talks-data-{version}")
        (tmp / CHECKSUMS).write_text(sha256sums(tmp), encoding="utf-8")
        files = sorted(p.name for p in tmp.iterdir())
    return ReleaseResult(out, files)
