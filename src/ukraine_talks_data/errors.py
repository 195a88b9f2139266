"""Every error the package raises on purpose: one base, one branch per capability.

`UkraineTalksError` is what a caller (and the CLI, once) catches; the subclasses say which
capability failed. Classes that were once plain built-in errors keep that base too
(`UnknownTableError` is a `KeyError`, `MissingExtraError` an `ImportError`, …), so older
`except` clauses still match. The validator's own `DescriptorError` (no descriptor at all)
stays in `validate/`; callers outside it turn it into one of these.

This module imports nothing of the package: every layer may raise these.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Issue(Protocol):
    """What an error may carry to explain itself: the validator's `Issue` is one (this
    module imports nothing, so it names only what it needs of it)."""

    @property
    def code(self) -> str: ...

    def line(self) -> str: ...


class UkraineTalksError(Exception):
    """Base of the package's errors: the message says what went wrong, for a person."""


class MissingExtraError(UkraineTalksError, ImportError):
    """An optional library is not installed; the message names the extra that installs it."""


# load/ — reading the tables.
class LoadError(UkraineTalksError):
    """A table could not be read (a package on disk that is unusable, a download that failed)."""


class UnknownTableError(LoadError, KeyError):
    """Raised for a table name the package does not have; the message lists the valid names."""

    def __str__(self) -> str:
        return str(self.args[0])


class RemoteError(LoadError):
    """A table could not be downloaded (no URL, not found, no answer, wrong file)."""


class HashMismatchError(RemoteError):
    """A downloaded file's SHA-256 differs from the bundled descriptor's; it was not cached."""


# publish/ — building and releasing the package.
class PublishError(UkraineTalksError):
    """The package cannot be built or released; `issues` (validator issues) say why."""

    def __init__(self, message: str, issues: Sequence[Issue] = ()) -> None:
        super().__init__(message)
        self.issues: list[Issue] = list(issues)


class BuildError(PublishError):
    """The package is invalid (or unusable), so nothing was built."""


class ReleaseError(PublishError):
    """The package is not ready to release (stale build files or invalid data)."""


# export/ — writing the tables in other formats.
class ExportError(UkraineTalksError):
    """The tables cannot be written in the requested format."""


# views/ — looking at the data.
class QueryError(UkraineTalksError, ValueError):
    """A filter that cannot apply: unknown table, speaker or event, or a table without dates."""


class TimelineError(UkraineTalksError, ValueError):
    """The timeline cannot be written where asked (e.g. an unknown file extension)."""


class ExplorerError(UkraineTalksError, RuntimeError):
    """The explorer could not start (port taken, Datasette failed); the message says why."""


# contribute/ — adding sources and reviewed annotations.
class ContributeError(UkraineTalksError):
    """A contribution was refused whole (a bad article, source or review file); `issues`
    (validator issues, or issues of the review file) say where, when there are several."""

    def __init__(self, message: str, issues: Sequence[Issue] = ()) -> None:
        super().__init__(message)
        self.issues: list[Issue] = list(issues)
