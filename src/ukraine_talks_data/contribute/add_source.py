"""`add_source()`: a new article stored unchanged as a seed and registered as a source.

The article's bytes are copied as they are to `seeds/<NNN>_<sha256[:16]>.txt`
(`package.sources.seed_path`), a `sources` row is added with its SHA-256, and the seed is
listed in datapackage.json; the package is then built and validated in a copy before
anything is written (`staging`). The codebook's rules for sources (docs/codebook.md §1)
are kept: the title is the article's first line; `published` is filled only when the
article writes that date (else `inferred_published`, with a note saying the contributor
gave it); `outlet` only when the article names it. Each fact read from the text gets an
evidence span.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ContributeError
from ..package.bundle import DESCRIPTOR, bundle_dir, command_line
from ..package.sources import seed_path, source_text
from ..publish.descriptor_stats import dump_descriptor
from .dates import full_dates
from .staging import commit, staged
from .tables import PackageTables, Row, id_width, next_number, package_root

URL_FIELDS = ("url", "source_url")
"""Fields of `sources` that take the article's URL, where the schema has one."""


@dataclass(frozen=True)
class AddedSource:
    """What `add_source` did: the new source's id and seed path, and the files it changed."""

    source_id: str
    path: str
    sha256: str
    row: Row
    written: list[str] = field(default_factory=list)
    root: Path | None = None  # the package it was added to (None: the bundled one)

    def lines(self) -> list[str]:
        """What `ukraine-talks add-source` prints."""
        published = self.row.get("published") or self.row.get("inferred_published", "")
        basis = "stated in the text" if self.row.get("published") else "not in the text"
        return [
            *(f"wrote {rel}" for rel in self.written),
            f"added {self.source_id}: {self.path} (sha256 {self.sha256}), "
            f"published {published} ({basis})",
            "next: "
            + command_line(
                "suggest", self.source_id, root=self.root or bundle_dir(), default=bundle_dir()
            ),
        ]


def _read(file: Path) -> tuple[bytes, str, str]:
    """The article's bytes, SHA-256 and text; a clear error for a missing, empty or non-UTF-8
    file."""
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise ContributeError(f"{file}: no such file") from None
    except IsADirectoryError:
        raise ContributeError(f"{file} is a folder, not an article") from None
    except OSError as exc:
        raise ContributeError(f"{file}: {exc.strerror or exc}") from None
    seed = source_text(file, data)
    if seed.text is None:
        raise ContributeError(f"{file} is not UTF-8 text ({seed.decode_error}); save it as UTF-8")
    if not seed.text.strip():
        raise ContributeError(f"{file} is empty: an article needs text")
    return data, seed.sha256, seed.text


def _first_line(text: str) -> tuple[int, int]:
    """Offsets of the first non-blank line, without its surrounding blanks."""
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            start = offset + len(line) - len(line.lstrip())
            return start, offset + len(line.rstrip())
        offset += len(line) + 1
    raise AssertionError("unreachable: the text is not blank")


def _allowed(tables: PackageTables, name: str) -> list[str] | None:
    spec = tables.field("sources", name)
    enum = (spec or {}).get("constraints", {}).get("enum")
    return [str(v) for v in enum] if enum else None


def _seed_resource(descriptor: dict[str, Any], name: str, path: str, size: int, sha: str) -> None:
    """List the seed in the descriptor after the last seed, shaped like the others."""
    resources: list[dict[str, Any]] = descriptor["resources"]
    seeds = [i for i, r in enumerate(resources) if str(r.get("path", "")).startswith("seeds/")]
    like = resources[seeds[-1]] if seeds else {}
    entry = {
        **{k: v for k, v in like.items() if k not in ("name", "path", "bytes", "hash")},
        "name": name,
        "type": like.get("type", "text"),
        "path": path,
    }
    entry.setdefault("encoding", "utf-8")
    entry.setdefault("description", "Source article, byte-for-byte as received.")
    entry["bytes"], entry["hash"] = size, f"sha256:{sha}"
    ordered = {k: entry[k] for k in (*like, *entry) if k in entry}
    resources.insert(seeds[-1] + 1 if seeds else len(resources), ordered)


def add_source(
    file: Path | str,
    published: dt.date,
    *,
    root: Path | str | None = None,
    outlet: str | None = None,
    url: str | None = None,
    language: str = "en",
    reference_schemas: bool = True,
) -> AddedSource:
    """Store `file` as the package's next seed and register it as a source.

    Raises ContributeError, changing nothing, for a missing, empty or non-UTF-8 file, an
    article already in the package (same SHA-256), a language the schema does not allow,
    or a package that would not be valid afterwards. `reference_schemas=False` checks a
    derived package against its own schemas (one whose `sources` schema allows another
    language, say).
    """
    file = Path(file)
    data, sha, text = _read(file)
    tables = PackageTables(package_root(root))
    sources = tables.rows("sources")
    twin = next((r for r in sources if r.get("sha256") == sha), None)
    if twin is not None:
        raise ContributeError(
            f"{file} is already in the package as {twin['source_id']} ({twin['path']}): "
            f"same SHA-256 {sha}"
        )
    allowed = _allowed(tables, "language")
    if allowed is not None and language not in allowed:
        raise ContributeError(
            f"language {language!r} is not one that schemas/sources.json allows "
            f"({', '.join(allowed)}); add it to the schema's enum first and pass "
            "--allow-schema-changes"
        )
    ids = [r.get("source_id", "") for r in sources]
    number = next_number(ids, "S")
    source_id = f"S{number:0{id_width(ids, 'S', 3)}d}"
    path = seed_path(number, sha)
    if (tables.root / path).exists():
        raise ContributeError(f"{path} already exists in {tables.root} but no source names it")

    evidence: list[tuple[int, int]] = []
    title = _first_line(text)
    evidence.append(title)
    values: Row = {
        "source_id": source_id,
        "path": path,
        "title": text[title[0] : title[1]],
        "sha256": sha,
        "language": language,
    }
    stated = next((d for d in full_dates(text) if d.date == published), None)
    if stated is not None:
        values["published"] = published.isoformat()
        values["published_note"] = f"Stated: '{stated.words(text)}'."
        evidence.append((stated.start, stated.end))
    else:
        values["inferred_published"] = published.isoformat()
        values["published_note"] = (
            "Not stated in the text; the date was given by the contributor "
            "(ukraine-talks add-source --published)."
        )
    notes = []
    if outlet and outlet in text:
        at = text.index(outlet)
        values["outlet"], values["outlet_basis"] = outlet, "stated"
        notes.append(f"Named in the text: '{outlet}'.")
        evidence.append((at, at + len(outlet)))
    elif outlet:
        values["outlet"], values["outlet_basis"] = outlet, "identified"
        notes.append(
            f"Not named in the text; identified by the contributor who added the source "
            f"(ukraine-talks add-source --outlet '{outlet}')."
        )
    else:
        values["outlet_basis"] = "unidentified"
        notes.append("Not stated in the text.")
    url_field = next((f for f in URL_FIELDS if tables.field("sources", f)), None)
    if url and url_field:
        values[url_field] = url
    elif url:
        notes.append(f"Retrieved from {url}.")
    if tables.field("sources", "outlet_note"):
        values["outlet_note"] = " ".join(notes)
    row = {name: values.get(name, "") for name in tables.fields("sources")}

    evidence_rows = tables.rows("evidence")
    evidence_ids = [r.get("evidence_id", "") for r in evidence_rows]
    first, width = next_number(evidence_ids, "EV"), id_width(evidence_ids, "EV", 4)
    new_evidence = [
        {
            "evidence_id": f"EV{first + i:0{width}d}",
            "row_table": "sources",
            "row_id": source_id,
            "source_id": source_id,
            "start_char": str(start),
            "end_char": str(end),
            "text": text[start:end],
        }
        for i, (start, end) in enumerate(evidence)
    ]

    with staged(tables) as stage:
        (stage / path).parent.mkdir(parents=True, exist_ok=True)
        (stage / path).write_bytes(data)
        for table, rows in (("sources", [*sources, row]), ("evidence", evidence_rows)):
            extra = new_evidence if table == "evidence" else []
            csv_text, _ = tables.canonical_csv(table, [*rows, *extra])
            (stage / tables.path(table).relative_to(tables.root)).write_text(
                csv_text, encoding="utf-8", newline=""
            )
        descriptor = json.loads((stage / DESCRIPTOR).read_text(encoding="utf-8"))
        _seed_resource(descriptor, f"seed-{number:03d}", path, len(data), sha)
        (stage / DESCRIPTOR).write_text(dump_descriptor(descriptor), encoding="utf-8")
        written = commit(stage, tables.root, reference_schemas=reference_schemas)
    return AddedSource(source_id, path, sha, row, written, tables.root)
