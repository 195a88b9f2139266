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
import json
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._atomic import atomic_folder
from ..errors import ReleaseError as ReleaseError
from ..loading.parquet import PARQUET_DESCRIPTOR, PARQUET_DIR, parquet_file_name
from ..package.bundle import DESCRIPTOR, build_command, bundle_dir, settle
from ..package.schemas import bundled_raw, table_names, table_schema
from ..validate.inputs.descriptor import Descriptor, read_descriptor
from .build import BuildError, checked
from .csv_export import write_csv_export
from .data_dictionary import DATA_DICTIONARY
from .descriptor_stats import dump_descriptor, resource_stats

CSV_DESCRIPTOR = "datapackage.json"
PARQUET_RELEASE_DESCRIPTOR = "datapackage-parquet.json"
CHECKSUMS = "SHA256SUMS"
MANIFEST = ".ukraine-talks-release.json"
"""The release's own list of the files it wrote (hidden, so `upload release/v1/*` skips it):
a later release into the same folder replaces only a folder holding nothing else."""
MADE_BY = "ukraine-talks release"
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
ZIP_STEM = "ukraine-talks-data"
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


OWN_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
"""A package name as Frictionless recommends it (lower case, digits, `.`, `_`, `-`): what a
derived package's release zip is named after."""


def zip_name(version: str, name: str = ZIP_STEM) -> str:
    """File name of the release zip of version `version` of the package named `name`."""
    return f"{name}-{version}.zip"


def _own_identity(descriptor: Descriptor, root: Path, reference_schemas: bool) -> str:
    """The name a release of `descriptor`'s package (at `root`) goes by. A derived package
    (checked against its own schemas, which differ from the reference ones) must not pass
    for this dataset: its `name` and `id` must be its own (ReleaseError otherwise)."""
    raw = descriptor.raw
    if reference_schemas or not _schemas_differ(descriptor):
        return ZIP_STEM
    name = raw.get("name")
    reference = bundled_raw()
    same = [
        k
        for k in ("name", "id")
        if raw.get(k) is not None and _identity(raw[k]) == _identity(reference.get(k))
    ]
    if same:
        keys = " and ".join(f"`{k}`" for k in same)
        raise ReleaseError(
            f"{root / DESCRIPTOR} is a derived package (its schemas differ from "
            f"{reference.get('name')}'s) but has its {keys}: give the package its own (an "
            "`id` is a new UUID) so that its release is not taken for this dataset's"
        )
    if not isinstance(name, str) or not OWN_NAME.fullmatch(name) or len(name) > 100:
        given = "it has none" if name is None else f"it is {name!r}"
        raise ReleaseError(
            f"{root / DESCRIPTOR}: a derived package's release is named after its `name`, "
            f"which must be lower-case letters, digits, '.', '_' or '-', at most 100 ({given})"
        )
    return name


def _identity(value: object) -> str:
    """A name or id as compared: a UUID in any case, with or without `urn:uuid:`."""
    return str(value).strip().lower().removeprefix("urn:uuid:")


def _schemas_differ(descriptor: Descriptor) -> bool:
    """Whether the tables or schemas of `descriptor`'s package differ from the reference's."""
    tables = {r.name: r.schema for r in descriptor.tables()}
    return set(tables) != set(table_names()) or any(
        tables[t] != table_schema(t) for t in table_names()
    )


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
    """`sha256sum`-format lines for every file in `folder` but SHA256SUMS and hidden ones,
    sorted by name."""
    lines = []
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.name != CHECKSUMS and not path.name.startswith("."):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            lines.append(f"{digest}  {path.name}\n")
    return "".join(lines)


def _check_ready(root: Path, reference_schemas: bool) -> None:
    """ReleaseError unless the package is valid and its build files are up to date: it is
    validated first, as `build --check` does (stale files of an invalid package are not
    worth listing, and an unreadable table must not reach the Parquet reader)."""
    try:
        stale, report = checked(root, reference_schemas=reference_schemas)
    except BuildError as exc:
        raise ReleaseError(
            f"{root / DESCRIPTOR} is invalid; nothing was released", exc.issues
        ) from None
    if stale:
        command = build_command(root, reference_schemas=reference_schemas)
        raise ReleaseError(
            f"the build files are stale; run `{command}` first:\n  " + "\n  ".join(stale)
        )
    if not report.valid:  # an error a build fixes, yet nothing stale: still not released
        raise ReleaseError(f"{root / DESCRIPTOR} is invalid; nothing was released", report.errors)


def _manifest_files(out: Path) -> set[str] | None:
    """The files a previous release in `out` wrote, by its manifest; None if it has none."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("made_by") != MADE_BY:
        return None
    files = manifest.get("files")
    if not isinstance(files, list):
        return None
    return {name for name in files if isinstance(name, str)}


def check_replaceable(out: Path) -> None:
    """Raise ReleaseError unless `out` is missing, an empty folder, or a folder holding only
    files a previous release wrote there (listed in its manifest)."""
    if not out.exists():
        return
    if not out.is_dir():
        raise ReleaseError(f"{out} is a file; give a new or empty folder for the release")
    entries = sorted(p.name for p in out.iterdir())
    if not entries:
        return
    written = _manifest_files(out)
    if written is None:
        raise ReleaseError(
            f"{out} is not empty and was not made by `{MADE_BY}` (it has no {MANIFEST}); "
            "nothing was changed: give a new or empty folder"
        )
    foreign = [name for name in entries if name != MANIFEST and name not in written]
    if foreign:
        raise ReleaseError(
            f"{out} holds files that `{MADE_BY}` did not write ({', '.join(foreign)}); "
            "nothing was changed: move them away or give another folder"
        )


def make_release(
    out: Path | None = None, root: Path | None = None, *, reference_schemas: bool = True
) -> ReleaseResult:
    """Assemble the release folder `out` (default: release/v<version>/ under `root`).

    Refuses (ReleaseError) when the Parquet files, descriptors or data dictionary are
    stale or the data is invalid. The folder is filled beside `out` and then swapped in,
    so an interrupted run leaves any previous release whole. An existing `out` is replaced
    only if it is empty or holds nothing but the files a previous release wrote (its
    manifest lists them); anything else is refused before any work. A given `out` must be
    in an existing folder; the default one is created. `reference_schemas=False` checks a
    derived package against its own schemas (CLI `--allow-schema-changes`).
    """
    root = Path(root) if root is not None else bundle_dir()
    settle(root)
    if out is not None:
        check_replaceable(Path(out))  # before any work
    _check_ready(root, reference_schemas)
    descriptor, _ = read_descriptor(root / DESCRIPTOR)
    version = str(descriptor.raw.get("version", "0"))
    stem = _own_identity(descriptor, root, reference_schemas)
    default = out is None
    out = Path(out) if out is not None else root / "release" / f"v{version}"
    check_replaceable(out)
    with atomic_folder(out, parents=default) as tmp:
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
        write_zip(root, tmp / zip_name(version, stem), f"{stem}-{version}")
        (tmp / CHECKSUMS).write_text(sha256sums(tmp), encoding="utf-8")
        files = sorted(p.name for p in tmp.iterdir())
        manifest = {"made_by": MADE_BY, "version": version, "files": files}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return ReleaseResult(out, files)
