"""Downloads held to limits: servers that send too much, too slowly or stop midway, a cache
that cannot be written, a cached copy tampered with. Each server is a thread on 127.0.0.1
speaking just enough HTTP to misbehave."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import ukraine_talks_data as u
from ukraine_talks_data.cli import app
from ukraine_talks_data.loading import remote
from ukraine_talks_data.loading.remote import RemoteError
from ukraine_talks_data.package.bundle import bundle_dir

TABLE = "actors"
EXPECTED = remote.expected_file(TABLE)
assert EXPECTED.bytes is not None
SIZE: int = EXPECTED.bytes
GOOD = (bundle_dir() / "data" / "parquet" / f"{TABLE}.parquet").read_bytes()
Respond = Callable[[socket.socket, "RawServer"], None]


class RawServer:
    """Answers every request on 127.0.0.1 with `respond(sock, server)`; counts bytes sent."""

    def __init__(self, respond: Respond) -> None:
        server = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                head = b""
                while b"\r\n\r\n" not in head:
                    data = self.request.recv(4096)
                    if not data:
                        return
                    head += data
                with contextlib.suppress(OSError):  # the client hung up, as these tests want
                    respond(self.request, server)

        self.sent = 0
        self.halfway = threading.Event()
        self.release = threading.Event()
        self.httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def send(self, sock: socket.socket, data: bytes) -> None:
        sock.sendall(data)
        self.sent += len(data)

    def stop(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve() -> Iterator[Callable[[Respond], RawServer]]:
    servers: list[RawServer] = []

    def start(respond: Respond) -> RawServer:
        servers.append(RawServer(respond))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(remote.CACHE_ENV, str(folder))
    monkeypatch.delenv(remote.BASE_URL_ENV, raising=False)
    return folder


def everything_in(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.iterdir()) if cache.is_dir() else []


def head(length: int | None = None) -> bytes:
    lines = ["HTTP/1.1 200 OK", "Content-Type: application/octet-stream", "Connection: close"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_a_response_larger_than_declared_is_cut_off(serve: Any, cache: Path) -> None:
    total = 64 * 2**20

    def endless(sock: socket.socket, server: RawServer) -> None:
        server.send(sock, head())
        chunk = b"\0" * 2**16
        while server.sent < total:
            server.send(sock, chunk)

    server = serve(endless)
    with pytest.raises(RemoteError) as err:
        u.load(TABLE, source="remote", base_url=server.url, timeout=60)
    limit = SIZE + remote.SIZE_MARGIN
    assert str(err.value) == (
        f"refused {server.url}{TABLE}.parquet: the server sent over {limit:,} bytes, but the "
        f"file ukraine-talks-data {u.__version__} expects has {SIZE:,}; the download was "
        "stopped and nothing was cached"
    )
    assert server.sent < total  # the client hung up long before the end
    assert everything_in(cache) == []


def test_a_response_announcing_more_than_declared_is_refused_unread(
    serve: Any, cache: Path
) -> None:
    def announces(sock: socket.socket, server: RawServer) -> None:
        server.send(sock, head(2**31))
        server.release.wait()

    server = serve(announces)
    with pytest.raises(RemoteError) as err:
        u.load(TABLE, source="remote", base_url=server.url, timeout=60)
    assert str(err.value) == (
        f"refused {server.url}{TABLE}.parquet: the server announces 2,147,483,648 bytes, but "
        f"the file ukraine-talks-data {u.__version__} expects has {SIZE:,}; the download was "
        "stopped and nothing was cached"
    )
    assert everything_in(cache) == []


def test_one_deadline_for_the_whole_file(serve: Any, cache: Path) -> None:
    """A byte every 50 ms never trips a per-read timeout; the file's deadline stops it."""

    def trickle(sock: socket.socket, server: RawServer) -> None:
        server.send(sock, head(SIZE))
        for byte in GOOD[:400]:
            server.send(sock, bytes([byte]))
            if server.release.wait(0.05):
                return

    server = serve(trickle)
    with pytest.raises(RemoteError) as err:
        u.load(TABLE, source="remote", base_url=server.url, timeout=0.5)
    assert re.fullmatch(
        rf"cannot download {server.url}{TABLE}\.parquet: not finished within 0\.5 s "
        rf"\([0-9,]+ of {SIZE:,} bytes received\); nothing was cached",
        str(err.value),
    ), str(err.value)
    assert everything_in(cache) == []


@pytest.mark.parametrize("sent", ["nothing", "headers a byte a second"])
def test_the_deadline_covers_the_response_headers(sent: str, serve: Any, cache: Path) -> None:
    """A server that never answers, or sends its status line and headers a byte a second,
    trips no per-read timeout; the file's deadline stops it all the same."""

    def slow_headers(sock: socket.socket, server: RawServer) -> None:
        for byte in head(SIZE) if sent != "nothing" else b"":
            server.send(sock, bytes([byte]))
            if server.release.wait(1):
                return
        server.release.wait()

    server = serve(slow_headers)
    with pytest.raises(RemoteError) as err:
        u.load(TABLE, source="remote", base_url=server.url, timeout=1.5)
    assert str(err.value) == f"cannot download {server.url}{TABLE}.parquet: no answer within 1.5 s"
    assert everything_in(cache) == []


def test_a_full_disk_while_caching_is_a_clear_error(
    serve: Any, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def good(sock: socket.socket, server: RawServer) -> None:
        server.send(sock, head(SIZE) + GOOD)

    server = serve(good)
    real_open = Path.open

    def full_disk(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if "w" in mode and cache in self.parents:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", full_disk)
    with pytest.raises(RemoteError) as err:
        u.load(TABLE, source="remote", base_url=server.url, timeout=60)
    assert str(err.value) == (
        f"cannot save {server.url}{TABLE}.parquet in the cache folder {cache}: "
        f"{os.strerror(errno.ENOSPC)}"
    )
    assert everything_in(cache) == []


def test_a_tampered_cached_copy_is_called_damaged(cache: Path) -> None:
    name = remote.cached_file_name(TABLE, EXPECTED.sha256)
    cache.mkdir()
    (cache / name).write_bytes(b"tampered")
    with pytest.raises(RemoteError) as err:
        u.load(TABLE, source="remote")
    assert str(err.value) == (
        f"the cached copy of {TABLE} ({cache / name}) is damaged: its SHA-256 is "
        f"{hashlib.sha256(b'tampered').hexdigest()}, but ukraine-talks-data {u.__version__} "
        f"expects {EXPECTED.sha256}; it was removed. To download it again, pass "
        f"base_url=... or set {remote.BASE_URL_ENV}"
    )
    assert everything_in(cache) == []


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    """Poll until `condition()` holds (a readiness wait, not a timing assertion)."""
    deadline = time.monotonic() + 60
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.02)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_download_killed_midway_leaves_nothing_after_clear_cache(serve: Any, cache: Path) -> None:
    def half_then_stall(sock: socket.socket, server: RawServer) -> None:
        server.send(sock, head(SIZE) + GOOD[: SIZE // 2])
        server.halfway.set()
        server.release.wait()

    server = serve(half_then_stall)
    code = (
        "import ukraine_talks_data as u\n"
        f"u.load({TABLE!r}, source='remote', base_url={server.url!r}, timeout=600)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], env=os.environ.copy())
    try:
        server.halfway.wait(60)
        _wait_for(
            lambda: any(p.stat().st_size for p in cache.glob(".*/*")), "the half-written file"
        )
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    (debris,) = [p for p in cache.iterdir()]
    assert debris.name.startswith(f".{remote.cached_file_name(TABLE, EXPECTED.sha256)}.")
    result = CliRunner().invoke(app, ["clear-cache"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"removed {debris}\n1 files removed\n"
    assert everything_in(cache) == []
