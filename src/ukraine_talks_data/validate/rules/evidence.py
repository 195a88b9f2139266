"""Checks that tie rows to evidence: every row is evidenced, and every reference lands on a row.

Evidence and references are SQL over the key store (`tables/store.py`); the rule on a
statement's event relation reads its rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...package.sql_text import literal, quoted
from ..inputs.schema_rules import field_names
from ..report.issues import Issue
from ..tables.values import flagged

if TYPE_CHECKING:
    from ..tables.columns import ColumnContext
    from ..tables.context import Context

EVIDENCED = {
    "sources": "source_id",
    "actors": "actor_id",
    "events": "event_id",
    "demands": "demand_id",
}
REFERABLE = {**EVIDENCED, "statements": "statement_id"}


def evidence_needs(ctx: Context) -> dict[str, set[str]]:
    """The fields that the rules on evidence and references read in each table."""
    needed = {name: {key} for name, key in REFERABLE.items()}
    for name in ("evidence", "disagreements"):
        needed.setdefault(name, set()).update({"row_table", "row_id", "field"})
    for name in ("disagreements", "disagreement_versions"):
        needed.setdefault(name, set()).add("disagreement_id")
    return needed


def row_has_evidence(ctx: ColumnContext) -> Iterator[Issue]:
    """Every row of sources, actors, events and demands has at least one evidence span."""
    store = ctx.store
    if not store.has("evidence"):
        return
    tables = [(n, k) for n, k in EVIDENCED.items() if store.has(n)]
    keys = " UNION ALL ".join(
        f"SELECT {number} AS t, {literal(name)} AS row_table, _row, {quoted(key)} AS id "
        f"FROM {store.rows(name)}"
        for number, (name, key) in enumerate(tables)
    )
    sql = (  # one join for all tables: evidence hashed once
        f"SELECT s.t, s._row, s.id FROM ({keys}) s ANTI JOIN {store.rows('evidence')} e "
        f"ON e.row_table = s.row_table AND e.row_id = s.id WHERE s.id IS NOT NULL"
    )
    for number, row, value in store.query(f"{sql} ORDER BY t, _row") if tables else []:
        name, key = tables[number]
        yield Issue(
            store.path(name), row, key, "no-evidence",
            f"no evidence row supports this {name[:-1]}", value,
        )  # fmt: skip


def references_resolve(ctx: ColumnContext) -> Iterator[Issue]:
    """Rows of evidence and disagreements point at an existing row (and field) of row_table."""
    store = ctx.store
    targets = [t for t in REFERABLE if store.has(t)]
    for name in ("evidence", "disagreements"):
        if not store.has(name):
            continue
        path, relation = store.path(name), store.rows(name)
        parts = [  # (kind 0) a row_id no row of its table has
            f"SELECT s._row, 0 AS kind, s.row_table, s.row_id FROM {relation} s "
            f"ANTI JOIN (SELECT {quoted(key)} AS id FROM {store.rows(target)}) t "
            f"ON t.id = s.row_id WHERE s.row_table = {literal(target)} AND s.row_id IS NOT NULL"
            for target, key in REFERABLE.items()
            if target in targets
        ]
        if name == "disagreements":  # (kind 1) a field its table's schema does not have
            given = "row_table IS NOT NULL AND row_id IS NOT NULL AND field IS NOT NULL"
            named = list(store.query(f"SELECT DISTINCT row_table FROM {relation} WHERE {given}"))
            unknown = [_unknown_field(ctx, target) for (target,) in named]
            if any(unknown):
                parts.append(
                    f"SELECT _row, 1 AS kind, row_table, field FROM {relation} "
                    f"WHERE {given} AND ({' OR '.join(u for u in unknown if u)})"
                )
        for row, kind, target, value in (
            store.query(" UNION ALL ".join(parts) + " ORDER BY _row, kind") if parts else []
        ):
            if kind == 0:
                yield Issue(
                    path, row, "row_id", "unknown-row", f"no {target} row has this id", value
                )
            else:
                yield Issue(
                    path,
                    row,
                    "field",
                    "unknown-field",
                    f"{target} has no field of this name",
                    value,
                )


def _unknown_field(ctx: ColumnContext, target: str) -> str:
    """SQL true where `field` names no field of table `target` ('' if it has no schema)."""
    resource = ctx.rows.descriptor.resource(target)
    if not resource or not resource.schema:
        return ""
    names = ", ".join(literal(n) for n in field_names(resource.schema))
    return f"(row_table = {literal(target)}" + (f" AND field NOT IN ({names}))" if names else ")")


def event_relation_with_event(ctx: ColumnContext) -> Iterator[Issue]:
    """A statement gives event_relation exactly when it gives event_id."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = ctx.table("statements")
    if table is None:
        return
    n = table.num_rows
    event, relation = table.column("event_id"), table.column("event_relation")
    never = pa.repeat(pa.scalar(False), n)
    has_event = pc.is_valid(event) if event is not None else never
    has_relation = pc.is_valid(relation) if relation is not None else never
    for i in flagged(pc.not_equal(has_event, has_relation)):
        if has_event[i].as_py():
            yield Issue(
                table.path, table.row(i), "event_relation", "event-relation",
                "say whether the statement was made_at or is about its event",
            )  # fmt: skip
        else:
            yield Issue(
                table.path, table.row(i), "event_relation", "event-relation",
                "event_relation without an event_id", table.cell("event_relation", i),
            )  # fmt: skip


def disagreement_has_versions(ctx: ColumnContext) -> Iterator[Issue]:
    """Every disagreement has at least two versions."""
    store = ctx.store
    if not (store.has("disagreements") and store.has("disagreement_versions")):
        return
    second = (  # the second version of each disagreement (a window: no GROUP BY)
        f"SELECT disagreement_id, _row FROM (SELECT disagreement_id, _row, row_number() "
        f"OVER (PARTITION BY disagreement_id ORDER BY _row) AS n "
        f"FROM {store.rows('disagreement_versions')} WHERE disagreement_id IS NOT NULL) "
        f"WHERE n = 2"
    )
    sql = (
        f"SELECT s._row, s.disagreement_id FROM {store.rows('disagreements')} s "
        f"LEFT JOIN ({second}) v ON v.disagreement_id = s.disagreement_id "
        f"WHERE s.disagreement_id IS NOT NULL AND v._row IS NULL ORDER BY s._row"
    )
    for row, value in store.query(sql):
        yield Issue(
            store.path("disagreements"), row, "disagreement_id", "disagreement-versions",
            "a disagreement needs at least two versions in disagreement_versions", value,
        )  # fmt: skip
