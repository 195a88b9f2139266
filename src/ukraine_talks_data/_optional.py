"""Optional dependencies: importing one, or naming the pip extra that installs it."""

from __future__ import annotations

import importlib
from types import ModuleType

from .errors import MissingExtraError


def require(module: str, extra: str, what: str) -> ModuleType:
    """Import `module`, or raise MissingExtraError naming the pip extra `extra` that provides it.

    `what` says what needs the module, e.g. "ukraine-talks timeline".
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(
            f"{what} needs {module}, which is not installed; install the {extra!r} extra: "
            f"pip install 'ukraine-talks-data[{extra}]'"
        ) from None
