"""Atomic writes: a writer killed or failing midway leaves the previous file whole."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ukraine_talks_data import _atomic as atomic
from ukraine_talks_data._atomic import atomic_folder, atomic_path, write_bytes_atomic


def test_killed_writer_leaves_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "table.parquet"
    target.write_bytes(b"previous")
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from ukraine_talks_data._atomic import atomic_path\n"
        f"with atomic_path(Path({str(target)!r})) as tmp:\n"
        "    tmp.write_bytes(b'half of the new')\n"
        "    print('writing', flush=True)\n"
        "    time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "writing\n"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert target.read_bytes() == b"previous"


def test_failed_write_leaves_previous_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "table.parquet"
    target.write_bytes(b"previous")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["table.parquet"]


def test_write_replaces_and_creates_folders(tmp_path: Path) -> None:
    target = tmp_path / "new" / "file.bin"
    write_bytes_atomic(target, b"one")
    write_bytes_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["file.bin"]


def test_folder_is_swapped_in_whole(tmp_path: Path) -> None:
    out = tmp_path / "release"
    out.mkdir()
    (out / "old.txt").write_text("old")
    with pytest.raises(RuntimeError), atomic_folder(out) as tmp:
        (tmp / "new.txt").write_text("new")
        raise RuntimeError("stopped")
    assert [p.name for p in out.iterdir()] == ["old.txt"]
    with atomic_folder(out) as tmp:
        (tmp / "new.txt").write_text("new")
    assert [p.name for p in out.iterdir()] == ["new.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["release"]


def _leave_debris(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make clean-up do nothing, as for a process killed before its `finally` blocks ran."""
    monkeypatch.setattr(shutil, "rmtree", lambda *a, **k: None)


def test_leftovers_of_a_killed_write_go_with_the_next_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "talks.sqlite"
    with monkeypatch.context() as patch:
        _leave_debris(patch)
        with pytest.raises(KeyboardInterrupt), atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise KeyboardInterrupt
    assert [p.name for p in atomic.leftovers(target)] != []
    write_bytes_atomic(target, b"whole")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["talks.sqlite"]


def test_a_swap_killed_between_its_renames_is_undone_by_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "jsonl"
    out.mkdir()
    (out / "old.jsonl").write_text("old")
    real = Path.replace
    renames: list[Path] = []

    def killed_at_second_rename(self: Path, target: Path) -> Path:
        renames.append(self)
        if len(renames) >= 2:  # killed: no rename after this one happens
            raise KeyboardInterrupt
        return real(self, target)

    with monkeypatch.context() as patch:
        _leave_debris(patch)
        patch.setattr(atomic, "exchange", lambda a, b: False)  # as where there is none
        patch.setattr(Path, "replace", killed_at_second_rename)
        with pytest.raises(KeyboardInterrupt), atomic_folder(out) as tmp:
            (tmp / "new.jsonl").write_text("new")
    assert not out.exists()
    # The kill came with the old folder moved aside and the new one not yet in place;
    # the next run puts the old one back, then swaps in its own, and leaves nothing else.
    with pytest.raises(RuntimeError), atomic_folder(out):
        assert [p.name for p in out.iterdir()] == ["old.jsonl"]
        raise RuntimeError("stopped")
    assert [p.name for p in out.iterdir()] == ["old.jsonl"]
    assert [p.name for p in tmp_path.iterdir()] == ["jsonl"]


def test_leftovers_of_running_processes_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "x.bin"
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        busy = tmp_path / f".x.bin.{alive.pid}-abc.tmp"
        busy.mkdir()
        dead = tmp_path / ".x.bin.999999999-abc.tmp"
        dead.mkdir()
        write_bytes_atomic(target, b"data")
        assert sorted(p.name for p in tmp_path.iterdir()) == [busy.name, "x.bin"]
    finally:
        alive.kill()
        alive.wait()


@pytest.mark.parametrize("parents", [True, False])
def test_a_missing_folder_is_made_only_when_asked(tmp_path: Path, parents: bool) -> None:
    target = tmp_path / "missing" / "dir" / "report.txt"
    if parents:
        write_bytes_atomic(target, b"x", parents=True)
        assert target.read_bytes() == b"x"
        return
    with pytest.raises(FileNotFoundError) as err:
        write_bytes_atomic(target, b"x", parents=False)
    assert err.value.strerror == f"no such folder {target.parent}"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["", ".", "folder"])
def test_a_folder_is_never_written_as_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    with pytest.raises(IsADirectoryError):
        write_bytes_atomic(Path(name), b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder"]


@pytest.mark.skipif(sys.platform != "linux", reason="renameat2 is Linux's")
def test_folders_are_exchanged_in_one_step_on_linux(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    (one / "a").write_text("1")
    two.mkdir()
    (two / "b").write_text("2")
    assert atomic.exchange(one, two)
    assert [p.name for p in one.iterdir()] == ["b"]
    assert [p.name for p in two.iterdir()] == ["a"]


def test_a_group_failing_midway_puts_back_what_it_replaced(tmp_path: Path) -> None:
    folder, file = tmp_path / "parquet", tmp_path / "datapackage.json"
    folder.mkdir()
    (folder / "old.parquet").write_text("old")
    file.write_text("old")
    real = Path.replace

    def refuse_the_file(self: Path, target: Path) -> Path:
        if Path(target) == file:
            raise OSError(28, "No space left on device")
        return real(self, target)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "replace", refuse_the_file)
        with pytest.raises(OSError), atomic.atomic_group() as group:
            (group.folder(folder) / "new.parquet").write_text("new")
            group.file(file).write_text("new")
    assert [p.name for p in folder.iterdir()] == ["old.parquet"]
    assert file.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["datapackage.json", "parquet"]
