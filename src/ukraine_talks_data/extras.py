"""Optional dependencies: checking one is installed, or naming the extra that installs it."""

from __future__ import annotations

import importlib


class MissingExtraError(RuntimeError):
    """An optional library a command needs is not installed; the message says how to get it."""


def require(module: str, extra: str, what: str) -> None:
    """Import `module`, or raise MissingExtraError naming the pip extra `extra` that provides it.

    `what` says what needs the module, e.g. "ukraine-talks timeline".
    """
    try:
        importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(
            f"{what} needs {module}, which is not installed; install the {extra!r} extra: "
            f"pip install 'ukraine-talks-data[{extra}]'"
        ) from None
