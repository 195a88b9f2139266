"""The `ukraine-talks` command: thin wrappers that parse arguments and call library functions.

`_app` holds the typer app and `clean_errors()` (any `UkraineTalksError` becomes
`error: …` on stderr and an exit status); each other module adds a group of commands:
`validate`, `data` (locate, export, coverage, show, timeline, serve, info, clear-cache),
`publish` (build, release), `cite` and `contribute` (add-source, suggest, accept). The face
of the house: may import everything below it.

The command modules do without `from __future__ import annotations`: typer reads each
command's parameters from its annotations when it builds the app, at every command's start,
and string annotations cost it an `eval` each (20-30 ms against 3 ms, a twentieth of
validating the shipped package).
"""

from . import cite, contribute, data, publish, validate
from ._app import app

__all__ = ["app", "cite", "contribute", "data", "main", "publish", "validate"]


def main() -> None:
    """The `ukraine-talks` console script: the typer app, in a process of its own.

    pyarrow imports numpy when it is installed, and pandas the first time it converts a
    Python value, only to ask whether the value is one of theirs: 0.3-0.8 s together, more
    than validating the shipped package takes. `validate` uses neither, so in this process
    (a command that ends when the validation does) both are kept out of reach.
    Library calls and tests through typer's CliRunner on `app` are not affected;
    tests/test_validate_cli.py runs the command itself on damaged packages and compares.

    When the command is done, the objects it leaves are frozen (`gc.freeze`): the
    interpreter's last collections at exit then skip them, and the process ends about
    60 ms sooner (a tenth of validating the shipped package; docs/performance.md). Every
    object is still freed by its reference count; the command has closed its files and
    databases before it returns.
    """
    import gc
    import sys

    if sys.stdout is None:  # started with its output closed (`>&-`): as a full disk
        if sys.stderr is not None:
            sys.stderr.write("error: cannot write the output: standard output is closed\n")
        raise SystemExit(2)
    if sys.argv[1:2] == ["validate"] and not {"pandas", "numpy"} & set(sys.modules):
        sys.meta_path.insert(0, _Unused())
    try:
        app()
    except OSError as exc:  # what a command prints could not be written: a full disk
        _quiet_stdout()
        where = exc.filename or "the output"
        sys.stderr.write(f"error: cannot write {where}: {exc.strerror or exc}\n")
        raise SystemExit(2) from None
    finally:
        gc.freeze()


def _quiet_stdout() -> None:
    """Point standard output at the null device, so that the interpreter's last flush of
    what it still holds does not fail again at exit (with a traceback of its own)."""
    import os
    import sys

    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor behind it
        pass


class _Unused:
    """A module finder that answers `import pandas` and `import numpy` with an ImportError."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name.partition(".")[0] in ("pandas", "numpy"):
            raise ModuleNotFoundError(f"{name} is not used by ukraine-talks validate", name=name)
