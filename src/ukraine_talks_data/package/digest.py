"""SHA-256 of a file's bytes, as a descriptor's `hash` declares it (``sha256:<hex>``), and
opening a package file without ever blocking on it."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path
from typing import BinaryIO

_CHUNK = 1 << 20


def open_regular(path: Path) -> BinaryIO:
    """`path` open for reading in binary; OSError unless it is a regular file. Opened
    non-blocking and checked on the open handle: a FIFO or a device in a file's place
    (swapped in at any moment) is refused instead of hanging the command that reads it."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a directory" if stat.S_ISDIR(mode) else "a FIFO, socket or device"
            raise OSError(errno.EINVAL, f"is {kind}, not a regular file", str(path))
    except OSError:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open_regular(Path(path)) as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
