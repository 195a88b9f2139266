"""What every check reads: the package's tables and source texts, each read once."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..descriptor import Descriptor, path_problem
from ..raw_tables import Table, read_table
from ..sources import SourceText, read_source

SPAN_FIELDS = ("source_id", "start_char", "end_char", "text")


@dataclass
class Context:
    """Lazy access to a validated package's tables and seeds."""

    descriptor: Descriptor
    _tables: dict[str, Table | None] = field(default_factory=dict)
    _sources: dict[str, SourceText | None] | None = None

    def table(self, name: str) -> Table | None:
        """The named table, or None if the package lacks it or it cannot be read."""
        if name not in self._tables:
            resource = self.descriptor.resource(name)
            self._tables[name] = (
                read_table(self.descriptor.root, name, resource.path)
                if resource is not None and resource.is_table
                else None
            )
        return self._tables[name]

    def span_tables(self) -> list[Table]:
        """Every table whose rows carry an evidence span (source_id, start_char, end_char, text)."""
        out = []
        for resource in self.descriptor.tables():
            names = {
                f.get("name")
                for f in (resource.schema or {}).get("fields", [])
                if isinstance(f, dict)
            }
            if all(n in names for n in SPAN_FIELDS):
                table = self.table(resource.name)
                if table is not None:
                    out.append(table)
        return out

    def sources(self) -> dict[str, SourceText | None]:
        """source_id → the seed file's text; None where the file is missing or unsafe."""
        if self._sources is None:
            self._sources = {}
            table = self.table("sources")
            for row in table or []:
                source_id, path = row.get("source_id"), row.get("path")
                if source_id is None or path is None:
                    continue
                file = self.descriptor.root / path
                if path_problem(self.descriptor.root, path) or not file.is_file():
                    self._sources[source_id] = None
                else:
                    self._sources[source_id] = read_source(file)
        return self._sources
