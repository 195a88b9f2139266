"""The January 2022 Russia–US/NATO/OSCE security talks as span-verified tables.

>>> import ukraine_talks_data as u
>>> u.tables()[:3]
['sources', 'actors', 'events']

Importing this package is cheap: pyarrow, frictionless and pandas are imported only
by the functions that use them.
"""

from ._version import __version__
from .accessor import UnknownTableError, clear_cache, load, records, tables
from .extras import MissingExtraError

__all__ = [
    "MissingExtraError",
    "UnknownTableError",
    "__version__",
    "clear_cache",
    "load",
    "records",
    "tables",
]
