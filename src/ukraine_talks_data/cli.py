"""The `ukraine-talks` command: thin wrappers that parse arguments and call library functions."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ._version import __version__


class EngineChoice(StrEnum):
    """The validation engines (see validate.ENGINES)."""

    columns = "columns"
    frictionless = "frictionless"


app = typer.Typer(
    name="ukraine-talks",
    help="The January 2022 Russia–US/NATO/OSCE security talks dataset: validate, inspect, export.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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


@app.command()
def validate(
    datapackage: Annotated[
        Path | None,
        typer.Argument(
            help="A datapackage.json, or the folder holding one. Default: the data bundled with "
            "this package.",
            show_default=False,
        ),
    ] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the whole report as JSON.")
    ] = False,
    engine: Annotated[
        EngineChoice,
        typer.Option(
            "--engine",
            help="columns: check whole columns at a time (fast at any size); frictionless: "
            "the stock Frictionless validator and row-wise checks. Both report the same issues.",
        ),
    ] = EngineChoice.columns,
) -> None:
    """Validate a data package: Table Schemas, evidence spans, seed hashes, dates, links.

    Exit status: 0 valid, 1 invalid, 2 could not run (no such file, not JSON).
    """
    from .descriptor import DescriptorError
    from .validate import validate_package

    try:
        report = validate_package(datapackage, engine=engine.value)
    except DescriptorError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if json_output:
        typer.echo(report.to_json())
    else:
        for line in report.lines():
            typer.echo(line)
        rows = sum(report.checked.values())
        status = "valid" if report.valid else "INVALID"
        typer.echo(
            f"{status}: {report.package}: {len(report.errors)} errors, "
            f"{len(report.warnings)} warnings; {len(report.checked)} tables, {rows} rows checked"
        )
    raise typer.Exit(0 if report.valid else 1)


@app.command()
def locate(
    source_id: Annotated[str, typer.Argument(help="Source id, e.g. S003.")],
    text: Annotated[str, typer.Argument(help="Exact text to find in the source.")],
    occurrence: Annotated[int, typer.Option(min=1, help="Which occurrence (1 = first).")] = 1,
) -> None:
    """Print start_char and end_char of TEXT in a bundled source, for annotators."""
    from .accessor import load
    from .bundle import bundle_dir
    from .sources import locate as locate_text
    from .sources import read_source

    paths = {r["source_id"]: r["path"] for r in load("sources").to_pylist()}
    if source_id not in paths:
        typer.echo(
            f"error: unknown source {source_id!r}; sources: {', '.join(sorted(paths))}", err=True
        )
        raise typer.Exit(2)
    seed = read_source(bundle_dir() / paths[source_id])
    try:
        start, end = locate_text(seed.text or "", text, occurrence)
    except ValueError as exc:
        typer.echo(f"error: {exc} in {source_id}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{source_id},{start},{end}")


@app.command()
def export(
    out: Annotated[Path, typer.Argument(help="Path of the SQLite database to write.")],
) -> None:
    """Export every table to a SQLite database with primary and foreign keys."""
    from .export import export_sqlite

    try:
        export_sqlite(out)
    except OSError as exc:
        typer.echo(f"error: cannot write {out}: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"wrote {out}")
