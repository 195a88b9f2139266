"""Files of an untrusted data package, read safely: inside its folder, regular files, size-capped.

A descriptor from a fork decides which paths the validator opens, so every path is checked
before anything is read: no URLs, no absolute or `..` paths, no symlinks leading out of the
package folder, and only regular files (a FIFO, a device or a directory would hang or fail
the reader). Opening is non-blocking and re-checked on the open handle.
"""

from __future__ import annotations

import functools
import io
import os
import re
import stat
from pathlib import Path

MAX_FILE_BYTES = 256 * 2**20
"""Largest descriptor, schema, dialect or seed file the validator reads (256 MiB); beyond
this it is an error. Table files have no such limit (`NO_LIMIT`)."""
NO_LIMIT = 2**63 - 1

MAX_PATH_BYTES = 1024
MAX_NAME_BYTES = 255
"""Longest resource path, and longest name in it, in UTF-8 bytes (POSIX systems allow 255
bytes per name; a longer path makes the system calls fail instead of answering)."""

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class PackageFileError(Exception):
    """A package file that cannot be read: `code` is the issue code, the message says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class FileChangedError(Exception):
    """A package file read again during a validation is no longer what was read first (its
    size or hash differ, or it cannot be read at all): something wrote to the package while
    it was validated, and the rules would mix two versions of the file."""

    def __init__(self, path: str, now: str) -> None:
        self.path = path
        self.message = (
            f"the file changed while it was being validated (it {now}); validate again once "
            "nothing is writing to the package"
        )
        super().__init__(f"{path}: {self.message}")


def path_problem(root: Path, path: object) -> str | None:
    """Why `path` may not be read as part of the package at `root`, or None if it is safe.

    Refused: anything but a non-empty string, paths over `MAX_PATH_BYTES` or with a name
    over `MAX_NAME_BYTES`, URLs (any scheme), absolute paths (POSIX or Windows),
    backslashes, paths with a `..` segment, and paths that resolve (through symlinks)
    outside the package folder. Only file metadata is consulted, never contents.
    """
    if not isinstance(path, str) or not path.strip():
        return "must be a non-empty string"
    if "\x00" in path:
        return "contains a NUL byte"
    names = re.split(r"[\\/]", path)
    size = len(path.encode("utf-8", errors="surrogatepass"))
    longest = max(len(n.encode("utf-8", errors="surrogatepass")) for n in names)
    if size > MAX_PATH_BYTES or longest > MAX_NAME_BYTES:
        return (
            f"is too long ({size} bytes, the longest name {longest}); a path may have at most "
            f"{MAX_PATH_BYTES} bytes, {MAX_NAME_BYTES} per name"
        )
    # A Windows drive (`C:`), as `PureWindowsPath.drive` reads it; on strings, since pathlib
    # costs more than the rest of the check on a descriptor of 100,000 resources.
    drive = path[1:2] == ":" and path[:1].isascii() and path[:1].isalpha()
    if _URL.match(path) and not drive:
        return "is a URL; only files inside the package folder are read"
    if drive or path.startswith(("/", "\\")):  # POSIX, Windows (drive or UNC) absolute
        return "is absolute; resource paths must be relative to the package folder"
    if ".." in names:
        return "contains '..'; resource paths must stay inside the package folder"
    if "\\" in path:
        return "contains a backslash; write resource paths with forward slashes (data/x.csv)"
    try:
        base = real_folder(str(root))
        target = _real_path(base, path)
    except (OSError, RuntimeError, ValueError):
        return "cannot be resolved"
    if target != base and not target.startswith(base.rstrip(os.sep) + os.sep):
        return "leads outside the package folder (through a symlink)"
    return None


@functools.lru_cache(maxsize=16)
def real_folder(root: str) -> str:
    """The real path of a package folder, resolved once per validation (`read_descriptor`
    clears this cache): a descriptor may name 100,000 files."""
    return os.path.realpath(root)


def _real_path(base: str, path: str) -> str:
    """`os.path.realpath(base + "/" + path)` for a real `base` and a relative `path` without
    `..`, looking only at the components of `path` (one `lstat` each; a symlink among them is
    resolved by `realpath`, whatever it leads through)."""
    current = base
    for part in path.split("/"):
        if part in ("", "."):
            continue
        current = os.path.join(current, part)  # noqa: PTH118 - strings: no Path per part
        if os.path.islink(current):  # noqa: PTH114
            current = os.path.realpath(current)
            if os.path.islink(current):  # noqa: PTH114 - realpath stops in a loop of links
                raise RuntimeError(f"symlink loop at {part}")
    return current


def read_file(file: Path, limit: int | None = None) -> bytes:
    """The bytes of the regular file `file`; raises PackageFileError instead of blocking
    (see `open_file`)."""
    limit = MAX_FILE_BYTES if limit is None else limit  # read when called: tests lower it
    try:
        with open_file(file, limit) as fh:
            data = fh.read() if limit == NO_LIMIT else fh.read(limit + 1)
    except OSError as exc:
        raise _unreadable(exc) from None
    if len(data) > limit:
        raise PackageFileError("file-too-large", f"is larger than {limit:,} bytes")
    return data


def open_file(file: Path, limit: int) -> io.BufferedReader:
    """The regular file `file` of at most `limit` bytes, open for reading in binary; raises
    PackageFileError if it is missing, not a regular file or larger, instead of blocking.
    Only its metadata is read before it is opened, non-blocking (a FIFO swapped in after the
    check cannot hang the read), and the open handle is checked again."""
    try:
        _check_kind(file.stat(), limit)
    except FileNotFoundError:
        raise PackageFileError("file-missing", "no file at this path") from None
    except (OSError, ValueError) as exc:
        raise _unreadable(exc) from None
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(file, flags)
    except OSError as exc:
        raise _unreadable(exc) from None
    try:
        _check_kind(os.fstat(fd), limit)
    except PackageFileError:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def open_package_file(root: Path, path: str) -> io.BufferedReader:
    """`path` inside the package at `root`, opened as `open_file` opens it (tables: no
    size limit)."""
    return open_file(_inside(root, path), NO_LIMIT)


def read_package_file(root: Path, path: str, limit: int | None = None) -> bytes:
    """The bytes of `path` inside the package at `root`, read as `read_file` reads them."""
    return read_file(_inside(root, path), limit)


def _inside(root: Path, path: str) -> Path:
    """`root / path`, once path_problem() allows it."""
    problem = path_problem(root, path)
    if problem:
        raise PackageFileError("unsafe-path", f"path {problem}")
    return root / path


def _check_kind(info: os.stat_result, limit: int) -> None:
    """Raise PackageFileError unless `info` is a regular file of at most `limit` bytes."""
    if stat.S_ISDIR(info.st_mode):
        raise PackageFileError("not-a-file", "is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise PackageFileError(
            "not-a-file", "is not a regular file (a FIFO, socket or device is never read)"
        )
    if info.st_size > limit:
        raise PackageFileError("file-too-large", f"is larger than {limit:,} bytes")


def _unreadable(exc: BaseException) -> PackageFileError:
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return PackageFileError("file-unreadable", f"cannot be read ({reason})")
