"""`ukraine-talks validate`: the validator's report, as text, GitHub annotations or JSON."""

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ._app import AllowSchemaChanges, app, clean_errors, os_error

if TYPE_CHECKING:
    from ..validate.report.issues import Report


class EngineChoice(StrEnum):
    """The validation engines (see validate.Engine)."""

    columns = "columns"
    frictionless = "frictionless"


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
            help="A datapackage.json, or the folder holding one. Default: ./datapackage.json "
            "when there is one (your checkout or fork), else the data bundled with this package.",
            show_default=False,
        ),
    ] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the whole report as JSON (same as --format json).")
    ] = False,
    output_format: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            help="text: one line per issue; github: pull-request annotations (::error "
            "file=…,line=…); json: the whole report for machines. Default: text.",
            show_default=False,
        ),
    ] = None,
    max_errors: Annotated[
        int,
        typer.Option(
            "--max-errors",
            min=0,
            help="Print at most this many errors (and as many warnings); 0 prints all. The exit "
            "status still counts every error. JSON holds every listed issue (--issue-limit).",
        ),
    ] = 100,
    issue_limit: Annotated[
        int,
        typer.Option(
            "--issue-limit",
            min=0,
            help="List at most this many issues of one code in one file (the first by row) and "
            "count the rest, so that a table wrong in every row is reported in bounded memory; "
            "0 lists all (JSON too).",
        ),
    ] = 1000,
    allow_schema_changes: AllowSchemaChanges = False,
    output: Annotated[
        str | None,  # as typed: a Path would drop the slash of `r.txt/`
        typer.Option(
            "--output",
            "-o",
            metavar="<path>",
            help="Write the report to this file (written whole or not at all; its folder must "
            "exist; never a file of the package nor anywhere in its data/, schemas/ or "
            "seeds/, a device or a FIFO) and print only the summary line.",
            show_default=False,
        ),
    ] = None,
    engine: Annotated[
        EngineChoice,
        typer.Option(
            "--engine",
            help="columns (default): this package's own Table Schema rules, column-wise on "
            "tables read once by Arrow; frictionless: stock Frictionless checks the Table "
            "Schema instead (the reference, much slower on large packages). Both run the same "
            "dataset rules and report the same issues.",
        ),
    ] = EngineChoice.columns,
) -> None:
    """Validate a data package: files, Table Schemas, evidence spans, seed hashes, dates, links.

    Exit status: 0 valid (warnings allowed), 1 invalid (a damaged descriptor included), 2 could not run (no such file, the report cannot be written).
    """  # noqa: E501 - typer prints docstring lines as written
    from .._atomic import write_text_atomic
    from ..errors import LoadError
    from ..package.bundle import DESCRIPTOR, local_root, settle
    from ..validate import validate_package
    from ..validate.inputs.descriptor import DescriptorError
    from ..validate.report.formats import render, summary

    if json_output and output_format not in (None, ReportFormat.json):
        message = f"--json and --format {output_format.value} ask for two formats: give one"
        raise typer.BadParameter(message, param_hint="--json")
    fmt = ReportFormat.json if json_output else output_format or ReportFormat.text
    last = None if output is None else output.replace(os.sep, "/").rsplit("/", 1)[-1]
    if last in ("", ".", ".."):  # as typed: Path("r.txt/.") is r.txt
        typer.echo(f"error: cannot write {output}: it names a folder, not a file", err=True)
        raise typer.Exit(2)
    target = Path(output) if output is not None else None
    if datapackage is None and (here := local_root()) is not None:  # the one worked on
        datapackage = here / DESCRIPTOR
    if datapackage is not None:  # a change a killed build, add-source or accept left half made
        with clean_errors():
            settle(datapackage if datapackage.is_dir() else datapackage.parent)
    try:
        report = validate_package(
            datapackage,
            reference_schemas=not allow_schema_changes,
            engine=engine.value,
            issue_limit=issue_limit or None,
        )
    except (DescriptorError, LoadError) as exc:  # none to validate; no reference schemas
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        typer.echo("error: interrupted", err=True)
        raise typer.Exit(130) from None
    except OSError as exc:  # the machine, not the package: its temporary folder is full
        typer.echo(f"error: {os_error(exc)}", err=True)
        raise typer.Exit(2) from None
    except Exception as exc:  # a CI tool ends with a message and exit 2, never a traceback
        typer.echo(
            f"error: the validator failed unexpectedly ({type(exc).__name__}: {exc}); "
            "please report this, with the package that caused it",
            err=True,
        )
        raise typer.Exit(2) from None
    refused = _refused_output(target, Path(report.package)) if target is not None else None
    if refused:
        typer.echo(f"error: {output}: {refused}; write the report elsewhere", err=True)
        raise typer.Exit(2)
    advice = _build_advice(report, allow_schema_changes)
    color = target is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    text = render(report, fmt.value, max_errors=max_errors or None, color=color)
    if target is None:
        typer.echo(text, nl=False)
    else:
        with clean_errors(writing=target):
            write_text_atomic(target, text, parents=False)
        typer.echo(summary(report))
    if advice:
        typer.echo(advice, err=True)
    raise typer.Exit(0 if report.valid else 1)


def _build_advice(report: "Report", allow_schema_changes: bool) -> str | None:
    """What the `ukraine-talks build` that issues advise means for the package validated,
    when that is not the one a bare `ukraine-talks build` builds (or not by its own
    schemas); None when it is, or no issue advises a build."""
    from ..package.bundle import BUILD_COMMAND, DESCRIPTOR, build_command

    if not any(BUILD_COMMAND in issue.message for issue in report.issues):
        return None
    if Path(report.package).name != DESCRIPTOR:  # build reads a folder's datapackage.json
        return (
            f"note: `{BUILD_COMMAND}` builds a folder's {DESCRIPTOR}: this package's "
            f"descriptor is {Path(report.package).name}; name it {DESCRIPTOR} to build it"
        )
    root = Path(report.package).parent
    command = build_command(root, reference_schemas=not allow_schema_changes)
    if command == BUILD_COMMAND:
        return None
    return f"note: for this package, `{BUILD_COMMAND}` above is `{command}`"


PACKAGE_FOLDERS = ("data", "schemas", "seeds")
"""The package's folders (the layout every copy and fork keeps): `--output` writes nowhere
inside them, even when the descriptor cannot be read to say what they hold."""


def _refused_output(output: Path, descriptor_file: Path) -> str | None:
    """Why `--output` may not write at `output`: a file of the package, or a path inside
    one of its folders (its Parquet copies, a file a damaged descriptor does not list);
    None where it may (beside datapackage.json, or outside the package)."""
    target = output.resolve()
    files = _package_files(descriptor_file)
    if target in files:
        return "a file of the package validated"
    root = descriptor_file.resolve().parent
    folders = {(root / name).resolve() for name in PACKAGE_FOLDERS}
    folders |= {f.parent for f in files if f.parent != root}
    inside = next((f for f in sorted(folders) if target.is_relative_to(f)), None)
    if inside is not None:
        return f"inside {inside}, a folder of the package validated"
    return None


def _package_files(descriptor_file: Path) -> set[Path]:
    """The files of the package at `descriptor_file` that `--output` must not replace: the
    descriptor, each resource's file and schema, each seed the sources table names
    (whether or not the descriptor lists it), and the change journal (a report there made
    every later command stop on a damaged journal)."""
    from ..package.bundle import CHANGE_JOURNAL
    from ..validate.inputs.descriptor import DescriptorError, read_descriptor
    from ..validate.tables.context import Context

    files = {descriptor_file.resolve(), (descriptor_file.parent / CHANGE_JOURNAL).resolve()}
    try:
        descriptor, _ = read_descriptor(descriptor_file)
    except DescriptorError:
        return files
    paths = [p for r in descriptor.resources for p in (r.path, r.schema_file) if p]
    paths += [row.get("path") or "" for row in Context(descriptor).table("sources") or []]
    for path in filter(None, paths):
        try:  # a cell of the sources table may be any text (a NUL byte, a loop of links)
            files.add((descriptor.root / path).resolve())
        except (OSError, RuntimeError, ValueError):
            continue
    return files
