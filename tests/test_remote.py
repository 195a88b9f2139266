"""load(..., source="remote") against a real HTTP server on 127.0.0.1 serving a release folder."""

from __future__ import annotations

import errno
import functools
import os
import shutil
import socket
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import platformdirs
import pytest

import ukraine_talks_data as u
from ukraine_talks_data.loading import remote
from ukraine_talks_data.loading.remote import HashMismatchError, RemoteError
from ukraine_talks_data.package.digest import file_sha256
from ukraine_talks_data.publish.release import make_release

TABLE = "actors"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class Server:
    """A static file server for `folder` on a free port of 127.0.0.1, in a thread."""

    def __init__(self, folder: Path) -> None:
        handler = functools.partial(QuietHandler, directory=str(folder))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture(scope="module")
def release_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_release(tmp_path_factory.mktemp("release") / "v").folder


@pytest.fixture
def served(release_folder: Path, tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    """A server for a private copy of the release folder (tests may damage the copy)."""
    folder = tmp_path / "served"
    shutil.copytree(release_folder, folder)
    server = Server(folder)
    try:
        yield server, folder
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(remote.CACHE_ENV, str(folder))
    monkeypatch.delenv(remote.BASE_URL_ENV, raising=False)
    return folder


def cached_files(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.iterdir()) if cache.is_dir() else []


def test_download_then_offline_from_cache(served: tuple[Server, Path], cache: Path) -> None:
    server, folder = served
    table = u.load(TABLE, source="remote", base_url=server.url, timeout=5)
    assert table.equals(u.load(TABLE), check_metadata=True)
    digest = file_sha256(folder / f"{TABLE}.parquet")
    assert cached_files(cache) == [f"{TABLE}-{digest[:16]}.parquet"]
    server.stop()
    again = u.load(TABLE, "polars", source="remote", base_url=server.url, timeout=1)
    assert again.to_dicts() == table.to_pylist()
    # No URL at all: the cached copy is enough.
    assert u.load(TABLE, source="remote").equals(table)


def test_base_url_from_environment(
    served: tuple[Server, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, _ = served
    monkeypatch.setenv(remote.BASE_URL_ENV, server.url.rstrip("/"))
    assert u.load("sources", source="remote", timeout=5).equals(u.load("sources"))


def test_corrupted_file_is_refused_and_not_cached(served: tuple[Server, Path], cache: Path) -> None:
    server, folder = served
    path = folder / f"{TABLE}.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    expected = remote.expected_sha256(TABLE)
    with pytest.raises(HashMismatchError) as err:
        u.load(TABLE, source="remote", base_url=server.url, timeout=5)
    assert str(err.value) == (
        f"refused {server.url}{TABLE}.parquet: its SHA-256 is {file_sha256(path)}, but "
        f"ukraine-talks-data {u.__version__} expects {expected}; the file was not cached "
        "(is the base URL the release of this version?)"
    )
    assert cached_files(cache) == []


def test_missing_file(served: tuple[Server, Path], cache: Path) -> None:
    server, folder = served
    (folder / f"{TABLE}.parquet").unlink()
    with pytest.raises(RemoteError) as err:
        u.load(TABLE, source="remote", base_url=server.url, timeout=5)
    assert str(err.value) == f"cannot download {server.url}{TABLE}.parquet: HTTP 404 File not found"
    assert cached_files(cache) == []


def test_server_that_never_answers(cache: Path) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        with pytest.raises(RemoteError) as err:
            u.load(TABLE, source="remote", base_url=url, timeout=0.5)
    assert str(err.value) == f"cannot download {url}/{TABLE}.parquet: no answer within 0.5 s"
    assert cached_files(cache) == []


def test_refused_connection(cache: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with pytest.raises(RemoteError) as err:
        u.load(TABLE, source="remote", base_url=f"http://127.0.0.1:{port}", timeout=2)
    # The reason is the operating system's, read from the OSError that caused the failure.
    assert (
        str(err.value)
        == (
            f"cannot download http://127.0.0.1:{port}/{TABLE}.parquet: "
            f"cannot connect ({os.strerror(errno.ECONNREFUSED)})"
        )
        or sys.platform == "win32"
    )


def test_base_url_without_scheme(cache: Path) -> None:
    with pytest.raises(RemoteError) as err:
        u.load(TABLE, source="remote", base_url="example.org/files", timeout=1)
    assert not isinstance(err.value, HashMismatchError)
    assert str(err.value).startswith(f"cannot download example.org/files/{TABLE}.parquet: ")


def test_no_url_and_nothing_cached() -> None:
    with pytest.raises(RemoteError) as err:
        u.load(TABLE, source="remote")
    assert str(err.value) == (
        f"no cached copy of {TABLE} and no base URL: pass base_url=... or set "
        "UKRAINE_TALKS_BASE_URL to the address of a release's files"
    )


def test_damaged_cache_file_is_downloaded_again(served: tuple[Server, Path], cache: Path) -> None:
    server, _ = served
    u.load(TABLE, source="remote", base_url=server.url, timeout=5)
    (cached,) = cache.iterdir()
    cached.write_bytes(b"not parquet")
    assert u.load(TABLE, source="remote", base_url=server.url, timeout=5).equals(u.load(TABLE))
    assert cached.read_bytes() != b"not parquet"


def test_clear_cache_removes_only_downloads(served: tuple[Server, Path], cache: Path) -> None:
    server, _ = served
    u.load(TABLE, source="remote", base_url=server.url, timeout=5)
    (cache / "notes.txt").write_text("mine")
    downloaded = [str(cache / n) for n in cached_files(cache) if n.endswith(".parquet")]
    assert u.clear_cache() == downloaded
    assert cached_files(cache) == ["notes.txt"]


def test_default_cache_is_the_platform_cache_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(remote.CACHE_ENV)
    assert remote.cache_dir() == platformdirs.user_cache_path("ukraine-talks-data", False)
