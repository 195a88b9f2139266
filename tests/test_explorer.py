"""`ukraine-talks serve`: the database, Datasette metadata from the schemas, the running explorer
(pages and JSON API), and a headless Chromium filtering statements by a speaker."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from html import escape
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import ukraine_talks_data as u
from test_show import TINY
from ukraine_talks_data.cli import app
from ukraine_talks_data.package import relations
from ukraine_talks_data.package.bundle import bundle_dir
from ukraine_talks_data.package.schemas import table_schema
from ukraine_talks_data.package.sources import read_source
from ukraine_talks_data.views.explorer import (
    DATABASE,
    SAID_QUERY,
    SOURCE_TEXTS,
    SPAN_QUERY,
    Explorer,
    build_database,
    metadata,
    port_is_free,
    start_explorer,
    stop,
)
from ukraine_talks_data.views.query import Filters, select


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_metadata_comes_from_the_schemas() -> None:
    tables = metadata()["databases"][DATABASE]["tables"]
    for name in u.tables():
        schema = table_schema(name)
        meta = tables[name]
        assert meta["description"] == schema["description"]
        assert meta["columns"] == {f["name"]: f["description"] for f in schema["fields"]}
        assert set(meta.get("facets", [])) <= set(meta["columns"]), name
        assert meta.get("label_column") == relations.label_field(name)
        if relations.date_fields(name):
            assert meta["sort"] == relations.date_fields(name)[0]
    assert tables["actors"]["label_column"] == "name"  # speaker ids show as names
    assert {"speaker_id", "event_id", "date"} <= set(tables["statements"]["facets"])
    assert {"event_type", "date"} <= set(tables["events"]["facets"])
    assert set(tables) == {*u.tables(), SOURCE_TEXTS}


def test_readme_names_the_explorer_query() -> None:
    readme = (bundle_dir() / "README.md").read_text(encoding="utf-8")
    title = metadata()["databases"][DATABASE]["queries"][SAID_QUERY]["title"]
    assert f"**{title.lower()}**" in readme


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_database(tmp_path_factory.mktemp("db") / "talks.db")


def test_database_has_every_source_text(database: Path) -> None:
    with sqlite3.connect(database) as db:
        texts = dict(db.execute(f"SELECT source_id, text FROM {SOURCE_TEXTS}").fetchall())
    sources = u.load("sources").to_pylist()
    assert texts == {s["source_id"]: read_source(bundle_dir() / s["path"]).text for s in sources}


def test_full_text_indexes_find_rows_and_datasette_sees_them(database: Path) -> None:
    from datasette.utils import detect_fts

    with sqlite3.connect(database) as db:
        (fk,) = db.execute(f'PRAGMA foreign_key_list("{SOURCE_TEXTS}")').fetchall()
        assert (fk[2], fk[3], fk[4]) == ("sources", "source_id", "source_id")
        for name in u.tables():
            columns = [c for c in ("text", relations.label_field(name)) if c]
            columns = [c for c in columns if c in relations.field_names(name)]
            assert detect_fts(db, name) == (f"{name}_fts" if columns else None), name
            if not columns:
                continue
            rowid, value = db.execute(
                f'SELECT rowid, "{columns[0]}" FROM "{name}" ORDER BY rowid LIMIT 1'
            ).fetchone()
            word = max(value.split(), key=len).strip(".,;:!?()\"“”‘’'«»[]")
            hits = db.execute(
                f'SELECT rowid FROM "{name}_fts" WHERE "{name}_fts" MATCH ?', [f'"{word}"']
            ).fetchall()
            assert (rowid,) in hits, (name, word)


def test_span_query_gives_every_span_exactly(database: Path) -> None:
    """SQLite's substr() counts characters as Python does: every span comes back verbatim."""
    sql = metadata()["databases"][DATABASE]["queries"][SPAN_QUERY]["sql"]
    checked = 0
    with sqlite3.connect(database) as db:
        db.row_factory = sqlite3.Row
        for table in relations.span_tables():
            for row in u.load(table).to_pylist():
                params = {
                    "source_id": row["source_id"],
                    "start": str(row["start_char"]),
                    "end": str(row["end_char"]),
                }
                (hit,) = db.execute(sql, params).fetchall()
                assert hit["span"] == row["text"]
                assert len(hit["before"]) == row["start_char"]
                checked += 1
    assert checked == sum(u.load(t).num_rows for t in relations.span_tables())


def _tiny_database() -> sqlite3.Connection:
    """The tiny dataset of test_show as the three tables the statements query reads."""
    db = sqlite3.connect(":memory:")
    db.row_factory = sqlite3.Row
    for table in ("sources", "actors", "statements"):
        columns = relations.field_names(table)
        db.execute(f"CREATE TABLE {table} ({', '.join(columns)})")
        for row in TINY[table]:
            values = [row.get(c) for c in columns]
            values = [json.dumps(v) if isinstance(v, list) else v for v in values]
            db.execute(f"INSERT INTO {table} VALUES ({', '.join('?' for _ in columns)})", values)
    return db


@pytest.mark.parametrize(
    ("speaker", "date_from", "date_to"),
    [
        ("Lavrov", "2022-01-14", "2022-01-27"),
        ("LAVROV", "", ""),
        ("serge", "", "2022-01-13"),
        ("antony_blinken", "2022-01-21", ""),
        ("", "2022-01-27", "2022-01-27"),
        ("Kozak", "", ""),
    ],
)
def test_statements_query_agrees_with_show(speaker: str, date_from: str, date_to: str) -> None:
    import datetime as dt

    def tiny(table: str) -> Sequence[dict[str, Any]]:
        return TINY.get(table, [])

    sql = metadata()["databases"][DATABASE]["queries"][SAID_QUERY]["sql"]
    got = _tiny_database().execute(sql, {"speaker": speaker, "from": date_from, "to": date_to})
    filters = Filters(
        speaker=speaker or None,
        date_from=dt.date.fromisoformat(date_from) if date_from else None,
        date_to=dt.date.fromisoformat(date_to) if date_to else None,
    )
    try:
        expected = [r.values["statement_id"] for r in select("statements", filters, rows=tiny).rows]
    except Exception:
        expected = []  # `show` refuses an unknown speaker; the query finds nothing
    assert [r["statement_id"] for r in got] == expected


def test_serve_without_datasette_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "datasette", None)  # import datasette now fails
    result = CliRunner().invoke(app, ["serve", "--port", str(free_port())])
    assert result.exit_code == 2
    assert result.stderr == (
        "error: ukraine-talks serve needs datasette, which is not installed; install the "
        "'explorer' extra: pip install 'ukraine-talks-data[explorer]'\n"
    )


# --- The running explorer -------------------------------------------------------------------


@pytest.fixture(scope="module")
def explorer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Explorer]:
    pytest.importorskip("datasette")
    port = free_port()
    started, process = start_explorer(tmp_path_factory.mktemp("explorer"), port, timeout=60)
    try:
        yield started
    finally:
        stop(process)
    assert port_is_free(port)


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        text: str = response.read().decode("utf-8")
        return text


def get_json(url: str) -> Any:
    return json.loads(get(url))


def test_serve_refuses_a_port_in_use() -> None:
    pytest.importorskip("datasette")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = CliRunner().invoke(app, ["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: port {port} on 127.0.0.1 is in use; choose another with --port\n"
    )


def test_json_api_has_every_row_with_labels_and_facets(explorer: Explorer) -> None:
    for table in u.tables():
        count = get_json(f"{explorer.url}/{table}.json?_size=0")["filtered_table_rows_count"]
        assert count == u.load(table).num_rows, table
    names = {a["actor_id"]: a["name"] for a in u.load("actors").to_pylist()}
    rows = get_json(f"{explorer.url}/statements.json?_shape=array&_labels=on&_size=max")
    assert {(r["statement_id"], r["speaker_id"]["label"]) for r in rows} == {
        (s["statement_id"], names[s["speaker_id"]]) for s in u.load("statements").to_pylist()
    }
    facets = get_json(f"{explorer.url}/statements.json?_facet_size=max")["facet_results"]
    assert {"speaker_id", "event_id", "date"} <= set(facets)
    speakers = {v["value"]: v["count"] for v in facets["speaker_id"]["results"]}
    statements = u.load("statements").to_pylist()
    assert speakers == {
        s: sum(1 for x in statements if x["speaker_id"] == s)
        for s in {x["speaker_id"] for x in statements}
    }


def test_statements_page_links_each_row_to_its_span(explorer: Explorer) -> None:
    page = get(f"{explorer.url}/statements?_size=max")
    assert "Who actually said or wrote it" in page  # column descriptions
    for s in u.load("statements").to_pylist():
        href = (
            f"/{DATABASE}/{SPAN_QUERY}?source_id={s['source_id']}&amp;start={s['start_char']}"
            f"&amp;end={s['end_char']}#span"
        )
        assert href in page
    evidence_page = get(f"{explorer.url}/events")
    for e in u.load("events").to_pylist():
        assert f"/{DATABASE}/evidence?row_table=events&amp;row_id={e['event_id']}" in evidence_page


def test_span_page_highlights_the_span_in_its_article(explorer: Explorer) -> None:
    s = u.load("statements").to_pylist()[0]
    query = f"source_id={s['source_id']}&start={s['start_char']}&end={s['end_char']}"
    page = get(f"{explorer.url}/{SPAN_QUERY}?{query}")
    assert f'<mark id="span">{escape(s["text"], quote=False)}</mark>' in page.replace(
        "&#39;", "'"
    ).replace("&#34;", '"')
    (hit,) = get_json(f"{explorer.url}/{SPAN_QUERY}.json?{query}&_shape=array")
    assert hit["span"] == s["text"]


def test_statements_query_over_http(explorer: Explorer) -> None:
    statements = u.load("statements").to_pylist()
    speaker = statements[0]["speaker_id"]
    rows = get_json(f"{explorer.url}/{SAID_QUERY}.json?speaker={speaker}&from=&to=&_shape=array")
    expected = select("statements", Filters(speaker=speaker)).rows
    assert [r["statement_id"] for r in rows] == [r.values["statement_id"] for r in expected]
    for row in rows:
        # A path on the server: the query's output names no host.
        assert row["in_the_source"].startswith(f"/{DATABASE}/{SPAN_QUERY}?source_id=")
        assert (
            get_json(
                explorer.url.removesuffix(f"/{DATABASE}")
                + row["in_the_source"]
                .replace(f"/{SPAN_QUERY}?", f"/{SPAN_QUERY}.json?_shape=array&")
                .split("#")[0]
            )[0]["span"]
            == row["text"]
        )


def test_serve_command_runs_until_terminated(tmp_path: Path) -> None:
    """The real command: it answers, and SIGTERM stops it and its Datasette."""
    pytest.importorskip("datasette")
    port = free_port()
    code = (
        "import sys; from ukraine_talks_data.cli import app; sys.argv[0] = 'ukraine-talks'; app()"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code, "serve", "--port", str(port), "--folder", str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # printed once Datasette answers
        assert line == f"Explorer at http://127.0.0.1:{port}/{DATABASE} (Ctrl-C stops it)\n"
        assert get_json(f"http://127.0.0.1:{port}/{DATABASE}.json")["database"] == DATABASE
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        deadline = time.monotonic() + 10
        while not port_is_free(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert port_is_free(port)  # Datasette went too
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


# --- In a real browser ------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip(
            "Debian's chromium and chromium-driver are not installed (.ci/run installs them)"
        )
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,1600",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(arg)
    os.environ.setdefault("SE_AVOID_STATS", "true")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def test_browser_filters_statements_by_a_speaker(
    explorer: Explorer, browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    statements = u.load("statements").to_pylist()
    actors = {a["actor_id"]: a["name"] for a in u.load("actors").to_pylist()}
    speaker = statements[0]["speaker_id"]
    theirs = sorted(s["statement_id"] for s in statements if s["speaker_id"] == speaker)

    browser.get(f"{explorer.url}/statements")
    assert "statements" in browser.title
    facet = browser.find_element(By.CSS_SELECTOR, 'div.facet-info[data-column="speaker_id"]')
    facet.find_element(By.LINK_TEXT, actors[speaker]).click()
    assert f"speaker_id={speaker}" in browser.current_url
    cells = browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns td.col-speaker_id")
    assert cells and all(actors[speaker] in c.text for c in cells)
    shown = browser.find_elements(By.CSS_SELECTOR, "table.rows-and-columns td.col-statement_id")
    assert sorted(c.text for c in shown) == theirs
    shot = tmp_path / "statements.png"
    assert browser.save_screenshot(str(shot))
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000

    # The first row's link shows its words highlighted in the article.
    row = next(s for s in statements if s["statement_id"] == shown[0].text)
    browser.find_element(By.CSS_SELECTOR, "a.span-link").click()
    mark = browser.find_element(By.CSS_SELECTOR, "mark#span")
    assert mark.text == row["text"].strip()

    # The canned query's in_the_source paths are links on its page too.
    first = min(theirs)
    browser.get(f"{explorer.url}/{SAID_QUERY}?speaker={speaker}&from=&to=")
    browser.find_element(By.CSS_SELECTOR, "td.col-in_the_source a.span-link").click()
    mark = browser.find_element(By.CSS_SELECTOR, "mark#span")
    said = {s["statement_id"]: s for s in statements}
    assert mark.text == said[first]["text"].strip() or mark.text in {
        said[s]["text"].strip() for s in theirs
    }
