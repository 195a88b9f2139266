"""The joined tables behind the analysis API, as lists of rows (dicts of typed values).

Each function reads the tables it needs from a `RowSource` (default: the bundled data) and
returns rows in a fixed order; `api` turns them into Arrow, pandas or polars tables.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .rows import RowSource, bundled_rows
from .sides import sides

Row = dict[str, Any]
Span = tuple[str, int, int]


def _actors(rows: RowSource) -> tuple[dict[str, str], dict[str, str | None]]:
    """actor_id → name, and actor_id → side id."""
    actors = rows("actors")
    return {a["actor_id"]: a["name"] for a in actors}, sides(actors)


def actor_sides(rows: RowSource = bundled_rows) -> list[Row]:
    """Every actor with its side (`side_id`, `side_name`), in the table's order."""
    names, side = _actors(rows)
    return [
        {
            "actor_id": a["actor_id"],
            "name": a["name"],
            "kind": a.get("kind"),
            "affiliation_id": a.get("affiliation_id"),
            "side_id": side[a["actor_id"]],
            "side_name": names.get(side[a["actor_id"]] or ""),
        }
        for a in rows("actors")
    ]


def statements_in_context(
    chars: int, rows: RowSource = bundled_rows, text_of: Callable[[str], str] | None = None
) -> list[Row]:
    """Every statement with its speaker's name and side, its source's title and its context:
    `context` (`chars` characters either side of the span, the span included) and its offsets
    `context_start`, `context_end`. By date, then statement_id."""
    from ..loading.texts import source_text

    read = text_of or source_text
    if isinstance(chars, bool) or not isinstance(chars, int) or chars < 0:
        raise ValueError(f"chars must be a whole number of characters, 0 or more (got {chars!r})")
    names, side = _actors(rows)
    titles = {s["source_id"]: s.get("title") for s in rows("sources")}
    out = []
    for s in rows("statements"):
        text = read(s["source_id"])
        start = max(0, s["start_char"] - chars)
        end = min(len(text), s["end_char"] + chars)
        out.append(
            {
                **s,
                "speaker_name": names.get(s["speaker_id"]),
                "speaker_side": side.get(s["speaker_id"]),
                "source_title": titles.get(s["source_id"]),
                "context": text[start:end],
                "context_start": start,
                "context_end": end,
            }
        )
    return sorted(out, key=lambda r: (r["date"], r["statement_id"]))


def demand_answers(rows: RowSource = bundled_rows) -> list[Row]:
    """One row per statement that states, rejects or answers a demand: the demand (summary,
    kind, status, demander and side), the relation, and the statement (date, speaker and
    side, source and span). By demand, date, statement."""
    names, side = _actors(rows)
    demands = {d["demand_id"]: d for d in rows("demands")}
    statements = {s["statement_id"]: s for s in rows("statements")}
    out = []
    for link in rows("demand_statements"):
        d, s = demands.get(link["demand_id"]), statements.get(link["statement_id"])
        if d is None or s is None:
            continue
        out.append(
            {
                "demand_id": d["demand_id"],
                "summary": d.get("summary"),
                "kind": d.get("kind"),
                "status": d.get("status"),
                "demander_id": d["demander_id"],
                "demander_name": names.get(d["demander_id"]),
                "demander_side": side.get(d["demander_id"]),
                "relation": link["relation"],
                "statement_id": s["statement_id"],
                "date": s["date"],
                "speaker_id": s["speaker_id"],
                "speaker_name": names.get(s["speaker_id"]),
                "speaker_side": side.get(s["speaker_id"]),
                "quote_type": s.get("quote_type"),
                "source_id": s["source_id"],
                "start_char": s["start_char"],
                "end_char": s["end_char"],
                "text": s["text"],
            }
        )
    return sorted(out, key=lambda r: (r["demand_id"], r["date"], r["statement_id"]))


def utterances(rows: RowSource = bundled_rows) -> list[Row]:
    """One row per act reported: the statements that attest it, its sources and their count.

    Rows sharing an `utterance_id` attest one utterance. A joint act (both sides offering to
    keep talking) is recorded once per party, each party's utterance attested by the very
    same spans: utterances with identical sets of spans are one act here, counted once, with
    every party's id, name and side. `n_sources` counts distinct sources, `n_attestations`
    distinct spans. By first date, then first utterance id.
    """
    names, side = _actors(rows)
    by_utterance: dict[str, list[Row]] = {}
    for s in rows("statements"):
        by_utterance.setdefault(s["utterance_id"], []).append(s)
    acts: dict[frozenset[Span], list[str]] = {}
    for utterance_id, statements in sorted(by_utterance.items()):
        spans = frozenset((s["source_id"], s["start_char"], s["end_char"]) for s in statements)
        acts.setdefault(spans, []).append(utterance_id)
    out = []
    for spans, ids in acts.items():
        statements = sorted(
            (s for u in ids for s in by_utterance[u]),
            key=lambda s: (s["date"], s["source_id"], s["start_char"], s["statement_id"]),
        )
        speakers = list(dict.fromkeys(s["speaker_id"] for s in statements))
        out.append(
            {
                "utterance_ids": ids,
                "speaker_ids": speakers,
                "speaker_names": [names.get(a, a) for a in speakers],
                "speaker_sides": list(dict.fromkeys(x for a in speakers if (x := side.get(a)))),
                "date": statements[0]["date"],
                "statement_ids": [s["statement_id"] for s in statements],
                "source_ids": sorted({source for source, _, _ in spans}),
                "n_sources": len({source for source, _, _ in spans}),
                "n_attestations": len(spans),
                "text": statements[0]["text"],
            }
        )
    return sorted(out, key=lambda r: (r["date"], r["utterance_ids"][0]))
