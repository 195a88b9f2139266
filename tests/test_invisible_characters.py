"""Bidirectional controls and invisible characters in text cells: a warning each, like a
formula, naming the character and where it is."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from conftest import read_rows, set_cell
from damage import validate_cli
from ukraine_talks_data.validate.rules.cells import describe, invisible_character

BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\U000e0041"]


@pytest.mark.parametrize("char", BIDI + INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_each_character_is_a_warning(package: Path, char: str) -> None:
    text = f"Lavrov{char}said"
    row = set_cell(package.parent / "data" / "actors.csv", 1, "notes", text)
    kind = "a bidirectional control" if char in BIDI else "an invisible character"
    name = unicodedata.name(char)
    code, lines = validate_cli(package)
    assert code == 0  # a warning: the data is still valid
    assert lines == [
        f"data/actors.csv:{row}:notes: warning: invisible-character: the cell holds {kind}, "
        f"U+{ord(char):04X} {name}, at position 6: it changes how the text reads without "
        f"showing itself; remove it (value: {text!r})"
    ]


def test_right_to_left_override_in_a_statement(package: Path) -> None:
    """The issue's case: an override that makes `txt.exe` read as `exe.txt`."""
    path = package.parent / "data" / "statements.csv"
    field = next(f for f in read_rows(path)[0] if f not in ("text",) and "note" in f)
    row = set_cell(path, 0, field, "see \u202etxt.exe")
    code, lines = validate_cli(package)
    assert code == 0
    where = [line.split(": warning: ")[0] for line in lines]
    assert where == [f"data/statements.csv:{row}:{field}"]


@pytest.mark.parametrize(
    "text", ["plain", "Lavrov\u2019s \u201cred lines\u201d", "Zürich – Genève", "", "\u00a0space"]
)
def test_ordinary_text_is_not_flagged(text: str) -> None:
    assert invisible_character(text) is None


def test_the_character_is_named() -> None:
    assert describe("\u202e") == "U+202E RIGHT-TO-LEFT OVERRIDE"
    assert describe("\U000e0000") == "U+E0000 TAG CHARACTER"
