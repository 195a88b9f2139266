"""Foreign keys: every reference in a row lands on a row of the referenced table.

Checked here as SQL over the key store (`tables/store.py`) rather than by Frictionless,
whose lookups copy and re-read every referenced table once per foreign key, and so that a
key pointing into an unreadable table is skipped instead of echoing that table's error.
A row whose key cells are all empty is skipped (as in Frictionless). Keys compare as
text: integers and dates are canonical (`values.value_is_canonical`), so equal values are
equal text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...package.sql_text import quoted
from ..report.issues import Issue

if TYPE_CHECKING:
    from ..tables.columns import ColumnContext
    from ..tables.context import Context
    from ..tables.store import KeyStore


@dataclass(frozen=True)
class ForeignKey:
    """One foreign key: the table and its fields, the target table and its fields."""

    table: str
    fields: tuple[str, ...]
    target: str
    target_fields: tuple[str, ...]

    def issue(self, path: str, row: int, raw: list[str | None]) -> Issue:
        """The issue of a row whose key cells `raw` match no row of the target."""
        shown = ", ".join(c if c is not None else "(empty)" for c in raw)
        where = ",".join(self.target_fields)
        return Issue(
            path, row, ",".join(self.fields), "foreign-key",
            f"no {self.target} row has {where} = {shown}", shown,
        )  # fmt: skip


def foreign_keys(ctx: Context) -> Iterator[ForeignKey]:
    """Every foreign key of every table whose schema and target's schema are known."""
    for resource in ctx.descriptor.tables():
        schema = ctx.schema(resource.name)
        if schema is None:
            continue
        for fk in schema.get("foreignKeys") or []:
            target = fk["reference"].get("resource") or resource.name
            target_schema = ctx.schema(target)
            if target_schema is None:
                continue  # missing: reported as such
            own, theirs = _as_list(fk["fields"]), _as_list(fk["reference"]["fields"])
            yield ForeignKey(resource.name, tuple(own), target, tuple(theirs))


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def key_needs(ctx: Context) -> dict[str, set[str]]:
    """The fields that `foreign_keys_resolve` reads in each table: its foreign keys' and
    those that other tables' foreign keys reference."""
    needed: dict[str, set[str]] = {}
    for fk in foreign_keys(ctx):
        needed.setdefault(fk.table, set()).update(fk.fields)
        needed.setdefault(fk.target, set()).update(fk.target_fields)
    return needed


def foreign_keys_resolve(ctx: ColumnContext) -> Iterator[Issue]:
    """Each foreign key's cells equal the referenced fields of some row of the referenced
    table (unless all of the key's cells are empty); following a key of a table to itself
    from any row ends (`references_end`)."""
    store = ctx.store
    keys = [fk for fk in foreign_keys(ctx.rows) if store.has(fk.table) and store.has(fk.target)]
    groups: dict[object, list[ForeignKey]] = {}  # one-field keys by their field; others alone
    for fk in keys:  # the schema rules refused keys whose two lists differ in length
        one = len(fk.fields) == 1
        groups.setdefault((fk.target, fk.target_fields[0]) if one else fk, []).append(fk)
    selves = [  # a key to the row itself (a field referencing itself) leads nowhere
        fk
        for fk in keys
        if fk.target == fk.table and len(fk.fields) == 1 and fk.fields != fk.target_fields
    ]
    deep = [_deep_rows_sql(store, fk) for fk in selves]
    found = store.found(
        [
            _unmatched_by_any(store, g)
            if isinstance(k, tuple) and len(g) > 1
            else unmatched_sql(store, g[0])
            for k, g in groups.items()
        ]
    )  # a valid package: one query (or one per key or group, for a large one)
    ask = [fk for group, yes in zip(groups.values(), found, strict=True) if yes for fk in group]
    for fk in sorted(ask, key=keys.index):
        for row, *cells in store.query(unmatched_sql(store, fk)):
            yield fk.issue(store.path(fk.table), row, cells)
    # Asked apart: one query with the anti joins above took DuckDB longer than two (the
    # shipped package: 26-31 ms against 16).
    for fk, sql, yes in zip(selves, deep, store.found(deep), strict=True):
        if yes:
            yield from references_end(store, fk, sql)


def _unmatched_by_any(store: KeyStore, group: list[ForeignKey]) -> str:
    """The cells of the one-field keys of `group`, all referencing the same field, that no
    row of it has: one anti join for them all (the referenced keys hashed once, not once per
    key; DuckDB runs it out of core, and Spark SQL has it too)."""
    target, (field,) = group[0].target, group[0].target_fields
    cells = " UNION ALL ".join(
        f"SELECT {quoted(fk.fields[0])} AS k FROM {store.rows(fk.table)}" for fk in group
    )
    return (
        f"SELECT s.k FROM ({cells}) s ANTI JOIN {store.rows(target)} t "
        f"ON t.{quoted(field)} = s.k WHERE s.k IS NOT NULL"
    )


def unmatched_sql(store: KeyStore, fk: ForeignKey) -> str:
    """The rows (row number, key cells) whose key, not all empty, is no key of the target:
    a left join that finds no row (DuckDB runs it out of core; a `NOT EXISTS` ran out of
    its memory limit at 10M statements). In a key of several fields, empty cells match
    empty cells (`IS NOT DISTINCT FROM`), as in Frictionless."""
    own = [quoted(f) for f in fk.fields]
    given = " OR ".join(f"s.{c} IS NOT NULL" for c in own)
    cells = ", ".join(f"s.{c}" for c in own)
    select = f"SELECT s._row, {cells} FROM {store.rows(fk.table)} s"
    theirs = [quoted(f) for f in fk.target_fields]
    same = " AND ".join(
        f"t.{b} = s.{a}" if len(own) == 1 else f"t.{b} IS NOT DISTINCT FROM s.{a}"
        for a, b in zip(own, theirs, strict=True)
    )
    target_given = " OR ".join(f"{c} IS NOT NULL" for c in theirs)
    target = f"SELECT {', '.join(theirs)}, _row FROM {store.rows(fk.target)} WHERE {target_given}"
    return (
        f"{select} LEFT JOIN ({target}) t ON {same} "
        f"WHERE ({given}) AND t._row IS NULL ORDER BY s._row"
    )


CHAIN_DEPTH = 8
"""Links of a self-reference (an event's parent's parent …) that SQL follows before the
rows left are walked one by one: a valid package is deeper nowhere (its deepest is 2)."""


def references_end(store: KeyStore, fk: ForeignKey, sql: str) -> Iterator[Issue]:
    """Following `fk`, a one-field key of a table to itself (`events.parent_event_id`),
    from any row ends: no row is its own ancestor, which no tool could then order
    (`export --format duckdb` inserts parents first). `sql` (`_deep_rows_sql`) gives the
    rows more than `CHAIN_DEPTH` links from a row without a parent, a row per key (the
    first: a repeated key is the primary key's error); a cycle is among them, and only
    those are walked here."""
    up: dict[str, str] = {}
    first: dict[str, int] = {}
    for row, key, parent in store.query(sql):
        up[key], first[key] = parent, row
    for key, cycle, at in _cycles(up):
        yield Issue(
            store.path(fk.table), first[key], fk.fields[0], "reference-cycle",
            f"following {fk.fields[0]} from this row comes back to it "
            f"({_chain(cycle, at)}): a row cannot be its own ancestor",
            up[key],
        )  # fmt: skip


def _deep_rows_sql(store: KeyStore, fk: ForeignKey) -> str:
    """Rows (first row number, key, parent) with `CHAIN_DEPTH` ancestors or more."""
    (own,), (key,) = [quoted(f) for f in fk.fields], [quoted(f) for f in fk.target_fields]
    links = (
        f"SELECT {key} AS k, min_by({own}, _row) AS up, min(_row) AS _row "
        f"FROM {store.rows(fk.table)} WHERE {key} IS NOT NULL AND {own} IS NOT NULL "
        f"GROUP BY {key}"
    )
    joins = " ".join(f"JOIN l l{i} ON l{i}.k = l{i - 1}.up" for i in range(1, CHAIN_DEPTH + 1))
    return f"WITH l AS ({links}) SELECT l0._row, l0.k, l0.up FROM l l0 {joins}"


def _cycles(up: dict[str, str]) -> Iterator[tuple[str, list[str], int]]:
    """Each key on a cycle of `up` (key → parent; a parent not in it ends the walk), with
    its cycle (one list for all its members) and its place in it, in the order of `up`:
    time and memory linear in `up`."""
    state: dict[str, int] = {}  # 1: on the walk now; 2: done
    on_cycle: dict[str, tuple[list[str], int]] = {}
    for start in up:
        walk, key = [], start
        while key in up and key not in state:
            state[key] = 1
            walk.append(key)
            key = up[key]
        if state.get(key) == 1:  # came back to this walk: a new cycle
            cycle = walk[walk.index(key) :]
            on_cycle.update((member, (cycle, i)) for i, member in enumerate(cycle))
        for member in walk:
            state[member] = 2
    for key in up:
        if key in on_cycle:
            yield key, *on_cycle[key]


def _chain(cycle: list[str], at: int, shown: int = 6) -> str:
    """`A → B → A` from the member at `at`; of a long cycle, its first keys and length."""
    n = len(cycle)
    keys = [cycle[(at + j) % n] for j in range(min(n, shown))]
    if n <= shown:
        return " → ".join([*keys, keys[0]])
    return " → ".join(keys) + f" → … ({n} rows) → {keys[0]}"
