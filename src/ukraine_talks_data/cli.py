"""The `ukraine-talks` command: thin wrappers that parse arguments and call library functions."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
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


@contextmanager
def _clean_errors(writing: object = None) -> Iterator[None]:
    """Turn the package's errors (`UkraineTalksError`) into `error: …` on stderr.

    Exit status 1 when the data is not fit to build or release (`PublishError`: its issues
    are printed first, one line each), else 2. An OSError exits 2, saying what could not be
    written when `writing` names it.
    """
    from .errors import PublishError, UkraineTalksError

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


class ReportFormat(StrEnum):
    """How `validate` prints its report."""

    text = "text"
    github = "github"
    json = "json"


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
        bool, typer.Option("--json", help="Print the whole report as JSON (same as --format json).")
    ] = False,
    output_format: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            help="text: one line per issue; github: pull-request annotations (::error "
            "file=…,line=…); json: the whole report for machines.",
        ),
    ] = ReportFormat.text,
    max_errors: Annotated[
        int,
        typer.Option(
            "--max-errors",
            min=0,
            help="Print at most this many errors (and as many warnings); 0 prints all. The exit "
            "status still counts every error. JSON always holds every issue.",
        ),
    ] = 100,
    allow_schema_changes: Annotated[
        bool,
        typer.Option(
            "--allow-schema-changes",
            help="Validate against the package's own schemas/*.json instead of the reference "
            "schemas bundled with this distribution (for a derived package whose schemas differ "
            "on purpose); without it, any difference is a schema-changed error.",
        ),
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the report to this file (written whole or not at all) and print only "
            "the summary line.",
            show_default=False,
        ),
    ] = None,
    engine: Annotated[
        EngineChoice,
        typer.Option(
            "--engine",
            help="columns (default): tables read once by Arrow, the Table Schema pass and the "
            "dataset's checks computed column-wise (Arrow + DuckDB), falling back to the "
            "reference wherever it cannot reproduce it; frictionless: the reference pipeline, "
            "Frictionless on the strictly parsed rows plus the row-wise checks, much slower on "
            "large packages. Both report the same issues.",
        ),
    ] = EngineChoice.columns,
) -> None:
    """Validate a data package: files, Table Schemas, evidence spans, seed hashes, dates, links.

    Exit status: 0 valid (warnings allowed), 1 invalid (a damaged descriptor included), 2 could not run (no such file, the report cannot be written).
    """  # noqa: E501 - typer prints docstring lines as written
    from ._atomic import write_text_atomic
    from .validate import validate_package
    from .validate.inputs.descriptor import DescriptorError
    from .validate.report.formats import render, summary

    fmt = ReportFormat.json if json_output else output_format
    try:
        report = validate_package(
            datapackage, reference_schemas=not allow_schema_changes, engine=engine.value
        )
    except DescriptorError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    except Exception as exc:  # a CI tool ends with a message and exit 2, never a traceback
        typer.echo(
            f"error: the validator failed unexpectedly ({type(exc).__name__}: {exc}); "
            "please report this, with the package that caused it",
            err=True,
        )
        raise typer.Exit(2) from None
    color = output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    text = render(report, fmt.value, max_errors=max_errors or None, color=color)
    if output is None:
        typer.echo(text, nl=False)
    else:
        try:
            write_text_atomic(output, text)
        except OSError as exc:
            typer.echo(f"error: cannot write {output}: {exc.strerror or exc}", err=True)
            raise typer.Exit(2) from None
        typer.echo(summary(report))
    raise typer.Exit(0 if report.valid else 1)


@app.command()
def locate(
    source_id: Annotated[str, typer.Argument(help="Source id, e.g. S003.")],
    text: Annotated[str, typer.Argument(help="Exact text to find in the source.")],
    occurrence: Annotated[int, typer.Option(min=1, help="Which occurrence (1 = first).")] = 1,
) -> None:
    """Print start_char and end_char of TEXT in a bundled source, for annotators."""
    from .loading.accessor import load
    from .package.bundle import bundle_dir
    from .package.sources import locate as locate_text
    from .package.sources import read_source

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
    from .export import export as export_tables

    with _clean_errors(writing=out):
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
    from .views.coverage import coverage as compute

    with _clean_errors():
        spans = compute(datapackage)
    missing = [q for q in spans if not q.covered]
    for q in missing if uncovered else spans:
        typer.echo(q.line())
    typer.echo(f"{len(spans) - len(missing)} of {len(spans)} quotation spans covered")
    raise typer.Exit(1 if missing else 0)


_DATE = ["%Y-%m-%d"]


@app.command()
def show(
    table: Annotated[str, typer.Argument(help="Table to show, e.g. statements, events, actors.")],
    speaker: Annotated[
        str | None,
        typer.Option(help="Actor's name, alias or id (any case), e.g. Lavrov: who speaks or acts."),
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
) -> None:
    """Print a table's rows in the terminal, each with its evidence span and source.

    Example: ukraine-talks show statements --speaker Lavrov --from 2022-01-14 --to 2022-01-27
    """
    from .views.query import Filters, select
    from .views.terminal import print_selection

    filters = Filters(
        speaker=speaker,
        event=event,
        on=on.date() if on else None,
        date_from=date_from.date() if date_from else None,
        date_to=date_to.date() if date_to else None,
        search=search,
    )
    chosen = tuple(c.strip() for c in columns.split(",") if c.strip()) if columns else None
    with _clean_errors():
        selection = select(table, filters, chosen)
    print_selection(selection)


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
    from .views.timeline import write_timeline

    with _clean_errors(writing=out):
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
    from .views.explorer import serve as run

    with _clean_errors(writing="the explorer's files"):
        status = run(port, folder, announce=typer.echo)
    raise typer.Exit(status)


@app.command()
def build(
    root: Annotated[
        Path | None,
        typer.Option(
            help="Folder holding the datapackage.json to build. Default: this checkout (or the "
            "installed bundle).",
            show_default=False,
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Write nothing; list the files a build would change and exit 1 if any."
        ),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Rewrite every Parquet file even when its content is up to date."
        ),
    ] = False,
) -> None:
    """Validate the CSVs, then regenerate everything derived from them.

    Writes the sizes, hashes and row counts in datapackage.json, data/parquet/*.parquet and
    data/parquet/datapackage.json, and docs/data-dictionary.md. Exit 1 when the data is
    invalid (nothing is written) or, with --check, when something is stale.
    """
    from .publish.build import BUILD_COMMAND, stale_files
    from .publish.build import build as build_package

    with _clean_errors():
        if check:
            stale = stale_files(root)
            for line in stale:
                typer.echo(line)
            if stale:
                typer.echo(f"stale: run `{BUILD_COMMAND}`", err=True)
                raise typer.Exit(1)
            typer.echo("up to date")
            return
        result = build_package(root, force=force)
    for line in result.lines():
        typer.echo(line)


@app.command()
def release(
    out: Annotated[
        Path | None,
        typer.Argument(
            help="Release folder to create or replace. Default: release/v<version>/.",
            show_default=False,
        ),
    ] = None,
    root: Annotated[
        Path | None,
        typer.Option(
            help="Folder holding the datapackage.json to release. Default: this checkout.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Assemble the files to attach to a release: Parquet, CSV, descriptors, SHA256SUMS, a zip."""
    from .publish.release import make_release

    with _clean_errors():
        result = make_release(out, root)
    for name in result.files:
        typer.echo(f"{result.folder / name}")


@app.command()
def info(
    json_output: Annotated[bool, typer.Option("--json", help="Print the information as JSON.")] = (
        False
    ),
) -> None:
    """Print the version, the tables with their row counts, and the sources."""
    import json

    from .views.info import package_info

    details = package_info()
    if json_output:
        typer.echo(json.dumps(details.to_dict(), indent=2, ensure_ascii=False))
        return
    for line in details.lines():
        typer.echo(line)


@app.command("clear-cache")
def clear_cache() -> None:
    """Delete the Parquet files downloaded by load(..., source="remote")."""
    from .loading.accessor import clear_cache as clear

    removed = clear()
    for path in removed:
        typer.echo(f"removed {path}")
    typer.echo(f"{len(removed)} files removed")
