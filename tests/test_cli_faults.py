"""No command prints a traceback: every command under hostile arguments and environments,
and every writing command failed or killed at each of its writes and renames.

`CASES` is the matrix: a command line, the environment it runs in (empty and odd paths,
read-only and full targets, missing and damaged inputs, an interrupted or buggy run), the
exit status README's table documents and the last line of stderr. `WRITERS` are the
commands that write; each is run with a fault injected at its first, second, … write or
rename until one run meets none, and must leave the previous output whole (or, killed,
the previous or the new one: for a package, once the next command has read it) and
nothing else behind once run again.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from conftest import copy_package, read_rows, write_rows
from ukraine_talks_data import _atomic
from ukraine_talks_data.cli import app
from ukraine_talks_data.contribute import review
from ukraine_talks_data.contribute.tables import PackageTables
from ukraine_talks_data.loading import accessor, texts
from ukraine_talks_data.loading.remote import CACHE_ENV
from ukraine_talks_data.package import bundle
from ukraine_talks_data.publish.build import build
from ukraine_talks_data.views.query import bundled_rows

ENOSPC = os.strerror(errno.ENOSPC)
EACCES = os.strerror(errno.EACCES)
LEFTOVER = re.compile(r"^\..+\.[0-9]+-\w+\.(tmp|old)$")


def run(args: list[str]) -> Result:
    result = CliRunner().invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{args}: {result.exception!r}\n{result.output}"
    )
    assert "Traceback" not in result.output
    return result


def leftovers(folder: Path) -> list[str]:
    """Staging places and change journals under `folder`."""
    return sorted(
        str(p)
        for p in folder.rglob(".*")
        if LEFTOVER.match(p.name) or p.name == bundle.CHANGE_JOURNAL
    )


# Environments -------------------------------------------------------------------------------


@dataclass
class Env:
    """A scratch folder (the working directory) and ways to make the world hostile."""

    tmp: Path
    patch: pytest.MonkeyPatch

    def file(self, rel: str, data: bytes = b"mine") -> Path:
        path = self.tmp / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def fifo(self) -> None:
        """A FIFO named `fifo`: opening it to write would block, replacing it would destroy it."""
        os.mkfifo(self.tmp / "fifo")

    def link_to_fifo(self) -> None:
        self.fifo()
        (self.tmp / "link").symlink_to("fifo")

    def read_only(self) -> None:
        """Every folder in the scratch folder refuses new entries, as a read-only folder
        does (the system's temporary folder, where `add-source` and `accept` build a copy
        of the package, stays writable)."""
        real, tmp = tempfile.mkdtemp, self.tmp.resolve()

        def refuse(suffix: Any = None, prefix: Any = None, dir: Any = None) -> str:
            where = Path(dir if dir is not None else tempfile.gettempdir()).resolve()
            if where != tmp and tmp not in where.parents:
                return str(real(suffix, prefix, dir))
            raise PermissionError(errno.EACCES, EACCES, str(dir))

        self.patch.setattr(tempfile, "mkdtemp", refuse)

    def full_disk(self) -> None:
        """Every file write (by Python, SQLite or DuckDB) fails with ENOSPC."""

        def full(self: Path, *args: Any, **kwargs: Any) -> Any:
            raise OSError(errno.ENOSPC, ENOSPC, str(self))

        for method in ("write_bytes", "write_text"):
            self.patch.setattr(Path, method, full)
        self.patch.setattr(shutil, "copyfile", lambda src, dst, **k: full(Path(dst)))
        import sqlite_utils

        def sqlite_full(*args: Any, **kwargs: Any) -> Any:
            raise sqlite3.OperationalError("database or disk is full")

        self.patch.setattr(sqlite_utils.db.Table, "insert_all", sqlite_full)
        import duckdb

        real_connect = duckdb.connect

        class FullDuck:
            def __init__(self, con: Any) -> None:
                self.con = con

            def execute(self, sql: str, *args: Any) -> Any:
                if sql.startswith("INSERT"):
                    raise duckdb.IOException(f"Could not write file: {ENOSPC}")
                return self.con.execute(sql, *args)

            def __getattr__(self, name: str) -> Any:
                return getattr(self.con, name)

        self.patch.setattr(duckdb, "connect", lambda *a, **k: FullDuck(real_connect(*a, **k)))

    def interrupted(self) -> None:
        """Ctrl-C while the command works (before it writes anything)."""

        def stop(*args: Any, **kwargs: Any) -> Any:
            raise KeyboardInterrupt

        self.patch.setattr(tempfile, "mkdtemp", stop)
        self.patch.setattr("ukraine_talks_data.validate.validate_package", stop)

    def bug(self) -> None:
        """A bug deep inside: not one of the package's errors."""

        def boom(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("boom")

        self.patch.setattr("ukraine_talks_data.export.jsonl.table_jsonl", boom)
        self.patch.setattr("ukraine_talks_data.views.info.package_info", boom)

    def damaged_bundle(self) -> Path:
        """The bundled tables damaged (bytes that are not UTF-8 in every CSV)."""
        root = copy_package(self.tmp / "bundle").parent
        for path in (root / "data").glob("*.csv"):
            data = path.read_bytes()
            cut = data.index(b"\n") + 3
            path.write_bytes(data[:cut] + b"\xff" + data[cut:])
        self.patch.setattr(accessor, "bundle_dir", lambda: root)
        bundled_rows.cache_clear()  # the views keep the tables they read once,
        texts.source_text.cache_clear()  # and `locate` the sources' texts and paths
        texts._source_paths.cache_clear()
        return root

    def relabelled(self) -> Path:
        """A built copy of the package in `pkg/` whose categories' header then names a
        column twice (the Parquet reader would not find the other)."""
        root = self.built()
        path = root / "data" / "categories.csv"
        header, rest = path.read_text(encoding="utf-8").split("\n", 1)
        first, _, *others = header.split(",")
        path.write_text(",".join([first, first, *others]) + "\n" + rest, encoding="utf-8")
        return root

    def built(self) -> Path:
        """A built copy of the package (Parquet and dictionary written) in `pkg/`."""
        root = copy_package(self.tmp / "pkg").parent
        build(root)
        return root

    def built_then(self, hostile: Callable[[Env], object]) -> None:
        self.built()
        hostile(self)

    def damaged_descriptor(self) -> Path:
        """The bundled datapackage.json cut short (not JSON)."""
        root = copy_package(self.tmp / "bundle").parent
        descriptor = root / "datapackage.json"
        descriptor.write_bytes(descriptor.read_bytes()[:100])
        self.patch.setattr(bundle, "bundle_dir", lambda: root)
        return root

    def package(self) -> Path:
        """A copy of the package in `pkg/`, for the commands that change one."""
        return copy_package(self.tmp / "pkg").parent

    def reviewed(self) -> Path:
        """A built copy of the package in `pkg/` lacking its first coverage exclusion, and
        `review.csv`, a review file that keeps it (so `accept` has rows to write)."""
        root = copy_package(self.tmp / "pkg").parent
        path = root / "data" / "coverage_exclusions.csv"
        first, *rest = read_rows(path)
        write_rows(path, rest)
        build(root)
        return self.review_of(root, first)

    def review_of(self, root: Path, row: dict[str, str], decision: str = "keep") -> Path:
        """`review.csv`, one proposal adding `row` to coverage_exclusions."""
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, review.columns(PackageTables(root)), lineterminator="\n")
        writer.writeheader()
        cells = {"proposal": "P001", "table": "coverage_exclusions", "decision": decision}
        writer.writerow({**cells, "why": "a test", **row})
        return self.file("review.csv", buffer.getvalue().encode())

    def existing_exclusion(self) -> Path:
        """A copy of the package in `pkg/` and `review.csv` adding a row it already has."""
        root = self.package()
        return self.review_of(root, read_rows(root / "data" / "coverage_exclusions.csv")[0])

    def unreadable_cache(self) -> Path:
        folder = self.tmp / "cache"
        folder.mkdir()
        self.patch.setenv(CACHE_ENV, str(folder))
        real = Path.iterdir

        def iterdir(path: Path) -> Iterator[Path]:
            if path == folder:
                raise PermissionError(errno.EACCES, EACCES, str(path))
            return real(path)

        self.patch.setattr(Path, "iterdir", iterdir)
        return folder


@dataclass(frozen=True)
class Case:
    """A command line ({tmp} is the scratch folder), the exit status, the last line of
    stderr ({tmp} again; a trailing … makes it a prefix) and the environment to set up."""

    args: tuple[str, ...]
    code: int
    stderr: str
    env: Callable[[Env], object] = field(default=lambda env: None)


def nothing(env: Env) -> None:
    return None


ARTICLE = b"Envoys Meet Again\n\nMonday, 10 January 2022\n\nThe envoys met and said little.\n"
"""A made-up article for `add-source`."""


def article(*then: Callable[[Env], object]) -> Callable[[Env], object]:
    """A copy of the package in `pkg/` and an article `art.txt`; then `then` (hostile)."""

    def setup(env: Env) -> None:
        env.package()
        env.file("art.txt", ARTICLE)
        for hostile in then:
            hostile(env)

    return setup


def reviewed_then(hostile: Callable[[Env], object]) -> Callable[[Env], object]:
    return lambda env: (env.reviewed(), hostile(env))


def damaged_with_review(env: Env) -> None:
    root = env.damaged_bundle()
    span = {"source_id": "S001", "start_char": "0", "end_char": "1", "text": "x", "reason": "r"}
    env.review_of(root, span)


ADD = ("add-source", "{tmp}/art.txt", "--published", "2022-01-10", "--root", "{tmp}/pkg")
ACCEPT = ("accept", "{tmp}/review.csv", "--root", "{tmp}/pkg")


CASES: dict[str, Case] = {
    # validate
    "validate empty path": Case(("validate", ""), 2, "error: datapackage.json: no such file"),
    "validate missing file": Case(
        ("validate", "{tmp}/nope.json"), 2, "error: {tmp}/nope.json: no such file"
    ),
    "validate --output into a missing folder": Case(
        ("validate", "--output", "{tmp}/missing/dir/report.txt"),
        2,
        "error: cannot write {tmp}/missing/dir/report.txt: no such folder {tmp}/missing/dir",
    ),
    "validate --output onto a folder": Case(
        ("validate", "--output", "{tmp}"), 2, "error: cannot write {tmp}: it is a folder"
    ),
    **{
        f"validate --output naming a folder ({end})": Case(
            ("validate", "--output", f"{{tmp}}/report.txt{end}"),
            2,
            f"error: cannot write {{tmp}}/report.txt{end}: it names a folder, not a file",
        )
        for end in ("/", "/.", "/..")
    },
    "validate --output onto a FIFO": Case(
        ("validate", "--output", "{tmp}/fifo"),
        2,
        "error: cannot write {tmp}/fifo: it is not a regular file (a device, FIFO or socket is "
        "never replaced)",
        Env.fifo,
    ),
    "validate --output through a symlink to a FIFO": Case(
        ("validate", "--output", "{tmp}/link"),
        2,
        "error: cannot write {tmp}/link: it is not a regular file (a device, FIFO or socket is "
        "never replaced)",
        Env.link_to_fifo,
    ),
    **{
        f"validate --output onto the package's {what}": Case(
            ("validate", "{tmp}/pkg", "--output", f"{{tmp}}/pkg/{rel}"),
            2,
            f"error: {{tmp}}/pkg/{rel}: a file of the package validated; write the report "
            "elsewhere",
            Env.package,
        )
        for what, rel in [
            ("descriptor", "datapackage.json"),
            ("table", "data/actors.csv"),
            ("schema", "schemas/actors.json"),
            ("change journal", ".ukraine-talks-change.json"),
        ]
    },
    **{
        f"validate --output into the package's {what}": Case(
            ("validate", "{tmp}/pkg", "--output", f"{{tmp}}/pkg/{rel}"),
            2,
            f"error: {{tmp}}/pkg/{rel}: inside {{tmp}}/pkg/{folder}, a folder of the package "
            "validated; write the report elsewhere",
            Env.package,
        )
        for what, rel, folder in [
            ("Parquet descriptor", "data/parquet/datapackage.json", "data"),
            ("Parquet copy", "data/parquet/events.parquet", "data"),
            ("data folder (a new file)", "data/report.txt", "data"),
            ("seeds folder (a new file)", "seeds/report.txt", "seeds"),
        ]
    },
    **{
        f"validate --output, a damaged descriptor, onto its {what}": Case(
            ("validate", "{tmp}/pkg", "--output", f"{{tmp}}/pkg/{rel}"),
            2,
            f"error: {{tmp}}/pkg/{rel}: inside {{tmp}}/pkg/{folder}, a folder of the package "
            "validated; write the report elsewhere",
            lambda env: env.package().joinpath("datapackage.json").write_text("{"),
        )
        for what, rel, folder in [
            ("table", "data/events.csv", "data"),
            ("schema", "schemas/events.json", "schemas"),
        ]
    },
    "validate --output read-only": Case(
        ("validate", "--output", "{tmp}/r.txt"),
        2,
        f"error: cannot write {{tmp}}/r.txt: {EACCES}",
        Env.read_only,
    ),
    "validate --output full disk": Case(
        ("validate", "--output", "{tmp}/r.txt"),
        2,
        f"error: cannot write {{tmp}}/r.txt: {ENOSPC}",
        Env.full_disk,
    ),
    "validate damaged descriptor": Case(
        ("validate", "{tmp}/d/datapackage.json"),
        1,
        "",
        lambda env: env.file("d/datapackage.json", b"{"),
    ),
    "validate interrupted": Case(("validate",), 130, "error: interrupted", Env.interrupted),
    # info, locate, show
    "info damaged bundle": Case(("info",), 2, "error: the bundled table …", Env.damaged_bundle),
    "info bug": Case(
        ("info",),
        2,
        "error: ukraine-talks failed unexpectedly (RuntimeError: boom); please report this, "
        "with the command that caused it",
        Env.bug,
    ),
    "locate unknown source": Case(("locate", "S999", "x"), 2, "error: unknown source 'S999'; …"),
    "locate empty text": Case(("locate", "S001", ""), 1, "error: …"),
    "locate damaged bundle": Case(
        ("locate", "S001", "x"), 2, "error: the bundled table …", Env.damaged_bundle
    ),
    "show unknown table": Case(("show", "nosuch"), 2, "error: …"),
    "show odd date": Case(("show", "statements", "--on", "2022-13-01"), 2, "…"),
    "show damaged bundle": Case(
        ("show", "actors"), 2, "error: the bundled table …", Env.damaged_bundle
    ),
    # coverage
    "coverage empty path": Case(("coverage", ""), 2, "error: datapackage.json: no such file"),
    "coverage damaged package": Case(
        ("coverage", "{tmp}/bundle/datapackage.json"), 2, "error: …", Env.damaged_bundle
    ),
    # export
    "export empty path": Case(
        ("export", ""), 2, "error: cannot write .: it names a folder, not a file"
    ),
    "export jsonl empty path": Case(
        ("export", "--format", "jsonl", ""),
        2,
        "error: cannot write .: the folder holds files an export did not write (mine.txt); "
        "nothing was changed: give a new or empty folder",
        lambda env: env.file("mine.txt"),
    ),
    "export into a missing folder": Case(
        ("export", "{tmp}/missing/talks.sqlite"),
        2,
        "error: cannot write {tmp}/missing/talks.sqlite: no such folder {tmp}/missing",
    ),
    "export onto a folder": Case(
        ("export", "--format", "duckdb", "{tmp}"), 2, "error: cannot write {tmp}: it is a folder"
    ),
    "export jsonl onto a file": Case(
        ("export", "--format", "jsonl", "{tmp}/mine.txt"),
        2,
        "error: cannot write {tmp}/mine.txt: it is a file; JSON Lines go into a folder",
        lambda env: env.file("mine.txt"),
    ),
    "export read-only": Case(
        ("export", "{tmp}/t.sqlite"),
        2,
        f"error: cannot write {{tmp}}/t.sqlite: {EACCES}",
        Env.read_only,
    ),
    "export sqlite full disk": Case(
        ("export", "{tmp}/t.sqlite"),
        2,
        "error: cannot write {tmp}/t.sqlite: SQLite failed (database or disk is full); nothing "
        "was written",
        Env.full_disk,
    ),
    "export duckdb full disk": Case(
        ("export", "--format", "duckdb", "{tmp}/t.duckdb"),
        2,
        f"error: cannot write {{tmp}}/t.duckdb: DuckDB failed (Could not write file: "
        f"{ENOSPC}); nothing was written",
        Env.full_disk,
    ),
    "export jsonl full disk": Case(
        ("export", "--format", "jsonl", "{tmp}/j"),
        2,
        f"error: cannot write {{tmp}}/j: {ENOSPC}",
        Env.full_disk,
    ),
    "export unknown format": Case(("export", "--format", "xls", "{tmp}/x"), 2, "…"),
    "export damaged bundle": Case(
        ("export", "{tmp}/t.sqlite"), 2, "error: the bundled table …", Env.damaged_bundle
    ),
    "export interrupted": Case(
        ("export", "{tmp}/t.sqlite"), 130, "error: interrupted", Env.interrupted
    ),
    "export bug": Case(
        ("export", "--format", "jsonl", "{tmp}/j"),
        2,
        "error: ukraine-talks failed unexpectedly (RuntimeError: boom); please report this, "
        "with the command that caused it",
        Env.bug,
    ),
    # timeline
    "timeline empty path": Case(
        ("timeline", "--out", ""),
        2,
        "error: cannot tell the format of .: its name must end in .png, .svg, .html",
    ),
    "timeline into a missing folder": Case(
        ("timeline", "--out", "{tmp}/missing/t.svg"),
        2,
        "error: cannot write {tmp}/missing/t.svg: no such folder {tmp}/missing",
    ),
    "timeline read-only": Case(
        ("timeline", "--out", "{tmp}/t.svg"),
        2,
        f"error: cannot write {{tmp}}/t.svg: {EACCES}",
        Env.read_only,
    ),
    "timeline full disk": Case(
        ("timeline", "--out", "{tmp}/t.svg"),
        2,
        f"error: cannot write {{tmp}}/t.svg: {ENOSPC}",
        Env.full_disk,
    ),
    "timeline damaged bundle": Case(
        ("timeline", "--out", "{tmp}/t.svg"), 2, "error: the bundled table …", Env.damaged_bundle
    ),
    # serve (each refused before Datasette starts)
    "serve odd port": Case(("serve", "--port", "70000"), 2, "…"),
    "serve into a file": Case(
        ("serve", "--folder", "{tmp}/mine.txt"),
        2,
        "error: cannot write the explorer's files: …",
        lambda env: env.file("mine.txt"),
    ),
    # clear-cache
    "clear-cache unreadable cache": Case(
        ("clear-cache",), 2, f"error: {{tmp}}/cache: {EACCES}", Env.unreadable_cache
    ),
    "clear-cache cache is a file": Case(
        ("clear-cache",), 0, "", lambda env: env.patch.setenv(CACHE_ENV, str(env.file("f")))
    ),
    # build
    "build empty root": Case(("build", "--root", ""), 1, "error: datapackage.json: no such file"),
    "build --check damaged CSV": Case(
        ("build", "--check", "--root", "{tmp}/bundle"),
        1,
        "error: {tmp}/bundle/datapackage.json is invalid; nothing was built",
        Env.damaged_bundle,
    ),
    "build read-only": Case(
        ("build", "--root", "{tmp}/pkg", "--force"),
        2,
        f"error: cannot write the build files in {{tmp}}/pkg: {EACCES}",
        lambda env: env.built_then(Env.read_only),
    ),
    "build full disk": Case(
        ("build", "--root", "{tmp}/pkg", "--force"),
        2,
        f"error: cannot write the build files in {{tmp}}/pkg: {ENOSPC}",
        lambda env: env.built_then(Env.full_disk),
    ),
    "build with data/parquet a file": Case(
        ("build", "--root", "{tmp}/pkg"),
        2,
        "error: cannot write the build files in {tmp}/pkg: {tmp}/pkg/data/parquet is a file, "
        "not a folder",
        lambda env: (env.package() / "data" / "parquet").write_text("x", encoding="utf-8"),
    ),
    # release
    "release empty path": Case(
        ("release", ""),
        1,
        "error: . is not empty and was not made by `ukraine-talks release` (it has no "
        ".ukraine-talks-release.json); nothing was changed: give a new or empty folder",
        lambda env: env.file("mine.txt"),
    ),
    "release beside a SHA256SUMS": Case(
        ("release", "{tmp}/d"),
        1,
        "error: {tmp}/d is not empty and was not made by `ukraine-talks release` (it has no "
        ".ukraine-talks-release.json); nothing was changed: give a new or empty folder",
        lambda env: (env.file("d/SHA256SUMS"), env.file("d/other.iso")),
    ),
    "release into a missing folder": Case(
        ("release", "{tmp}/missing/v1"),
        2,
        "error: cannot write {tmp}/missing/v1: no such folder {tmp}/missing",
    ),
    "release stale build": Case(
        ("release", "{tmp}/v1", "--root", "{tmp}/bundle"),
        1,
        "error: {tmp}/bundle/datapackage.json is invalid; nothing was released",
        Env.damaged_bundle,
    ),
    "release with a column named twice": Case(
        ("release", "{tmp}/v1", "--root", "{tmp}/pkg"),
        1,
        "error: {tmp}/pkg/datapackage.json is invalid; nothing was released",
        Env.relabelled,
    ),
    "release full disk": Case(
        ("release", "{tmp}/v1"), 2, f"error: cannot write {{tmp}}/v1: {ENOSPC}", Env.full_disk
    ),
    # cite
    "cite unknown format": Case(
        ("cite", "--format", "xml"), 2, "Error: Invalid value for '--format' / '-f': …"
    ),
    "cite empty format": Case(
        ("cite", "--format", ""), 2, "Error: Invalid value for '--format' / '-f': …"
    ),
    "cite damaged descriptor": Case(
        ("cite",),
        2,
        "error: {tmp}/bundle/datapackage.json is not valid JSON (…",
        Env.damaged_descriptor,
    ),
    # add-source (into a copy of the package)
    "add-source empty path": Case(
        ("add-source", "", *ADD[2:]), 2, "error: . is a folder, not an article", article()
    ),
    "add-source missing file": Case(
        ("add-source", "{tmp}/nope.txt", *ADD[2:]),
        2,
        "error: {tmp}/nope.txt: no such file",
        article(),
    ),
    "add-source not UTF-8": Case(
        ADD,
        2,
        "error: {tmp}/art.txt is not UTF-8 text (invalid start byte at byte 0); save it as UTF-8",
        article(lambda env: env.file("art.txt", b"\xffEnvoys")),
    ),
    "add-source empty file": Case(
        ADD,
        2,
        "error: {tmp}/art.txt is empty: an article needs text",
        article(lambda env: env.file("art.txt", b"\n \n")),
    ),
    "add-source odd date": Case(
        (*ADD[:2], "--published", "2022-13-01", *ADD[4:]),
        2,
        "Error: Invalid value: '2022-13-01' is not a date in the form YYYY-MM-DD",
        article(),
    ),
    "add-source empty root": Case(
        (*ADD[:4], "--root", ""), 2, "error: datapackage.json: no such file", article()
    ),
    "add-source damaged package": Case(
        (*ADD[:4], "--root", "{tmp}/bundle"),
        2,
        "error: {tmp}/bundle/data/sources.csv cannot be read (…",
        article(Env.damaged_bundle),
    ),
    "add-source read-only": Case(
        ADD,
        2,
        f"error: cannot write {{tmp}}/pkg (nothing was changed): {EACCES}",
        article(Env.read_only),
    ),
    "add-source full disk": Case(
        ADD,
        2,
        "error: cannot write a working copy of the package in …",
        article(Env.full_disk),
    ),
    "add-source interrupted": Case(ADD, 130, "error: interrupted", article(Env.interrupted)),
    # suggest
    "suggest --out empty path": Case(
        ("suggest", "S001", "--out", ""), 2, "error: cannot write .: it names a folder, not a file"
    ),
    "suggest --out into a missing folder": Case(
        ("suggest", "S001", "--out", "{tmp}/missing/r.csv"),
        2,
        "error: cannot write {tmp}/missing/r.csv: no such folder {tmp}/missing",
    ),
    "suggest --out onto a folder": Case(
        ("suggest", "S001", "--out", "{tmp}"), 2, "error: cannot write {tmp}: it is a folder"
    ),
    "suggest --out into the package's data": Case(
        ("suggest", "S001", "--out", "{tmp}/pkg/data/r.csv", "--root", "{tmp}/pkg"),
        2,
        "error: {tmp}/pkg/data/r.csv: a review file never goes into {tmp}/pkg/data; write it "
        "elsewhere",
        Env.package,
    ),
    "suggest --out read-only": Case(
        ("suggest", "S001", "--out", "{tmp}/r.csv"),
        2,
        f"error: cannot write {{tmp}}/r.csv: {EACCES}",
        Env.read_only,
    ),
    "suggest --out full disk": Case(
        ("suggest", "S001", "--out", "{tmp}/r.csv"),
        2,
        f"error: cannot write {{tmp}}/r.csv: {ENOSPC}",
        Env.full_disk,
    ),
    "suggest unknown source": Case(("suggest", "S999"), 2, "error: no source 'S999' in …"),
    "suggest empty source": Case(("suggest", ""), 2, "error: no source '' in …"),
    "suggest damaged package": Case(
        ("suggest", "S001", "--root", "{tmp}/bundle"),
        2,
        "error: {tmp}/bundle/data/sources.csv cannot be read (…",
        Env.damaged_bundle,
    ),
    "suggest interrupted": Case(
        ("suggest", "S001", "--out", "{tmp}/r.csv"), 130, "error: interrupted", Env.interrupted
    ),
    # accept (on a copy of the package)
    "accept empty path": Case(
        ("accept", "", *ACCEPT[2:]), 2, "error: . is a folder, not a review file", Env.package
    ),
    "accept missing file": Case(
        ACCEPT, 2, "error: {tmp}/review.csv: no such review file", Env.package
    ),
    "accept not UTF-8": Case(
        ACCEPT,
        2,
        "error: {tmp}/review.csv is not UTF-8 (invalid start byte at byte 0)",
        lambda env: (env.package(), env.file("review.csv", b"\xffproposal,table\n")),
    ),
    "accept empty file": Case(
        ACCEPT,
        2,
        "error: {tmp}/review.csv is empty: a review file starts with its header",
        lambda env: (env.package(), env.file("review.csv", b"")),
    ),
    "accept not a review file": Case(
        ACCEPT,
        2,
        "error: {tmp}/review.csv is not a review file; nothing was changed",
        lambda env: (env.package(), env.file("review.csv", b"a,b\n1,2\n")),
    ),
    "accept undecided row": Case(
        ACCEPT,
        2,
        "error: {tmp}/review.csv was refused; nothing was changed",
        lambda env: env.review_of(env.package(), {"source_id": "S001"}, decision=""),
    ),
    "accept an invalid result": Case(
        ACCEPT,
        2,
        "error: the package would not be valid; nothing was changed",
        Env.existing_exclusion,
    ),
    "accept damaged package": Case(
        (*ACCEPT[:2], "--root", "{tmp}/bundle"),
        2,
        "error: {tmp}/bundle/data/sources.csv cannot be read (…",
        damaged_with_review,
    ),
    "accept read-only": Case(
        ACCEPT,
        2,
        f"error: cannot write {{tmp}}/pkg (nothing was changed): {EACCES}",
        reviewed_then(Env.read_only),
    ),
    "accept full disk": Case(
        ACCEPT,
        2,
        "error: cannot write a working copy of the package in …",
        reviewed_then(Env.full_disk),
    ),
    "accept interrupted": Case(ACCEPT, 130, "error: interrupted", reviewed_then(Env.interrupted)),
}


def test_the_matrix_covers_every_command() -> None:
    names = {c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands}  # type: ignore[union-attr]
    assert names == {case.args[0] for case in CASES.values()}


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_arguments_and_environments(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES[name]
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "no-cache"))
    case.env(Env(work, monkeypatch))
    before = sorted(str(p) for p in work.rglob("*"))
    result = run([a.replace("{tmp}", str(work)) for a in case.args])
    assert result.exit_code == case.code, result.output
    expected = case.stderr.replace("{tmp}", str(work))
    last = (result.stderr.splitlines() or [""])[-1]
    if expected.endswith("…"):
        assert last.startswith(expected[:-1]), result.stderr
    else:
        assert last == expected, result.stderr
    if case.code:
        monkeypatch.undo()  # nothing was written, created or left behind
        assert sorted(str(p) for p in work.rglob("*")) == before


# Faults at each write and rename ------------------------------------------------------------


class Faults:
    """Counts the writes and renames under `root` (file writes, copies, SQLite inserts,
    renames) and fails the `fail_at`-th (and, for a kill, every later one, with clean-up
    switched off, as for a process that died)."""

    def __init__(
        self, patch: pytest.MonkeyPatch, root: Path, fail_at: int, kill: bool, renames_only: bool
    ) -> None:
        self.root, self.fail_at, self.kill = root, fail_at, kill
        self.count, self.fired = 0, False
        real_replace, real_write_bytes, real_write_text = (
            os.replace,
            Path.write_bytes,
            Path.write_text,
        )
        real_copyfile = shutil.copyfile

        def replace(src: Any, dst: Any, *args: Any, **kwargs: Any) -> Any:
            self.tick(dst)
            return real_replace(src, dst, *args, **kwargs)

        patch.setattr(os, "replace", replace)
        real_exchange = _atomic.exchange

        def exchange(a: Path, b: Path) -> bool:
            self.tick(b)
            return real_exchange(a, b)

        patch.setattr(_atomic, "exchange", exchange)
        if not renames_only:
            import sqlite_utils

            real_insert = sqlite_utils.db.Table.insert_all

            def write_bytes(path: Path, *args: Any, **kwargs: Any) -> Any:
                self.tick(path)
                return real_write_bytes(path, *args, **kwargs)

            def write_text(path: Path, *args: Any, **kwargs: Any) -> Any:
                self.tick(path)
                return real_write_text(path, *args, **kwargs)

            def copyfile(src: Any, dst: Any, *args: Any, **kwargs: Any) -> Any:
                self.tick(dst)
                return real_copyfile(src, dst, *args, **kwargs)

            def insert_all(table: Any, *args: Any, **kwargs: Any) -> Any:
                self.tick(Path(table.db.conn.execute("PRAGMA database_list").fetchone()[2]))
                return real_insert(table, *args, **kwargs)

            patch.setattr(Path, "write_bytes", write_bytes)
            patch.setattr(Path, "write_text", write_text)
            patch.setattr(shutil, "copyfile", copyfile)
            patch.setattr(sqlite_utils.db.Table, "insert_all", insert_all)
        if kill:  # a dead process cleans nothing up
            patch.setattr(shutil, "rmtree", lambda *a, **k: None)
            temp = root.parent / "temp"  # its temp folders (`_scratch`) stay in the test's
            temp.mkdir(exist_ok=True)
            patch.setattr(tempfile, "tempdir", str(temp))
            real_unlink = Path.unlink

            def unlink(path: Path, *args: Any, **kwargs: Any) -> None:
                if not self.fired or self.root not in path.absolute().parents:
                    real_unlink(path, *args, **kwargs)

            patch.setattr(Path, "unlink", unlink)

    def tick(self, path: Any) -> None:
        if self.root not in Path(path).absolute().parents:
            return
        if self.fired and self.kill:
            raise KeyboardInterrupt
        self.count += 1
        if self.count == self.fail_at:
            self.fired = True
            if self.kill:
                raise KeyboardInterrupt
            raise OSError(errno.ENOSPC, ENOSPC, str(path))


@dataclass(frozen=True)
class Writer:
    """A writing command ({tmp}: its folder), its output (relative) and how to make its
    inputs and a previous output, different from what it will write."""

    args: tuple[str, ...]
    output: str
    prepare: Callable[[Env], object]
    reader: tuple[str, ...] = ()
    """For a command that changes a package: a command that reads it. A kill may leave the
    package half changed, with the change's journal; the next command to read it puts the
    previous version back (or, past the commit, finishes removing what is left)."""


def _edited_and_built(env: Env) -> None:
    path = env.built() / "data" / "actors.csv"
    rows = read_rows(path)
    rows[0]["notes"] = "edited since the last build"
    write_rows(path, rows, refresh=False)


def _previous_release(env: Env) -> None:
    root = env.built()
    run(["release", str(env.tmp / "rel"), "--root", str(root)])
    (env.tmp / "rel" / "SHA256SUMS").write_text("a previous release's\n")


READER = ("validate", "{tmp}/pkg")
WRITERS: dict[str, Writer] = {
    "build": Writer(
        ("build", "--root", "{tmp}/pkg"),
        "pkg",
        _edited_and_built,
        READER,
    ),
    "release": Writer(("release", "{tmp}/rel", "--root", "{tmp}/pkg"), "rel", _previous_release),
    "export sqlite": Writer(("export", "{tmp}/t.sqlite"), "t.sqlite", lambda e: e.file("t.sqlite")),
    "export jsonl": Writer(
        ("export", "--format", "jsonl", "{tmp}/j"), "j", lambda e: e.file("j/actors.jsonl")
    ),
    "timeline": Writer(("timeline", "--out", "{tmp}/t.svg"), "t.svg", lambda e: e.file("t.svg")),
    "validate --output": Writer(
        ("validate", "--output", "{tmp}/r.txt"), "r.txt", lambda e: e.file("r.txt")
    ),
    "suggest": Writer(
        ("suggest", "S001", "--out", "{tmp}/r.csv"), "r.csv", lambda e: e.file("r.csv")
    ),
    "add-source": Writer(ADD, "pkg", lambda e: (e.built(), e.file("art.txt", ARTICLE)), READER),
    "accept": Writer(ACCEPT, "pkg", Env.reviewed, READER),
}


def snapshot(path: Path) -> object:
    """What is at `path`: a file's bytes, a folder's files (leftovers aside), or None."""
    if path.is_file():
        return path.read_bytes()
    if not path.is_dir():
        return None
    return {
        str(p.relative_to(path)): p.read_bytes()
        for p in sorted(path.rglob("*"))
        if p.is_file() and not any(LEFTOVER.match(part) for part in p.relative_to(path).parts)
    }


@contextmanager
def prepared(
    name: str, tmp_path: Path, patch: pytest.MonkeyPatch
) -> Iterator[Callable[[], tuple[Path, list[str]]]]:
    """A factory of fresh copies of the writer's prepared folder: (folder, command line)."""
    writer = WRITERS[name]
    pristine = tmp_path / "pristine"
    pristine.mkdir()
    with patch.context() as p:
        writer.prepare(Env(pristine, p))
    count = [0]

    def fresh() -> tuple[Path, list[str]]:
        count[0] += 1
        work = tmp_path / f"w{count[0]}"
        shutil.copytree(pristine, work, symlinks=True)
        return work, [a.replace("{tmp}", str(work)) for a in writer.args]

    yield fresh


def _rebased(state: object, old: Path, new: Path) -> object:
    if isinstance(state, dict):
        return {k: v.replace(bytes(old), bytes(new)) for k, v in state.items()}
    return state


@pytest.mark.parametrize("name", list(WRITERS))
def test_a_write_failing_at_each_step_leaves_the_previous_output(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC at the 1st, 2nd, … write or rename: exit 2 naming the cause, the previous
    output whole, nothing else left; until a run meets no fault and writes the new one."""
    writer = WRITERS[name]
    with prepared(name, tmp_path, monkeypatch) as fresh:
        work, args = fresh()
        old = snapshot(work / writer.output)
        for fail_at in range(1, 500):
            with monkeypatch.context() as patch:
                faults = Faults(patch, work, fail_at, kill=False, renames_only=False)
                result = run(args)
            if not faults.fired:
                assert result.exit_code == 0, result.output
                assert snapshot(work / writer.output) != old
                break
            assert result.exit_code == 2, (fail_at, result.output)
            assert result.stderr.splitlines()[-1].endswith(f": {ENOSPC}"), result.stderr
            assert snapshot(work / writer.output) == old, fail_at
            assert leftovers(work) == [], fail_at
        assert fail_at > 1, "no write was seen"


@pytest.mark.parametrize("name", list(WRITERS))
def test_a_run_killed_at_each_rename_leaves_old_or_new_and_the_next_run_cleans_up(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed at the 1st, 2nd, … rename: the output is whole, old or new, as soon as the
    run dies (a package: once the next command reads it, journal and staging gone); the
    command run again writes the new one and leaves nothing else."""
    writer = WRITERS[name]
    with prepared(name, tmp_path, monkeypatch) as fresh:
        clean, clean_args = fresh()
        old = snapshot(clean / writer.output)
        assert run(clean_args).exit_code == 0
        new = snapshot(clean / writer.output)
        for fail_at in range(1, 100):
            work, args = fresh()
            with monkeypatch.context() as patch:
                faults = Faults(patch, work, fail_at, kill=True, renames_only=True)
                result = run(args)
            if not faults.fired:
                break
            assert result.exit_code == 130, result.output
            if writer.reader:
                run([a.replace("{tmp}", str(work)) for a in writer.reader])
                assert leftovers(work) == [], fail_at
            after = snapshot(work / writer.output)
            assert after in (_rebased(old, clean, work), _rebased(new, clean, work)), fail_at
            assert run(args).exit_code == 0
            assert snapshot(work / writer.output) == _rebased(new, clean, work), fail_at
            assert leftovers(work) == [], fail_at
        assert fail_at > 1, "no rename was seen"


def test_load_reads_a_package_a_killed_accept_left_as_it_was_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`load()` on a bundle whose `accept` was killed at any rename reads the tables as they
    were before it, all of them, never some changed and some not."""
    import ukraine_talks_data as u

    with prepared("accept", tmp_path, monkeypatch) as fresh:
        for fail_at in range(1, 100):
            work, args = fresh()
            old = snapshot(work / "pkg")
            with monkeypatch.context() as patch:
                faults = Faults(patch, work, fail_at, kill=True, renames_only=True)
                assert run(args).exit_code in (0, 130)
            if not faults.fired:
                break
            with monkeypatch.context() as patch:
                patch.setattr(bundle, "_find_bundle", lambda root=work / "pkg": root)
                rows = u.load("coverage_exclusions").num_rows
            assert snapshot(work / "pkg") == old, fail_at
            assert rows == len(read_rows(work / "pkg" / "data" / "coverage_exclusions.csv"))
            assert leftovers(work) == [], fail_at
        assert fail_at > 1, "no rename was seen"


def test_readme_exit_status_table_covers_every_command() -> None:
    from ukraine_talks_data.package.bundle import bundle_dir

    readme = bundle_dir() / "README.md"
    if not readme.is_file():
        pytest.skip("not a source checkout")
    text = readme.read_text(encoding="utf-8")
    table = re.search(r"^\| command \| 0 \| 1 \| 2 \|\n((?:\|.*\n)+)", text, re.M)
    assert table, "README.md has no exit-status table (| command | 0 | 1 | 2 |)"
    rows = re.findall(r"^\| `([a-z-]+)` \|", table.group(1), re.M)
    names = {c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands}  # type: ignore[union-attr]
    assert sorted(rows) == sorted(names)


@pytest.mark.parametrize(
    "args",
    [["validate"], ["info"], ["cite"], ["--help"], ["show", "events"]],
    ids=lambda a: a[0].lstrip("-"),
)
def test_output_that_cannot_be_written_is_an_error_not_a_traceback(args: list[str]) -> None:
    """The console script with its standard output on a full device (/dev/full): exit 2
    and one line saying so (a valid package printed a traceback and exited 1, "invalid",
    in CI)."""
    import subprocess
    import sys

    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    code = (
        "import sys; from ukraine_talks_data.cli import main; sys.argv[0] = 'ukraine-talks'; main()"
    )
    with Path("/dev/full").open("w") as full:
        done = subprocess.run(
            [sys.executable, "-c", code, *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert (done.returncode, done.stderr) == (
        2,
        "error: cannot write the output: No space left on device\n",
    )


@pytest.mark.parametrize("args", [["validate"], ["info"]], ids=lambda a: a[0])
def test_a_closed_standard_output_is_an_error_not_a_traceback(args: list[str]) -> None:
    """The console script started with its output closed (`>&-`): validate printed a
    traceback and exited 1, "invalid"; info exited 0 having written nothing (helper-38)."""
    import subprocess
    import sys

    code = (
        "import sys; from ukraine_talks_data.cli import main; sys.argv[0] = 'ukraine-talks'; main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        preexec_fn=lambda: os.close(1),
    )
    assert (done.returncode, done.stderr) == (
        2,
        "error: cannot write the output: standard output is closed\n",
    )


@pytest.mark.parametrize(
    ("command", "refused"),
    [
        (["build"], "error: {root}/datapackage.json is invalid; nothing was built"),
        (["build", "--check"], "error: {root}/datapackage.json is invalid; nothing was built"),
        (["release", "{out}"], "error: {root}/datapackage.json is invalid; nothing was released"),
    ],
    ids=["build", "build-check", "release"],
)
def test_a_fifo_in_a_tables_place_is_refused_not_waited_on(
    package: Path, tmp_path: Path, command: list[str], refused: str
) -> None:
    """A FIFO where a CSV should be: build and release hashed it before validating and
    waited forever for a writer (helper-37). In a process of its own, with a timeout: a
    thread blocked on the FIFO would not heed an alarm."""
    import subprocess
    import sys

    root = package.parent
    table = root / "data" / "categories.csv"
    table.unlink()
    os.mkfifo(table)
    out = str(tmp_path / "out")
    args = [a.format(out=out) for a in command]
    result = subprocess.run(
        [sys.executable, "-m", "ukraine_talks_data.cli", *args, "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == refused.format(root=root)
    assert "not-a-file: the path is not a regular file" in result.stderr


def test_loading_a_fifo_in_a_tables_place_is_an_error(tmp_path: Path) -> None:
    from damage import deadline
    from ukraine_talks_data.loading.arrow import read_csv

    fifo = tmp_path / "t.csv"
    os.mkfifo(fifo)
    with deadline(30), pytest.raises(OSError, match="is a FIFO, socket or device, not a regular"):
        read_csv(fifo, {"fields": [{"name": "a", "type": "string"}]})


NOT_A_DESCRIPTOR = (
    " is not a data package descriptor with a list of resources, each with a name and a "
    "path; `ukraine-talks validate {path}` says what is wrong"
)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (b"", " is not valid JSON (Expecting value at line 1, column 1)"),
        (b"[" * 200_000, ": JSON nested more than 64 levels deep"),
        (
            b'{"title": "\\ud800", "resources": []}',
            " is not usable JSON (a string holds \\ud800, half of a UTF-16 surrogate pair, "
            "which is not text)",
        ),
        (b"[]", NOT_A_DESCRIPTOR),
        (b'{"resources": {}}', NOT_A_DESCRIPTOR),
        (b'{"resources": [{"name": "t", "path": "a\\u0000.csv"}]}', NOT_A_DESCRIPTOR),
    ],
    ids=["empty", "deep", "lone-surrogate", "array", "resources-object", "nul-in-path"],
)
def test_a_damaged_bundled_descriptor_is_named_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: bytes, reason: str
) -> None:
    """A checkout (or an editable install) whose datapackage.json is damaged: the commands
    that read it without validating it name it and say what is wrong (helper-37: each
    failed unexpectedly, or printed a traceback writing a lone surrogate)."""
    from ukraine_talks_data.package import schemas

    path = tmp_path / "datapackage.json"
    path.write_bytes(text)
    monkeypatch.setattr(schemas, "bundled_descriptor", lambda: path)
    schemas.bundled_raw.cache_clear()
    schemas.table_schema.cache_clear()
    try:
        result = CliRunner().invoke(app, ["info"])
    finally:
        schemas.bundled_raw.cache_clear()
        schemas.table_schema.cache_clear()
    assert result.exit_code == 2
    assert result.stderr == f"error: {path}{reason.format(path=path)}\n"


@pytest.mark.parametrize("resource", [None, 0, "", [], [1]], ids=repr)
def test_a_checkout_validating_its_own_damaged_descriptor_reports_it(
    package: Path, monkeypatch: pytest.MonkeyPatch, resource: object
) -> None:
    """The package validated is the bundle itself (a checkout, an editable install): its
    damaged descriptor cannot give the reference schemas, and the validator reports what
    is wrong with it instead of failing unexpectedly (helper-37)."""
    import json

    from ukraine_talks_data import validate as validate_module
    from ukraine_talks_data.package import schemas
    from ukraine_talks_data.validate.inputs import schema_rules

    raw = json.loads(package.read_text(encoding="utf-8"))
    raw["resources"][3] = resource
    package.write_text(json.dumps(raw, indent=2), encoding="utf-8")
    for module in (schemas, validate_module):
        monkeypatch.setattr(module, "bundled_descriptor", lambda: package)
    caches = (schemas.bundled_raw, schemas.table_schema, schema_rules._bundled_texts)
    for cached in caches:
        cached.cache_clear()
    try:
        result = CliRunner().invoke(app, ["validate", str(package)])
    finally:
        for cached in caches:
            cached.cache_clear()
    assert result.exit_code == 1, result.output
    assert "datapackage.json::resources[3]: descriptor-error: a resource must be an object" in (
        result.stdout.splitlines()
    )


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_bundled_schema_that_is_not_a_file_is_refused_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """A checkout whose descriptor names, as a table's schema, a FIFO (every command hung
    on it) or /dev/zero (every command ran out of memory) (helper-38)."""
    import json

    from damage import deadline
    from ukraine_talks_data.errors import LoadError
    from ukraine_talks_data.package import schemas

    schema = tmp_path / "s.json"
    if kind == "fifo":
        os.mkfifo(schema)
    else:
        schema = Path("/dev/zero")
    descriptor = tmp_path / "datapackage.json"
    resource = {"name": "t", "path": "t.csv", "schema": str(schema)}
    descriptor.write_text(json.dumps({"resources": [resource]}), encoding="utf-8")
    monkeypatch.setattr(schemas, "bundled_descriptor", lambda: descriptor)
    monkeypatch.setattr(schemas, "bundle_dir", lambda: tmp_path)
    schemas.bundled_raw.cache_clear()
    schemas.table_schema.cache_clear()
    try:
        with deadline(30), pytest.raises(LoadError) as caught:
            schemas.table_schema("t")
    finally:
        schemas.bundled_raw.cache_clear()
        schemas.table_schema.cache_clear()
    assert str(caught.value) == f"{schema}: is a FIFO, socket or device, not a regular file"
