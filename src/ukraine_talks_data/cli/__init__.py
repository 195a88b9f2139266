"""The `ukraine-talks` command: thin wrappers that parse arguments and call library functions.

`_app` holds the typer app and `clean_errors()` (any `UkraineTalksError` becomes
`error: …` on stderr and an exit status); each other module adds a group of commands:
`validate`, `data` (locate, export, coverage, show, timeline, serve, info, clear-cache)
and `publish` (build, release). The face of the house: may import everything below it.
"""

from __future__ import annotations

from . import data, publish, validate
from ._app import app

__all__ = ["app", "data", "publish", "validate"]
