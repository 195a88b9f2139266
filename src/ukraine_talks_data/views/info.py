"""`ukraine-talks info`: the package version, its tables with row counts, and its sources."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .._version import __version__


@dataclass(frozen=True)
class TableInfo:
    """One table: name, title and number of rows."""

    name: str
    title: str
    rows: int


@dataclass(frozen=True)
class SourceInfo:
    """One source article: id, title, publication date and whether that date is inferred."""

    source_id: str
    title: str
    published: str | None
    inferred: bool


@dataclass
class PackageInfo:
    """What `ukraine-talks info` prints."""

    version: str
    title: str
    licences: list[str]
    tables: list[TableInfo] = field(default_factory=list)
    sources: list[SourceInfo] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        """What `ukraine-talks info` prints: version and title, licences, tables, sources."""
        width = max((len(t.name) for t in self.tables), default=0)
        out = [
            f"ukraine-talks-data {self.version}: {self.title}",
            f"data licence: {', '.join(self.licences)}; code licence: MIT",
            "tables (rows):",
            *(f"  {t.name:<{width}}  {t.rows}" for t in self.tables),
            "sources:",
        ]
        for source in self.sources:
            date = source.published or "date unknown"
            if source.inferred:
                date += " (inferred)"
            out.append(f"  {source.source_id}  {date}  {source.title}")
        return out


def package_info() -> PackageInfo:
    """Version, tables with their row counts (counted from the data) and sources of the bundle."""
    from ..loading.accessor import load, tables
    from ..package.schemas import bundled_raw

    raw = bundled_raw()
    titles = {r["name"]: r.get("title", r["name"]) for r in raw["resources"]}
    info = PackageInfo(
        version=__version__,
        title=str(raw.get("title", raw.get("name", ""))),
        licences=[str(lic.get("name", lic.get("title", ""))) for lic in raw.get("licenses", [])],
    )
    for name in tables():
        info.tables.append(TableInfo(name, titles.get(name, name), load(name).num_rows))
    for row in load("sources").to_pylist():
        published = row.get("published")
        inferred = published is None and row.get("inferred_published") is not None
        date = published or row.get("inferred_published")
        info.sources.append(
            SourceInfo(row["source_id"], row["title"], date.isoformat() if date else None, inferred)
        )
    return info
