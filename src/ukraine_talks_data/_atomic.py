"""Writing output files atomically: into a staging place beside the target, then renamed.

A process killed at any moment leaves either the previous file (or folder) or the new
one, whole — never a half-written one. Staging places are hidden siblings of the target
named after it and the writing process (`.<name>.<pid>-<random>.tmp`, and `.old` for a
folder moved aside while the new one is swapped in); a run that dies without cleaning up
leaves one behind, and the next write of the same target removes it (restoring a folder
left moved aside, should the kill have come between the two renames of a swap).
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
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
        raise IsADirectoryError(errno.EISDIR, "it names a folder, not a file", str(out))
    if parents:
        out.parent.mkdir(parents=True, exist_ok=True)
    elif not out.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, f"no such folder {out.parent}", str(out))
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


def exchange(a: Path, b: Path) -> bool:
    """Swap paths `a` and `b` in one step (Linux `renameat2(RENAME_EXCHANGE)`); False where
    the system or file system cannot, and nothing was done."""
    if sys.platform != "linux":
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(code, os.strerror(code), str(b))


_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


class Publication:
    """Outputs staged beside their places, put in place together when the block ends.

    `file(out)` and `folder(out)` give a staging path to fill. When the block succeeds,
    each output replaces its previous version in turn — a file by a rename, a folder by
    an exchange where the system has one (else moved aside, then renamed in) — and an
    error while doing so puts back those already replaced, so a failed run leaves the
    previous outputs as they were. (A run killed between two outputs leaves the first
    new and the second old; each output on its own is old or new.)
    """

    def __init__(self, stack: ExitStack, parents: bool) -> None:
        self._stack, self._parents = stack, parents
        self._staged: list[tuple[Path, Path, bool]] = []  # (out, staged, is_folder)

    def file(self, out: Path) -> Path:
        """A path (not yet existing) to write `out`'s new content to."""
        out = Path(out)
        _prepare(out, self._parents)
        if out.is_dir():
            raise IsADirectoryError(errno.EISDIR, "it is a folder", str(out))
        tmp = self._stack.enter_context(_staging(out, "tmp")) / out.name
        self._staged.append((out, tmp, False))
        return tmp

    def folder(self, out: Path) -> Path:
        """An empty folder to fill with `out`'s new content."""
        out = Path(out)
        _prepare(out, self._parents)
        tmp = self._stack.enter_context(_staging(out, "tmp")) / out.name
        tmp.mkdir()
        self._staged.append((out, tmp, True))
        return tmp

    def _commit(self) -> None:
        done: list[Callable[[], object]] = []
        try:
            for out, tmp, is_folder in self._staged:
                done.append(self._put(out, tmp, is_folder))
        except BaseException:
            for undo in reversed(done):
                with suppress(BaseException):  # best effort: the error that stopped us wins
                    undo()
            raise

    def _put(self, out: Path, tmp: Path, is_folder: bool) -> Callable[[], object]:
        """Put `tmp` in `out`'s place; return how to undo it."""
        if is_folder and out.exists() and not out.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "it is a file, not a folder", str(out))
        if not is_folder and tmp.is_dir():
            raise IsADirectoryError(f"{tmp} is a folder; a file was expected")
        if not out.exists():
            tmp.replace(out)
            return lambda: out.replace(tmp)
        if is_folder and exchange(tmp, out):

            def swap_back() -> None:
                exchange(tmp, out)

            return swap_back
        aside = self._stack.enter_context(_staging(out, "old")) / out.name
        if is_folder:
            out.replace(aside)
        else:
            _link_or_copy(out, aside)  # the old file stays in place until the rename
        tmp.replace(out)
        return lambda: aside.replace(out)


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


@contextmanager
def atomic_group(*, parents: bool = True) -> Iterator[Publication]:
    """Stage several outputs and put them in place together (see `Publication`)."""
    with ExitStack() as stack:
        publication = Publication(stack, parents)
        yield publication
        publication._commit()


@contextmanager
def atomic_path(out: Path, *, parents: bool = True) -> Iterator[Path]:
    """A temporary path beside `out` to write to; renamed onto `out` when the block succeeds.

    The temporary file does not exist when the block starts (some writers, such as DuckDB,
    refuse an existing empty file). On any error it is removed and `out` is untouched.
    `out`'s folder is created if missing, unless `parents` is false: then a missing folder
    is a FileNotFoundError (a mistyped path is not silently created).
    """
    with atomic_group(parents=parents) as publication:
        yield publication.file(out)


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

    Where the system can exchange two paths in one step (Linux), the new folder and the old
    one swap places at once; elsewhere the old one is moved aside first (a run killed just
    then leaves it there, and the next write of `out` puts it back before starting). The
    old folder is deleted once the new one is in place.
    """
    with atomic_group(parents=parents) as publication:
        yield publication.folder(out)
