"""Each actor's side — the state or bloc it speaks for — derived from `actors.affiliation_id`.

Psaki → White House → United States: the side is the first state on the chain of
affiliations, the actor itself included. Where the chain reaches no state, the side is the
organisation or group at its top (Stoltenberg → NATO; the NATO allies → NATO; a writer → the
newspaper). An actor that belongs to nobody and is neither a state, an organisation nor a
group (an anonymous diplomat of no stated country) has no side.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import LoadError

STATE = "state"
TOP_KINDS = frozenset({"state", "organization", "group"})
"""Kinds of actor that can stand for a side at the top of a chain."""


def chain(actor_id: str, parent: Mapping[str, str | None]) -> list[str]:
    """`actor_id` and the actors above it, nearest first; a LoadError if the chain loops."""
    out = [actor_id]
    while (up := parent.get(out[-1])) is not None and up in parent:
        if up in out:
            loop = " → ".join([*out[out.index(up) :], up])
            raise LoadError(f"actors: the affiliation chain of {actor_id!r} loops: {loop}")
        out.append(up)
    return out


def sides(actors: Iterable[Mapping[str, Any]]) -> dict[str, str | None]:
    """actor_id → the actor_id of its side (None where it has none), for every actor."""
    rows = list(actors)
    parent = {a["actor_id"]: a.get("affiliation_id") for a in rows}
    kind = {a["actor_id"]: a.get("kind") for a in rows}
    out: dict[str, str | None] = {}
    for actor_id in parent:
        line = chain(actor_id, parent)
        state = next((a for a in line if kind[a] == STATE), None)
        top = line[-1]
        out[actor_id] = state or (top if kind[top] in TOP_KINDS else None)
    return out
