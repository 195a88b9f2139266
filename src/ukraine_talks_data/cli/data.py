"""Commands that look at the data, export it or manage the download cache: `locate`,
`export`, `coverage`, `show`, `timeline`, `serve`, `info`, `clear-cache`."""

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ._app import app, clean_errors


@app.command()
def locate(
    source_id: Annotated[str, typer.Argument(help="Source id, e.g. S003.")],
    text: Annotated[str, typer.Argument(help="Exact text to find in the source.")],
    occurrence: Annotated[int, typer.Option(min=1, help="Which occurrence (1 = first).")] = 1,
) -> None:
    """Print start_char and end_char of TEXT in a bundled source, for annotators."""
    from ..loading.texts import source_text
    from ..package.sources import locate as locate_text

    with clean_errors():
        seed = source_text(source_id)
        try:
            start, end = locate_text(seed, text, occurrence)
        except ValueError as exc:
            typer.echo(f"error: {exc} in {source_id}", err=True)
            raise typer.Exit(1) from None
    typer.echo(f"{source_id},{start},{end}")


class ExportFormat(StrEnum):
    """Formats `ukraine-talks export` writes."""

    sqlite = "sqlite"
    duckdb = "duckdb"
    jsonl = "jsonl"


@app.command()
def export(
    out: Annotated[
        Path,
        typer.Argument(
            help="Where to write: a database file (sqlite, duckdb) or a folder (jsonl).",
            show_default=False,
        ),
    ],
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help="sqlite and duckdb: one database with primary and foreign keys and column "
            "descriptions; jsonl: one <table>.jsonl per table.",
        ),
    ] = ExportFormat.sqlite,
) -> None:
    """Export every table to SQLite, DuckDB or JSON Lines."""
    from ..export import export as export_tables

    with clean_errors(writing=out):
        export_tables(fmt.value, out)
    typer.echo(f"wrote {out}")


@app.command()
def coverage(
    datapackage: Annotated[
        Path | None,
        typer.Argument(
            help="A datapackage.json or its folder. Default: the bundled data.", show_default=False
        ),
    ] = None,
    uncovered: Annotated[
        bool, typer.Option("--uncovered", help="List only uncovered spans.")
    ] = False,
) -> None:
    """List every quotation-mark span in the seeds and the statement rows that cover it.

    Spans that are not speech are covered by a coverage_exclusions row instead. Exit status 1
    when any span is uncovered.
    """
    from ..views.coverage import coverage as compute

    with clean_errors():
        spans = compute(datapackage)
    missing = [q for q in spans if not q.covered]
    for q in missing if uncovered else spans:
        typer.echo(q.line())
    typer.echo(f"{len(spans) - len(missing)} of {len(spans)} quotation spans covered")
    raise typer.Exit(1 if missing else 0)


_DATE = ["%Y-%m-%d"]


class ShowFormat(StrEnum):
    """Formats `ukraine-talks show` prints."""

    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


@app.command()
def show(
    table: Annotated[str, typer.Argument(help="Table to show, e.g. statements, events, actors.")],
    speaker: Annotated[
        str | None,
        typer.Option(
            help="Actor's name, alias or id (any case), e.g. Lavrov: who speaks or acts; on "
            "demands, the demander or anyone who stated, rejected or answered it."
        ),
    ] = None,
    side: Annotated[
        str | None,
        typer.Option(
            help="A side (state or bloc) by name, alias or id, e.g. us, Russia, NATO: rows whose "
            "actor belongs to it through the affiliation chain (actors.affiliation_id)."
        ),
    ] = None,
    event: Annotated[str | None, typer.Option(help="Event id, e.g. E001.")] = None,
    on: Annotated[
        datetime | None, typer.Option(formats=_DATE, help="Rows dated on this day (YYYY-MM-DD).")
    ] = None,
    date_from: Annotated[
        datetime | None,
        typer.Option("--from", formats=_DATE, help="Rows dated on or after this day."),
    ] = None,
    date_to: Annotated[
        datetime | None,
        typer.Option("--to", formats=_DATE, help="Rows dated on or before this day."),
    ] = None,
    search: Annotated[
        str | None, typer.Option(help="Text the row or its evidence contains (any case).")
    ] = None,
    columns: Annotated[
        str | None, typer.Option(help="Comma-separated columns to show instead of the default.")
    ] = None,
    fmt: Annotated[
        ShowFormat,
        typer.Option(
            "--format",
            "-f",
            help="table (for reading; full width when piped), csv or json (values as stored, "
            "every evidence span), markdown.",
        ),
    ] = ShowFormat.table,
) -> None:
    """Print a table's rows, each with its evidence span and source.

    Example: ukraine-talks show statements --speaker Lavrov --from 2022-01-14 --to 2022-01-27
    """
    from ..views.query import Filters, select

    filters = Filters(
        speaker=speaker,
        side=side,
        event=event,
        on=on.date() if on else None,
        date_from=date_from.date() if date_from else None,
        date_to=date_to.date() if date_to else None,
        search=search,
    )
    chosen = tuple(c.strip() for c in columns.split(",") if c.strip()) if columns else None
    with clean_errors():
        selection = select(table, filters, chosen)
    with clean_errors(writing="the output"):  # a full disk, as every command says it
        if fmt is ShowFormat.table:
            from ..views.terminal import print_selection

            print_selection(selection)
        else:
            from ..views.formats import render

            typer.echo(render(selection, fmt.value), nl=False)


@app.command()
def timeline(
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="File to write; its extension picks the format: .png, .svg or .html."
        ),
    ],
) -> None:
    """Draw the talks as a timeline: events, statements by speaker, demands and their answers."""
    from ..views.timeline import write_timeline

    with clean_errors(writing=out):
        write_timeline(out)
    typer.echo(f"wrote {out}")


@app.command()
def serve(
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port on 127.0.0.1.")] = 8001,
    folder: Annotated[
        Path | None,
        typer.Option(
            help="Keep the files Datasette serves here: talks.db, talks-metadata.json, "
            "talks-templates/ (default: a temporary folder, removed on exit)."
        ),
    ] = None,
) -> None:
    """Browse the data in Datasette on 127.0.0.1: facets, filters, each row's source text.

    Needs the 'explorer' extra: pip install 'ukraine-talks-data[explorer]'.
    """
    from ..views.explorer import serve as run

    with clean_errors(writing="the explorer's files"):
        status = run(port, folder, announce=typer.echo)
    raise typer.Exit(status)


@app.command()
def info(
    json_output: Annotated[bool, typer.Option("--json", help="Print the information as JSON.")] = (
        False
    ),
) -> None:
    """Print the version, the tables with their row counts, and the sources."""
    import json

    from ..views.info import package_info

    with clean_errors():
        details = package_info()
    if json_output:
        typer.echo(json.dumps(details.to_dict(), indent=2, ensure_ascii=False))
        return
    for line in details.lines():
        typer.echo(line)


@app.command("clear-cache")
def clear_cache() -> None:
    """Delete the Parquet files downloaded by load(..., source="remote"), and what
    interrupted downloads left."""
    from ..loading.accessor import clear_cache as clear

    with clean_errors():
        removed = clear()
    for path in removed:
        typer.echo(f"removed {path}")
    typer.echo(f"{len(removed)} files removed")
