"""Temporary folders of a run, in the system temp folder, that outlive no process.

A folder is named after its kind and the process that made it
(`ukraine-talks-<kind>-<pid>-<random>`). A run removes its own when done; one killed first
cannot, so the next run that makes a folder of the same kind removes those whose process
no longer runs (`scratch_folder`), never a running process's.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from pathlib import Path

PREFIX = "ukraine-talks-"


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
    except OSError:
        return True
    return True


def scratch_name(kind: str) -> str:
    """A new folder name of this process, `ukraine-talks-<kind>-<pid>-<random>` (in
    `tempfile.gettempdir()`; `clear_scratch(kind)` removes it once the process is gone)."""
    return f"{PREFIX}{kind}-{os.getpid()}-{secrets.token_hex(4)}"


def scratch_folder(kind: str, suffix: str = "") -> Path:
    """Make a folder named `scratch_name(kind)` + `suffix` + random characters in the
    temp folder, after removing the folders of `kind` that killed runs left."""
    clear_scratch(kind)
    return Path(tempfile.mkdtemp(prefix=f"{scratch_name(kind)}{suffix}"))


def clear_scratch(kind: str) -> None:
    """Remove the temp folders of `kind` whose process no longer runs."""
    prefix = f"{PREFIX}{kind}-"
    for folder in Path(tempfile.gettempdir()).glob(f"{prefix}*"):
        pid = folder.name.removeprefix(prefix).split("-", 1)[0]
        if pid.isdigit() and not alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
