"""Spreadsheet formula injection: spotting text a spreadsheet would run, and neutralising it.

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
"""

from __future__ import annotations

import re

TEXT_TYPES = frozenset({"string", "list", "any"})
"""Table Schema types whose cells are text a spreadsheet reads as typed (and may run)."""
TRIGGERS = "=+-@\uff1d\uff0b\uff0d\uff20"
"""Characters that start a formula: = + - @ and their full-width forms."""
_LEADING = " \t\r\n"
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
    stripped = text.lstrip(_LEADING)
    if not stripped or stripped[0] not in TRIGGERS:
        return False
    body = stripped[1:]
    if stripped[0] in "=\uff1d":
        return bool(body.strip())
    return _FORMULA_BODY.match(body) is not None


def neutralise_formula(text: str) -> str:
    """`text` made safe to open in a spreadsheet: prefixed with `'` when it could start a
    formula (a trigger character, possibly after leading whitespace); else unchanged."""
    stripped = text.lstrip(_LEADING)
    if stripped and stripped[0] in TRIGGERS:
        return "'" + text
    return text
