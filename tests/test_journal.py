"""A change to several outputs of one folder, all or nothing even when the process is killed
(`_journal`): a real process dies (`os._exit`) at each rename, and the next `settle()` leaves
the folder wholly old (or wholly new, once committed) with nothing else in it; a journal
that is not ours is refused without moving anything; a change running now is left alone."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ukraine_talks_data._journal import JOURNAL_LIMIT, journaled_group, settle
from ukraine_talks_data.cli import app
from ukraine_talks_data.package.bundle import CHANGE_JOURNAL

CHANGE = """
import os, shutil, sys
from pathlib import Path
from ukraine_talks_data import _atomic
from ukraine_talks_data._journal import journaled_group

root, kill_at, renames = Path(sys.argv[1]), sys.argv[2], [0]
real_replace, real_exchange = os.replace, _atomic.exchange


def tick():
    renames[0] += 1
    if str(renames[0]) == kill_at:
        os._exit(9)


def replace(a, b):
    tick()
    return real_replace(a, b)


def exchange(a, b):
    tick()
    return real_exchange(a, b)


os.replace, _atomic.exchange = replace, exchange
if kill_at == "cleanup":
    shutil.rmtree = lambda *a, **k: os._exit(9)
with journaled_group(root / "journal.json") as group:
    (group.folder(root / "parquet") / "t.parquet").write_text("new")
    group.file(root / "datapackage.json").write_text("new")
    group.file(root / "docs" / "dictionary.md").write_text("new")
    group.file(root / "seeds" / "added.txt").write_text("new")
print(renames[0])
"""
OLD = {"parquet/t.parquet": b"old", "datapackage.json": b"old", "docs/dictionary.md": b"old"}
NEW = {
    "parquet/t.parquet": b"new",
    "datapackage.json": b"new",
    "docs/dictionary.md": b"new",
    "seeds/added.txt": b"new",
}
RENAMES = 7  # the journal twice, the four outputs, the journal marked committed


def everything(root: Path) -> dict[str, bytes]:
    """Every file under `root`, hidden ones included (folders left empty are ignored)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "pkg"
    for rel, data in OLD.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    (root / "seeds").mkdir()
    return root


def change(root: Path, kill_at: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CHANGE, str(root), kill_at], capture_output=True, text=True
    )


def test_the_change_counts_its_renames(folder: Path) -> None:
    done = change(folder, "never")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{RENAMES}\n"
    assert everything(folder) == NEW
    assert not settle(folder / "journal.json")


@pytest.mark.skipif(sys.platform == "win32", reason="renames over open files, flock")
@pytest.mark.parametrize(
    ("kill_at", "expected"),
    [*((str(n), OLD) for n in range(1, RENAMES + 1)), ("cleanup", NEW)],
)
def test_a_change_killed_at_each_rename_is_wholly_old_or_new_once_settled(
    folder: Path, kill_at: str, expected: dict[str, bytes]
) -> None:
    killed = change(folder, kill_at)
    assert killed.returncode == 9, killed.stderr
    # Killed at the first rename, the run left only a half-written journal (no change).
    assert settle(folder / "journal.json") == (kill_at != "1")
    assert everything(folder) == expected  # no journal, staging folder or half of anything
    assert change(folder, "never").returncode == 0  # and the change can be made again
    assert everything(folder) == NEW


@contextmanager
def changing(folder: Path) -> Iterator[None]:
    """Another process holding `folder`'s change lock, as a run changing it does."""
    hold = (
        "import fcntl, os, sys, time\n"
        "fd = os.open(sys.argv[1], os.O_RDONLY)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\n"
        "print('locked', flush=True)\n"
        "time.sleep(60)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", hold, str(folder)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "locked\n"
        yield
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.skipif(sys.platform == "win32", reason="flock")
def test_a_change_running_now_is_left_to_it(folder: Path) -> None:
    (folder / "journal.json").write_text("{}")  # were it read, it would be refused
    with changing(folder):
        assert not settle(folder / "journal.json")
        with pytest.raises(BlockingIOError) as err, journaled_group(folder / "journal.json"):
            pass
        assert (err.value.filename, err.value.strerror) == (
            str(folder),
            "another run is changing this folder now; try again once it has finished",
        )
    assert (folder / "journal.json").read_text() == "{}"


@pytest.mark.skipif(sys.platform == "win32", reason="flock")
@pytest.mark.parametrize(
    ("args", "stderr"),
    [
        (["build", "--root", "{root}"], "error: cannot write the build files in {root}: "),
        (
            ["add-source", "{article}", "--published", "2022-01-10", "--root", "{root}"],
            "error: cannot write {root} (nothing was changed): ",
        ),
    ],
)
def test_a_second_run_changing_the_same_package_stops(
    package: Path, tmp_path: Path, args: list[str], stderr: str
) -> None:
    root = package.parent
    article = tmp_path / "article.txt"
    article.write_text("Talks in Geneva.\n\nThe delegations met on Monday.\n")
    before = everything(root)
    with changing(root):
        result = CliRunner().invoke(app, [a.format(root=root, article=article) for a in args])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1] == stderr.format(root=root) + (
        "another run is changing this folder now; try again once it has finished"
    )
    assert everything(root) == before


def _journal(**changes: object) -> dict[str, object]:
    """A journal as a killed run leaves it, with `changes`."""
    entry: dict[str, object] = {
        "out": "datapackage.json",
        "new": ".journal.json.1-a.tmp/1.tmp/datapackage.json",
        "old": None,
        "folder": False,
        "id": [1, 2],
    }
    entry |= {k: v for k, v in changes.items() if k in entry}
    journal: dict[str, object] = {"format": 1, "pid": 1, "committed": False}
    journal["stage"] = ".journal.json.1-a.tmp"
    journal |= {k: v for k, v in changes.items() if k in journal}
    return journal | {"steps": [entry]}


def _text(**changes: object) -> bytes:
    return json.dumps(_journal(**changes)).encode()


TAMPERED = {
    "not JSON": (
        b"{",
        "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
    ),
    "another format": (_text(format=2), "not a journal of this format"),
    "too large": (b" " * (JOURNAL_LIMIT + 1), f"larger than {JOURNAL_LIMIT:,} bytes"),
    "a path out of the folder": (
        _text(out="../outside.json"),
        "'../outside.json' is not a path inside {root}",
    ),
    "an absolute path": (_text(out="/etc/passwd"), "'/etc/passwd' is not a path inside {root}"),
    "a stage that is not one": (
        _text(stage="data"),
        "'data' is not a staging folder of journal.json",
    ),
    "a version outside the stage": (
        _text(new="data/datapackage.json"),
        "'data/datapackage.json' is not a version of {root}/datapackage.json in the staging folder",
    ),
    "an id that is not one": (
        _text(id=[True, 2]),
        "'id' of {root}/datapackage.json is not two integers",
    ),
    "arrays nested deeper than the json module recurses": (b"[" * 200_000, "nested too deep"),
}


@pytest.mark.parametrize("case", list(TAMPERED))
def test_a_journal_that_is_not_ours_is_refused_and_nothing_moves(folder: Path, case: str) -> None:
    data, why = TAMPERED[case]
    journal = folder / "journal.json"
    journal.write_bytes(data)
    before = everything(folder)
    with pytest.raises(OSError) as err:
        settle(journal)
    assert err.value.errno == errno.EINVAL
    assert err.value.filename == str(journal)
    assert err.value.strerror == (
        "not a journal of an interrupted change as ukraine-talks writes one "
        f"({why.format(root=folder)}); check the folder's files and remove it"
    )
    assert everything(folder) == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_journal_that_is_a_fifo_is_refused_without_hanging(folder: Path) -> None:
    os.mkfifo(folder / "journal.json")
    with pytest.raises(OSError) as err:
        settle(folder / "journal.json")
    assert "(not a regular file)" in str(err.value.strerror)


def test_validate_names_a_journal_that_is_not_ours(package: Path) -> None:
    root = package.parent
    (root / CHANGE_JOURNAL).write_bytes(_text(format=2))
    result = CliRunner().invoke(app, ["validate", str(root)])
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"error: {root / CHANGE_JOURNAL}: not a journal of an interrupted change as "
        "ukraine-talks writes one (not a journal of this format); check the folder's files "
        "and remove it\n"
    )
