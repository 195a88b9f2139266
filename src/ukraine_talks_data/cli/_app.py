"""The typer app every command module adds to, and how a command ends on the package's errors."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from .._version import __version__

app = typer.Typer(
    name="ukraine-talks",
    help="The January 2022 Russia–US/NATO/OSCE security talks dataset: validate, inspect, export.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Help is plain text: square brackets, as in `pip install 'ukraine-talks-data[explorer]'`,
    # are printed, not read as rich markup.
    rich_markup_mode=None,
)


AllowSchemaChanges = Annotated[
    bool,
    typer.Option(
        "--allow-schema-changes",
        help="Check the package against its own schemas/*.json instead of the reference schemas "
        "bundled with this distribution (for a derived package whose schemas differ on purpose); "
        "without it, any difference is a schema-changed error.",
    ),
]
"""The option of every command that validates a package (validate, build, release,
add-source, accept)."""


EXIT_OK, EXIT_NO, EXIT_CANNOT, EXIT_INTERRUPTED = 0, 1, 2, 130
"""Exit statuses of every command: done; the data (or what was asked of it) says no —
invalid, stale, uncovered, not found; the command could not run — bad arguments, missing
or unreadable input, an output that cannot be written, a failed download; interrupted."""


@contextmanager
def clean_errors(writing: object = None) -> Iterator[None]:
    """End a command on any error with `error: …` on stderr and an exit status, never a
    traceback.

    A `UkraineTalksError` exits 1 when the data is not fit to build or release
    (`PublishError`: its issues are printed first, one line each), else 2. An OSError
    exits 2, saying what could not be written when `writing` names it. Ctrl-C exits 130.
    Anything else is a bug: it exits 2 with a message asking for a report.
    """
    from ..errors import PublishError, UkraineTalksError

    try:
        yield
    except UkraineTalksError as exc:
        for issue in getattr(exc, "issues", ()):
            typer.echo(issue.line(), err=True)
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_NO if isinstance(exc, PublishError) else EXIT_CANNOT) from None
    except OSError as exc:
        typer.echo(f"error: {os_error(exc, writing)}", err=True)
        raise typer.Exit(EXIT_CANNOT) from None
    except KeyboardInterrupt:
        typer.echo("error: interrupted", err=True)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:  # a bug: still a message and a status, not a traceback
        typer.echo(
            f"error: ukraine-talks failed unexpectedly ({type(exc).__name__}: {exc}); "
            "please report this, with the command that caused it",
            err=True,
        )
        raise typer.Exit(EXIT_CANNOT) from None


def os_error(exc: OSError, writing: object = None) -> str:
    """What the system refused, for `error: …`: what could not be written (`writing`), or
    the file named, and why."""
    reason = exc.strerror or str(exc)
    if writing is not None:
        return f"cannot write {writing}: {reason}"
    return f"{exc.filename}: {reason}" if exc.filename is not None else reason


def _version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Print the package version and exit.",
        ),
    ] = False,
) -> None:
    """The January 2022 Russia–US/NATO/OSCE security talks dataset."""
