"""Event and category guesses for proposed statements: which known event a statement was made
at or about, which new event a sentence reports, and a CAMEO code from its verb.

Known events are candidates when their dates include the statement's date and a word of
their title or location (Geneva, OSCE, press conference …) appears in the paragraph; the
event is filled in only when one candidate scores best. A sentence saying someone "told a
news conference" or "held talks"/"met" on a day no known event of that kind covers gives
a new event. Codes come from the package's own `categories` (a code it lacks is never
proposed); a new event takes the code most used by known events of its type.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..tables import Row

_STOP = {
    "the", "and", "of", "in", "on", "at", "to", "for", "with", "a", "an", "after", "its",
    "talks", "meeting", "security", "russia", "russian", "us", "u.s.", "nato", "response",
}  # fmt: skip
_VERB_CODES = (
    (r"^demand|^call(ed|s)? (on|for)|^urge", "100"),
    (r"^accus", "112"),
    (r"^den(y|ies|ied)", "016"),
    (r"^(welcom|commend|support)", "051"),
    (r"^promis", "030"),
    (r"^offer", "036"),
    (r"^(warn|threaten)", "130"),
    (r"^reject", "1232"),
    (r"^rall", "053"),
    (r"^critici", "111"),
    (r"^(expressed|raised concerns)", "110"),
)
NEW_EVENTS = (
    (
        re.compile(r"\b(?:told|at|gave|held) an? (?:news|press) conference\b", re.I),
        "press_conference",
    ),
    (re.compile(r"\bheld talks\b", re.I), "talks"),
    (re.compile(r"\b(?:met|meets)\b", re.I), "meeting"),
)


CHANNELS = (
    (
        re.compile(r"\b(?:told|at|gave)\s+an?\s+(?:news|press)\s+conference\b", re.I),
        "news_conference",
    ),
    (re.compile(r"\btold\s+reporters\b", re.I), "reporters"),
    (re.compile(r"\b(?:said|stated)\s+in\s+a\s+statement\b", re.I), "written_statement"),
    (re.compile(r"\bon\s+Telegram\b"), "telegram"),
)


def channel(sentence: str) -> str:
    """How the words reached the public, where the sentence says (docs/codebook.md §3.5)."""
    return next((value for pattern, value in CHANNELS if pattern.search(sentence)), "")


@dataclass(frozen=True)
class EventGuess:
    """A known event that may be the statement's, with the words that point to it."""

    event_id: str
    score: int
    reason: str


def statement_code(verb: str | None, categories: list[Row]) -> tuple[str, str]:
    """(cameo_code, plover_type) for a statement whose verb of speech is `verb`: a specific
    code where the verb says it (demanded → 100, accused → 112 …), else 010 (make statement)."""
    known = {r.get("cameo_code", ""): r.get("plover_type", "") for r in categories}
    word = (verb or "").lower()
    for pattern, code in _VERB_CODES:
        if re.search(pattern, word) and code in known:
            return code, known[code]
    default = "010" if "010" in known else next(iter(sorted(known)), "")
    return default, known.get(default, "")


def event_code(event_type: str, events: list[Row], categories: list[Row]) -> tuple[str, str]:
    """The code most used by known events of `event_type` (else 010), with its PLOVER type."""
    known = {r.get("cameo_code", ""): r.get("plover_type", "") for r in categories}
    used = Counter(
        r.get("cameo_code", "") for r in events if r.get("event_type") == event_type
    ).most_common()
    code = next((c for c, _ in used if c in known), "010" if "010" in known else "")
    return code, known.get(code, "")


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[\w\-]+", text.lower()) if w not in _STOP and len(w) > 2}


def known_events(day: str, paragraph: str, events: list[Row]) -> list[EventGuess]:
    """Known events on `day` (ISO) whose title or location shares words with `paragraph`."""
    said = _words(paragraph)
    out = []
    for event in events:
        start, end = event.get("date", ""), event.get("end_date", "") or event.get("date", "")
        if not start or not start <= day <= end:
            continue
        shared = sorted(said & _words(f"{event.get('title', '')} {event.get('location', '')}"))
        if shared:
            out.append(
                EventGuess(
                    event["event_id"],
                    len(shared),
                    f"{event['event_id']} ({event.get('title', '')}, {start}) shares "
                    f"'{', '.join(shared)}'",
                )
            )
    return sorted(out, key=lambda g: (-g.score, g.event_id))


def new_event_type(sentence: str) -> tuple[str, str] | None:
    """(event_type, words) when the sentence reports an occasion: a press conference, talks
    or a meeting."""
    for pattern, event_type in NEW_EVENTS:
        m = pattern.search(sentence)
        if m:
            return event_type, m.group()
    return None
