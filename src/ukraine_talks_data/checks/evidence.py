"""Checks that tie rows to evidence: every row is evidenced, and every reference lands on a row."""

from __future__ import annotations

from collections.abc import Iterator

from ..raw_tables import field_names
from ..report import Issue
from .context import Context

EVIDENCED = {
    "sources": "source_id",
    "actors": "actor_id",
    "events": "event_id",
    "demands": "demand_id",
}
REFERABLE = {**EVIDENCED, "statements": "statement_id"}


def _keys(ctx: Context, table_name: str) -> set[str] | None:
    table = ctx.table(table_name)
    key = REFERABLE.get(table_name)
    if table is None or key is None:
        return None
    return {value for _, value in table.column(key)}


def row_has_evidence(ctx: Context) -> Iterator[Issue]:
    """Every row of sources, actors, events and demands has at least one evidence span."""
    evidence = ctx.table("evidence")
    if evidence is None:
        return
    covered = {(row.get("row_table"), row.get("row_id")) for row in evidence}
    for name, key in EVIDENCED.items():
        table = ctx.table(name)
        if table is None:
            continue
        for row, value in table.column(key):
            if (name, value) not in covered:
                yield Issue(
                    table.path,
                    row.number,
                    key,
                    "no-evidence",
                    f"no evidence row supports this {name[:-1]}",
                    value,
                )


def references_resolve(ctx: Context) -> Iterator[Issue]:
    """Rows of evidence and disagreements point at an existing row (and field) of row_table."""
    known: dict[str, set[str] | None] = {}  # row_table → its ids, read once
    for name in ("evidence", "disagreements"):
        table = ctx.table(name)
        if table is None:
            continue
        for row in table:
            target, row_id = row.get("row_table"), row.get("row_id")
            if target is None or row_id is None:
                continue
            if target not in known:
                known[target] = _keys(ctx, target)
            keys = known[target]
            if keys is not None and row_id not in keys:
                yield Issue(
                    table.path,
                    row.number,
                    "row_id",
                    "unknown-row",
                    f"no {target} row has this id",
                    row_id,
                )
            field = row.get("field")
            resource = ctx.descriptor.resource(target)
            if (
                name == "disagreements"
                and field is not None
                and resource
                and resource.schema
                and field not in field_names(resource.schema)
            ):
                yield Issue(
                    table.path,
                    row.number,
                    "field",
                    "unknown-field",
                    f"{target} has no field of this name",
                    field,
                )


def event_relation_with_event(ctx: Context) -> Iterator[Issue]:
    """A statement gives event_relation exactly when it gives event_id."""
    table = ctx.table("statements")
    if table is None:
        return
    for row in table:
        has_event, has_relation = (
            row.get("event_id") is not None,
            row.get("event_relation") is not None,
        )
        if has_event and not has_relation:
            yield Issue(
                table.path,
                row.number,
                "event_relation",
                "event-relation",
                "say whether the statement was made_at or is about its event",
            )
        elif has_relation and not has_event:
            yield Issue(
                table.path,
                row.number,
                "event_relation",
                "event-relation",
                "event_relation without an event_id",
                row.get("event_relation"),
            )


def disagreement_has_versions(ctx: Context) -> Iterator[Issue]:
    """Every disagreement has at least two versions."""
    table, versions = ctx.table("disagreements"), ctx.table("disagreement_versions")
    if table is None or versions is None:
        return
    counts: dict[str, int] = {}
    for _, value in versions.column("disagreement_id"):
        counts[value] = counts.get(value, 0) + 1
    for row, value in table.column("disagreement_id"):
        if counts.get(value, 0) < 2:
            yield Issue(
                table.path,
                row.number,
                "disagreement_id",
                "disagreement-versions",
                "a disagreement needs at least two versions in disagreement_versions",
                value,
            )
