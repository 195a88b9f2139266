"""Who is named where: actors' names and aliases, new names, and pronouns in an article.

Known actors are found by their name and every alias (`actors.aliases`), longest first, the
first letter in either case ("The alliance" matches the alias "the alliance"). A run of
capitalised words that no actor matches and that looks like a person's name once leading
titles are dropped ("Poland’s Foreign Minister Zbigniew Rau" → "Zbigniew Rau") is a new
name, with a proposed actor id (a lowercase slug of the name, docs/codebook.md §5); a lone
surname or "Mr. X" later in the article refers to it. Mentions inside quotation marks are
marked, since the speaker of a quotation is not inside it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .text import Layout

_TITLE_WORDS = {
    "president", "prime", "minister", "foreign", "deputy", "secretary", "general", "under",
    "state", "ambassador", "spokesman", "spokeswoman", "spokesperson", "chief", "senator",
    "chancellor", "director", "head", "envoy", "negotiator", "commissioner", "press", "defense",
    "defence", "senior", "new", "former", "acting", "political", "affairs", "mr.", "ms.", "mrs.",
    "dr.", "us", "u.s.", "uk", "eu", "nato", "un", "white", "house", "kremlin", "russian",
    "ukrainian", "american", "british", "french", "german", "polish", "european", "chinese",
    "israeli", "russia", "ukraine", "united", "states", "the", "then", "top", "diplomat",
    "officials", "official", "correspondent", "writer", "editor", "analyst", "according",
    "after", "before", "meanwhile", "earlier", "later", "despite", "but", "and", "on", "in",
    "yesterday", "today", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "some", "even", "also", "while", "when",
}  # fmt: skip
_ORG_WORDS = {
    "council", "ministry", "department", "agency", "news", "office", "committee", "union",
    "organization", "organisation", "alliance", "forces", "army", "navy", "embassy", "group",
    "party", "parliament", "government", "presidency", "staff", "headquarters", "treaty",
    "federation", "republic", "bank", "fund", "summit", "talks", "europe", "kingdom",
}  # fmt: skip
_PRONOUNS = re.compile(r"(?<![\w’'])(He|She|It|They|he|she|they)(?![\w’'])")
_CAPITALISED = re.compile(r"(?:[A-Z][\w’'.\-]*[\w.]|[A-Z])(?:\s+(?:[A-Z][\w’'.\-]*[\w.]|[A-Z]))*")
_POSSESSIVE = re.compile(r"^['’‘]s?\b")


@dataclass(frozen=True)
class Actor:
    """What suggest needs of an actor: its id, kind and the names it goes by."""

    actor_id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    """Text[start:end] names `actor_id` (a known actor, a new name's proposed id, or a
    pronoun's antecedent once resolved: `pronoun` is then the pronoun's text)."""

    start: int
    end: int
    actor_id: str
    kind: str
    new: bool = False
    possessive: bool = False
    quoted: bool = False
    after_preposition: bool = False
    pronoun: str | None = None

    def words(self, text: str) -> str:
        return text[self.start : self.end]


def slug(name: str) -> str:
    """A lowercase ASCII slug of a name, as actor ids are made ("Zbigniew Rau" → zbigniew_rau)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")
    return out if out[:1].isalpha() else f"a_{out}"


_PREPOSITIONS = {
    "in", "at", "to", "from", "with", "of", "on", "for", "about", "against", "like", "between",
    "into", "over", "after", "before", "toward", "towards", "near", "within", "without",
    "among", "under", "by", "through", "across", "around",
}  # fmt: skip


def _after_preposition(text: str, start: int) -> bool:
    before = re.search(
        r"(\w+)\s+(?:(?:the|a|an|its|their|his|her)\s+)?$", text[max(0, start - 30) : start]
    )
    return bool(before and before.group(1).lower() in _PREPOSITIONS)


def _alias_pattern(alias: str) -> re.Pattern[str]:
    """An alias in running text: a lowercase first letter may be capitalised ("the alliance"
    starting a sentence); a capitalised alias matches only as written ("Price", not "price")."""
    first, rest = alias[0], r"\s+".join(re.escape(w) for w in alias[1:].split(" "))
    head = f"[{first}{first.upper()}]" if first.islower() else re.escape(first)
    return re.compile(rf"(?<![\w\-]){head}{rest}(?![\w\-])")


def known_mentions(layout: Layout, actors: list[Actor]) -> list[Mention]:
    """Every mention of a known actor by name or alias, longest first, never overlapping."""
    text = layout.text
    names = sorted(
        {(n, a) for a in actors for n in (a.name, *a.aliases) if n.strip()},
        key=lambda pair: (-len(pair[0]), pair[0], pair[1].actor_id),
    )
    taken: list[tuple[int, int]] = []
    out = []
    for name, actor in names:
        for m in _alias_pattern(name).finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            out.append(_mention(layout, m.start(), m.end(), actor.actor_id, actor.kind))
    return sorted(out, key=lambda m: m.start)


def _mention(
    layout: Layout, start: int, end: int, actor_id: str, kind: str, new: bool = False
) -> Mention:
    text = layout.text
    return Mention(
        start,
        end,
        actor_id,
        kind,
        new=new,
        possessive=bool(_POSSESSIVE.match(text[end : end + 2])),
        quoted=layout.in_quote(start),
        after_preposition=_after_preposition(text, start),
    )


def _person_name(run: str) -> tuple[int, str] | None:
    """(offset in `run`, name) of a person's name at the end of a capitalised run, after its
    last title word; None if what is left is not two or three capitalised words."""
    run = re.sub(r"['’‘]s$", "", run)
    words = list(re.finditer(r"\S+", run))
    titles = [
        i
        for i, w in enumerate(words)
        if w.group().lower() in _TITLE_WORDS or re.search(r"['’]s$", w.group())
    ]
    rest = words[titles[-1] + 1 :] if titles else words
    if not 2 <= len(rest) <= 3:
        return None
    tokens = [w.group() for w in rest]
    if any(
        t.lower().strip(".") in _ORG_WORDS or t.isupper() or not t[:1].isupper() for t in tokens
    ):
        return None
    if not all(re.fullmatch(r"[A-Z][a-z’']+(?:-[A-Z][a-z’']+)?", t) for t in tokens):
        return None
    return rest[0].start(), run[rest[0].start() : rest[-1].end()]


def new_name_mentions(layout: Layout, known: list[Mention]) -> list[Mention]:
    """Person names that no known actor matches, and later surnames that refer to them."""
    text = layout.text
    taken = [(m.start, m.end) for m in known]
    out: list[Mention] = []
    surnames: dict[str, str] = {}
    headings = [(p.start, p.end) for p in layout.paragraphs if p.heading]
    for m in _CAPITALISED.finditer(text):
        if any(s <= m.start() < e for s, e in headings):
            continue
        found = _person_name(m.group())
        if found is None:
            continue
        start = m.start() + found[0]
        end = start + len(found[1])
        if any(s < end and start < e for s, e in taken):
            continue
        actor_id = slug(found[1])
        surnames.setdefault(found[1].split()[-1], actor_id)
        taken.append((start, end))
        out.append(_mention(layout, start, end, actor_id, "person", new=True))
    for surname, actor_id in surnames.items():
        for m in re.finditer(rf"(?<![\w\-]){re.escape(surname)}(?![\w\-])", text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            out.append(_mention(layout, m.start(), m.end(), actor_id, "person", new=True))
    return out


_PEOPLE = (
    "diplomat|source|official|spokesman|spokeswoman|spokesperson|envoy|negotiator|adviser|"
    "advisor|aide|analyst|expert|observer|lawmaker|commander|correspondent|insider"
)
_BODIES = "presidency|ministry|government|delegation|administration|embassy|mission"
_ROLE = re.compile(
    rf"(?P<np>(?<![\w’'])(?P<det>[Aa]n?|[Tt]he)\s+(?P<rest>(?:[\w’'\-]+\s+){{0,5}}?"
    rf"(?P<head>(?:{_PEOPLE})s?|{_BODIES}|ministries))"
    r"(?:\s+(?:in|of|at|from|close\s+to)\s+(?:[\w’'\-]+\s+){0,4}?[\w’'\-]+)??)"
    r"\s+(?:(?:has|have|had|also|was|were|reportedly|then|later|once\s+again)\s+)*$"
)


def role_phrase(text: str, start: int, end: int, source_id: str) -> Mention | None:
    """An unnamed speaker described right before text offset `end` ("a senior European
    diplomat told", "The French presidency said"): a new actor whose id follows the codebook:
    `anon_<description>_<source>` for an unnamed person (one per source), else a slug."""
    m = _ROLE.search(text, start, end)
    if m is None or not re.search(r"\s$", text[m.end("np") : end] or " "):
        return None
    head, people = m["head"].lower(), _PEOPLE.split("|")
    words = [w for w in m["np"].split()[1:] if w.lower() not in ("the", "a", "an", "in", "of")]
    if head in people:
        actor_id, kind = f"anon_{slug(' '.join(words))}_{source_id.lower()}", "anonymous"
    else:
        actor_id = slug(" ".join(words))
        kind = "group" if head[:-1] in people else "organization"
    return Mention(m.start("np"), m.end("np"), actor_id, kind, new=True)


def pronouns(layout: Layout) -> list[tuple[int, int, str]]:
    """(start, end, pronoun) of he, she, they and a sentence-initial It, outside quotations."""
    out = []
    for m in _PRONOUNS.finditer(layout.text):
        if layout.in_quote(m.start()):
            continue
        out.append((m.start(), m.end(), m.group()))
    return out


def mentions(layout: Layout, actors: list[Actor]) -> list[Mention]:
    """Known actors and new names mentioned in the article, in order of position."""
    known = known_mentions(layout, actors)
    return sorted([*known, *new_name_mentions(layout, known)], key=lambda m: m.start)
