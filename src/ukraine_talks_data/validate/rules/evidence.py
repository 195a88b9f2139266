"""Checks that tie rows to evidence: every row is evidenced, and every reference lands on a row.

Set lookups on whole columns (Arrow `is_in`); single rows are looked at only where an
issue is found.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..report.issues import Issue
from ..tables.rows import field_names
from ..tables.values import flagged

if TYPE_CHECKING:
    import pyarrow as pa

    from ..tables.columns import ColumnContext
    from ..tables.context import Context

EVIDENCED = {
    "sources": "source_id",
    "actors": "actor_id",
    "events": "event_id",
    "demands": "demand_id",
}
REFERABLE = {**EVIDENCED, "statements": "statement_id"}


def _python(array: pa.Array | pa.ChunkedArray) -> list[str | None]:
    return list(array.to_pylist())


def _keys(ctx: ColumnContext, table_name: str) -> pa.Array | None:
    import pyarrow.compute as pc

    table = ctx.table(table_name)
    key = REFERABLE.get(table_name)
    if table is None or key is None:
        return None
    column = table.column(key)
    if column is None:
        import pyarrow as pa

        return pa.array([], pa.string())
    return pc.unique(pc.drop_null(column))


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
    import pyarrow.compute as pc

    evidence = ctx.table("evidence")
    if evidence is None:
        return
    targets, ids = evidence.column("row_table"), evidence.column("row_id")
    for name, key in EVIDENCED.items():
        table = ctx.table(name)
        if table is None:
            continue
        column = table.column(key)
        if column is None:
            continue
        if targets is None or ids is None:
            covered = pc.drop_null(column).slice(0, 0)
        else:
            covered = pc.drop_null(pc.filter(ids, pc.fill_null(pc.equal(targets, name), False)))
        mask = pc.and_(pc.is_valid(column), pc.invert(pc.is_in(column, value_set=covered)))
        for i in flagged(mask):
            yield Issue(
                table.path, table.row(i), key, "no-evidence",
                f"no evidence row supports this {name[:-1]}", column[i].as_py(),
            )  # fmt: skip


def references_resolve(ctx: ColumnContext) -> Iterator[Issue]:
    """Rows of evidence and disagreements point at an existing row (and field) of row_table."""
    import pyarrow.compute as pc

    for name in ("evidence", "disagreements"):
        table = ctx.table(name)
        if table is None:
            continue
        targets, ids = table.column("row_table"), table.column("row_id")
        if targets is None or ids is None:
            continue
        found: dict[int, list[Issue]] = {}
        present = pc.and_(pc.is_valid(targets), pc.is_valid(ids))
        for target in pc.unique(pc.drop_null(targets)).to_pylist():
            keys = _keys(ctx, target)
            if keys is None:
                continue
            mask = pc.and_(
                pc.and_(present, pc.fill_null(pc.equal(targets, target), False)),
                pc.invert(pc.is_in(ids, value_set=keys)),
            )
            for i in flagged(mask):
                found.setdefault(i, []).append(
                    Issue(table.path, table.row(i), "row_id", "unknown-row",
                          f"no {target} row has this id", ids[i].as_py())
                )  # fmt: skip
        if name == "disagreements":
            column = table.column("field")
            values = _python(column) if column is not None else [None] * table.num_rows
            for i, (target, row_id, value) in enumerate(
                zip(_python(targets), _python(ids), values, strict=True)
            ):
                if target is None or row_id is None or value is None:
                    continue
                resource = ctx.rows.descriptor.resource(target)
                if resource and resource.schema and value not in field_names(resource.schema):
                    found.setdefault(i, []).append(
                        Issue(table.path, table.row(i), "field", "unknown-field",
                              f"{target} has no field of this name", value)
                    )  # fmt: skip
        for i in sorted(found):
            yield from found[i]


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
    import pyarrow as pa
    import pyarrow.compute as pc

    table, versions = ctx.table("disagreements"), ctx.table("disagreement_versions")
    if table is None or versions is None:
        return
    ids = table.column("disagreement_id")
    if ids is None:
        return
    counted = versions.column("disagreement_id")
    if counted is None:
        counted = pa.chunked_array([pa.array([], pa.string())])
    counts = pc.value_counts(pc.drop_null(counted))
    twice = pc.filter(counts.field("values"), pc.greater_equal(counts.field("counts"), 2))
    for i in flagged(pc.and_(pc.is_valid(ids), pc.invert(pc.is_in(ids, value_set=twice)))):
        yield Issue(
            table.path, table.row(i), "disagreement_id", "disagreement-versions",
            "a disagreement needs at least two versions in disagreement_versions",
            ids[i].as_py(),
        )  # fmt: skip
