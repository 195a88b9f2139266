"""Downloading the Parquet files of a release, verified against the bundled descriptor, and
caching them.

The base URL comes from the caller or `UKRAINE_TALKS_BASE_URL`; a table's file is
``<base URL>/<table>.parquet`` (the flat layout of a release folder, see `release`). Each
download must have the SHA-256 that the bundled data/parquet/datapackage.json declares:
pooch streams it to a temporary file, checks the hash and only then moves it into the
cache, so a file with another hash is refused and never cached. Cached files are named by
table and hash, so versions never mix and a cached file is used without any network.
The cache folder is the platform's (platformdirs) or `UKRAINE_TALKS_CACHE`.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from .._optional import require
from .._version import __version__
from ..errors import HashMismatchError as HashMismatchError
from ..errors import RemoteError as RemoteError
from ..package.bundle import bundle_dir
from ..package.digest import file_sha256
from .parquet import PARQUET_DESCRIPTOR, file_resource, parquet_file_name

BASE_URL_ENV = "UKRAINE_TALKS_BASE_URL"
CACHE_ENV = "UKRAINE_TALKS_CACHE"
DEFAULT_TIMEOUT = 30.0
APP_NAME = "ukraine-talks-data"
_CACHED = re.compile(r"^[a-z0-9_]+-[0-9a-f]{16}\.parquet$")


def cache_dir() -> Path:
    """Where downloaded files are kept: `UKRAINE_TALKS_CACHE`, else the platform's cache folder."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    platformdirs = require("platformdirs", "remote", "load(..., source='remote')")
    path: Path = platformdirs.user_cache_path(APP_NAME, appauthor=False)
    return path


def cached_file_name(table: str, sha256: str) -> str:
    """Name of a table's file in the cache: table and the start of its hash."""
    return f"{table}-{sha256[:16]}.parquet"


def clear_cache() -> list[Path]:
    """Delete the downloaded files from the cache folder; return the paths deleted.

    Only files named as this package names them are touched, so pointing
    `UKRAINE_TALKS_CACHE` at a shared folder is safe.
    """
    folder = cache_dir()
    if not folder.is_dir():
        return []
    removed = []
    for path in sorted(folder.iterdir()):
        if path.is_file() and _CACHED.match(path.name):
            path.unlink()
            removed.append(path)
    return removed


def expected_sha256(table: str) -> str:
    """The SHA-256 the bundled Parquet descriptor declares for `table`'s file."""
    path = bundle_dir() / PARQUET_DESCRIPTOR
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RemoteError(
            f"{path} is missing, so downloads cannot be verified; run `ukraine-talks build`"
        ) from None
    try:
        declared = str(file_resource(descriptor, table)["hash"])
    except KeyError as exc:
        raise RemoteError(str(exc.args[0])) from None
    algorithm, _, digest = declared.partition(":")
    if algorithm != "sha256" or not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise RemoteError(f"{path}: {table} has no sha256 hash (found {declared!r})")
    return digest


def file_url(table: str, base_url: str) -> str:
    """URL of a table's Parquet file under a release's base URL."""
    return f"{base_url.rstrip('/')}/{parquet_file_name(table)}"


def fetch(table: str, base_url: str | None = None, timeout: float | None = None) -> Path:
    """Path of a verified local copy of `table`'s Parquet file, downloading it if not cached.

    Raises RemoteError when there is no base URL and no cached copy, when the server
    answers with an error, cannot be reached or does not answer within `timeout` seconds
    (default 30), and HashMismatchError when the file is not the one this version expects.
    """
    expected = expected_sha256(table)
    folder = cache_dir()
    name = cached_file_name(table, expected)
    base = base_url or os.environ.get(BASE_URL_ENV)
    if not base:
        # Offline: pooch needs a URL, so the cached copy is checked here.
        cached = folder / name
        if cached.is_file() and file_sha256(cached) == expected:
            return cached
        raise RemoteError(
            f"no cached copy of {table} and no base URL: pass base_url=... or set {BASE_URL_ENV} "
            "to the address of a release's files"
        )
    url = file_url(table, base)
    pooch = require("pooch", "remote", "load(..., source='remote')")
    import requests

    seconds = DEFAULT_TIMEOUT if timeout is None else timeout
    download = _Verified(pooch.HTTPDownloader(timeout=seconds, progressbar=False), expected)
    try:
        # pooch uses the cached file if its hash is `known_hash`, else downloads to a
        # temporary file, checks it and only then moves it into the cache.
        path = pooch.retrieve(
            url, known_hash=f"sha256:{expected}", fname=name, path=folder, downloader=download
        )
    except (requests.exceptions.RequestException, OSError) as exc:
        raise RemoteError(_download_message(url, seconds, exc)) from None
    return Path(path)


class _Verified:
    """A pooch downloader: pooch's HTTPDownloader, then the SHA-256 of what it wrote.

    pooch checks `known_hash` too, but says what it found only in its error's message; this
    check runs first, on the same temporary file, and raises HashMismatchError naming the
    hash found. pooch then deletes the temporary file, so nothing is cached.
    """

    def __init__(self, http: Any, expected: str) -> None:
        self.http = http
        self.expected = expected

    def __call__(self, url: str, output_file: Any, pooch: Any, check_only: bool = False) -> Any:
        result = self.http(url, output_file, pooch, check_only=check_only)
        if not check_only:
            actual = file_sha256(Path(output_file))
            if actual != self.expected:
                raise HashMismatchError(
                    f"refused {url}: its SHA-256 is {actual}, but ukraine-talks-data "
                    f"{__version__} expects {self.expected}; the file was not cached (is the "
                    "base URL the release of this version?)"
                )
        return result


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
