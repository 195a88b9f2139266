"""Cells that read other than they are: text a spreadsheet would run, characters not shown.

Excel, LibreOffice and Google Sheets treat a cell that starts with `=`, `+`, `-` or `@`
as a formula when they open a CSV file (and openpyxl writes such a string as a formula
into XLSX). `=HYPERLINK(…)`, `=WEBSERVICE(…)` or a DDE call like `=cmd|' /c calc'!A1`
can then leak data or run commands on the reader's machine (OWASP: "CSV Injection").

- `looks_like_formula()` — the validator's `formula-injection` warning: a leading trigger
  followed by formula syntax (a function call, a cell reference, arithmetic, a DDE pipe),
  so that ordinary text such as "-- see below" or "@NATO said" is not flagged.
- `neutralise_formula()` — what every export a spreadsheet user opens (CSV, XLSX) must
  apply to each text cell: any cell starting with a trigger (or with a tab or carriage
  return, which some programs strip first) gets a leading apostrophe, which spreadsheets
  read as "this is text". It is deliberately broader than the warning.
- `BIDI_CONTROLS`, `INVISIBLE`, `UNSEEN` — characters that change how a text reads
  without showing themselves (the validator's `invisible-character` warning, below),
  `CONTROLS`, the control characters no cell may hold (its `control-character` error), and
  `LINE_SEPARATORS`, the line breaks beside LF and CR (its `line-break-in-cell` error).
"""

from __future__ import annotations

import re

TEXT_TYPES = frozenset({"string", "list", "any"})
"""Table Schema types whose cells are text a spreadsheet reads as typed (and may run)."""
TRIGGERS = "=+-@\uff1d\uff0b\uff0d\uff20"
"""Characters that start a formula: = + - @ and their full-width forms."""
LEADING = " \t\r\n"
"""Whitespace a spreadsheet may skip before a formula's trigger."""
_FUNCTION = r"[A-Za-z_][A-Za-z0-9_.]*\s*[(|!]"
_CELL_REF = r"\$?[A-Za-z]{1,3}\$?[0-9]+\b"
_ARITHMETIC = r"[0-9.,]+\s*[-+*/^&<>=%]"
_FORMULA_BODY = re.compile(rf"\s*(?:{_FUNCTION}|{_CELL_REF}|{_ARITHMETIC}|[(=])")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet opening `text` as a cell would evaluate it as a formula.

    `=` followed by anything is a formula; `+`, `-` and `@` only when formula syntax
    follows (a function call or DDE pipe, a cell reference, arithmetic, a parenthesis or
    an equals sign).
    """
    stripped = text.lstrip(LEADING)
    if not stripped or stripped[0] not in TRIGGERS:
        return False
    body = stripped[1:]
    if stripped[0] in "=\uff1d":
        return bool(body.strip())
    return _FORMULA_BODY.match(body) is not None


def neutralise_formula(text: str) -> str:
    """`text` made safe to open in a spreadsheet: prefixed with `'` when it could start a
    formula (a trigger character, possibly after leading whitespace); else unchanged."""
    stripped = text.lstrip(LEADING)
    if stripped and stripped[0] in TRIGGERS:
        return "'" + text
    return text


# Invisible characters (the validator's `invisible-character` warning): bidirectional controls
# and invisible format characters. A right-to-left override (U+202E) displays `txt.exe` as
# `exe.txt`; other bidirectional embeddings, overrides and isolates reorder the text after
# them; zero-width spaces and joiners, the word joiner, the soft hyphen and Unicode tag
# characters are not drawn at all, so two cells that look the same differ, or a reader (or a
# program that shows the text) sees something else than what is stored ("Trojan Source",
# CVE-2021-42574). None belongs in an annotation; each is a warning, like a formula, since the
# text is still the text. A span's verbatim text is left out: it must equal the seed.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Arabic letter mark, LRM, RLM, the embeddings, overrides and pop (U+202A–U+202E), and the
isolates (U+2066–U+2069)."""
INVISIBLE = "\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"
"""Soft hyphen, Mongolian vowel separator, zero-width space, non-joiner and joiner, word
joiner, the invisible operators, and the zero-width no-break space (a BOM inside text)."""
UNSEEN = f"{BIDI_CONTROLS}{INVISIBLE}\U000e0000-\U000e007f"
"""Every invisible character, Unicode's tag characters (U+E0000–U+E007F) included, as the
contents of a regular expression's character class (Python's `re` and RE2 read it alike)."""
CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
"""The control characters a cell may not hold: Unicode's (C0, DEL and C1, where U+0085 is a
line break to Python and U+009B a terminal's escape), tab, line feed and carriage return
aside (line breaks are a rule of their own), as the contents of a regular expression's
character class over text (Python's `re` and RE2 in UTF-8 read it alike)."""
LINE_SEPARATORS = "\u2028\u2029"
"""Unicode's line and paragraph separators: line breaks to Python's `splitlines`, to
JavaScript and to some viewers, as LF and CR are (the rule on line breaks in cells)."""
