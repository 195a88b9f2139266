"""Where the data package bundled with this distribution lives on disk, and where its parts lie
in any package folder: the descriptor, and the Parquet distribution (`data/parquet/`, one
`<table>.parquet` per table, each recording the SHA-256 of the CSV it was built from under
`source_csv_sha256`, and its own descriptor)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

DESCRIPTOR = "datapackage.json"
PARQUET_DIR = "data/parquet"
PARQUET_DESCRIPTOR = f"{PARQUET_DIR}/datapackage.json"
CSV_SHA256_KEY = "source_csv_sha256"


def parquet_file_name(table: str) -> str:
    """File name of a table's Parquet file: `<table>.parquet`."""
    return f"{table}.parquet"


@cache
def bundle_dir() -> Path:
    """The folder holding datapackage.json, schemas/, data/ and seeds/.

    In an installed wheel this is ``ukraine_talks_data/_bundle``; in a source
    checkout or an editable install it is the repository root.
    """
    here = Path(__file__).resolve().parent.parent  # the ukraine_talks_data folder
    for candidate in (here / "_bundle", here.parent.parent):
        if (candidate / DESCRIPTOR).is_file():
            return candidate
    raise FileNotFoundError(
        f"the bundled data package was not found (looked in {here / '_bundle'} and "
        f"{here.parent.parent}); reinstall ukraine-talks-data"
    )


def bundled_descriptor() -> Path:
    """Path of the bundled datapackage.json."""
    return bundle_dir() / DESCRIPTOR
