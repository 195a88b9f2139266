"""Handing a loaded table to the caller's dataframe library: Arrow, pandas or polars.

pandas and polars are optional extras; asking for one that is not installed raises
`MissingExtraError` naming the extra to install.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from .._optional import require
from ..errors import MissingExtraError

if TYPE_CHECKING:
    import pyarrow as pa

Backend = Literal["arrow", "pandas", "polars"]
BACKENDS: tuple[Backend, ...] = ("arrow", "pandas", "polars")

__all__ = ["BACKENDS", "Backend", "MissingExtraError", "require", "to_backend"]


def to_backend(table: pa.Table, backend: str) -> Any:
    """`table` as the `backend` library's table type.

    pandas: integer and boolean columns use pandas' nullable dtypes (Int64, boolean), dates
    are `datetime.date` objects and lists are arrays of strings. polars: `polars.from_arrow`.
    """
    if backend == "arrow":
        return table
    if backend == "pandas":
        pd = require("pandas", "pandas", "load(..., backend='pandas')")
        import pyarrow as pa

        mapping = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
        return table.to_pandas(types_mapper=mapping.get)
    if backend == "polars":
        pl = require("polars", "polars", "load(..., backend='polars')")
        return pl.from_arrow(table)
    raise ValueError(f"unknown backend {backend!r}; choose one of: {', '.join(BACKENDS)}")
