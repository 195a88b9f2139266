"""The synthetic benchmark package (bench/generate.py) follows the schemas: it is valid.

The benchmark's target (synthetic 1M against stock Frictionless) means nothing on a package
that is invalid; the generator once wrote the tables of before the audit and nobody saw.
Here a small package is generated and validated every way the benchmark and the tests
validate: the default engine (whole and in 4 KiB pieces, as it reads a large file), the
reference engine, and stock Frictionless on the descriptor (the benchmark's baseline).
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from ukraine_talks_data.package.relations import field_names
from ukraine_talks_data.package.schemas import is_required, table_schema
from ukraine_talks_data.validate import Engine, validate_package
from ukraine_talks_data.validate.csv import plain
from ukraine_talks_data.validate.engine import run

BENCH = Path(__file__).resolve().parent.parent / "bench"
STATEMENTS = 1_000


@pytest.fixture(scope="module")
def generate() -> ModuleType:
    """bench/generate.py as a module (it imports bench/package_writer.py beside it)."""
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("bench_generate", BENCH / "generate.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH))
    return module


@pytest.fixture(scope="module")
def synthetic(generate: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic package of 1,000 statements; its datapackage.json."""
    path: Path = generate.generate(STATEMENTS, tmp_path_factory.mktemp("synthetic") / "1k")
    return path


@pytest.mark.parametrize(
    ("engine", "arrow", "piece"),
    [("columns", True, None), ("columns", True, 4096), ("columns", False, None),
     ("frictionless", True, None)],
    ids=["columns", "columns-in-pieces", "columns-csv-module", "frictionless"],
)  # fmt: skip
def test_synthetic_package_is_valid(
    synthetic: Path, engine: Engine, arrow: bool, piece: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run, "ARROW", arrow)
    if piece:
        monkeypatch.setattr(plain, "PIECE_BYTES", piece)
    report = validate_package(synthetic, engine=engine)
    assert [issue.line() for issue in report.sorted()] == []
    assert report.checked["statements"] == STATEMENTS


def test_synthetic_package_is_valid_for_stock_frictionless(synthetic: Path) -> None:
    from frictionless import Package

    report = Package(str(synthetic)).validate()
    assert report.flatten(["taskNumber", "rowNumber", "fieldName", "type", "note"]) == []


def test_every_table_has_every_field_in_schema_order(synthetic: Path) -> None:
    import csv

    for name in ("sources", "actors", "events", "statements"):
        with (synthetic.parent / "data" / f"{name}.csv").open(encoding="utf-8") as fh:
            header, first = next(csv.reader(fh)), next(csv.DictReader(fh, field_names(name)))
        assert header == field_names(name)
        assert all(first[f["name"]] for f in table_schema(name)["fields"] if is_required(f))


def test_generation_is_deterministic(generate: ModuleType, synthetic: Path, tmp_path: Path) -> None:
    again = generate.generate(STATEMENTS, tmp_path / "again")
    assert again.read_bytes() == synthetic.read_bytes()  # it holds every file's hash


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"source_id": "S000", "nonesuch": "x"}, "fields not in the schema ['nonesuch']"),
        ({"source_id": "S000"}, "required fields empty ['language', 'outlet_basis', 'path'"),
    ],
)
def test_a_row_off_its_schema_stops_the_generator(
    generate: ModuleType, tmp_path: Path, row: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(f"sources row 1: {message}")):
        generate.write_table(tmp_path / "sources.csv", "sources", [row])


@pytest.mark.parametrize(
    ("table", "field", "number", "expected"),
    [("statements", "statement_id", 7, "ST0007"), ("events", "event_id", 12, "E012"),
     ("evidence", "evidence_id", 12345, "EV12345"), ("sources", "source_id", 0, "S000")],
)  # fmt: skip
def test_numbered_ids_follow_the_schema_patterns(
    generate: ModuleType, table: str, field: str, number: int, expected: str
) -> None:
    assert generate.numbered(table, field)(number) == expected


def test_a_pattern_of_another_form_is_refused(generate: ModuleType) -> None:
    with pytest.raises(ValueError, match=re.escape("actors.actor_id: pattern '^[a-z][a-z0-9_]*$'")):
        generate.numbered("actors", "actor_id")
