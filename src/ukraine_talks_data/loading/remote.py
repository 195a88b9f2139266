"""Downloading the Parquet files of a release, verified against the bundled descriptor, and
caching them.

The base URL comes from the caller or `UKRAINE_TALKS_BASE_URL`; a table's file is
``<base URL>/<table>.parquet`` (the flat layout of a release folder, see `release`). Each
download must have the size and SHA-256 that the bundled data/parquet/datapackage.json
declares, and is held to limits while it streams: a response larger than the declared
size (plus `SIZE_MARGIN`) is cut off as soon as it is, and the whole exchange (connecting,
the response's headers, the body) must end within one deadline (`timeout`, enforced on the
sockets by `deadline.Deadline`), however slowly the server trickles it. It is written to
a staging place in the cache (`_atomic.atomic_path`), checked, and only then renamed into
the cache, so a refused or interrupted download is never cached; a staging place left by
a killed process is removed by the next download of that file or by `clear_cache()`.
Cached files are named by table and hash, so versions never mix and a cached file is used
without any network. The cache folder is the platform's (platformdirs) or
`UKRAINE_TALKS_CACHE`.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._atomic import atomic_path, clear_leftovers
from .._optional import require
from .._version import __version__
from ..errors import HashMismatchError as HashMismatchError
from ..errors import RemoteError as RemoteError
from ..package.bundle import BUILD_COMMAND, bundle_dir
from ..package.digest import file_sha256
from .deadline import Deadline
from .parquet import PARQUET_DESCRIPTOR, file_resource, parquet_file_name

BASE_URL_ENV = "UKRAINE_TALKS_BASE_URL"
CACHE_ENV = "UKRAINE_TALKS_CACHE"
DEFAULT_TIMEOUT = 30.0
SIZE_MARGIN = 1024
"""Bytes a response may run over the declared size before it is cut off (the hash refuses
any difference anyway; the margin only keeps the message about size for gross excess)."""
CHUNK = 64 * 1024
APP_NAME = "ukraine-talks-data"
_CACHED = re.compile(r"^[a-z0-9_]+-[0-9a-f]{16}\.parquet$")
WHAT = "load(..., source='remote')"


@dataclass(frozen=True)
class Expected:
    """What the bundled Parquet descriptor declares about a table's file."""

    sha256: str
    bytes: int | None


def cache_dir() -> Path:
    """Where downloaded files are kept: `UKRAINE_TALKS_CACHE`, else the platform's cache folder."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    platformdirs = require("platformdirs", "remote", WHAT)
    path: Path = platformdirs.user_cache_path(APP_NAME, appauthor=False)
    return path


def cached_file_name(table: str, sha256: str) -> str:
    """Name of a table's file in the cache: table and the start of its hash."""
    return f"{table}-{sha256[:16]}.parquet"


def clear_cache() -> list[Path]:
    """Delete the downloaded files, and what interrupted downloads left, from the cache
    folder; return the paths deleted.

    Only files named as this package names them are touched, so pointing
    `UKRAINE_TALKS_CACHE` at a shared folder is safe; a download running now in another
    process keeps its staging place.
    """
    folder = cache_dir()
    if not folder.is_dir():
        return []
    removed: list[Path] = []
    names = {p.name for p in folder.iterdir() if _CACHED.match(p.name)}
    names |= {_staged_name(p.name) for p in folder.iterdir()} - {""}
    for name in sorted(names):
        path = folder / name
        if path.is_file():
            path.unlink()
            removed.append(path)
        removed += clear_leftovers(path)
    return sorted(removed)


def _staged_name(entry: str) -> str:
    """The cached file name a staging place `.<name>.<pid>-<random>.tmp` is for, or ""."""
    if not entry.startswith("."):
        return ""
    name = entry[1:].split(".parquet.", 1)[0] + ".parquet"
    return name if _CACHED.match(name) else ""


def expected_file(table: str) -> Expected:
    """The SHA-256 and size the bundled Parquet descriptor declares for `table`'s file."""
    path = bundle_dir() / PARQUET_DESCRIPTOR
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RemoteError(
            f"{path} is missing, so downloads cannot be verified; run `{BUILD_COMMAND}`"
        ) from None
    except (OSError, ValueError) as exc:
        raise RemoteError(f"{path} cannot be read ({exc}); run `{BUILD_COMMAND}`") from None
    try:
        resource = file_resource(descriptor, table)
    except KeyError as exc:
        raise RemoteError(str(exc.args[0])) from None
    declared = str(resource.get("hash"))
    algorithm, _, digest = declared.partition(":")
    if algorithm != "sha256" or not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise RemoteError(f"{path}: {table} has no sha256 hash (found {declared!r})")
    size = resource.get("bytes")
    valid_size = isinstance(size, int) and not isinstance(size, bool) and size >= 0
    return Expected(digest, size if valid_size else None)


def expected_sha256(table: str) -> str:
    """The SHA-256 the bundled Parquet descriptor declares for `table`'s file."""
    return expected_file(table).sha256


def file_url(table: str, base_url: str) -> str:
    """URL of a table's Parquet file under a release's base URL."""
    return f"{base_url.rstrip('/')}/{parquet_file_name(table)}"


def fetch(table: str, base_url: str | None = None, timeout: float | None = None) -> Path:
    """Path of a verified local copy of `table`'s Parquet file, downloading it if not cached.

    Raises RemoteError when there is no base URL and no intact cached copy, when the server
    answers with an error or cannot be reached, when the file is larger than declared, or
    when it has not arrived whole within `timeout` seconds (default 30, one deadline for the
    whole file); HashMismatchError when the file is not the one this version expects.
    """
    expected = expected_file(table)
    folder = cache_dir()
    cached = folder / cached_file_name(table, expected.sha256)
    actual = file_sha256(cached) if cached.is_file() else None
    if actual == expected.sha256:
        return cached
    base = base_url or os.environ.get(BASE_URL_ENV)
    if not base:
        if actual is None:
            raise RemoteError(
                f"no cached copy of {table} and no base URL: pass base_url=... or set "
                f"{BASE_URL_ENV} to the address of a release's files"
            )
        cached.unlink(missing_ok=True)
        raise RemoteError(
            f"the cached copy of {table} ({cached}) is damaged: its SHA-256 is {actual}, but "
            f"ukraine-talks-data {__version__} expects {expected.sha256}; it was removed. To "
            f"download it again, pass base_url=... or set {BASE_URL_ENV}"
        )
    seconds = DEFAULT_TIMEOUT if timeout is None else float(timeout)
    download(file_url(table, base), cached, expected, seconds)
    return cached


def download(url: str, out: Path, expected: Expected, timeout: float) -> None:
    """Download `url` to `out` (atomically), held to `expected`'s size and hash and to one
    deadline of `timeout` seconds; nothing is left at `out` or beside it on failure."""
    require("requests", "remote", WHAT)
    import requests

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(out) as tmp:
            _stream(url, tmp, expected, timeout)
            actual = file_sha256(tmp)
            if actual != expected.sha256:
                raise HashMismatchError(
                    f"refused {url}: its SHA-256 is {actual}, but ukraine-talks-data "
                    f"{__version__} expects {expected.sha256}; the file was not cached (is the "
                    "base URL the release of this version?)"
                )
    except requests.exceptions.RequestException as exc:
        raise RemoteError(_download_message(url, timeout, exc)) from None
    except OSError as exc:
        raise RemoteError(
            f"cannot save {url} in the cache folder {out.parent}: {exc.strerror or exc}"
        ) from None


def _stream(url: str, tmp: Path, expected: Expected, timeout: float) -> None:
    """Write the body of `url` to `tmp`, enforcing the size limit and the deadline (which
    covers connecting and the response's headers too: `Deadline`)."""
    import requests

    limit = None if expected.bytes is None else expected.bytes + SIZE_MARGIN
    received = 0
    with Deadline(timeout) as deadline, deadline.session() as session:
        try:
            response = session.get(url, stream=True, timeout=(timeout, timeout))
        except requests.exceptions.RequestException as exc:
            if deadline.passed():  # however the shut socket showed: a timeout all the same
                raise requests.exceptions.Timeout() from exc
            raise
        with response:
            response.raise_for_status()
            length = response.headers.get("Content-Length", "")
            if limit is not None and length.isdigit() and int(length) > limit:
                raise RemoteError(_too_large(url, expected, f"announces {int(length):,} bytes"))
            with tmp.open("wb") as fh:
                while True:
                    remaining = deadline.remaining()
                    if remaining <= 0:
                        raise RemoteError(_too_slow(url, timeout, received, expected))
                    _read_timeout(response, remaining)
                    try:
                        chunk = response.raw.read1(CHUNK, decode_content=True)
                    except Exception as exc:  # urllib3's own: a read timeout, a broken stream
                        if deadline.passed():
                            raise RemoteError(_too_slow(url, timeout, received, expected)) from None
                        raise RemoteError(
                            f"cannot download {url}: the transfer broke off after {received:,} "
                            f"bytes ({type(exc).__name__}); nothing was cached"
                        ) from None
                    if not chunk:
                        if deadline.expired:  # the deadline shut the socket
                            raise RemoteError(_too_slow(url, timeout, received, expected))
                        return
                    received += len(chunk)
                    if limit is not None and received > limit:
                        raise RemoteError(_too_large(url, expected, f"sent over {limit:,} bytes"))
                    fh.write(chunk)


def _read_timeout(response: Any, seconds: float) -> None:
    """Let the next read wait at most `seconds` (the time left before the deadline)."""
    connection = getattr(response.raw, "connection", None)
    sock = getattr(connection, "sock", None)
    if sock is not None:
        sock.settimeout(max(seconds, 0.001))


def _too_large(url: str, expected: Expected, what: str) -> str:
    return (
        f"refused {url}: the server {what}, but the file ukraine-talks-data {__version__} "
        f"expects has {expected.bytes:,}; the download was stopped and nothing was cached"
    )


def _too_slow(url: str, timeout: float, received: int, expected: Expected) -> str:
    size = f" of {expected.bytes:,}" if expected.bytes is not None else ""
    return (
        f"cannot download {url}: not finished within {timeout:g} s ({received:,}{size} bytes "
        "received); nothing was cached"
    )


def _download_message(url: str, timeout: float, exc: Exception) -> str:
    import requests

    if isinstance(exc, requests.exceptions.HTTPError) and exc.response is not None:
        return f"cannot download {url}: HTTP {exc.response.status_code} {exc.response.reason}"
    if isinstance(exc, requests.exceptions.Timeout):
        return f"cannot download {url}: no answer within {timeout:g} s"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return f"cannot download {url}: cannot connect ({_reason(exc)})"
    return f"cannot download {url}: {exc}"


def _reason(exc: BaseException) -> str:
    """The operating system's words for why a connection failed (e.g. "Connection refused"),
    found on the OSError that caused it, else the exception's type."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        cause = todo.pop()
        if cause is None or id(cause) in seen:
            continue
        seen.add(id(cause))
        if isinstance(cause, OSError) and cause.strerror:
            return str(cause.strerror)
        # urllib3 keeps the cause as `reason`; requests and urllib3 chain it too.
        todo += [cause.__cause__, cause.__context__, getattr(cause, "reason", None)]
        todo += [arg for arg in cause.args if isinstance(arg, BaseException)]
    return type(exc).__name__
