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
    are `datetime64` (so `df.date >= "2022-01-14"` works; a missing date is `NaT`) and list
    cells are Python lists, an empty cell an empty list. polars: `polars.from_arrow`.
    """
    if backend == "arrow":
        return table
    if backend == "pandas":
        pd = require("pandas", "pandas", "load(..., backend='pandas')")
        import pyarrow as pa

        mapping = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
        frame = table.to_pandas(types_mapper=mapping.get, date_as_object=False)
        for name, kind in zip(table.column_names, table.schema.types, strict=True):
            if pa.types.is_list(kind) or pa.types.is_large_list(kind):
                frame[name] = pd.Series(
                    [value or [] for value in table.column(name).to_pylist()],
                    index=frame.index,
                    dtype=object,
                )
        return frame
    if backend == "polars":
        pl = require("polars", "polars", "load(..., backend='polars')")
        return pl.from_arrow(table)
    raise ValueError(f"unknown backend {backend!r}; choose one of: {', '.join(BACKENDS)}")
