"""Where the data package bundled with this distribution lives on disk, and where its parts lie
in any package folder: the descriptor, and the Parquet distribution (`data/parquet/`, one
`<table>.parquet` per table, each recording the SHA-256 of the CSV it was built from under
`source_csv_sha256`, and its own descriptor) and the journal of a change being made to it
(`CHANGE_JOURNAL`, `settle()`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from .. import _journal

DESCRIPTOR = "datapackage.json"
PARQUET_DIR = "data/parquet"
PARQUET_DESCRIPTOR = f"{PARQUET_DIR}/datapackage.json"
CSV_SHA256_KEY = "source_csv_sha256"
CHANGE_JOURNAL = ".ukraine-talks-change.json"
"""Where `build`, `add-source` and `accept` record the change they are making to a package
(`_journal`): present only while the renames run, or after a run was killed during them."""
MAX_JSON_BYTES = 16 * 2**20
"""The largest JSON file of a package (descriptor, schema, dialect) that is read."""
BUILD_COMMAND = "ukraine-talks build"
"""The command that regenerates a package's derived files, as advice names it: for the
package `local_root()` or the bundle is (`build_command` for another)."""


def settle(root: Path | str) -> bool:
    """Put right a change to the package at `root` that a killed `build`, `add-source` or
    `accept` left half made, so that the package is wholly its previous self (or wholly
    the new one, if the kill came after the change was complete); True if there was one.
    Every command that reads a package calls it first."""
    return _journal.settle(Path(root) / CHANGE_JOURNAL)


def parquet_file_name(table: str) -> str:
    """File name of a table's Parquet file: `<table>.parquet`."""
    return f"{table}.parquet"


def parquet_orphans(root: Path, tables: list[str]) -> list[str]:
    """The Parquet files in `root`'s data/parquet/ of no table in `tables`, by path (a build
    removes them; the validator reports them)."""
    folder = root / PARQUET_DIR
    if not folder.is_dir():
        return []
    wanted = {parquet_file_name(t) for t in tables}
    found = (p.name for p in folder.glob("*.parquet"))
    return sorted(f"{PARQUET_DIR}/{name}" for name in found if name not in wanted)


def bundle_dir() -> Path:
    """The folder holding datapackage.json, schemas/, data/ and seeds/.

    In an installed wheel this is ``ukraine_talks_data/_bundle``; in a source
    checkout or an editable install it is the repository root. A change a killed run left
    half made there is put right first (`settle`, once per process).
    """
    root = _find_bundle()
    if root not in _SETTLED:
        settle(root)
        _SETTLED.add(root)
    return root


_SETTLED: set[Path] = set()


@cache
def _find_bundle() -> Path:
    here = Path(__file__).resolve().parent.parent  # the ukraine_talks_data folder
    for candidate in (here / "_bundle", here.parent.parent):
        if (candidate / DESCRIPTOR).is_file():
            return candidate
    raise FileNotFoundError(
        f"the bundled data package was not found (looked in {here / '_bundle'} and "
        f"{here.parent.parent}); reinstall ukraine-talks-data"
    )


def local_root() -> Path | None:
    """The current folder (`.`) when it holds a datapackage.json, a checkout or fork being
    worked on: what `validate`, `build` and `release` read when given no package, before
    the bundled one (after a non-editable install that is a copy in site-packages)."""
    here = Path()
    return here if (here / DESCRIPTOR).is_file() else None


def build_command(root: Path | str, *, reference_schemas: bool = True) -> str:
    """`ukraine-talks build` with the options that make it build the package at `root`."""
    default = local_root() or bundle_dir()
    return command_line("build", root=root, default=default, reference_schemas=reference_schemas)


def command_line(
    command: str,
    *args: str,
    root: Path | str,
    default: Path,
    reference_schemas: bool = True,
) -> str:
    """`ukraine-talks <command> <args>` (each quoted for a shell) with the options that make
    it act on the package at `root`: `--root` unless it is `default`, the one the command
    reads when given none; `--allow-schema-changes` for a package checked against its own
    schemas. What advice prints, so that following it acts on the same package."""
    import shlex

    words = ["ukraine-talks", command, *(shlex.quote(a) for a in args)]
    if Path(root).resolve() != default.resolve():
        words.append(f"--root {shlex.quote(str(Path(root).resolve()))}")
    if not reference_schemas:
        words.append("--allow-schema-changes")
    return " ".join(words)


def read_json(path: Path) -> Any:
    """The JSON value of a package file (a descriptor, a schema) that a command reads
    without validating it first, read as the validator reads JSON (`json_text.load_json`);
    a LoadError naming the file and what is wrong: missing, not a regular file, larger than
    `MAX_JSON_BYTES`, or JSON no writer could write back."""
    from ..errors import LoadError
    from .digest import open_regular
    from .json_text import load_json

    path = Path(path)
    try:
        with open_regular(path) as fh:  # never a FIFO or /dev/zero: a hang, or no end
            data = fh.read(MAX_JSON_BYTES + 1)
    except FileNotFoundError:
        raise LoadError(f"{path}: no such file") from None
    except OSError as exc:
        raise LoadError(f"{path}: {exc.strerror or exc}") from None
    if len(data) > MAX_JSON_BYTES:
        raise LoadError(f"{path} is larger than {MAX_JSON_BYTES:,} bytes")
    try:
        return load_json(data)
    except ValueError as exc:  # JsonError: the reason says where
        reason = str(exc)
        said = f" is {reason}" if reason.startswith("not ") else f": {reason}"
        raise LoadError(f"{path}{said}") from None


def bundled_descriptor() -> Path:
    """Path of the bundled datapackage.json."""
    return bundle_dir() / DESCRIPTOR
