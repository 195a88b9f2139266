"""How the tables relate, read from their Table Schemas: spans, evidence, actors, events, dates.

The views (`query`, `timeline`, `explorer`) ask these questions instead of naming columns, so
that they follow the schemas when a table or field is added.
"""

from __future__ import annotations

from typing import Any

from .schemas import primary_key, table_names, table_schema

SPAN_FIELDS = ("source_id", "start_char", "end_char", "text")
"""The fields of a row that carries its own evidence span: `text` is `seed[start_char:end_char]`
of the seed of `source_id`."""

# Field names that hold a row's human-readable label, in order of preference.
LABEL_FIELDS = ("name", "title", "summary", "cameo_label")


def field_names(table: str) -> list[str]:
    """Names of the fields of `table`, in schema order."""
    return [f["name"] for f in table_schema(table)["fields"]]


def field(table: str, name: str) -> dict[str, Any]:
    """The Table Schema field `name` of `table`; KeyError if there is none."""
    for f in table_schema(table)["fields"]:
        if f["name"] == name:
            return dict(f)
    raise KeyError(f"table {table!r} has no field {name!r}")


def foreign_keys(table: str) -> list[tuple[list[str], str, list[str]]]:
    """(fields, referenced table, referenced fields) for each foreign key of `table`."""
    out = []
    for fk in table_schema(table).get("foreignKeys", []):
        ref = fk["reference"]
        out.append((list(fk["fields"]), ref.get("resource") or table, list(ref["fields"])))
    return out


def references(table: str, target: str) -> list[str]:
    """Single-field foreign keys of `table` that point at `target`, in schema order."""
    return [cols[0] for cols, ref, _ in foreign_keys(table) if ref == target and len(cols) == 1]


def has_span(table: str) -> bool:
    """Rows of `table` carry their own evidence span (source_id, start_char, end_char, text)."""
    return set(SPAN_FIELDS) <= set(field_names(table))


def span_tables() -> list[str]:
    """Tables whose rows carry their own evidence span."""
    return [t for t in table_names() if has_span(t)]


def evidenced_tables() -> list[str]:
    """Tables whose rows are supported by rows of `evidence` (its row_table vocabulary)."""
    if "evidence" not in table_names():
        return []
    enum = field("evidence", "row_table").get("constraints", {}).get("enum", [])
    return [str(t) for t in enum]


def actor_column(table: str) -> str | None:
    """The column naming who acts in a row: actors' own key, else the first reference to actors.

    statements → speaker_id, demands → demander_id, event_participants → actor_id.
    """
    if table == "actors":
        return primary_key(table_schema(table))[0]
    refs = references(table, "actors")
    return refs[0] if refs else None


def event_columns(table: str) -> list[str]:
    """Columns holding an event id: events' own key and every reference to events."""
    own = primary_key(table_schema(table)) if table == "events" else []
    return own + references(table, "events")


def date_fields(table: str) -> list[str]:
    """Fields of type date, in schema order."""
    return [f["name"] for f in table_schema(table)["fields"] if f.get("type") == "date"]


def label_field(table: str) -> str | None:
    """The field that names a row for people (actors.name, events.title…), if the table has one."""
    names = field_names(table)
    return next((n for n in LABEL_FIELDS if n in names), None)


STATEMENTS = "statements"


def statement_links(table: str) -> list[tuple[str, str, str]]:
    """(link table, its column naming a row of `table`, its column naming a statement) for
    each link table — a primary key of two foreign keys — between `table` and statements.

    demands → [("demand_statements", "demand_id", "statement_id")]: the statements that
    state, reject or answer a demand, so that whoever said them acts on the demand too.
    """
    if table == STATEMENTS:
        return []
    out = []
    for link in table_names():
        keys = {cols[0]: ref for cols, ref, _ in foreign_keys(link) if len(cols) == 1}
        pk = primary_key(table_schema(link))
        if len(pk) != 2 or not all(k in keys for k in pk):
            continue
        for own, other in (pk, pk[::-1]):
            if keys[own] == table and keys[other] == STATEMENTS:
                out.append((link, own, other))
    return out
