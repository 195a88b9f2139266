"""Running a validation: the Table Schema pass and the dataset's rules, by either engine.

Both engines run the same rules (`rules.CHECKS`) on the same tables; they differ only in
who checks the Table Schema:

- `columns` (the default): our own column-wise rules (`rules.TABLE_SCHEMA`), on tables
  read by Arrow where a file is in plain form (`csv/plain.py`), by the csv module otherwise.
- `frictionless` (the reference, kept as the oracle): stock Frictionless on the rows the
  csv module parsed, never on the files. Our stricter rules (`rules.STRICT`: canonical
  values, patterns on RE2) run here too; a cell not in canonical form is handed to
  Frictionless as a text no type reads, so that it is a type error there too (without a
  value, in keys as well, not the value Frictionless would have read leniently), and our
  type error replaces Frictionless's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..report.issues import Issue, IssueLimit
from ..rules import DATASET, STRICT, TABLE_SCHEMA, issues_of, run_checks
from ..tables.columns import ColumnContext
from ..tables.context import Context
from .frictionless import schema_issues

THREADS = 2
DECAY_MS = 1000
"""How long jemalloc keeps memory Arrow let go of before giving it back (`memory_given_back`):
a piece's rules take about that long, so the next piece reuses the last one's pages."""
ARROW = True  # the default engine reads files in plain form with Arrow (tests turn it off)


def column_validation(
    ctx: Context, limit: IssueLimit[Any]
) -> tuple[list[Issue], Iterator[Issue], dict[str, int]]:
    """The default engine: (schema pass issues, rule issues, rows checked per table)."""
    columns = ColumnContext(ctx, arrow=ARROW)
    try:
        with memory_given_back():
            checks = STRICT + TABLE_SCHEMA + DATASET
            found = run_checks(columns, checks, threads=THREADS, limit=limit)
    finally:
        columns.store.close()
    schema = issues_of(found, STRICT + TABLE_SCHEMA)
    return schema, iter(issues_of(found, DATASET)), columns.checked()


def reference_validation(
    ctx: Context, limit: IssueLimit[Any]
) -> tuple[list[Issue], Iterator[Issue], dict[str, int]]:
    """The reference engine: stock Frictionless's schema pass, our stricter rules, the rules.
    Frictionless holds every issue it finds, so the limit applies only to what is listed."""
    columns = ColumnContext(ctx, arrow=False)
    try:
        found = run_checks(columns, STRICT + DATASET)
    finally:
        columns.store.close()
    strict = issues_of(found, STRICT)
    retyped = {(i.file, i.row, i.field) for i in strict if i.code == "type-error"}
    seen = set(strict)
    schema = strict + [
        i
        for i in schema_issues(ctx, retyped)
        if i not in seen and not (i.code == "type-error" and (i.file, i.row, i.field) in retyped)
    ]
    listed = {True: limit.take(schema, True), False: limit.take(issues_of(found, DATASET), False)}
    for in_schema, issue in limit.held():
        listed[in_schema].append(issue)
    return listed[True], iter(listed[False]), columns.checked()


@contextmanager
def memory_given_back() -> Iterator[None]:
    """Within: Arrow allocates from jemalloc told to give freed memory back after
    `DECAY_MS`, so that a table (or piece) let go of leaves the process; Arrow's default
    (mimalloc) keeps much of it. Not at once (0 ms): the next piece's arrays would then
    fault every page in again, a quarter of a large validation's time spent in the kernel.
    The previous default pool is restored after; without jemalloc in this pyarrow, nothing
    changes."""
    import pyarrow as pa

    previous = pa.default_memory_pool()
    try:
        pool = pa.jemalloc_memory_pool()
        pa.jemalloc_set_decay_ms(DECAY_MS)
    except NotImplementedError:
        yield
        return
    pa.set_memory_pool(pool)
    try:
        yield
    finally:
        pa.set_memory_pool(previous)
