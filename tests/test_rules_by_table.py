"""Rules on rows run one table at a time; then each table's columns that the whole-column
rules (`rules.WHOLE`) declare they read go to the key store (DuckDB) and the table is let go
of, so a validation holds one table (or piece) at most. The differential tests prove that no
whole-column rule reads a column it did not keep (it would raise); these tests prove the
keeping and the declarations themselves."""

from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import pytest

from conftest import copy_package
from ukraine_talks_data.validate.engine import run
from ukraine_talks_data.validate.inputs.descriptor import read_descriptor
from ukraine_talks_data.validate.report.issues import Issue
from ukraine_talks_data.validate.rules import BY_POSITION, CHECKS, WHOLE, run_checks
from ukraine_talks_data.validate.tables.columns import ColumnContext
from ukraine_talks_data.validate.tables.context import Context
from ukraine_talks_data.validate.tables.store import ReleasedColumnError, date_of


def _validated(package: Path, arrow: bool) -> ColumnContext:
    descriptor, _ = read_descriptor(package)
    columns = ColumnContext(Context(descriptor), arrow=arrow)
    run_checks(columns, CHECKS, threads=run.THREADS)
    return columns


@pytest.mark.parametrize("arrow", [True, False], ids=["arrow", "csv"])
def test_after_a_validation_the_store_holds_only_the_columns_whole_rules_read(
    package: Path, arrow: bool
) -> None:
    columns = _validated(package, arrow)
    needed: dict[str, set[str]] = {}
    for check, needs in WHOLE.items():
        for name, fields in needs(columns.rows).items():
            if check not in BY_POSITION:
                needed.setdefault(name, set()).update(fields)
    store = columns.store
    kept = {r[0] for r in store.query(f"DESCRIBE {store.rows('statements')}")}
    rows = columns.rows.table("statements")
    assert rows is not None
    assert kept - {"_row"} == needed["statements"]  # the canonical dates asked for included
    assert {"statement_id", "speaker_id", "source_id", date_of("date")} <= kept
    with pytest.raises(ReleasedColumnError, match="statements: its rows were checked"):
        columns.table("statements")
    with pytest.raises(ReleasedColumnError, match="statements: its rows were checked"):
        columns.positional("statements")
    by_position = {r[0] for r in store.query(f"DESCRIBE {store.cells('statements')}")}
    assert by_position == {"_row", "_blank", "p0", "v0"}  # statement_id: key, first field
    [(counted,)] = store.query(f"SELECT count(*) FROM {store.rows('statements')}")
    assert counted == columns.checked()["statements"] == len(rows.rows)


def test_a_row_rule_sees_one_table_at_a_time(package: Path) -> None:
    seen: list[list[str]] = []

    def spy(ctx: ColumnContext) -> Iterator[Issue]:
        seen.append([r.name for r in ctx.tables() if ctx.table(r.name) is not None])
        return iter(())

    descriptor, _ = read_descriptor(package)
    run_checks(ColumnContext(Context(descriptor)), (spy,))
    assert seen == [[r.name] for r in descriptor.tables()]


def test_while_the_rules_check_a_table_the_first_piece_of_the_next_is_read(
    package: Path,
) -> None:
    ahead: list[list[str]] = []

    def spy(ctx: ColumnContext) -> Iterator[Issue]:
        ahead.append(sorted(ctx._ahead))
        return iter(())

    descriptor, _ = read_descriptor(package)
    columns = ColumnContext(Context(descriptor))
    run_checks(columns, (spy,))
    names = [r.name for r in descriptor.tables()]
    assert ahead == [[n] for n in names[1:]] + [[]]
    assert columns._ahead == {} and columns._reader is None


class _StopError(Exception):
    pass


def test_a_validation_cut_short_closes_the_table_it_read_ahead(package: Path) -> None:
    files: list[BinaryIO] = []

    def stops(ctx: ColumnContext) -> Iterator[Issue]:
        files.extend(fh for fh, *_ in ctx._ahead.values())
        raise _StopError

    descriptor, _ = read_descriptor(package)
    columns = ColumnContext(Context(descriptor))
    with pytest.raises(_StopError):
        run_checks(columns, (stops,))
    assert len(files) == 1 and files[0].closed
    assert columns._ahead == {} and columns._reader is None


def test_rules_in_threads_give_each_check_its_issues_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A piece's checks run in threads, the slowest (on the piece before) first: each still
    gets its own issues, in the order one thread finds them."""
    from damages import DAMAGES
    from ukraine_talks_data.validate import rules
    from ukraine_talks_data.validate.csv import plain

    damages = dict(DAMAGES)
    package = copy_package(tmp_path / "pkg")
    for name in ("every pattern", "every integer", "span mismatch", "formula in a cell"):
        damages[name](package.parent)
    monkeypatch.setattr(plain, "PIECE_BYTES", 4096)  # statements in pieces
    found = {}
    for threads in (1, 2):
        monkeypatch.setattr(rules, "PARALLEL_ROWS", 0 if threads > 1 else 10**9)
        descriptor, _ = read_descriptor(package)
        columns = ColumnContext(Context(descriptor))
        found[threads] = run_checks(columns, CHECKS, threads=threads)
        columns.store.close()
    assert sum(len(issues) > 1 for issues in found[1].values()) >= 4
    assert found[2] == found[1]


def test_a_whole_rule_that_reads_a_column_it_did_not_declare_fails_loudly(package: Path) -> None:
    def reads_text(ctx: ColumnContext) -> Iterator[Issue]:
        for (text,) in ctx.store.query(f"SELECT text FROM {ctx.store.rows('statements')}"):
            yield Issue("data/statements.csv", 2, "text", "read", text)

    descriptor, _ = read_descriptor(package)
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(WHOLE, reads_text, lambda ctx: {"statements": {"statement_id"}})
        with pytest.raises(ReleasedColumnError, match="a column the SQL reads was not kept"):
            run_checks(ColumnContext(Context(descriptor)), (reads_text,))


def test_a_validation_gives_arrow_memory_back_and_restores_the_default_pool(package: Path) -> None:
    import pyarrow as pa

    from ukraine_talks_data.validate import validate_package

    before = pa.default_memory_pool().backend_name
    seen: list[str] = []

    def spy(ctx: ColumnContext) -> Iterator[Issue]:
        seen.append(pa.default_memory_pool().backend_name)
        return iter(())

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(run, "STRICT", (spy,))
        assert validate_package(package).valid
    assert seen and set(seen) == {"jemalloc"}
    assert pa.default_memory_pool().backend_name == before


def _checked_in_pieces(package: Path, folder: Path) -> ColumnContext:
    """The rules run over `package` with its tables read in 4 KiB pieces (statements in
    several), the key store's files in `folder` (each table's pieces after its first are
    written there: nothing held, `HELD_LIMIT` 0)."""
    from ukraine_talks_data.validate.csv import plain
    from ukraine_talks_data.validate.tables import store

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tempfile, "tempdir", str(folder))
        patch.setattr(plain, "PIECE_BYTES", 4096)
        patch.setattr(store, "HELD_LIMIT", 0)
        descriptor, _ = read_descriptor(package)
        columns = ColumnContext(Context(descriptor))
        run_checks(columns, CHECKS)
    return columns


def test_a_table_read_in_pieces_is_stored_in_parquet_files_removed_at_close(
    package: Path, tmp_path: Path
) -> None:
    columns = _checked_in_pieces(package, tmp_path)
    store = columns.store
    rows = list(
        store.query(f"SELECT count(*), count(DISTINCT _row) FROM {store.rows('statements')}")
    )
    files = sorted(p.name for p in tmp_path.glob("ukraine-talks-keys-*/*.parquet"))
    store.close()
    statements = columns.checked()["statements"]
    assert rows == [(statements, statements)]
    assert sum(name.startswith("rows-") for name in files) > 1  # statements, in pieces
    assert list(tmp_path.glob("ukraine-talks-keys-*")) == []


def _store_pieces(package: Path, folder: Path) -> None:
    _checked_in_pieces(package, folder).store.close()


def _stage(package: Path, folder: Path) -> None:
    from ukraine_talks_data.contribute.staging import staged
    from ukraine_talks_data.contribute.tables import PackageTables

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tempfile, "tempdir", str(folder))
        with staged(PackageTables(package.parent)) as stage:
            assert stage.parent.parent == folder
            assert not (stage / ".lock").exists()  # never copied into the package


@pytest.mark.parametrize(
    ("kind", "make"),
    [("keys", _store_pieces), ("stage", _stage)],
    ids=["key-store", "contribute-staging"],
)
def test_a_new_temp_folder_removes_those_of_runs_killed_before_they_could(
    package: Path, tmp_path: Path, kind: str, make: Callable[[Path, Path], None]
) -> None:
    """The key store's folder (its Parquet files and DuckDB's spill folder) and `accept`'s
    staged copy of the package: a killed run leaves them in the temp folder, and the next
    run that makes one of the same kind removes them; never one whose lock is held (a
    process in another PID namespace), a young one without a lock (being made), a live
    process's, another kind's, a link, or one whose name holds no pid."""
    import fcntl

    gone = subprocess.Popen([sys.executable, "-c", ""])
    gone.wait()
    dead, old = f"ukraine-talks-{kind}-{gone.pid}", time.time() - 3600
    precious = tmp_path / "precious"
    precious.mkdir()
    folders = {  # name → removed?
        f"{dead}-killed": True,  # its lock file, let go of when the process died
        f"{dead}-old-without-lock": True,
        f"{dead}-young-without-lock": False,
        f"{dead}-locked-elsewhere": False,
        f"ukraine-talks-{kind}-{os.getppid()}-alive": False,
        f"ukraine-talks-{'stage' if kind == 'keys' else 'keys'}-{gone.pid}-other-kind": False,
        f"ukraine-talks-{kind}-\u00b2-not-a-pid": False,  # `isdigit()`, but int() refuses it
        f"ukraine-talks-{kind}-{2**64}-too-large": False,  # os.kill refuses it
    }
    for name in folders:
        (tmp_path / name).mkdir()
        (tmp_path / name / "rows-00-0.parquet").write_bytes(b"")
        if "without-lock" not in name:
            (tmp_path / name / ".lock").write_bytes(b"")
    os.utime(tmp_path / f"{dead}-old-without-lock", (old, old))
    link = tmp_path / f"{dead}-link"
    link.symlink_to(precious)
    held = os.open(tmp_path / f"{dead}-locked-elsewhere" / ".lock", os.O_RDWR)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        make(package, tmp_path)
    finally:
        os.close(held)
    assert {n: not (tmp_path / n).exists() for n in folders} == folders
    assert link.is_symlink() and precious.is_dir()
    assert sorted(p.name for p in tmp_path.glob(f"ukraine-talks-{kind}-{os.getpid()}-*")) == []


@pytest.mark.parametrize("read", ["arrow", "csv", "arrow in 4 KiB pieces"])
def test_the_rows_relation_pairs_each_typed_value_with_its_own_row_past_blank_records(
    package: Path, tmp_path: Path, read: str
) -> None:
    """The store's `rows` relation leaves the blank records out and keeps each canonical
    date beside the row it was read from, however the table was read."""
    path = package.parent / "data" / "statements.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    blank = "," * (len(next(csv.reader(lines[:1]))) - 1) + "\n"
    lines[1:1] = [blank, blank]  # before the first row,
    lines[40:40] = [blank]  # among the rows
    path.write_text("".join(lines), encoding="utf-8")
    with path.open(encoding="utf-8", newline="") as fh:
        records = list(csv.reader(fh))
    expected = [
        (number, record[4], dt.date.fromisoformat(record[4]))
        for number, record in enumerate(records[1:], start=2)
        if any(record)
    ]
    assert records[0][4] == "date"
    if read == "arrow in 4 KiB pieces":
        columns = _checked_in_pieces(package, tmp_path)
    else:
        columns = _validated(package, arrow=read == "arrow")
    store = columns.store
    query = f'SELECT _row, date, "date#" FROM {store.rows("statements")} ORDER BY _row'
    assert list(store.query(query)) == expected
