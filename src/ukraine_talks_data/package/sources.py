"""The source articles: their text exactly as stored, and the hash of their bytes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

SEED_FOLDER = "seeds"


def seed_path(index: int, sha256: str) -> str:
    """Where seed number `index` with bytes hashing to `sha256` is stored, relative to the
    package root: ``seeds/<index, 3 digits>_<first 16 hex digits of its SHA-256>.txt``."""
    return f"{SEED_FOLDER}/{index:03d}_{sha256[:16]}.txt"


@dataclass(frozen=True)
class SourceText:
    """A seed file: its bytes' SHA-256 and, when it is UTF-8, its decoded text."""

    path: Path
    sha256: str
    text: str | None
    decode_error: str | None = None


def read_source(path: Path) -> SourceText:
    """Read a seed file without any normalisation (no newline translation, no stripping).

    Offsets in the dataset are Python `str` indices into exactly this text.
    """
    return source_text(path, path.read_bytes())


def source_text(path: Path, data: bytes) -> SourceText:
    """A seed's already-read bytes as a SourceText (hash, and text when it is UTF-8)."""
    digest = hashlib.sha256(data).hexdigest()
    try:
        return SourceText(path, digest, data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return SourceText(path, digest, None, f"{exc.reason} at byte {exc.start}")


def locate(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """Start and end offsets of the `occurrence`-th (1-based) appearance of `needle` in `text`.

    A helper for annotators: offsets are computed, never counted by hand.
    """
    if not needle:
        raise ValueError("the text to locate is empty")
    start = -1
    for _ in range(occurrence):
        start = text.find(needle, start + 1)
        if start < 0:
            raise ValueError(f"occurrence {occurrence} of {needle!r} not found")
    return start, start + len(needle)
