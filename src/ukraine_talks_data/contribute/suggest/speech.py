"""Statements in an article: every quotation and every sentence of reported speech, each with
its span, quote type and speakers ranked (docs/codebook.md §3.1–3.3).

- A quotation is `direct` when it is a whole remark: at least four words, ending its clause
  (at the sentence's end or before its attribution), and either capitalised or introduced
  by a verb of saying ("said “the Kremlin has …"). Its span is the quoted words without
  the marks (`package.quotes`). Its speaker is the first name after it in its sentence
  ("…,” Stoltenberg said), else the last before a verb of saying ("Psaki insisted: “…”"),
  else the speaker of the quotation before it ("“A,” X said. “B.”").
- Any other quotation makes its sentence a `partial` statement; a sentence with a verb of
  speech and no quotation is a `paraphrase`. The speaker is the last name before the first
  active verb of speech (not after a preposition, not a possessive), or the name after
  "according to", or the sentence's subject for ", saying …".
- Pronouns: he/she → the last person who was a sentence's subject; It → the previous
  sentence's subject; they → the last group, organisation or state that was a subject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ...package.quotes import QuoteSpan
from .mentions import Mention, pronouns, role_phrase
from .text import Layout, Sentence

VERBS = (
    "said|says|say|saying|told|tells|stated|noted|warned|warns|warning|claimed|"
    "claims|claiming|promised|promises|welcomed|welcomes|described|describes|added|adds|"
    "adding|accused|accuses|accusing|denied|denies|deny|denying|insisted|insists|insisting|"
    "demanded|demands|demanding|called on|calls on|called for|calls for|assured|assures|"
    "agreed|agree|agrees|offered|offers|rallied|reiterated|reiterates|criticised|criticized|"
    "commended|announced|announces|stressed|stresses|urged|urges|vowed|vows|threatened|"
    "threatens|expressed|expresses|rejected|rejects|wrote|writes|voice|voiced|supported|"
    "argued|argues|acknowledged|confirmed|confirms|suggested|proposed|complained|emphasised|"
    "emphasized|declared|replied|raised concerns|quoted|made clear"
)
_VERBS = VERBS.replace(" ", r"\s+")  # no-break spaces too
SPEECH = re.compile(rf"(?<![\w\-’'])(?:{_VERBS})(?![\w\-])")
_NOUN = re.compile(r"(?:['’]s|\b(?:its|their|the|his|her|our|of|security))\s+$", re.I)
_SAY = (
    r"(?:said|says|added|adds|stated|insisted|told|wrote|declared|announced|noted|replied|"
    r"warned|claimed)"
)
SAYING = re.compile(rf"(?<![\w\-]){_SAY}(?:\s+\w+\s*[:,]|\s*[:,]?)\s*$")
_PASSIVE = re.compile(r"(?<![\w\-])(?:is|are|was|were|been|being|be)\s+(?:\w+ly\s+)?$", re.I)
_ACCORDING = re.compile(r"(?<![\w\-])according\s+to\s+", re.I)
_PARTICIPLE = re.compile(r",\s*(?:\w+\s+)?$")


@dataclass(frozen=True)
class Speaker:
    """A speaker candidate: an actor id, its kind, whether it is a new name, and why."""

    actor_id: str
    kind: str
    reason: str
    new: bool = False
    start: int | None = None
    end: int | None = None


@dataclass
class Statement:
    """A proposed statement: text[start:end], its quote type, speakers (best first), and the
    region whose words date it (the sentence without its quotations)."""

    start: int
    end: int
    quote_type: str
    sentence: Sentence
    why: str
    speakers: list[Speaker] = field(default_factory=list)
    verb: str | None = None

    @property
    def speaker(self) -> Speaker | None:
        return self.speakers[0] if self.speakers else None


@dataclass
class _State:
    """Who the article was last about, for pronouns and unattributed quotations."""

    subject: Speaker | None = None
    person: Speaker | None = None
    group: Speaker | None = None
    quoted: Speaker | None = None
    quoted_paragraph: int = -2


def _speaker(m: Mention, reason: str) -> Speaker:
    return Speaker(m.actor_id, m.kind, reason, m.new, m.start, m.end)


class _Article:
    def __init__(self, layout: Layout, mentions: list[Mention], source_id: str) -> None:
        self.layout, self.text, self.state = layout, layout.text, _State()
        self.source_id = source_id
        self.mentions = [m for m in mentions if not m.quoted]
        self.pronouns = pronouns(layout)

    def names(self, start: int, end: int) -> list[Mention]:
        """Mentions and resolved pronouns in text[start:end], outside quotations, in order."""
        out = [m for m in self.mentions if start <= m.start and m.end <= end]
        taken = [(m.start, m.end) for m in out]
        for p_start, p_end, word in self.pronouns:
            if not (start <= p_start and p_end <= end) or any(s <= p_start < e for s, e in taken):
                continue
            antecedent = self.antecedent(word)
            if antecedent is not None:
                out.append(
                    Mention(p_start, p_end, antecedent.actor_id, antecedent.kind,
                            new=antecedent.new, pronoun=word)
                )  # fmt: skip
        return sorted(out, key=lambda m: m.start)

    def antecedent(self, pronoun: str) -> Speaker | None:
        word = pronoun.lower()
        if word in ("he", "she"):
            return self.state.person
        if word == "they":
            return self.state.group or self.state.subject
        return self.state.subject

    def reason(self, m: Mention, how: str) -> str:
        named = m.words(self.text)
        if m.pronoun:
            return f"'{m.pronoun}' {how}, read as {m.actor_id} (the last subject it can be)"
        return f"'{named}' {how}"

    def verbs(self, start: int, end: int) -> list[re.Match[str]]:
        """Active verbs of speech in text[start:end], outside quotations."""
        out = []
        for v in SPEECH.finditer(self.text, start, end):
            if self.layout.in_quote(v.start()):
                continue
            before = self.text[start : v.start()]
            if _PASSIVE.search(before) and v.group() != "quoted":
                continue
            if v.group() in ("demands", "voice") and _NOUN.search(before):
                continue
            out.append(v)
        return out

    def reported(self, start: int, end: int) -> tuple[list[Speaker], str | None]:
        """Speakers of reported speech in text[start:end] (best first) and its verb."""
        names = self.names(start, end)
        according = _ACCORDING.search(self.text, start, end)
        if according and not self.layout.in_quote(according.start()):
            at = according.end()
            stop = at + len(re.split(r"[,.;]", self.text[at:end], maxsplit=1)[0])
            after = [m for m in names if at <= m.start and m.end <= stop and not m.possessive]
            # "according to the European diplomat": unnamed unless a name starts the phrase.
            described = role_phrase(self.text[:stop] + " said", at, stop + 1, self.source_id)
            ahead = after[0] if after and after[0].start == at else described
            ahead = ahead or (after[0] if after else None)
            if ahead is not None:
                how = "named after 'according to'"
                return self.ranked(ahead, how, names), "according to"
        verbs = self.verbs(start, end)
        if not verbs:
            return [], None
        verb = verbs[0]
        before = [m for m in names if m.end <= verb.start() and not m.possessive]
        how = f"is the subject of '{verb.group()}'"
        if verb.group().lower().endswith("ing") and _PARTICIPLE.search(
            self.text[start : verb.start()]
        ):
            pick = before[0] if before else None
        else:
            free = [m for m in before if not m.after_preposition]
            pick = free[-1] if free else (before[0] if before else None)
        described = role_phrase(self.text, start, verb.start(), self.source_id)
        if described is not None and (pick is None or pick.end < described.end):
            pick, how = described, f"describes the subject of '{verb.group()}', unnamed"
        owners = [m for m in names if m.end <= verb.start() and m.possessive]
        if pick is None and owners:
            pick, how = owners[-1], f"owns what '{verb.group()}' (its remarks, its words)"
        if pick is None:
            if self.state.subject is None:
                return [], verb.group()
            fallback = replace(
                self.state.subject,
                reason=f"no one named before '{verb.group()}': the previous subject",
            )
            return [fallback], verb.group()
        return self.ranked(pick, how, names), verb.group()

    def ranked(self, top: Mention, how: str, names: list[Mention]) -> list[Speaker]:
        """`top` first, then the other actors named nearby, then the previous subject."""
        out = [_speaker(top, self.reason(top, how))]
        for m in names:
            if m.possessive or any(s.actor_id == m.actor_id for s in out):
                continue
            out.append(_speaker(m, self.reason(m, "is named in the same sentence")))
        subject = self.state.subject
        if subject and all(s.actor_id != subject.actor_id for s in out):
            out.append(replace(subject, reason="the previous subject"))
        return out

    def remember(self, sentence: Sentence, speaker: Speaker | None) -> None:
        """Record the sentence's subject: its speaker, else the first name in it."""
        if speaker is None:
            names = [m for m in self.names(sentence.start, sentence.end) if not m.possessive]
            free = [m for m in names if not m.after_preposition] or names
            if not free:
                return
            speaker = _speaker(free[0], "subject")
        self.state.subject = speaker
        if speaker.kind == "person":
            self.state.person = speaker
        elif speaker.kind in ("group", "organization", "state"):
            self.state.group = speaker


def is_direct(layout: Layout, q: QuoteSpan, sentence: Sentence) -> bool:
    """Whether quotation `q` is a whole remark rather than a few quoted words."""
    text = layout.text
    quoted = text[q.start : q.end]
    if len(quoted.split()) < 4:
        return False
    opening = q.start - 1 if q.kind != "unopened" else q.start
    closing = q.end + 1 if q.kind not in ("unclosed",) else q.end
    before = text[sentence.start : max(sentence.start, opening)]
    after = text[min(closing, sentence.end) : sentence.end].strip()
    ends_clause = (
        not after.strip(".!?;")
        or after[:1] in ",;"
        or quoted.rstrip()[-1:] in ".,!?;"
        or bool(SPEECH.search(after))
    )
    starts_clause = not before.strip() or bool(SAYING.search(before)) or before.rstrip()[-1:] == ":"
    return ends_clause and (starts_clause or quoted.lstrip()[:1].isupper())


def statements(layout: Layout, mentions: list[Mention], source_id: str) -> list[Statement]:
    """The proposed statements of the article `source_id`, in order of position."""
    article = _Article(layout, mentions, source_id)
    out: list[Statement] = []
    for sentence in layout.sentences:
        quotes = [q for q in layout.quotes if sentence.start <= q.start < sentence.end]
        direct = [q for q in quotes if is_direct(layout, q, sentence)]
        found: list[Statement] = []
        for q in direct:
            speakers = _direct_speakers(article, q, sentence)
            why = f"quotation marks around a whole remark ({q.kind} marks)"
            found.append(Statement(q.start, q.end, "direct", sentence, why, speakers))
            if speakers:
                article.state.quoted = speakers[0]
                article.state.quoted_paragraph = sentence.paragraph.index
        if quotes and not direct:
            speakers, verb = article.reported(sentence.start, sentence.end)
            words = ", ".join(f"“{layout.text[q.start : q.end]}”" for q in quotes)
            why = f"reported speech quoting a few words ({words})"
            found.append(
                Statement(sentence.start, sentence.end, "partial", sentence, why, speakers, verb)
            )
        elif not quotes:
            speakers, verb = article.reported(sentence.start, sentence.end)
            if verb is not None:
                why = f"reported speech: '{verb}'"
                found.append(
                    Statement(
                        sentence.start, sentence.end, "paraphrase", sentence, why, speakers, verb
                    )
                )
        article.remember(sentence, found[0].speaker if found else None)
        out.extend(found)
    return out


def _direct_speakers(article: _Article, q: QuoteSpan, sentence: Sentence) -> list[Speaker]:
    after_start = min(q.end + 1, sentence.end)
    if article.verbs(after_start, sentence.end):
        speakers, _ = article.reported(after_start, sentence.end)
        if speakers:
            return speakers
    before_end = max(sentence.start, q.start - 1)
    if article.verbs(sentence.start, before_end):
        speakers, _ = article.reported(sentence.start, before_end)
        if speakers:
            return speakers
    state = article.state
    if state.quoted is not None and sentence.paragraph.index - state.quoted_paragraph <= 1:
        return [replace(state.quoted, reason="continues the quotation before it")]
    if state.subject is not None:
        return [replace(state.subject, reason="no attribution: the previous subject")]
    return []
