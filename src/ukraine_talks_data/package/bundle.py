"""Where the data package bundled with this distribution lives on disk."""

from __future__ import annotations

from functools import cache
from pathlib import Path

DESCRIPTOR = "datapackage.json"


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
