"""load() with each backend, its errors, and a light import."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import polars as pl
import pytest

import ukraine_talks_data as u
from conftest import read_rows
from ukraine_talks_data.package.bundle import bundle_dir
from ukraine_talks_data.package.schemas import table_path, table_schema

ROOT = bundle_dir()


@pytest.mark.parametrize("table", u.tables())
def test_pandas_backend(table: str) -> None:
    df = u.load(table, "pandas")
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == [f["name"] for f in table_schema(table)["fields"]]
    assert len(df) == len(read_rows(ROOT / table_path(table)))
    for field in table_schema(table)["fields"]:
        if field["type"] == "integer":
            assert df[field["name"]].dtype == pd.Int64Dtype(), field["name"]
        if field["type"] == "date":
            assert pd.api.types.is_datetime64_dtype(df[field["name"]]), field["name"]
        if field["type"] == "list":
            assert all(isinstance(v, list) for v in df[field["name"]]), field["name"]


def test_pandas_dates_compare_with_strings_and_timestamps() -> None:
    df = u.load("statements", "pandas")
    dates = [r["date"] for r in u.load("statements").to_pylist()]
    expected = sum(1 for d in dates if d.isoformat() >= "2022-01-14")
    assert int((df.date >= "2022-01-14").sum()) == expected
    assert int((df.date >= pd.Timestamp("2022-01-14")).sum()) == expected


@pytest.mark.parametrize("table", u.tables())
def test_polars_backend(table: str) -> None:
    df = u.load(table, "polars")
    assert isinstance(df, pl.DataFrame)
    assert df.columns == [f["name"] for f in table_schema(table)["fields"]]
    assert df.height == len(read_rows(ROOT / table_path(table)))
    expected = {"date": pl.Date, "integer": pl.Int64, "list": pl.List(pl.String)}
    for field in table_schema(table)["fields"]:
        if field["type"] in expected:
            assert df.schema[field["name"]] == expected[field["type"]], field["name"]


def test_backends_hold_the_same_values() -> None:
    arrow = u.load("actors").to_pylist()
    assert u.load("actors", "polars").to_dicts() == arrow
    frame = u.load("actors", "pandas")
    assert frame["actor_id"].tolist() == [r["actor_id"] for r in arrow]
    # pandas: an empty list cell is an empty list, not None.
    assert frame["aliases"].tolist() == [r["aliases"] or [] for r in arrow]


@pytest.mark.parametrize(("backend", "extra"), [("pandas", "pandas"), ("polars", "polars")])
def test_missing_backend_names_the_extra(
    backend: str, extra: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, backend, None)
    with pytest.raises(u.MissingExtraError) as err:
        u.load("actors", backend)  # type: ignore[call-overload]
    assert str(err.value) == (
        f"load(..., backend='{backend}') needs {backend}, which is not installed; install the "
        f"{extra!r} extra: pip install 'ukraine-talks-data[{extra}]'"
    )


def test_unknown_backend_and_source() -> None:
    with pytest.raises(ValueError, match="unknown backend 'spark'; choose one of: arrow, pandas"):
        u.load("actors", "spark")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="unknown source 'ftp'; choose one of: bundled, remote"):
        u.load("actors", source="ftp")  # type: ignore[call-overload]


def test_import_loads_no_optional_library() -> None:
    optional = ("pyarrow", "pandas", "polars", "duckdb", "pooch", "platformdirs", "requests")
    code = (
        "import sys, ukraine_talks_data; "
        f"print(sorted(m for m in {optional!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
