"""The January 2022 Russia–US/NATO/OSCE security talks as span-verified tables.

>>> import ukraine_talks_data as u
>>> u.tables()[:3]
['sources', 'actors', 'events']

Importing this package is cheap: it imports nothing until a function is first used, and
pyarrow, frictionless and pandas only inside the functions that need them.
"""

from ._version import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .accessor import UnknownTableError, load, records, tables

__all__ = ["UnknownTableError", "__version__", "load", "records", "tables"]


def __getattr__(name: str) -> object:
    """The public API, imported from accessor.py on first use (PEP 562)."""
    if name in ("UnknownTableError", "load", "records", "tables"):
        from . import accessor

        return getattr(accessor, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
