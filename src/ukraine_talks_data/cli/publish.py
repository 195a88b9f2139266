"""`ukraine-talks build` and `release`: regenerating the derived files, assembling a release."""

from pathlib import Path
from typing import Annotated

import typer

from ._app import AllowSchemaChanges, app, clean_errors


@app.command()
def build(
    root: Annotated[
        Path | None,
        typer.Option(
            help="Folder holding the datapackage.json to build. Default: the current folder "
            "when it holds one, else this checkout (or the installed bundle).",
            show_default=False,
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Write nothing: validate as a build does, then list the files a build would "
            "change; exit 1 if the data is invalid or anything is stale.",
        ),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Rewrite every Parquet file even when its content is up to date."
        ),
    ] = False,
    allow_schema_changes: AllowSchemaChanges = False,
) -> None:
    """Validate the CSVs, then regenerate everything derived from them.

    Writes the sizes, hashes and row counts in datapackage.json, data/parquet/*.parquet and
    data/parquet/datapackage.json, and docs/data-dictionary.md. Exit 1 when the data is
    invalid (nothing is written) or, with --check, when something is stale.
    """
    from ..package.bundle import build_command, bundle_dir, local_root
    from ..publish.build import build as build_package
    from ..publish.build import check as check_package

    root = root or local_root()
    with clean_errors(writing=f"the build files in {root or 'the bundled package'}"):
        if check:
            stale = check_package(root, reference_schemas=not allow_schema_changes)
            for line in stale:
                typer.echo(line)
            if stale:
                command = build_command(
                    root or bundle_dir(), reference_schemas=not allow_schema_changes
                )
                typer.echo(f"stale: run `{command}`", err=True)
                raise typer.Exit(1)
            typer.echo("up to date")
            return
        result = build_package(root, force=force, reference_schemas=not allow_schema_changes)
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
            help="Folder holding the datapackage.json to release. Default: the current folder "
            "when it holds one, else this checkout.",
            show_default=False,
        ),
    ] = None,
    allow_schema_changes: AllowSchemaChanges = False,
) -> None:
    """Assemble the files to attach to a release: Parquet, CSV, descriptors, SHA256SUMS, a zip.

    An existing folder is replaced only when it holds nothing but a previous release's files.
    """
    from ..package.bundle import local_root
    from ..publish.release import make_release

    root = root or local_root()
    with clean_errors(writing=out or "the release folder"):
        result = make_release(out, root, reference_schemas=not allow_schema_changes)
    for name in result.files:
        typer.echo(f"{result.folder / name}")
