"""The typer app every command module adds to, and how a command ends on the package's errors."""

from __future__ import annotations

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


@contextmanager
def clean_errors(writing: object = None) -> Iterator[None]:
    """Turn the package's errors (`UkraineTalksError`) into `error: …` on stderr.

    Exit status 1 when the data is not fit to build or release (`PublishError`: its issues
    are printed first, one line each), else 2. An OSError exits 2, saying what could not be
    written when `writing` names it.
    """
    from ..errors import PublishError, UkraineTalksError

    try:
        yield
    except UkraineTalksError as exc:
        for issue in getattr(exc, "issues", ()):
            typer.echo(issue.line(), err=True)
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1 if isinstance(exc, PublishError) else 2) from None
    except OSError as exc:
        detail = f"cannot write {writing}: {exc.strerror or exc}" if writing else str(exc)
        typer.echo(f"error: {detail}", err=True)
        raise typer.Exit(2) from None


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
