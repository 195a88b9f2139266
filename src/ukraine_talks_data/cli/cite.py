"""`ukraine-talks cite`: how to cite the installed version of the dataset."""

from enum import StrEnum
from typing import Annotated

import typer

from ._app import app, clean_errors


class CiteFormat(StrEnum):
    """Formats `ukraine-talks cite` prints."""

    bibtex = "bibtex"
    apa = "apa"
    cff = "cff"


@app.command()
def cite(
    fmt: Annotated[
        CiteFormat,
        typer.Option(
            "--format",
            "-f",
            help="bibtex (an @misc entry), apa (APA 7 reference) or cff (CITATION.cff).",
        ),
    ] = CiteFormat.bibtex,
) -> None:
    """Print a citation of this version of the dataset (from its datapackage.json)."""
    from ..package.citation import bundled_citation

    with clean_errors():
        text = bundled_citation().render(fmt.value)
    typer.echo(text, nl=False)
