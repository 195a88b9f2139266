"""The accessor: load() gives typed Arrow tables, records() typed models, with clear errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

import ukraine_talks_data as u
from conftest import read_rows
from ukraine_talks_data.package.bundle import bundle_dir
from ukraine_talks_data.package.schemas import table_path


@pytest.mark.parametrize("table", u.tables())
def test_load_has_every_csv_row(table: str) -> None:
    rows = read_rows(bundle_dir() / table_path(table))
    loaded = u.load(table)
    assert loaded.num_rows == len(rows)
    assert loaded.column_names == list(rows[0]) if rows else True
    key = loaded.column_names[0]
    assert [str(v) for v in loaded.column(key).to_pylist()] == [r[key] for r in rows]


@pytest.mark.parametrize("table", u.tables())
def test_records_are_models_of_the_table(table: str) -> None:
    from ukraine_talks_data.package.models import MODELS

    records = list(u.records(table))
    assert len(records) == u.load(table).num_rows
    assert all(type(r) is MODELS[table] for r in records)


def test_types_are_converted() -> None:
    sources = u.load("sources").to_pylist()
    assert all(isinstance(s["sha256"], str) for s in sources)
    statements = u.load("statements").to_pylist()
    first = statements[0]
    assert isinstance(first["start_char"], int)
    assert first["date"].year == 2022
    actors = u.load("actors").to_pylist()
    assert any(isinstance(a["aliases"], list) and len(a["aliases"]) > 1 for a in actors)


def test_unknown_table_lists_valid_names() -> None:
    with pytest.raises(u.UnknownTableError) as err:
        u.load("statement")
    assert str(err.value) == f"no table named 'statement'; the tables are: {', '.join(u.tables())}"


def test_import_does_not_load_heavy_libraries() -> None:
    code = (
        "import sys, ukraine_talks_data; "
        "print(sorted(m for m in ('pyarrow', 'frictionless', 'pandas', 'typer', 'pydantic') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
