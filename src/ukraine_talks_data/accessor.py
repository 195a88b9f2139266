"""Loading the bundled tables: as Arrow tables, or as typed pydantic records."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .bundle import bundle_dir
from .schemas import table_names

if TYPE_CHECKING:
    import pyarrow as pa

    from .models import Record


class UnknownTableError(KeyError):
    """Raised for a table name the package does not have; the message lists the valid names."""

    def __str__(self) -> str:
        return str(self.args[0])


def tables() -> list[str]:
    """Names of the tables in the bundled dataset."""
    return table_names()


def _check_name(name: str) -> None:
    if name not in table_names():
        raise UnknownTableError(
            f"no table named {name!r}; the tables are: {', '.join(table_names())}"
        )


def load(name: str) -> pa.Table:
    """Table `name` of the bundled dataset as a `pyarrow.Table`, typed per its Table Schema."""
    _check_name(name)
    from .table_files import load_table

    return load_table(bundle_dir(), name)


def records(name: str) -> Iterator[Record]:
    """The rows of table `name` as pydantic models (one class per table, see `models`)."""
    from .models import MODELS

    model = MODELS.get(name)
    if model is None:
        _check_name(name)
        raise UnknownTableError(f"no model for table {name!r}; regenerate models.py")
    for row in load(name).to_pylist():
        yield model.model_validate(row)
