"""`ukraine-talks add-source`, `suggest` and `accept`: growing the dataset (see CONTRIBUTING.md)."""

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from ._app import AllowSchemaChanges, app, clean_errors

Root = Annotated[
    Path | None,
    typer.Option(
        help="Folder holding the datapackage.json to change. Default: this checkout (or the "
        "installed bundle).",
        show_default=False,
    ),
]


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None


@app.command("add-source")
def add_source(
    file: Annotated[Path, typer.Argument(help="The article: a UTF-8 text file, stored unchanged.")],
    published: Annotated[
        str, typer.Option(help="Publication date, YYYY-MM-DD (stated if the article writes it).")
    ],
    outlet: Annotated[
        str | None, typer.Option(help="Publisher; recorded only if the article names it.")
    ] = None,
    url: Annotated[str | None, typer.Option(help="Where the article was found.")] = None,
    language: Annotated[str, typer.Option(help="ISO 639-1 code of its language.")] = "en",
    root: Root = None,
    allow_schema_changes: AllowSchemaChanges = False,
) -> None:
    """Store an article as the next seed and register it in sources.csv and datapackage.json.

    Refuses (exit 2, nothing changed) a missing, empty or non-UTF-8 file, an article already
    in the package, or a change that would leave the package invalid.
    """
    from ..contribute.add_source import add_source as add

    day = _day(published)
    with clean_errors():
        result = add(
            file,
            day,
            root=root,
            outlet=outlet,
            url=url,
            language=language,
            reference_schemas=not allow_schema_changes,
        )
    for line in result.lines():
        typer.echo(line)


@app.command()
def suggest(
    source_id: Annotated[str, typer.Argument(help="The source to annotate, e.g. S005.")],
    out: Annotated[
        Path | None,
        typer.Option(
            help="Review file to write. Default: <SOURCE_ID>-review.csv here.", show_default=False
        ),
    ] = None,
    root: Root = None,
) -> None:
    """Write a review file of proposed rows for a source: statements with spans, quote type,
    ranked speakers and dates; candidate events; new actors; headings' quotation marks."""
    from ..contribute.suggest import suggest as propose

    target = out if out is not None else Path(f"{source_id}-review.csv")
    with clean_errors(writing=target):
        result = propose(source_id, target, root=root)
    for line in result.lines():
        typer.echo(line)


@app.command()
def accept(
    review_file: Annotated[Path, typer.Argument(help="A review file written by `suggest`.")],
    root: Root = None,
    allow_schema_changes: AllowSchemaChanges = False,
) -> None:
    """Write the kept rows of a review file into the tables with ids and evidence, then build
    and validate; a bad file or an invalid result is refused whole (exit 2, nothing changed)."""
    from ..contribute.accept import accept as take

    with clean_errors():
        result = take(review_file, root=root, reference_schemas=not allow_schema_changes)
    for line in result.lines():
        typer.echo(line)
