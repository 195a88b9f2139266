"""Writing output files atomically: into a staging place beside the target, then renamed.

A process killed at any moment leaves either the previous file (or folder) or the new
one, whole — never a half-written one. Staging places are hidden siblings of the target
named after it and the writing process (`.<name>.<pid>-<random>.tmp`, and `.old` for a
folder moved aside while the new one is swapped in); a run that dies without cleaning up
leaves one behind, and the next write of the same target removes it (restoring a folder
left moved aside, should the kill have come between the two renames of a swap).
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_ACTIVE: set[str] = set()
"""Staging places this process is using now (a leftover of our own pid not in here is stale)."""
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<pid>[0-9]+)-[A-Za-z0-9_]+\.(?P<kind>tmp|old)$")


def _alive(pid: int) -> bool:
    """Whether process `pid` may still be running (when in doubt: yes)."""
    if pid == os.getpid():
        return True
    if os.name != "posix":  # os.kill(pid, 0) would signal a Windows process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def leftovers(out: Path) -> list[Path]:
    """Staging places of `out` left behind by runs that no longer run."""
    out = Path(out)
    try:
        siblings = list(out.parent.iterdir())
    except OSError:
        return []
    found = []
    for path in siblings:
        match = _LEFTOVER.match(path.name)
        if not match or match["name"] != out.name or str(path) in _ACTIVE:
            continue
        pid = int(match["pid"])
        if pid == os.getpid() or not _alive(pid):
            found.append(path)
    return sorted(found)


def clear_leftovers(out: Path) -> list[Path]:
    """Remove the staging places of `out` left by runs that died, and return them; a folder
    a dead swap left moved aside is put back first when nothing took its place."""
    out = Path(out)
    found = leftovers(out)
    for path in found:
        aside = path / out.name
        if path.name.endswith(".old") and not out.exists() and aside.exists():
            aside.replace(out)
        _remove(path)
    return found


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _prepare(out: Path, parents: bool) -> None:
    """Check that `out` can be written (its folder exists, or is made with `parents`)."""
    if not out.name or out.name in (".", ".."):
        raise IsADirectoryError(errno.EISDIR, f"{out} names a folder, not a file")
    if parents:
        out.parent.mkdir(parents=True, exist_ok=True)
    elif not out.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, f"no such folder {out.parent}")
    clear_leftovers(out)


@contextmanager
def _staging(out: Path, kind: str) -> Iterator[Path]:
    """A new hidden folder beside `out`, removed when the block ends."""
    folder = Path(
        tempfile.mkdtemp(prefix=f".{out.name}.{os.getpid()}-", suffix=f".{kind}", dir=out.parent)
    )
    _ACTIVE.add(str(folder))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        _ACTIVE.discard(str(folder))


@contextmanager
def atomic_path(out: Path, *, parents: bool = True) -> Iterator[Path]:
    """A temporary path beside `out` to write to; renamed onto `out` when the block succeeds.

    The temporary file does not exist when the block starts (some writers, such as DuckDB,
    refuse an existing empty file). On any error it is removed and `out` is untouched.
    `out`'s folder is created if missing, unless `parents` is false: then a missing folder
    is a FileNotFoundError (a mistyped path is not silently created).
    """
    out = Path(out)
    _prepare(out, parents)
    if out.is_dir():
        raise IsADirectoryError(errno.EISDIR, f"{out} is a folder")
    with _staging(out, "tmp") as folder:
        tmp = folder / out.name
        yield tmp
        if tmp.is_dir():
            raise IsADirectoryError(f"{tmp} is a folder; atomic_path writes single files")
        tmp.replace(out)


def write_bytes_atomic(out: Path, data: bytes, *, parents: bool = True) -> None:
    """Replace `out` with `data` atomically."""
    with atomic_path(out, parents=parents) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(out: Path, text: str, *, parents: bool = True) -> None:
    """Replace `out` with `text` (UTF-8, LF line ends as given) atomically."""
    write_bytes_atomic(out, text.encode("utf-8"), parents=parents)


@contextmanager
def atomic_folder(out: Path, *, parents: bool = True) -> Iterator[Path]:
    """A temporary folder beside `out` to fill; it replaces `out` when the block succeeds.

    An existing `out` is moved aside first and deleted only after the new folder is in
    place, so a crash leaves the old folder or the new one (between the two renames, the
    old one moved aside: the next write of `out` puts it back before starting).
    """
    out = Path(out)
    _prepare(out, parents)
    with _staging(out, "tmp") as tmp:
        yield tmp
        if out.exists() and not out.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, f"{out} is a file, not a folder")
        if not out.exists():
            tmp.replace(out)
            return
        with _staging(out, "old") as old:
            out.replace(old / out.name)
            try:
                tmp.replace(out)
            except BaseException:
                (old / out.name).replace(out)
                raise
