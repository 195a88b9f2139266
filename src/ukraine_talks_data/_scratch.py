"""Temporary folders of a run, in the system temp folder, that outlive no process.

A folder is named after its kind and the process that made it
(`ukraine-talks-<kind>-<pid>-<random>`) and holds a lock file the process keeps locked
(`flock`) while it uses the folder. A run removes its own when done (`remove_scratch`);
one killed first cannot, so the next run that makes a folder of the same kind removes
those whose process no longer runs (`scratch_folder`). A folder is never removed while
its lock is held, even by a process this one cannot see (another PID namespace sharing the
temp folder), nor when it has no lock yet and is less than a minute old.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import time
from pathlib import Path

PREFIX = "ukraine-talks-"
LOCK = ".lock"
YOUNG = 60.0
"""Seconds during which a folder without a lock file is left alone (it may be being made)."""
_HELD: dict[Path, int] = {}
"""This process's scratch folders → the descriptor holding the lock of each."""


def alive(pid: int) -> bool:
    """Whether process `pid` may still be running (when in doubt: yes)."""
    if pid == os.getpid():
        return True
    if os.name != "posix":  # os.kill(pid, 0) would signal a Windows process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # not ours to signal, or no pid at all
        return True
    return True


def scratch_folder(kind: str) -> Path:
    """Make a folder of `kind` in the temp folder, locked until `remove_scratch`, after
    removing the folders of `kind` that killed runs left."""
    clear_scratch(kind)
    name = f"{PREFIX}{kind}-{os.getpid()}-{secrets.token_hex(4)}-"
    folder = Path(tempfile.mkdtemp(prefix=name))
    if os.name == "posix":
        import fcntl

        fd = os.open(folder / LOCK, os.O_CREAT | os.O_RDWR | os.O_NOFOLLOW, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        _HELD[folder] = fd
    return folder


def remove_scratch(folder: Path) -> None:
    """Remove this process's scratch folder `folder` and let go of its lock."""
    shutil.rmtree(folder, ignore_errors=True)
    fd = _HELD.pop(folder, None)
    if fd is not None:
        os.close(fd)


def clear_scratch(kind: str) -> None:
    """Remove the temp folders of `kind` left by runs that no longer run."""
    prefix = f"{PREFIX}{kind}-"
    for folder in Path(tempfile.gettempdir()).glob(f"{prefix}*"):
        pid = folder.name.removeprefix(prefix).split("-", 1)[0]
        if not (pid.isascii() and pid.isdigit()) or alive(int(pid)) or _in_use(folder):
            continue
        shutil.rmtree(folder, ignore_errors=True)  # a link or a file is left as it is


def _in_use(folder: Path) -> bool:
    """Whether a process may still use `folder`: its lock is held, or it has no lock file
    yet and is young (when in doubt: yes)."""
    if os.name != "posix":
        return True
    import fcntl

    try:
        fd = os.open(folder / LOCK, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        try:
            return time.time() - folder.lstat().st_mtime < YOUNG
        except OSError:
            return True
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True  # held
    finally:
        os.close(fd)  # and the lock taken, if it was
    return False
