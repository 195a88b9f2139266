"""The `ukraine-talks` command: thin wrappers that parse arguments and call library functions."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ._version import __version__

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
) -> None:
    """Validate a data package: files, Table Schemas, evidence spans, seed hashes, dates, links.

    Exit status: 0 valid (warnings allowed), 1 invalid (a damaged descriptor included), 2 could not run (no such file, the report cannot be written).
    """  # noqa: E501 - typer prints docstring lines as written
    from .descriptor import DescriptorError
    from .report_format import render, summary, write_report
    from .validate import validate_package

    fmt = ReportFormat.json if json_output else output_format
    try:
        report = validate_package(datapackage, reference_schemas=not allow_schema_changes)
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
            write_report(output, text)
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
    from .coverage import coverage as compute
    from .descriptor import DescriptorError

    try:
        spans = compute(datapackage)
    except DescriptorError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    missing = [q for q in spans if not q.covered]
    for q in missing if uncovered else spans:
        where = f"{q.source_id}:{q.span.start}-{q.span.end}"
        if q.statements:
            by = "statements " + ",".join(q.statements)
        elif q.exclusion is not None:
            by = f"excluded: {q.exclusion}"
        else:
            by = "UNCOVERED"
        typer.echo(f"{where}\t{by}\t{q.text!r}")
    typer.echo(f"{len(spans) - len(missing)} of {len(spans)} quotation spans covered")
    raise typer.Exit(1 if missing else 0)
