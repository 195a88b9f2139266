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
    from .analysis.api import actor_sides, demand_answers, statements_in_context, utterances
    from .errors import MissingExtraError, UnknownTableError
    from .loading.accessor import clear_cache, load, records, tables
    from .loading.texts import context, source_text

__all__ = [
    "MissingExtraError",
    "UnknownTableError",
    "__version__",
    "actor_sides",
    "clear_cache",
    "context",
    "demand_answers",
    "load",
    "records",
    "source_text",
    "statements_in_context",
    "tables",
    "utterances",
]

_LAZY = {
    "MissingExtraError": "errors",
    "UnknownTableError": "errors",
    "clear_cache": "loading.accessor",
    "context": "loading.texts",
    "load": "loading.accessor",
    "records": "loading.accessor",
    "source_text": "loading.texts",
    "tables": "loading.accessor",
    "actor_sides": "analysis.api",
    "demand_answers": "analysis.api",
    "statements_in_context": "analysis.api",
    "utterances": "analysis.api",
}


def __getattr__(name: str) -> object:
    """The public API, imported from its module on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{module}", __name__), name)
