"""Reading a table of a package folder: its built Parquet file if there is one, else its CSV.

Parquet (data/parquet/<table>.parquet) is typed already and reads several times faster than
CSV; the CSV is read with the types its Table Schema declares (arrow.read_csv).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .schemas import table_path, table_schema

if TYPE_CHECKING:
    import pyarrow as pa


def parquet_path(root: Path, name: str) -> Path:
    """Where the Parquet file of table `name` lives in the package folder `root`."""
    return root / "data" / "parquet" / f"{name}.parquet"


def load_table(root: Path, name: str) -> pa.Table:
    """Table `name` of the package folder `root` (laid out as the bundled package)."""
    parquet = parquet_path(root, name)
    if parquet.is_file():
        import pyarrow.parquet as pq

        table: pa.Table = pq.read_table(parquet)
        return table
    from .arrow import read_csv

    return read_csv(root / table_path(name), table_schema(name))
