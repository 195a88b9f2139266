"""One exception base: every error the package raises on purpose is a UkraineTalksError, and
the CLI turns any of them into `error: …` and an exit status."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ukraine_talks_data import errors
from ukraine_talks_data.cli import app

runner = CliRunner()
CLASSES = [
    c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, BaseException)
]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_error_is_a_ukraine_talks_error(cls: type[BaseException]) -> None:
    assert issubclass(cls, errors.UkraineTalksError)


@pytest.mark.parametrize(
    ("cls", "builtin"),
    [
        (errors.UnknownTableError, KeyError),
        (errors.MissingExtraError, ImportError),
        (errors.QueryError, ValueError),
        (errors.TimelineError, ValueError),
        (errors.ExplorerError, RuntimeError),
        (errors.BuildError, errors.PublishError),
        (errors.ReleaseError, errors.PublishError),
        (errors.HashMismatchError, errors.RemoteError),
    ],
)
def test_older_except_clauses_still_match(cls: type[Exception], builtin: type[Exception]) -> None:
    assert issubclass(cls, builtin)


def test_a_load_error_ends_the_command_with_a_message(tmp_path: Path) -> None:
    result = runner.invoke(app, ["coverage", str(tmp_path / "missing" / "datapackage.json")])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "no such file" in result.stderr
