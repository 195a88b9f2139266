"""A span's text that differs from its seed by a look-alike character: the error says where
and which characters, by code point and name (both engines)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import read_rows, set_cell
from damage import report_lines
from ukraine_talks_data.validate import Engine, validate_package
from ukraine_talks_data.validate.rules.spans import _bounded_below


def _apostrophe(text: str) -> tuple[str, int]:
    k = text.index("’")
    return text[:k] + "'" + text[k + 1 :], k


def _no_break_space(text: str) -> tuple[str, int]:
    k = text.index(" ")
    return text[:k] + "\u00a0" + text[k + 1 :], k


def _decomposed(text: str) -> tuple[str, int]:
    k = next(i for i, c in enumerate(text) if c.isascii() and c.isalpha())
    return text[:k] + unicodedata.normalize("NFD", "é") + text[k + 1 :], k


def _shorter(text: str) -> tuple[str, int]:
    return text[:-1], len(text) - 1


def _longer(text: str) -> tuple[str, int]:
    return text + " ", len(text)


EDITS: dict[str, Callable[[str], tuple[str, int]]] = {
    "straight apostrophe": _apostrophe,
    "no-break space": _no_break_space,
    "decomposed accent": _decomposed,
    "a character short": _shorter,
    "a character more": _longer,
}


def _char(c: str) -> str:
    return f"U+{ord(c):04X} {unicodedata.name(c)}"


@pytest.mark.parametrize("engine", ["columns", "frictionless"])
@pytest.mark.parametrize("edit", EDITS.values(), ids=list(EDITS))
def test_the_first_different_character_is_named(
    package: Path, engine: Engine, edit: Callable[[str], tuple[str, int]]
) -> None:
    path = package.parent / "data" / "statements.csv"
    rows = [(i, r) for i, r in enumerate(read_rows(path)) if "’" in r["text"]]
    index, row = min(rows, key=lambda ir: len(ir[1]["text"]))  # shown whole in the line
    text, source, start = row["text"], row["source_id"], int(row["start_char"])
    edited, k = edit(text)
    number = set_cell(path, index, "text", edited)
    at = f"{source}[{start + k}]"
    if k == len(text):
        where = f"the text goes on past the span's end with {_char(edited[k])}"
    elif k == len(edited):
        where = f"the text stops at {at}, where the seed has {_char(text[k])}"
    else:
        where = f"first difference at {at}: {_char(text[k])} in the seed, {_char(edited[k])} here"
    span = f"{source}[{row['start_char']}:{row['end_char']}]"
    assert report_lines(validate_package(package, engine=engine)) == (
        1,
        [
            f"data/statements.csv:{number}:text: span-mismatch: text differs from {span}, "
            f"which reads {text!r} ({where}) (value: {edited!r})"
        ],
    )


@pytest.mark.parametrize(
    ("field", "bounded"),
    [({"type": "integer", "constraints": {"minimum": 0}}, True),
     ({"type": "integer", "constraints": {"minimum": 5}}, True),
     ({"type": "integer", "constraints": {"minimum": -1}}, False),
     ({"type": "integer", "constraints": {"minimum": "0"}}, False),
     ({"type": "integer", "constraints": {"minimum": True}}, False),
     ({"type": "integer"}, False),
     ({"type": "number", "constraints": {"minimum": 0}}, False),
     ({"constraints": {"minimum": 0}}, False)],
)  # fmt: skip
def test_the_span_rule_leaves_a_negative_start_to_a_schema_minimum_of_0_or_more(
    field: dict[str, object], bounded: bool
) -> None:
    """Only an integer minimum of 0 or more makes a negative start the schema's error;
    anything else and span-offsets says it (the corpus runs both on a package)."""
    assert _bounded_below({"fields": [{"name": "start_char", **field}]}) is bounded
