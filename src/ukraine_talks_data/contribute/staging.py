"""A change to a package made in a copy first: built and validated there, then copied back.

`staged(root)` copies the package's files (its descriptor, every resource's file and schema
file, the Parquet folder and the data dictionary) into a temporary folder. The caller edits
the copy; `commit()` builds it (which validates it), validates the result once more, and
only then writes the changed files back into `root` as one change
(`_journal.journaled_group`): a failed write puts back those already replaced, and so does
the next command to read the package after a run killed midway. A refused change, or one
that cannot be written (a full disk, a read-only folder), leaves `root` untouched and is a
ContributeError.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .._journal import journaled_group
from .._scratch import remove_scratch, scratch_folder
from ..errors import BuildError, ContributeError
from ..loading.parquet import PARQUET_DIR
from ..package.bundle import CHANGE_JOURNAL, DESCRIPTOR
from ..publish.build import build
from ..publish.data_dictionary import DATA_DICTIONARY
from ..validate import validate_package
from ..validate.report.issues import Issue
from .tables import PackageTables

Explain = Callable[[list[Issue]], list[Issue]]


def _parts(tables: PackageTables) -> list[str]:
    """Relative paths of the files and folders that make up the package at `tables.root`."""
    parts = {DESCRIPTOR, PARQUET_DIR, DATA_DICTIONARY}
    for resource in tables.descriptor.resources:
        parts.add(resource.path)
        if resource.schema_file:
            parts.add(resource.schema_file)
    return sorted(parts)


def _unchanged(what: object, exc: OSError) -> ContributeError:
    return ContributeError(f"cannot write {what} (nothing was changed): {exc.strerror or exc}")


@contextmanager
def staged(tables: PackageTables) -> Iterator[Path]:
    """A temporary copy of the package at `tables.root`, removed when the block ends.

    A failure to write into the copy (the temporary folder's disk full) is a
    ContributeError saying so; the package itself is not touched.
    """
    try:
        scratch = scratch_folder("stage")  # and those of killed runs removed
    except OSError as exc:
        raise _unchanged(f"a working copy in {tempfile.gettempdir()}", exc) from None
    folder = scratch / "package"  # beside the scratch folder's lock, not with it
    try:
        folder.mkdir()
        for rel in _parts(tables):
            source, target = tables.root / rel, folder / rel
            if source.is_dir():
                shutil.copytree(source, target)
            elif source.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
        yield folder
    except OSError as exc:
        if exc.filename is None or scratch not in Path(exc.filename).parents:
            raise
        raise _unchanged(f"a working copy of the package in {folder}", exc) from None
    finally:
        remove_scratch(scratch)


def commit(
    stage: Path, root: Path, explain: Explain | None = None, *, reference_schemas: bool = True
) -> list[str]:
    """Build and validate `stage`; if both pass, copy its changed files into `root`.

    `reference_schemas=False` checks `stage` against its own schemas (a derived package,
    as `build` and `validate_package` take it).

    Returns the relative paths written. Raises ContributeError carrying the issues (passed
    through `explain`, which may say which input row caused each) when the staged package
    is invalid; nothing in `root` is written then.
    """
    try:
        build(stage, reference_schemas=reference_schemas)
    except BuildError as exc:
        issues = [i for i in exc.issues if isinstance(i, Issue)]
        raise ContributeError(
            "the package would not be valid; nothing was changed",
            explain(issues) if explain else issues,
        ) from None
    report = validate_package(stage / DESCRIPTOR, reference_schemas=reference_schemas)
    errors = [i for i in report.sorted() if i.severity == "error"]
    if errors:
        raise ContributeError(
            "the built package would not be valid; nothing was changed",
            explain(errors) if explain else errors,
        )
    changed = [
        rel
        for rel in sorted(p.relative_to(stage).as_posix() for p in stage.rglob("*") if p.is_file())
        if not (root / rel).is_file() or (root / rel).read_bytes() != (stage / rel).read_bytes()
    ]
    # All or nothing, even for a run killed between two renames (the descriptor last).
    try:
        with journaled_group(root / CHANGE_JOURNAL) as publication:
            for rel in sorted(changed, key=lambda r: r == DESCRIPTOR):
                publication.file(root / rel).write_bytes((stage / rel).read_bytes())
    except OSError as exc:
        raise _unchanged(root, exc) from None
    return changed
