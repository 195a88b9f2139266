"""Reading and checking cells: the exact rules in Python, and SQL that spots the cells needing them.

`read_value` and `cell_errors` restate Frictionless's cell reading (types, missing values,
constraints) for the field types in `column_plan`. They are the reference: the column engine
applies them to every cell that SQL cannot show to be fine. `sql_cell_ok` gives, for a field,
a DuckDB expression that is true only for cells that certainly read without error: a value in
its canonical form (`12`, `2022-01-31`) that meets every constraint. It may be false for a
fine cell (` 12`, a pattern RE2 cannot decide); such cells go to the Python rules, so both
paths give the same result.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .plan import FieldPlan

# One error found in a cell: (code, note), as Frictionless names and explains it.
CellError = tuple[str, str]


def read_value(field: FieldPlan, cell: object) -> Any:
    """The value of a (non-missing) cell, or None when it is not of the field's type."""
    kind = field.type
    if kind in ("string", "any"):
        return cell if isinstance(cell, str) or kind == "any" else None
    if kind == "integer":
        if isinstance(cell, bool):
            return None
        if isinstance(cell, int):
            return cell
        if isinstance(cell, str):
            try:
                return int(cell.strip())
            except Exception:
                return None
        return None
    if kind == "number":
        if isinstance(cell, bool):
            return None
        if isinstance(cell, (int, Decimal)):
            return cell
        if isinstance(cell, float):
            return Decimal(str(cell))
        if isinstance(cell, str):
            try:
                return Decimal(cell.strip())
            except Exception:
                return None
        return None
    if kind == "boolean":
        if isinstance(cell, bool):
            return cell
        if isinstance(cell, str):
            if cell in field.true_values:
                return True
            if cell in field.false_values:
                return False
        return None
    if kind == "date":
        if isinstance(cell, dt.datetime):
            return cell.date() if cell.time() == dt.time() else None
        if isinstance(cell, dt.date):
            return cell
        if isinstance(cell, str):
            try:
                return dt.datetime.strptime(cell, "%Y-%m-%d").date()
            except Exception:
                return None
        return None
    if kind == "list":
        return cell.split(field.delimiter) if isinstance(cell, str) else None
    raise ValueError(f"unsupported type {kind}")


def read_cell(field: FieldPlan, cell: str | None) -> tuple[Any, list[CellError]]:
    """The cell's value (None when missing or unreadable) and its errors, in Frictionless order."""
    value: Any = None if cell is None or cell in field.missing_values else cell
    if value is not None:
        value = read_value(field, value)
        if value is None:
            note = (
                'expected item type is "string"'
                if field.type == "list"
                else f'type is "{field.type}/default"'
            )
            return None, [("type-error", note)]
    errors: list[CellError] = []
    for name in field.checked_constraints():
        if not _meets(field, name, value):
            errors.append(
                ("constraint-error", f'constraint "{name}" is "{field.constraints[name]}"')
            )
    return value, errors


def _meets(field: FieldPlan, name: str, value: Any) -> bool:
    constraint = field.constraints[name]
    if name == "required":
        return not (constraint and value is None)
    if value is None:
        return True
    if name == "minLength":
        return bool(len(value) >= constraint)
    if name == "maxLength":
        return bool(len(value) <= constraint)
    if name == "pattern":
        return bool(python_pattern(constraint).match(value))
    if name == "enum":
        return bool(value in [read_value(field, v) for v in constraint])
    bound = read_value(field, constraint)
    if value != value:  # NaN meets no bound
        return False
    return bool(value >= bound) if name == "minimum" else bool(value <= bound)


@cache
def python_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(f"^{pattern}$")


def value_text(value: Any) -> str:
    """A value as Frictionless writes it into an error (`str`, empty for None)."""
    return "" if value is None else str(value)


# SQL: which cells are certainly fine.


def sql_quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def sql_cell_ok(field: FieldPlan, column: str, pattern_ok: str | None = None) -> str:
    """A DuckDB boolean expression over `column` (raw text) true only for faultless cells.

    `pattern_ok` replaces the pattern test for patterns RE2 cannot decide (see `re2_pattern`).
    """
    missing = _sql_missing(field, column)
    empty_ok = "FALSE" if field.required else "TRUE"
    present = _sql_present_ok(field, column, pattern_ok)
    return f"coalesce(CASE WHEN {missing} THEN {empty_ok} ELSE {present} END, FALSE)"


def sql_missing(field: FieldPlan, column: str) -> str:
    """True where the cell counts as empty."""
    return _sql_missing(field, column)


def _sql_missing(field: FieldPlan, column: str) -> str:
    values = ", ".join(sql_quote(v) for v in field.missing_values)
    return f"({column} IS NULL OR {column} IN ({values}))" if values else f"({column} IS NULL)"


def sql_key_text(field: FieldPlan, column: str) -> str:
    """The text of a present cell's value, as `value_text` gives it, where SQL can tell it.

    NULL where the cell is not in canonical form: the Python rules give those values.
    Keys (unique, primary, foreign) compare these texts; for the types keys may have,
    two values are equal exactly when their texts are.
    """
    kind = field.type
    if kind in ("string", "any"):
        return column
    if kind == "integer":
        return f"CASE WHEN {_sql_int_canonical(column)} THEN {column} END"
    if kind == "date":
        return f"CASE WHEN {_sql_date_canonical(column)} THEN {column} END"
    if kind == "boolean":
        true = ", ".join(sql_quote(v) for v in field.true_values) or "NULL"
        false = ", ".join(sql_quote(v) for v in field.false_values) or "NULL"
        return (
            f"CASE WHEN {column} IN ({true}) THEN 'True' "
            f"WHEN {column} IN ({false}) THEN 'False' END"
        )
    return "NULL"


def _sql_value(field: FieldPlan, column: str) -> str | None:
    """The typed value of a cell in canonical form (NULL otherwise); None if SQL cannot tell."""
    kind = field.type
    if kind == "integer":
        return f"CASE WHEN {_sql_int_canonical(column)} THEN CAST({column} AS BIGINT) END"
    if kind == "date":
        return f"CASE WHEN {_sql_date_canonical(column)} THEN CAST({column} AS DATE) END"
    if kind == "boolean":
        true = ", ".join(sql_quote(v) for v in field.true_values) or "NULL"
        false = ", ".join(sql_quote(v) for v in field.false_values) or "NULL"
        return f"CASE WHEN {column} IN ({true}) THEN TRUE WHEN {column} IN ({false}) THEN FALSE END"
    if kind == "number":
        return f"CASE WHEN {_sql_number_canonical(column)} THEN CAST({column} AS DOUBLE) END"
    return None


def _sql_int_canonical(column: str) -> str:
    return (
        f"(length({column}) <= 18 AND "
        f"CAST(TRY_CAST({column} AS BIGINT) AS VARCHAR) IS NOT DISTINCT FROM {column})"
    )


def _sql_date_canonical(column: str) -> str:
    return (
        f"(length({column}) = 10 AND {column} >= '0001' AND "
        f"CAST(TRY_CAST({column} AS DATE) AS VARCHAR) IS NOT DISTINCT FROM {column})"
    )


def _sql_number_canonical(column: str) -> str:
    return (
        f"(length({column}) <= 15 AND regexp_full_match({column}, '-?[0-9]+(\\.[0-9]+)?') AND "
        f"CAST(TRY_CAST({column} AS DOUBLE) AS VARCHAR) IS NOT DISTINCT FROM {column})"
    )


def _sql_present_ok(field: FieldPlan, column: str, pattern_ok: str | None) -> str:
    """True only if a non-missing cell reads without a type error and meets every constraint."""
    kind = field.type
    c = field.constraints
    tests: list[str] = []
    if kind in ("string", "any"):
        # Bytes bound characters (1 to 4 bytes each): count characters only when they may fail.
        if "minLength" in c:
            n = int(c["minLength"])
            tests.append(f"(strlen({column}) >= {4 * n} OR length({column}) >= {n})")
        if "maxLength" in c:
            n = int(c["maxLength"])
            tests.append(f"(strlen({column}) <= {n} OR length({column}) <= {n})")
        if "pattern" in c:
            regex = re2_pattern(c["pattern"])
            if regex is not None:
                tests.append(f"regexp_matches({column}, {sql_quote(regex)})")
            else:
                tests.append(pattern_ok or "FALSE")
        if "enum" in c:
            tests.append(f"{column} IN ({', '.join(sql_quote(v) for v in c['enum'])})")
        return " AND ".join(tests) or "TRUE"
    if kind == "list":
        items = f"(length({column}) - length(replace({column}, {sql_quote(field.delimiter)}, '')))"
        count = f"({items} // {len(field.delimiter)} + 1)"
        if "minLength" in c:
            tests.append(f"{count} >= {int(c['minLength'])}")
        if "maxLength" in c:
            tests.append(f"{count} <= {int(c['maxLength'])}")
        return " AND ".join(tests) or "TRUE"
    if kind == "number" and any(k in c for k in ("minimum", "maximum", "enum")):
        return "FALSE"  # Decimal comparisons: decided in Python
    value = _sql_value(field, column)
    if value is None:
        return "FALSE"
    tests.append(f"{value} IS NOT NULL")
    literal = _sql_literal(field)
    if "minimum" in c:
        tests.append(f"{value} >= {literal(c['minimum'])}")
    if "maximum" in c:
        tests.append(f"{value} <= {literal(c['maximum'])}")
    if "enum" in c:
        tests.append(f"{value} IN ({', '.join(literal(v) for v in c['enum'])})")
    return " AND ".join(tests)


def _sql_literal(field: FieldPlan) -> Any:
    def literal(raw: object) -> str:
        value = read_value(field, raw)
        if field.type == "integer":
            return str(int(value))
        if field.type == "date":
            return f"DATE '{value.isoformat()}'"
        if field.type == "boolean":
            return "TRUE" if value else "FALSE"
        raise ValueError(field.type)

    return literal


# Patterns: RE2 (DuckDB) decides only where it cannot disagree with Python's re.

_RE2_FORBIDDEN = ("(?", "[:", "[[", "{,")
_REPEAT = re.compile(r"\{(\d+)")


def re2_pattern(pattern: str) -> str | None:
    """An RE2 regex matching (by search) only what `re.match('^' + pattern + '$')` matches.

    None when the pattern uses syntax where RE2 and Python's re may disagree (look-arounds,
    back-references, flags, Unicode classes, word boundaries, POSIX classes...): those
    patterns are checked by Python's re alone.
    """
    if any(token in pattern.replace("(?:", "(") for token in _RE2_FORBIDDEN):
        return None
    if "\n" in pattern or any(int(n) > 1000 for n in _REPEAT.findall(pattern)):
        return None
    index = 0
    while index < len(pattern):
        if pattern[index] == "\\":
            if index + 1 >= len(pattern):
                return None
            escaped = pattern[index + 1]
            if (escaped.isalnum() or escaped == "_") and escaped not in "dws":
                return None
            if not escaped.isascii() or escaped.isspace():
                return None
            index += 2
            continue
        if not pattern[index].isascii():
            return None
        index += 1
    # RE2's `\d`, `\w`, `\s` are ASCII-only: narrower than Python's, so a match is a match.
    # Python's `$` also matches before a final newline: RE2 misses those, and Python decides.
    return f"^(?:^{pattern}$)"
