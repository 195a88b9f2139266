"""`ukraine-talks coverage`: a quotation span is covered by a statement or an exclusion."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import read_rows, write_rows
from ukraine_talks_data.cli import app
from ukraine_talks_data.views.coverage import coverage

runner = CliRunner()


def _first_uncovered(package: Path) -> tuple[str, int, int, str]:
    """Remove whatever covers the first quotation span, and return that span."""
    first = coverage(package)[0]
    data = package.parent / "data"
    for name in ("statements", "coverage_exclusions"):
        rows = [
            r
            for r in read_rows(data / f"{name}.csv")
            if not (
                r["source_id"] == first.source_id
                and int(r["start_char"]) <= first.span.start
                and first.span.end <= int(r["end_char"])
            )
        ]
        write_rows(data / f"{name}.csv", rows)
    return first.source_id, first.span.start, first.span.end, first.text


def test_uncovered_span_fails_and_an_exclusion_covers_it(package: Path) -> None:
    source_id, start, end, text = _first_uncovered(package)
    result = runner.invoke(app, ["coverage", str(package), "--uncovered"])
    assert result.exit_code == 1
    assert f"{source_id}:{start}-{end}\tUNCOVERED\t{text!r}" in result.stdout.splitlines()

    exclusions = package.parent / "data" / "coverage_exclusions.csv"
    rows = read_rows(exclusions)
    rows.append(
        {
            "source_id": source_id,
            "start_char": str(start),
            "end_char": str(end),
            "text": text,
            "reason": "test exclusion",
        }
    )
    rows.sort(key=lambda r: (r["source_id"], int(r["start_char"])))
    write_rows(exclusions, rows)
    (after,) = [q for q in coverage(package) if (q.source_id, q.span.start) == (source_id, start)]
    assert after.covered and after.exclusion == "test exclusion" and after.statements == ()


def test_statement_containing_the_span_covers_it(package: Path) -> None:
    source_id, start, end, _ = _first_uncovered(package)
    statements = package.parent / "data" / "statements.csv"
    rows = read_rows(statements)
    row = dict(rows[0])
    seed_path = next(
        r["path"]
        for r in read_rows(package.parent / "data" / "sources.csv")
        if r["source_id"] == source_id
    )
    seed = (package.parent / seed_path).read_bytes().decode("utf-8")
    row.update(
        statement_id="ST9999",
        source_id=source_id,
        start_char=str(start - 1),
        end_char=str(end + 1),
        text=seed[start - 1 : end + 1],
    )
    write_rows(statements, [*rows, row])
    (after,) = [q for q in coverage(package) if (q.source_id, q.span.start) == (source_id, start)]
    assert after.statements == ("ST9999",)


def test_every_quotation_span_in_the_bundled_seeds_is_covered() -> None:
    result = runner.invoke(app, ["coverage", "--uncovered"])
    spans = coverage()
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines() == [f"{len(spans)} of {len(spans)} quotation spans covered"]
    assert len(spans) > 0


def _directory(seed: Path) -> str:
    seed.unlink()
    seed.mkdir()
    return "cannot be read (is a directory, not a file)"


def _missing(seed: Path) -> str:
    seed.unlink()
    return "cannot be read (no file at this path)"


def _latin1(seed: Path) -> str:
    size = seed.stat().st_size
    seed.write_bytes(seed.read_bytes() + b"\xe9")
    return f"is not UTF-8 (unexpected end of data at byte {size})"


@pytest.mark.parametrize(
    "damage", [_directory, _missing, _latin1], ids=["folder", "gone", "latin-1"]
)
def test_a_seed_that_cannot_be_read_is_an_error(
    package: Path, damage: Callable[[Path], str]
) -> None:
    """Exit 2 naming the seed: its quotation spans were left out without a word, and the
    rest reported 'N of N quotation spans covered', exit 0."""
    row = read_rows(package.parent / "data" / "sources.csv")[1]
    problem = damage(package.parent / row["path"])
    result = runner.invoke(app, ["coverage", str(package)])
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: {row['path']}: the seed of {row['source_id']} {problem}; `ukraine-talks "
        "validate` says more\n",
    )
