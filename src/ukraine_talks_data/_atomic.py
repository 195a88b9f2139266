"""Writing output files atomically: into a temporary file beside the target, then renamed.

A process killed at any moment leaves either the previous file or the new one, whole —
never a half-written file.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(out: Path) -> Iterator[Path]:
    """A temporary path beside `out` to write to; renamed onto `out` when the block succeeds.

    The temporary file does not exist when the block starts (some writers, such as DuckDB,
    refuse an existing empty file). On any error it is removed and `out` is untouched.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    tmp = folder / out.name
    try:
        yield tmp
        if tmp.is_dir():
            raise IsADirectoryError(f"{tmp} is a folder; atomic_path writes single files")
        tmp.replace(out)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write_bytes_atomic(out: Path, data: bytes) -> None:
    """Replace `out` with `data` atomically."""
    with atomic_path(out) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(out: Path, text: str) -> None:
    """Replace `out` with `text` (UTF-8, LF line ends as given) atomically."""
    write_bytes_atomic(out, text.encode("utf-8"))


@contextmanager
def atomic_folder(out: Path) -> Iterator[Path]:
    """A temporary folder beside `out` to fill; it replaces `out` when the block succeeds.

    An existing `out` is moved aside first and deleted only after the new folder is in
    place, so a crash leaves the old folder or the new one (plus, at worst, a hidden
    leftover beside it).
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        yield tmp
        old: Path | None = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
            out.replace(old / out.name)
        tmp.replace(out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
