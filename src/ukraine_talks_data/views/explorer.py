"""The browsable explorer: a SQLite database, Datasette metadata from the schemas, and the server.

`build_explorer()` writes into a folder: `talks.db` (`export.sqlite.export_sqlite()` plus the source
articles' text in `source_texts` and full-text indexes), `talks-metadata.json` (table and
column descriptions, label columns so that ids show as names, facets, canned queries) and
`talks-templates/`, a copy of `explorer_templates/` (a link from every row to its evidence;
a span highlighted in its article). `start_explorer()` runs Datasette on it; `serve()` runs
it until interrupted. No Datasette plugin is needed.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._atomic import atomic_path, write_text_atomic
from ..errors import ExplorerError as ExplorerError
from ..package import relations
from ..package.bundle import bundle_dir
from ..package.schemas import bundled_raw, primary_key, table_names, table_schema

if TYPE_CHECKING:
    import sqlite_utils

DATABASE = "talks"
HOST = "127.0.0.1"
TEMPLATES = Path(__file__).parent / "explorer_templates"
# Table holding each source article's full text (added to the explorer's copy only).
SOURCE_TEXTS = "source_texts"
# Canned queries (titles appear on the database page and in README).
SPAN_QUERY = "source_span"
SAID_QUERY = "said_between"


@dataclass(frozen=True)
class Explorer:
    """The files Datasette serves, and where."""

    database: Path
    metadata: Path
    templates: Path
    url: str


def _fts_columns(table: str) -> list[str]:
    """Columns to index for full-text search: the span text and the row's label."""
    names = relations.field_names(table)
    label = relations.label_field(table)
    return [c for c in ("text", label) if c and c in names]


def _add_source_texts_and_search(db: sqlite_utils.Database) -> None:
    """Add `source_texts` (each article's text) and an FTS5 index per table with text.

    sqlite-utils writes both: the table with its key, NOT NULL and foreign key, and each
    index as `<table>_fts` with `content="<table>"`, the form Datasette finds by itself.
    """
    from ..package.sources import read_source

    db.table(SOURCE_TEXTS).create(
        {"source_id": "TEXT", "text": "TEXT"},
        pk="source_id",
        not_null={"source_id", "text"},
        foreign_keys=[("source_id", "sources", "source_id")],
    )
    sources = db.execute("SELECT source_id, path FROM sources ORDER BY source_id").fetchall()
    texts = ((source_id, read_source(bundle_dir() / path).text) for source_id, path in sources)
    db.table(SOURCE_TEXTS).insert_all(
        {"source_id": source_id, "text": text} for source_id, text in texts if text is not None
    )
    for table in table_names():
        columns = _fts_columns(table)
        if columns:
            db.table(table).enable_fts(columns, fts_version="FTS5")


def build_database(out: Path) -> Path:
    """The exported tables plus source texts and search indexes, at `out` (atomically)."""
    import sqlite_utils

    from ..export.sqlite import export_sqlite

    with atomic_path(out) as tmp:
        export_sqlite(tmp)
        db = sqlite_utils.Database(tmp)
        try:
            _add_source_texts_and_search(db)
        finally:
            db.close()
    return out


def _span_link_sql(alias: str) -> str:
    """SQL for a link to the span query, relative to the server's root, so that the query's
    CSV and JSON never name the host they were served from; the query page's template
    (query-talks.html) makes such cells links, which Datasette does only for absolute URLs."""
    return (
        f"'/{DATABASE}/{SPAN_QUERY}?source_id=' || {alias}.source_id || "
        f"'&start=' || {alias}.start_char || '&end=' || {alias}.end_char || '#span'"
    )


def _queries() -> dict[str, Any]:
    span_sql = f"""select
  s.source_id, s.title, cast(:start as integer) as start_char, cast(:end as integer) as end_char,
  substr(t.text, 1, cast(:start as integer)) as before,
  substr(t.text, cast(:start as integer) + 1,
         cast(:end as integer) - cast(:start as integer)) as span,
  substr(t.text, cast(:end as integer) + 1) as after
from {SOURCE_TEXTS} t join sources s on s.source_id = t.source_id
where t.source_id = :source_id"""
    # The speaker matches as in `ukraine-talks show --speaker`: an id, name or alias equal to
    # it in any case; if no actor has one, any whose id, name or alias contains it.
    said_sql = f"""with
exact as (
  select actor_id from actors
  where :speaker != '' and (lower(actor_id) = lower(:speaker) or lower(name) = lower(:speaker)
    or exists (select 1 from json_each(actors.aliases) where lower(value) = lower(:speaker)))
),
wanted as (
  select actor_id from exact
  union
  select actor_id from actors
  where not exists (select 1 from exact) and (:speaker = ''
    or lower(actor_id) like '%' || lower(:speaker) || '%'
    or lower(name) like '%' || lower(:speaker) || '%'
    or exists (select 1 from json_each(actors.aliases)
               where lower(value) like '%' || lower(:speaker) || '%'))
)
select st.date, a.name as speaker, st.text, st.quote_type, st.event_id,
  src.title as source_title, st.source_id, st.start_char, st.end_char, st.statement_id,
  {_span_link_sql("st")} as in_the_source
from statements st
  join actors a on a.actor_id = st.speaker_id
  join sources src on src.source_id = st.source_id
where st.speaker_id in (select actor_id from wanted)
  and (:from = '' or st.date >= :from) and (:to = '' or st.date <= :to)
order by st.date, st.statement_id"""
    return {
        SAID_QUERY: {
            "title": "Statements said by someone between two dates",
            "description": (
                "What someone said, when, and where it is written. speaker: a name, alias or "
                "id (e.g. Lavrov), empty for everyone; from and to: dates as YYYY-MM-DD, "
                "empty for no limit. in_the_source links to the words highlighted in their "
                "article."
            ),
            "sql": said_sql,
            "params": ["speaker", "from", "to"],
            "hide_sql": True,
        },
        SPAN_QUERY: {
            "title": "A span highlighted in its source article",
            "description": (
                "The characters start to end (Python str offsets) of a source article, "
                "shown in the whole article. Every row with a span links here."
            ),
            "sql": span_sql,
            "params": ["source_id", "start", "end"],
            "hide_sql": True,
        },
    }


def _table_metadata(table: str) -> dict[str, Any]:
    schema = table_schema(table)
    meta: dict[str, Any] = {
        "description": schema.get("description", ""),
        "columns": {f["name"]: f.get("description", "") for f in schema["fields"]},
    }
    label = relations.label_field(table)
    if label:
        meta["label_column"] = label
    facets: list[str] = []
    actor = relations.actor_column(table)
    if actor and actor not in primary_key(schema):
        facets.append(actor)
    facets += [c for c in relations.event_columns(table) if c not in primary_key(schema)]
    if "event_type" in relations.field_names(table):
        facets.append("event_type")
    dates = relations.date_fields(table)
    facets += dates[:1]
    if facets:
        meta["facets"] = facets
    if dates:
        meta["sort"] = dates[0]
    if table in relations.evidenced_tables():
        # Read by explorer_templates/_table.html: link each row to its rows of evidence.
        meta["evidence_table"] = "evidence"
    return meta


def metadata() -> dict[str, Any]:
    """Datasette metadata for the explorer; its links are relative to the server's root."""
    package = bundled_raw()
    licence = (package.get("licenses") or [{}])[0]
    tables = {t: _table_metadata(t) for t in table_names()}
    tables[SOURCE_TEXTS] = {
        "description": "The full text of each source article, exactly as in its seed file.",
        "columns": {
            "source_id": table_schema("sources")["fields"][0].get("description", ""),
            "text": "The article's text, UTF-8-decoded with no normalisation: the offsets "
            "of every span index into it.",
        },
    }
    return {
        "title": package.get("title", DATABASE),
        "description_html": (
            "<p>Every row is traceable to exact characters of a source article. Start with "
            f'<a href="/{DATABASE}/statements">statements</a> (facet by speaker, '
            f'filter by date) or <a href="/{DATABASE}/{SAID_QUERY}">statements said '
            "by someone between two dates</a>; the <em>in the source</em> link on each row "
            "shows its words highlighted in the article.</p>"
        ),
        "license": licence.get("name", ""),
        "license_url": licence.get("path", ""),
        "databases": {
            DATABASE: {
                "description": package.get("description", ""),
                "tables": tables,
                "queries": _queries(),
            }
        },
    }


def build_explorer(folder: Path, base_url: str) -> Explorer:
    """Write the database, metadata and templates that Datasette serves into `folder`.

    Writes talks.db, talks-metadata.json and talks-templates/ there, replacing only those.
    """
    folder.mkdir(parents=True, exist_ok=True)
    database = build_database(folder / f"{DATABASE}.db")
    meta = folder / f"{DATABASE}-metadata.json"
    write_text_atomic(meta, json.dumps(metadata(), indent=2, ensure_ascii=False))
    templates = folder / f"{DATABASE}-templates"
    shutil.copytree(
        TEMPLATES, templates, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True
    )
    return Explorer(database, meta, templates, f"{base_url}/{DATABASE}")


def datasette_command(explorer: Explorer, port: int, host: str = HOST) -> list[str]:
    """The command line that serves `explorer` with Datasette on host:port."""
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        "--immutable",
        str(explorer.database),
        "--metadata",
        str(explorer.metadata),
        "--template-dir",
        str(explorer.templates),
        "--host",
        host,
        "--port",
        str(port),
    ]


def port_is_free(port: int, host: str = HOST) -> bool:
    """Whether nothing listens on host:port (closed connections lingering in TIME_WAIT aside)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def start_explorer(
    folder: Path, port: int, host: str = HOST, timeout: float = 60.0
) -> tuple[Explorer, subprocess.Popen[bytes]]:
    """Build the explorer in `folder` and start Datasette; return once it answers.

    The caller stops the process. Raises ExplorerError if the port is taken or Datasette
    exits or does not answer within `timeout` seconds.
    """
    from .._optional import require

    require("datasette", "explorer", "ukraine-talks serve")
    if not port_is_free(port, host):
        raise ExplorerError(f"port {port} on {host} is in use; choose another with --port")
    explorer = build_explorer(folder, f"http://{host}:{port}")
    log = (folder / f"{DATABASE}-datasette.log").open("wb")
    process = subprocess.Popen(
        datasette_command(explorer, port, host), stdout=log, stderr=subprocess.STDOUT
    )
    log.close()
    try:
        _wait_until_ready(process, f"http://{host}:{port}/-/versions.json", timeout)
    except BaseException as exc:
        stop(process)
        if isinstance(exc, ExplorerError):
            tail = (folder / f"{DATABASE}-datasette.log").read_text("utf-8", "replace")[-2000:]
            raise ExplorerError(f"{exc}; its log ends:\n{tail}") from None
        raise
    return explorer, process


def _wait_until_ready(process: subprocess.Popen[bytes], url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise ExplorerError(f"Datasette exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                raise ExplorerError(f"Datasette did not answer within {timeout:g} s") from None
            time.sleep(0.2)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a started explorer: terminate, then kill if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def serve(port: int, folder: Path | None = None, announce: Callable[[str], None] = print) -> int:
    """Build and serve the explorer until interrupted (Ctrl-C); return Datasette's status.

    Files go to `folder`, or to a temporary folder removed afterwards.
    """
    import signal

    def terminated(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # so that Datasette is stopped below, not orphaned

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        with tempfile.TemporaryDirectory(prefix="ukraine-talks-explorer-") as scratch:
            explorer, process = start_explorer(Path(folder or scratch), port)
            announce(f"Explorer at {explorer.url} (Ctrl-C stops it)")
            try:
                return process.wait()
            except KeyboardInterrupt:
                return 0
            finally:
                stop(process)
    finally:
        signal.signal(signal.SIGTERM, previous)
