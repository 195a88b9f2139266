"""Differential test: the column engine reports exactly what the reference engine reports.

The default engine runs three ways: Arrow reading the files whole, Arrow reading them in
4 KiB pieces (as it reads files larger than `PIECE_BYTES`; the key store writing their
kept columns to files, as beyond `HELD_LIMIT`; each piece's rules in two threads), and
the csv module's records.
Two corpora: the case tables of the corruption corpus and the validator-safety tests (each
case's damaged copy validated by the reference engine and by the three ways of the default
engine, the reports compared, then the case's own expected lines checked on the reference
report), and the damaged copies in `damages.DAMAGES`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import copy_package
from damage import Case, deadline, params, report_lines, rewrite_columns
from damages import DAMAGES, Damage
from test_corruption_corpus import CASES as CORPUS
from test_validator_safety import CASES as SAFETY
from test_validator_safety import POSIX
from ukraine_talks_data.validate import rules, validate_package
from ukraine_talks_data.validate.csv import plain
from ukraine_talks_data.validate.engine import run
from ukraine_talks_data.validate.report.issues import Report
from ukraine_talks_data.validate.tables import store

PIECE = 4096
"""Bytes per piece in the second way of the default engine: the shipped tables over 4 KiB
(statements in 11 pieces, evidence in 10, sources in 2) are then read, checked and let go
of a piece at a time, as a large file is."""


def compare_engines(package: Path | None = None, *, reference_schemas: bool = True) -> Report:
    """`validate_package` by every engine and path; the reports must agree. Returns the
    reference report."""
    expected = validate_package(package, engine="frictionless", reference_schemas=reference_schemas)
    for arrow, piece in ((True, None), (True, PIECE), (False, None)):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(run, "ARROW", arrow)
            if piece:  # each table's pieces after its first written to Parquet files, and
                # each piece's rules in threads (as on a table of 10,000 rows or more)
                patch.setattr(plain, "PIECE_BYTES", piece)
                patch.setattr(store, "HELD_LIMIT", 0)
                patch.setattr(rules, "PARALLEL_ROWS", 0)
            got = validate_package(package, engine="columns", reference_schemas=reference_schemas)
        assert Counter(got.issues) == Counter(expected.issues), f"arrow={arrow}, piece={piece}"
        assert got.checked == expected.checked
    return expected


@pytest.mark.parametrize("case", params(CORPUS) + params(SAFETY, POSIX))
def test_engines_agree_on_the_corpus(package: Path, case: Case, no_network: list[str]) -> None:
    expected = case.damage(package)
    with deadline(60):
        report = compare_engines(package, reference_schemas=expected.reference_schemas)
    expected.check(*report_lines(report))
    assert no_network == []


@pytest.mark.parametrize(("name", "damage"), DAMAGES, ids=[name for name, _ in DAMAGES])
def test_engines_report_the_same_issues(tmp_path: Path, name: str, damage: Damage) -> None:
    package = copy_package(tmp_path / "pkg")
    damage(package.parent)
    compare_engines(package)


def _label(table: str, position: int, label: str) -> Callable[[Path], None]:
    """Replace header label `position` (0-based) of `table` (the descriptor restamped)."""

    def damage(root: Path) -> None:
        def relabel(records: list[list[str]]) -> list[list[str]]:
            records[0][position] = label
            return records

        rewrite_columns(root / "data" / f"{table}.csv", relabel)

    return damage


FOUND: list[tuple[str, Callable[[Path], None], list[str]]] = [
    # Found by fuzzing the two engines, minimised. Where ours is stricter, the case says so.
    *(
        (
            # Stricter: a label is compared as written, so spaces are a misnamed label, not a
            # blank one (Frictionless strips it, and said blank-label beside our error).
            f"header label of {label!r}",
            _label("actors", 1, label),
            [
                "data/actors.csv:1:name: incorrect-label: header cell 2 is misnamed: the schema "
                f"names this column name (value: {label!r})"
            ],
        )
        for label in [" ", "\t", "\u00a0 "]
    ),
]


@pytest.mark.parametrize(("name", "damage", "lines"), FOUND, ids=[name for name, _, _ in FOUND])
def test_cases_found_by_fuzzing(
    tmp_path: Path, name: str, damage: Callable[[Path], None], lines: list[str]
) -> None:
    package = copy_package(tmp_path / "pkg")
    damage(package.parent)
    assert report_lines(compare_engines(package)) == (1, lines)


def test_the_shipped_package_is_valid_by_both_engines() -> None:
    assert compare_engines().valid
