"""Every snippet in README.md and docs/analysis.md runs: Python blocks in order (one namespace
per file), and each `ukraine-talks` command of the shell blocks through the CLI, in an empty
folder, unless it is one of the few listed here with the reason it is not run."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ukraine_talks_data.cli import app
from ukraine_talks_data.package.bundle import bundle_dir

ROOT = bundle_dir()
DOCS = ("README.md", "docs/analysis.md")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)

NOT_RUN = {
    'source="remote"': "downloads from an example address (tests/test_remote.py fakes it)",
    "ukraine-talks serve": "runs a server until stopped (tests/test_explorer.py runs it)",
    "ukraine-talks build": "rewrites the checkout's files (tests/test_build.py, on a copy)",
    "ukraine-talks release": "writes into the checkout (tests/test_release.py, elsewhere)",
    "ukraine-talks clear-cache": "deletes the user's download cache",
    "path/to/": "a placeholder path",
    "ukraine-talks add-source": "changes the checkout (test_contribute.py runs it on a copy)",
    "ukraine-talks suggest S005": "needs the source added just before (tests/test_contribute.py)",
    "ukraine-talks accept": "changes the checkout (test_contribute.py runs it on a copy)",
}
"""Snippet text → why a snippet or command holding it is not run here."""

checkout = pytest.mark.skipif(not (ROOT / "README.md").is_file(), reason="not a source checkout")


def blocks(doc: str, language: str) -> list[str]:
    text = (ROOT / doc).read_text(encoding="utf-8")
    return [body for lang, body in FENCE.findall(text) if lang == language]


def skipped(text: str) -> bool:
    return any(marker in text for marker in NOT_RUN)


def commands(doc: str) -> list[str]:
    """The `ukraine-talks` command lines of `doc`'s sh blocks, comments dropped."""
    out = []
    for body in blocks(doc, "sh"):
        for line in body.splitlines():
            line = line.strip()
            if line.startswith("ukraine-talks "):
                out.append(shlex.join(shlex.split(line, comments=True)))
    return out


@checkout
@pytest.mark.parametrize("doc", DOCS)
def test_python_snippets_run(doc: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pandas")
    monkeypatch.chdir(tmp_path)
    snippets = blocks(doc, "python")
    assert snippets, doc
    namespace: dict[str, object] = {}
    ran = 0
    for snippet in snippets:
        if skipped(snippet):
            continue
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(snippet, f"{doc} snippet", "exec"), namespace)
        if "print(" in snippet:
            assert printed.getvalue().strip(), f"{doc}: a snippet printed nothing:\n{snippet}"
        ran += 1
    assert ran >= len(snippets) - 1


@checkout
@pytest.mark.parametrize(
    "command", [c for doc in DOCS for c in commands(doc) if not skipped(c)], ids=str
)
def test_commands_run(command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()  # for `timeline --out docs/timeline.svg`
    (tmp_path / "out").mkdir()
    result = CliRunner().invoke(app, shlex.split(command)[1:])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip()


@checkout
def test_the_analysis_page_answers_each_question_in_five_lines_at_most() -> None:
    text = (ROOT / "docs/analysis.md").read_text(encoding="utf-8")
    questions = re.split(r"^## ", text, flags=re.MULTILINE)[1:]
    assert len(questions) == 3
    for question in questions:
        first = FENCE.search(question)
        assert first is not None and first.group(1) == "python", question[:60]
        lines = [x for x in first.group(2).splitlines() if x.strip()]
        assert len(lines) <= 5, question[:60]
