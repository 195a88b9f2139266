"""The analysis API: tables that answer the questions people ask, as Arrow, pandas or polars.

Re-exported by `ukraine_talks_data`:

>>> import ukraine_talks_data as u
>>> sides = u.actor_sides()                       # each actor's side, from actors.affiliation_id
>>> said = u.statements_in_context(chars=150)     # statements with speaker, side and context
>>> answers = u.demand_answers()                  # who stated, rejected or answered each demand
>>> acts = u.utterances()                         # each act, its attestations and sources

Each takes `backend` ("arrow", the default, "pandas" or "polars") as `load()` does: in
pandas, dates are `datetime64` and list cells Python lists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, overload

from ..loading.backends import Backend, to_backend
from ..loading.texts import DEFAULT_CHARS
from . import joins

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

# New columns and their Arrow types; the others keep their table's type.
_STRING, _INT, _LIST = "string", "int64", "list"
_NEW: dict[str, str] = {
    "side_id": _STRING,
    "side_name": _STRING,
    "speaker_name": _STRING,
    "speaker_side": _STRING,
    "source_title": _STRING,
    "context": _STRING,
    "context_start": _INT,
    "context_end": _INT,
    "demander_name": _STRING,
    "demander_side": _STRING,
    "utterance_ids": _LIST,
    "speaker_ids": _LIST,
    "speaker_names": _LIST,
    "speaker_sides": _LIST,
    "statement_ids": _LIST,
    "source_ids": _LIST,
    "n_sources": _INT,
    "n_attestations": _INT,
}


def _arrow(rows: list[dict[str, Any]], columns: list[str], *tables: str) -> pa.Table:
    """`rows` as an Arrow table with `columns`, each typed by `_NEW` or as in the first of
    `tables` that has it."""
    import pyarrow as pa

    from ..package.schemas import table_schema
    from ..package.types import arrow_schema

    simple = {_STRING: pa.string(), _INT: pa.int64(), _LIST: pa.list_(pa.string())}
    fields = []
    for name in columns:
        if name in _NEW:
            kind = simple[_NEW[name]]
        else:
            schemas = [arrow_schema(table_schema(t)) for t in tables]
            kind = next(x.field(name).type for x in schemas if name in x.names)
        fields.append(pa.field(name, kind))
    return pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows], pa.schema(fields))


def _fields(table: str) -> list[str]:
    from ..package.relations import field_names

    return field_names(table)


@overload
def actor_sides(backend: Literal["arrow"] = "arrow") -> pa.Table: ...
@overload
def actor_sides(backend: Literal["pandas"]) -> pd.DataFrame: ...
@overload
def actor_sides(backend: Literal["polars"]) -> pl.DataFrame: ...
def actor_sides(backend: Backend = "arrow") -> Any:
    """Every actor with the side it speaks for: `side_id` and `side_name`.

    The side is the first state on the actor's chain of `affiliation_id`s, itself included
    (Jen Psaki → White House → `us`); where the chain reaches no state, the organisation or
    group at its top (Stoltenberg → `nato`); none for an unaffiliated anonymous source.
    """
    rows = joins.actor_sides()
    columns = ["actor_id", "name", "kind", "affiliation_id", "side_id", "side_name"]
    return to_backend(_arrow(rows, columns, "actors"), backend)


@overload
def statements_in_context(
    backend: Literal["arrow"] = "arrow", *, chars: int = DEFAULT_CHARS
) -> pa.Table: ...
@overload
def statements_in_context(
    backend: Literal["pandas"], *, chars: int = DEFAULT_CHARS
) -> pd.DataFrame: ...
@overload
def statements_in_context(
    backend: Literal["polars"], *, chars: int = DEFAULT_CHARS
) -> pl.DataFrame: ...
def statements_in_context(backend: Backend = "arrow", *, chars: int = DEFAULT_CHARS) -> Any:
    """Every statement, with `speaker_name`, `speaker_side`, `source_title` and its context.

    `context` is the statement's span with up to `chars` characters of its source on either
    side; `context_start` and `context_end` are its offsets (`source_text(source_id)
    [context_start:context_end] == context`). By date, then statement_id.
    """
    rows = joins.statements_in_context(chars)
    extra = ["speaker_name", "speaker_side", "source_title", "context"]
    columns = [*_fields("statements"), *extra, "context_start", "context_end"]
    return to_backend(_arrow(rows, columns, "statements"), backend)


@overload
def demand_answers(backend: Literal["arrow"] = "arrow") -> pa.Table: ...
@overload
def demand_answers(backend: Literal["pandas"]) -> pd.DataFrame: ...
@overload
def demand_answers(backend: Literal["polars"]) -> pl.DataFrame: ...
def demand_answers(backend: Backend = "arrow") -> Any:
    """One row per statement that states, rejects or answers a demand, with who said it.

    Columns: the demand (`demand_id`, `summary`, `kind`, `status`, `demander_id`,
    `demander_name`, `demander_side`), the `relation` (states, rejects, answers) and the
    statement (`statement_id`, `date`, `speaker_id`, `speaker_name`, `speaker_side`,
    `quote_type`, and where it is written: `source_id`, `start_char`, `end_char`, `text`).
    """
    columns = [
        "demand_id",
        "summary",
        "kind",
        "status",
        "demander_id",
        "demander_name",
        "demander_side",
        "relation",
        "statement_id",
        "date",
        "speaker_id",
        "speaker_name",
        "speaker_side",
        "quote_type",
        "source_id",
        "start_char",
        "end_char",
        "text",
    ]
    return to_backend(
        _arrow(joins.demand_answers(), columns, "demands", "demand_statements", "statements"),
        backend,
    )


@overload
def utterances(backend: Literal["arrow"] = "arrow") -> pa.Table: ...
@overload
def utterances(backend: Literal["pandas"]) -> pd.DataFrame: ...
@overload
def utterances(backend: Literal["polars"]) -> pl.DataFrame: ...
def utterances(backend: Backend = "arrow") -> Any:
    """One row per act reported, with its attestations and the number of distinct sources.

    Columns: `utterance_ids`, `speaker_ids`, `speaker_names`, `speaker_sides`, `date` (the
    earliest), `statement_ids`, `source_ids`, `n_sources`, `n_attestations` (distinct
    spans) and `text` (the first attestation). A joint act recorded once per party (the same
    spans under each party's utterance) is one row, so counts do not double it.
    """
    columns = [
        "utterance_ids",
        "speaker_ids",
        "speaker_names",
        "speaker_sides",
        "date",
        "statement_ids",
        "source_ids",
        "n_sources",
        "n_attestations",
        "text",
    ]
    return to_backend(_arrow(joins.utterances(), columns, "statements"), backend)
