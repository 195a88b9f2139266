"""Handing a loaded table to the caller's dataframe library: Arrow, pandas or polars.

pandas and polars are optional extras; asking for one that is not installed raises
`MissingExtraError` naming the extra to install.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pyarrow as pa

Backend = Literal["arrow", "pandas", "polars"]
BACKENDS: tuple[Backend, ...] = ("arrow", "pandas", "polars")


class MissingExtraError(ImportError):
    """An optional library is not installed; the message names the extra that installs it."""


def require(module: str, extra: str, purpose: str) -> ModuleType:
    """Import `module`, or raise MissingExtraError saying which extra provides it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(
            f"{purpose} needs {module}, which is not installed; install it with: "
            f"pip install 'ukraine-talks-data[{extra}]'"
        ) from None


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
