"""Loading the tables: bundled (Parquet when fresh, else CSV) or downloaded; as Arrow, pandas
or polars tables, or as typed pydantic records."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal, overload

from ..errors import LoadError
from ..errors import UnknownTableError as UnknownTableError
from ..package.bundle import bundle_dir
from ..package.schemas import table_names, table_path, table_schema
from .backends import BACKENDS, Backend, to_backend

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    from ..package.models import Record

Source = Literal["bundled", "remote"]
SOURCES: tuple[Source, ...] = ("bundled", "remote")


def tables() -> list[str]:
    """Names of the tables in the bundled dataset."""
    return table_names()


def _check_name(name: str) -> None:
    if name not in table_names():
        raise UnknownTableError(
            f"no table named {name!r}; the tables are: {', '.join(table_names())}"
        )


def bundled_table(name: str) -> pa.Table:
    """Table `name` from the files bundled with the package.

    The Parquet file in data/parquet/ is read when it was built from the CSV as it is now
    (it records the CSV's SHA-256); otherwise the CSV is read. Both give the same table.
    """
    from .arrow import read_csv
    from .parquet import PARQUET_DIR, fresh_parquet, parquet_file_name

    schema = table_schema(name)
    csv = bundle_dir() / table_path(name)
    parquet = bundle_dir() / PARQUET_DIR / parquet_file_name(name)
    table = fresh_parquet(parquet, csv, schema)
    if table is not None:
        return table
    try:
        return read_csv(csv, schema)
    except (ValueError, OSError) as exc:  # a damaged or missing file: Arrow's own errors
        raise LoadError(
            f"the bundled table {name} cannot be read from {csv} ({exc}); check it with "
            "`ukraine-talks validate`, or reinstall ukraine-talks-data"
        ) from None


def remote_table(name: str, base_url: str | None = None, timeout: float | None = None) -> pa.Table:
    """Table `name` from a release's Parquet file, downloaded (or cached) and hash-verified."""
    from ..package.types import arrow_schema
    from .parquet import CSV_SHA256_KEY, read_parquet_file
    from .remote import RemoteError, fetch

    path = fetch(name, base_url=base_url, timeout=timeout)
    table = read_parquet_file(path)
    metadata = dict(table.schema.metadata or {})
    metadata.pop(CSV_SHA256_KEY.encode(), None)
    table = table.replace_schema_metadata(metadata)
    if not table.schema.equals(arrow_schema(table_schema(name)), check_metadata=True):
        raise RemoteError(f"{path}: its schema differs from the {name} table of this version")
    return table


@overload
def load(
    name: str,
    backend: Literal["arrow"] = "arrow",
    *,
    source: Source = "bundled",
    base_url: str | None = None,
    timeout: float | None = None,
) -> pa.Table: ...
@overload
def load(
    name: str,
    backend: Literal["pandas"],
    *,
    source: Source = "bundled",
    base_url: str | None = None,
    timeout: float | None = None,
) -> pd.DataFrame: ...
@overload
def load(
    name: str,
    backend: Literal["polars"],
    *,
    source: Source = "bundled",
    base_url: str | None = None,
    timeout: float | None = None,
) -> pl.DataFrame: ...
def load(
    name: str,
    backend: Backend = "arrow",
    *,
    source: Source = "bundled",
    base_url: str | None = None,
    timeout: float | None = None,
) -> Any:
    """Table `name`, typed per its Table Schema, as a `backend` table.

    backend: "arrow" (a `pyarrow.Table`), "pandas" or "polars" (extras of the same names).
    source: "bundled" reads the files installed with the package; "remote" downloads the
    release's Parquet file from `base_url` (or `UKRAINE_TALKS_BASE_URL`), checks its SHA-256
    against the bundled descriptor and caches it (see `ukraine_talks_data.loading.remote`);
    `timeout` bounds the whole download of the file, in seconds (default 30).
    """
    _check_name(name)
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of: {', '.join(BACKENDS)}")
    if source == "bundled":
        table = bundled_table(name)
    elif source == "remote":
        table = remote_table(name, base_url=base_url, timeout=timeout)
    else:
        raise ValueError(f"unknown source {source!r}; choose one of: {', '.join(SOURCES)}")
    return to_backend(table, backend)


def clear_cache() -> list[str]:
    """Delete downloaded files from the cache (see `load(..., source="remote")`); return them."""
    from .remote import clear_cache as clear

    return [str(p) for p in clear()]


def records(name: str) -> Iterator[Record]:
    """The rows of table `name` as pydantic models (one class per table, see `models`)."""
    from ..package.models import MODELS

    model = MODELS.get(name)
    if model is None:
        _check_name(name)
        raise UnknownTableError(f"no model for table {name!r}; regenerate models.py")
    for row in load(name).to_pylist():
        yield model.model_validate(row)
