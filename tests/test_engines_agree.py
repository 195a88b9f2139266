"""Differential test: the column engine reports exactly what the reference engine reports.

Two corpora: the corruption corpus and the validator-safety tests (their tests are
collected again here, with every `validate_package` call made by both engines and both
paths of the column engine — the csv module for small packages, Arrow + DuckDB for large
ones — and the reports compared before the test's own assertions run on the reference
report), and the damaged copies in `damages.DAMAGES`.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from conftest import copy_package
from damages import DAMAGES, Damage
from test_corruption_corpus import *  # noqa: F403 - the corpus, collected again here
from test_validator_safety import *  # noqa: F403
from ukraine_talks_data import validate
from ukraine_talks_data.validate.engine import run
from ukraine_talks_data.validate.report.issues import Report

_reference = validate.validate_package


def both_engines(*args: Any, **kwargs: Any) -> Report:
    """`validate_package` by every engine and path; the reports must agree."""
    kwargs.pop("engine", None)
    expected = _reference(*args, engine="frictionless", **kwargs)
    for arrow in (True, False):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(run, "ARROW", arrow)
            got = _reference(*args, engine="columns", **kwargs)
        assert Counter(got.issues) == Counter(expected.issues), f"arrow={arrow}"
        assert got.checked == expected.checked
    return expected


@pytest.fixture(autouse=True)
def _compare_engines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate, "validate_package", both_engines)


@pytest.mark.parametrize(("name", "damage"), DAMAGES, ids=[name for name, _ in DAMAGES])
def test_engines_report_the_same_issues(tmp_path: Path, name: str, damage: Damage) -> None:
    package = copy_package(tmp_path / "pkg")
    damage(package.parent)
    validate.validate_package(package)  # both_engines compares the engines' reports


def test_the_shipped_package_is_valid_by_both_engines() -> None:
    assert validate.validate_package().valid
