"""Changing several files and folders of one folder all or nothing, even if the process is killed.

`journaled_group(journal)` is `_atomic.atomic_group` with a journal, a file in the folder
that holds every output (a package's `.ukraine-talks-change.json`). The protocol:

1. lock the folder (`flock`; another process changing it is an OSError) and put right any
   change a killed run left there (`recover`);
2. make a staging folder beside the journal (`.<journal>.<pid>-<random>.tmp`) and write
   the journal naming it; every output is staged in it (`Journal.place`);
3. link each replaced file's previous version into the staging folder, then rewrite the
   journal: for each output, where its new version is staged (with its device and inode),
   where its previous version goes, whether it is a folder;
4. rename each output into place (`_atomic.Step.do`), previous versions into the staging
   folder;
5. rewrite the journal marked committed;
6. remove the staging folder, then the journal.

Each write of the journal is whole (a temporary file renamed). A run killed anywhere
leaves the journal, or only a staging folder or a half-written journal; `settle()` then
puts every previous version back unless the journal says committed (`Step.undo` reads
each output's state from the disk: whether it is the new version, by inode), and removes
the staging folder, the journal and the half-written ones. So whoever calls `settle()`
before reading the folder sees all the old outputs or all the new ones, never a mix, and
nothing is left.

The journal is read as untrusted input (it lies in a package folder anyone may hand us):
size-capped JSON from a regular file, every path relative and inside the folder, the
staging folder named after the journal and every staged version in it; anything else is
an OSError naming the journal, and nothing is moved.
"""

from __future__ import annotations

import errno
import json
import os
import secrets
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from ._atomic import (
    ACTIVE,
    LEFTOVER,
    Publication,
    Step,
    atomic_group,
    clear_leftovers,
    leftovers,
    remove_place,
)

JOURNAL_LIMIT = 1 << 20
"""Bytes a journal may have (one lists a few dozen outputs in a few KiB)."""
FORMAT = 1


class Journal:
    """The journal at `path`: where `_atomic.Publication` stages a change's outputs (one
    hidden folder beside the journal, `stage`) and records its steps."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.root = self.path.parent
        self.stage: Path | None = None
        self._places = 0

    def begin(self) -> None:
        """Make the staging folder and a journal naming it (a run killed in between leaves
        a staging folder of a dead process, which `settle` removes all the same)."""
        prefix = f".{self.path.name}.{os.getpid()}-"
        self.stage = Path(tempfile.mkdtemp(prefix=prefix, suffix=".tmp", dir=self.root))
        ACTIVE.add(str(self.stage))
        self.write([], committed=False)

    def place(self, out: Path, kind: str) -> Path:
        """A new empty folder in the staging folder for a version of `out`."""
        if self.stage is None:
            raise RuntimeError("the journal was not begun")
        self._places += 1
        folder = self.stage / f"{self._places}.{kind}"
        folder.mkdir()
        return folder

    def write(self, steps: list[Step], *, committed: bool) -> None:
        """Replace the journal with `steps` (whole: a temporary file renamed)."""
        data = {
            "format": FORMAT,
            "pid": os.getpid(),
            "committed": committed,
            "stage": None if self.stage is None else self._rel(self.stage),
            "steps": [self._entry(step) for step in steps],
        }
        tmp = self.root / f".{self.path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
        try:
            tmp.write_bytes((json.dumps(data, indent=1) + "\n").encode("utf-8"))
            tmp.replace(self.path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def remove(self) -> None:
        """Remove the staging folder, then the journal."""
        if self.stage is not None:
            remove_place(self.stage)
            ACTIVE.discard(str(self.stage))
        self.path.unlink(missing_ok=True)

    def _rel(self, path: Path) -> str:
        return path.absolute().relative_to(self.root.absolute()).as_posix()

    def _entry(self, step: Step) -> dict[str, Any]:
        return {
            "out": self._rel(step.out),
            "new": self._rel(step.new),
            "old": None if step.old is None else self._rel(step.old),
            "folder": step.folder,
            "id": None if step.new_id is None else list(step.new_id),
        }

    def read(self) -> tuple[bool, list[Step]]:
        """Whether the change was committed, and its steps; an OSError if the journal is
        not one we wrote."""
        try:
            data = json.loads(_read_regular(self.path, JOURNAL_LIMIT).decode("utf-8"))
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError("not a journal of this format")
            committed, entries = data.get("committed"), data.get("steps")
            if not isinstance(committed, bool) or not isinstance(entries, list):
                raise ValueError("no 'committed' flag or 'steps' list")
            self.stage = self._stage(data.get("stage"))
            return committed, [self._step(entry) for entry in entries]
        except (ValueError, TypeError, KeyError, RecursionError) as exc:
            reason = "nested too deep" if isinstance(exc, RecursionError) else exc
            raise OSError(
                errno.EINVAL,
                f"not a journal of an interrupted change as ukraine-talks writes one ({reason}); "
                "check the folder's files and remove it",
                str(self.path),
            ) from None

    def _step(self, entry: Any) -> Step:
        if not isinstance(entry, dict):
            raise ValueError("a step is not an object")
        out = self._inside(entry["out"])
        new = self._staged(out, entry["new"])
        old = None if entry["old"] is None else self._staged(out, entry["old"])
        folder, new_id = entry["folder"], entry["id"]
        if not isinstance(folder, bool):
            raise ValueError(f"'folder' of {out} is not true or false")
        if new_id is not None and not (
            isinstance(new_id, list) and len(new_id) == 2 and all(type(n) is int for n in new_id)
        ):
            raise ValueError(f"'id' of {out} is not two integers")
        return Step(out, new, old, folder, None if new_id is None else (new_id[0], new_id[1]))

    def _inside(self, rel: Any) -> Path:
        """`rel` as a path inside the folder (no absolute path, `..`, or symlinked folder
        leading out of it)."""
        if not isinstance(rel, str) or not rel or "\\" in rel or "\0" in rel:
            raise ValueError(f"{rel!r} is not a relative path")
        pure = PurePosixPath(rel)
        if pure.is_absolute() or any(part in ("", ".", "..") for part in rel.split("/")):
            raise ValueError(f"{rel!r} is not a path inside {self.root}")
        path = self.root / pure
        root = self.root.resolve()
        if path.parent.resolve() != root and root not in path.parent.resolve().parents:
            raise ValueError(f"{rel!r} leads out of {self.root}")
        return path

    def _stage(self, rel: Any) -> Path | None:
        """`rel` as a staging folder of this journal (named after it, beside it)."""
        if rel is None:
            return None
        path = self._inside(rel)
        match = LEFTOVER.match(path.name)
        if path.parent != self.root or not match or match["name"] != self.path.name:
            raise ValueError(f"{rel!r} is not a staging folder of {self.path.name}")
        return path

    def _staged(self, out: Path, rel: Any) -> Path:
        """`rel` as a version of `out` in the staging folder."""
        path = self._inside(rel)
        if self.stage is None or path.parent.parent != self.stage or path.name != out.name:
            raise ValueError(f"{rel!r} is not a version of {out} in the staging folder")
        return path


def _read_regular(path: Path, limit: int) -> bytes:
    """The bytes of regular file `path` (never a FIFO, device or symlink), at most `limit`."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValueError("not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise ValueError(f"larger than {limit:,} bytes")
    return data


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold `folder`'s change lock (`flock` on the folder, let go when the process ends,
    however it ends); BlockingIOError if another run holds it. Where there is no `flock`
    (Windows), one run at a time is assumed."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BlockingIOError(
                errno.EAGAIN,
                "another run is changing this folder now; try again once it has finished",
                str(folder),
            ) from None
        yield
    finally:
        os.close(fd)


def recover(journal: Path) -> bool:
    """Put right the change `journal` records, if any (the caller holds the lock): put the
    previous versions back unless it was committed, then remove its staging folder, the
    journal, and what runs that died before writing one left. Returns whether there was
    a change to put right."""
    journal = Path(journal)
    found = os.path.lexists(journal)
    if found:
        record = Journal(journal)
        committed, steps = record.read()
        if not committed:
            for step in reversed(steps):
                step.undo()
        if record.stage is not None:
            remove_place(record.stage)
    clear_leftovers(journal)  # staging folders and half-written journals of dead runs
    if found:
        journal.unlink()
    return found


def settle(journal: Path) -> bool:
    """Put right a change a killed run left half made in `journal`'s folder (see the
    module's docstring), so that the folder holds its old outputs or its new ones; a
    change another process is making now is left to it. Returns whether there was one."""
    journal = Path(journal)
    if not os.path.lexists(journal) and not leftovers(journal):
        return False
    try:
        with locked(journal.parent):
            return recover(journal)
    except BlockingIOError:
        return False


@contextmanager
def journaled_group(journal: Path, *, parents: bool = True) -> Iterator[Publication]:
    """`_atomic.atomic_group` whose change is all or nothing even if the process is killed
    (see the module's docstring); every output must lie in `journal`'s folder, on its
    file system."""
    journal = Path(journal)
    with locked(journal.parent):
        recover(journal)
        record = Journal(journal)
        try:
            record.begin()
        except BaseException:
            record.remove()
            raise
        with atomic_group(parents=parents, log=record) as publication:
            yield publication
