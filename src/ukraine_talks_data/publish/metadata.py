"""The package metadata a build writes into datapackage.json: `version` and `created` (from
`_version.py`) and `sources` (the source articles and their outlets, from the sources table).

The rest of the metadata — `id`, `title`, `description`, `contributors`, `licenses`,
`keywords` — is written by hand in datapackage.json. No `homepage`: the dataset has no
public home yet.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from .._version import RELEASE_DATE, __version__

UNSTATED = "outlet not stated in the text"


def source_entry(row: dict[str, str]) -> dict[str, str]:
    """A Data Package `sources` entry for one row of the sources table: its title names the
    article, the outlet (or that the article does not state it) and the date published."""
    date = row.get("published") or f"{row.get('inferred_published') or '?'}, inferred"
    outlet = row.get("outlet") or UNSTATED
    return {"title": f"{row.get('source_id')}: {row.get('title')} ({outlet}; {date})"}


def package_metadata(root: Path, descriptor: dict[str, Any]) -> dict[str, Any]:
    """`version`, `created` and `sources` as a build writes them for the package at `root`."""
    sources: list[dict[str, str]] = []
    resource = next(
        (r for r in descriptor.get("resources", []) if r.get("name") == "sources"), None
    )
    path = root / str(resource.get("path")) if resource else None
    if path is not None and path.is_file():
        with path.open(encoding="utf-8", newline="") as fh:
            sources = [source_entry(row) for row in csv.DictReader(fh)]
    return {
        "version": __version__,
        "created": f"{RELEASE_DATE}T00:00:00Z",
        "sources": sources,
    }
