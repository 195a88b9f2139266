"""The quotation-span finder on tiny texts, one punctuation rule at a time."""

from __future__ import annotations

from ukraine_talks_data.package.quotes import quote_spans


def spans(text: str) -> list[tuple[str, str]]:
    return [(text[q.start : q.end], q.kind) for q in quote_spans(text)]


def test_curly_and_straight_double_quotes() -> None:
    assert spans('He said “yes, now” and "no".') == [("yes, now", "double"), ("no", "straight")]


def test_apostrophes_are_not_closing_marks() -> None:
    text = "NATO’s ‘Moment of Truth’ and “It’s late” it’s"
    assert spans(text) == [("Moment of Truth", "single"), ("It’s late", "double")]


def test_opening_single_mark_after_a_letter_is_an_apostrophe() -> None:
    assert spans("Biden‘s aide said ‘no’.") == [("no", "single")]


def test_unclosed_quote_runs_to_paragraph_end() -> None:
    text = "She said “the end is near.  \n“Next para.”"
    assert spans(text) == [("the end is near.", "unclosed"), ("Next para.", "double")]


def test_unopened_quote_starts_at_its_sentence() -> None:
    text = "“A,” he said. It went on. The rest was said.” After."
    assert spans(text) == [("A,", "double"), ("The rest was said.", "unopened")]


def test_offsets_are_str_indices_without_normalisation() -> None:
    text = "x\u00a0“a\u00a0b”\r\n“c”"
    found = quote_spans(text)
    assert [text[q.start : q.end] for q in found] == ["a\u00a0b", "c"]
    assert found[0].start == 3
