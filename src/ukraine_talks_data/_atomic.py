"""Writing output files atomically: into a staging place beside the target, then renamed.

A process killed at any moment leaves either the previous file (or folder) or the new
one, whole — never a half-written one. Staging places are hidden siblings of the target
named after it and the writing process (`.<name>.<pid>-<random>.tmp`, and `.old` for a
folder moved aside while the new one is swapped in); a run that dies without cleaning up
leaves one behind, and the next write of the same target removes it (restoring a folder
left moved aside, should the kill have come between the two renames of a swap).

Several outputs go in place together with `atomic_group()`, one `Step` each; an error
puts back those already replaced. Given a `Log` (`_journal.Journal`), the group stages in
the log's folder and records its steps there first, so that a run killed between two
outputs can be put right by the next (`_journal.journaled_group`).
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ._scratch import alive

ACTIVE: set[str] = set()
"""Staging places this process is using now (a leftover of our own pid not in here is stale)."""
LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<pid>[0-9]+)-[A-Za-z0-9_]+\.(?P<kind>tmp|old)$")


def leftovers(out: Path) -> list[Path]:
    """Staging places of `out` left behind by runs that no longer run."""
    out = Path(out)
    try:
        siblings = list(out.parent.iterdir())
    except OSError:
        return []
    found = []
    for path in siblings:
        match = LEFTOVER.match(path.name)
        if not match or match["name"] != out.name or str(path) in ACTIVE:
            continue
        pid = int(match["pid"])
        if pid == os.getpid() or not alive(pid):
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
        remove_place(path)
    return found


def remove_place(path: Path) -> None:
    """Remove a staging place (a folder, or a file) and whatever it holds."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _prepare(out: Path, parents: bool) -> list[Path]:
    """Check that `out` can be written (its folder exists, or is made with `parents`); the
    folders made, deepest first."""
    if not out.name or out.name in (".", ".."):
        raise IsADirectoryError(errno.EISDIR, "it names a folder, not a file", str(out))
    made: list[Path] = []
    if parents:
        folder = out.parent
        while not os.path.lexists(folder) and folder != folder.parent:
            made.append(folder)
            folder = folder.parent
        out.parent.mkdir(parents=True, exist_ok=True)
    elif not out.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, f"no such folder {out.parent}", str(out))
    clear_leftovers(out)
    return made


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


def identity(path: Path) -> tuple[int, int] | None:
    """What tells a file or folder from any other while it exists: (device, inode)."""
    try:
        stat = os.lstat(path)
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


@dataclass(frozen=True)
class Step:
    """How one output goes in place: `new` (staged) replaces `out`, whose previous version,
    if there was one, goes to `old` (a file's is linked there before the rename)."""

    out: Path
    new: Path
    old: Path | None
    folder: bool
    new_id: tuple[int, int] | None

    def do(self) -> None:
        """Put the new version in place."""
        if self.folder and self.old is not None:
            if exchange(self.new, self.out):  # the old folder is now where the new one was
                return
            self.out.replace(self.old)
        self.new.replace(self.out)

    def undo(self) -> None:
        """Put the previous version back, whether `do` ran, ran half or not at all; the
        new version goes back to `new`."""
        if self.new_id is not None and identity(self.out) == self.new_id:
            if not os.path.lexists(self.new):
                self.out.replace(self.new)
            elif not exchange(self.new, self.out):
                raise OSError(
                    errno.EEXIST, "cannot exchange it with its previous version", str(self.out)
                )
        if self.old is not None and not os.path.lexists(self.out) and os.path.lexists(self.old):
            self.old.replace(self.out)


class Log(Protocol):
    """Where a group stages its outputs and records its steps before its first rename
    (`_journal.Journal`)."""

    def place(self, out: Path, kind: str) -> Path: ...

    def write(self, steps: list[Step], *, committed: bool) -> None: ...

    def remove(self) -> None: ...


class Publication:
    """Outputs staged beside their places, put in place together when the block ends.

    `file(out)` and `folder(out)` give a staging path to fill. When the block succeeds,
    each output replaces its previous version in turn (`_Step`) — a file by a rename, a
    folder by an exchange where the system has one (else moved aside, then renamed in) —
    and an error while doing so puts back those already replaced, so a failed run leaves
    the previous outputs as they were. With a `log` (`_journal.py`), a run killed
    between two outputs is put right too: the next run puts the previous ones back.
    """

    def __init__(self, parents: bool, log: Log | None = None) -> None:
        self._parents, self._journal = parents, log
        self._staged: list[tuple[Path, Path, bool]] = []  # (out, staged, is_folder)
        self._places: list[Path] = []
        self._keep = False  # a journal and the staging places it needs outlive this run
        self._made: list[Path] = []  # folders made for the outputs, removed if none is put
        self._done = False

    def _place(self, out: Path, kind: str) -> Path:
        """A new hidden staging folder for `out` (removed by `_close`): beside it, or where
        the log keeps the change's staging places."""
        if self._journal is not None:
            return self._journal.place(out, kind)
        prefix = f".{out.name}.{os.getpid()}-"
        folder = Path(tempfile.mkdtemp(prefix=prefix, suffix=f".{kind}", dir=out.parent))
        ACTIVE.add(str(folder))
        self._places.append(folder)
        return folder

    def file(self, out: Path) -> Path:
        """A path (not yet existing) to write `out`'s new content to."""
        out = Path(out)
        self._made += _prepare(out, self._parents)
        if out.is_dir():
            raise IsADirectoryError(errno.EISDIR, "it is a folder", str(out))
        if out.exists() and not out.is_file():
            # The rename would replace the special file itself: `--output /dev/null` run as
            # root would leave a regular file in /dev in place of the device.
            raise OSError(
                errno.EEXIST,
                "it is not a regular file (a device, FIFO or socket is never replaced)",
                str(out),
            )
        tmp = self._place(out, "tmp") / out.name
        self._staged.append((out, tmp, False))
        return tmp

    def folder(self, out: Path) -> Path:
        """An empty folder to fill with `out`'s new content."""
        out = Path(out)
        self._made += _prepare(out, self._parents)
        tmp = self._place(out, "tmp") / out.name
        tmp.mkdir()
        self._staged.append((out, tmp, True))
        return tmp

    def _steps(self) -> list[Step]:
        """How each output goes in place; a file's previous version is linked aside now."""
        steps = []
        for out, tmp, is_folder in self._staged:
            if is_folder and out.exists() and not out.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, f"{out} is a file, not a folder", str(out))
            if not is_folder and tmp.is_dir():
                raise IsADirectoryError(f"{tmp} is a folder; a file was expected")
            old = None
            if os.path.lexists(out):
                old = self._place(out, "old") / out.name
                if not is_folder:
                    _link_or_copy(out, old)  # the old file stays in place until the rename
            steps.append(Step(out, tmp, old, is_folder, identity(tmp)))
        return steps

    def _commit(self) -> None:
        steps = self._steps()
        if self._journal is not None:
            self._journal.write(steps, committed=False)
        try:
            for step in steps:
                step.do()
            if self._journal is not None:
                self._journal.write(steps, committed=True)
            self._done = True
        except BaseException:
            undone = True
            for step in reversed(steps):
                try:
                    step.undo()
                except BaseException:  # best effort: the error that stopped us wins
                    undone = False
            self._keep = not undone and self._journal is not None
            raise

    def _close(self) -> None:
        """Remove the staging places, then the log (unless the next run needs them)."""
        for folder in self._places:
            if not self._keep:
                remove_place(folder)
            ACTIVE.discard(str(folder))
        if self._journal is not None and not self._keep:
            self._journal.remove()
        for folder in [] if self._done else sorted(self._made, key=lambda p: -len(p.parts)):
            with suppress(OSError):  # not empty, or gone: left as it is
                folder.rmdir()


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


@contextmanager
def atomic_group(*, parents: bool = True, log: Log | None = None) -> Iterator[Publication]:
    """Stage several outputs and put them in place together (see `Publication`; with a
    `log`, see `_journal.journaled_group`)."""
    with ExitStack() as stack:
        publication = Publication(parents, log)
        stack.callback(publication._close)
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
