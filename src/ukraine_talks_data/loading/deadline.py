"""One deadline for a whole HTTP exchange: connecting, the response's headers and its body.

requests' timeouts bound each socket operation, not the exchange: a server that sends its
status line and headers a byte a second never trips them. `Deadline` hands out a requests
`Session` whose connections report their sockets to it, and runs a timer that, when the
time is up, shuts every such socket down, so that whatever read is waiting (for headers or
body) returns at once and the exchange fails; `expired` then says why. The TLS handshake
is not covered: ssl detaches the plain socket before the handshake and hands the wrapped
one over only after it, so a handshake stays bounded by the per-read timeout alone.
"""

from __future__ import annotations

import socket
import threading
import time
from contextlib import suppress
from types import TracebackType
from typing import Any


class Deadline:
    """`seconds` from now; used as a context manager, which starts and stops the timer."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._timer.cancel()

    def remaining(self) -> float:
        """Seconds left (0 once the deadline has passed)."""
        return max(self.end - time.monotonic(), 0.0)

    def passed(self) -> bool:
        """Whether the deadline has passed (the timer fired, or the clock says so)."""
        return self.expired or time.monotonic() >= self.end

    def watch(self, sock: socket.socket) -> None:
        """Shut `sock` down when the deadline passes (at once if it already has)."""
        with self._lock:
            self._sockets.append(sock)
            if not self.expired:
                return
        _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)

    def session(self) -> Any:
        """A requests Session whose HTTP and HTTPS connections are watched by this deadline."""
        import requests

        session = requests.Session()
        adapter = _adapter_class()(self)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session


def _shut(sock: socket.socket) -> None:
    with suppress(OSError):  # already closed, or detached by ssl
        sock.shutdown(socket.SHUT_RDWR)


def _adapter_class() -> Any:
    """requests' HTTPAdapter with pools whose connections report their sockets to a
    `Deadline` (built on first use: requests and urllib3 are an optional extra)."""
    import requests.adapters
    import urllib3
    from urllib3.connection import HTTPConnection, HTTPSConnection

    class Watching:  # before the connection class: its new socket is watched
        deadline: Deadline

        def _new_conn(self) -> socket.socket:
            sock: socket.socket = super()._new_conn()  # type: ignore[misc]
            self.deadline.watch(sock)
            return sock

    class Watched(Watching, HTTPConnection):
        pass

    class WatchedTLS(Watching, HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            if isinstance(self.sock, socket.socket):
                self.deadline.watch(self.sock)

    class Adapter(requests.adapters.HTTPAdapter):
        def __init__(self, deadline: Deadline) -> None:
            self._deadline = deadline
            super().__init__()

        def _watched(self, manager: Any) -> Any:
            connections = {
                "http": type("Watched", (Watched,), {"deadline": self._deadline}),
                "https": type("WatchedTLS", (WatchedTLS,), {"deadline": self._deadline}),
            }
            if isinstance(manager, urllib3.PoolManager) and set(
                manager.pool_classes_by_scheme.values()
            ) <= {urllib3.HTTPConnectionPool, urllib3.HTTPSConnectionPool}:  # not SOCKS
                manager.pool_classes_by_scheme = {
                    scheme: type("Pool", (pool,), {"ConnectionCls": connections[scheme]})
                    for scheme, pool in manager.pool_classes_by_scheme.items()
                }
            return manager

        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self._watched(self.poolmanager)

        def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
            return self._watched(super().proxy_manager_for(proxy, **kwargs))

    return Adapter
