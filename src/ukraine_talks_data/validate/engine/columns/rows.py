"""Frictionless's rules for a table's header and for one row, restated in Python.

`expected_fields` pairs header labels with schema fields by position and lists the label
errors; `judge` reads one row's cells as Frictionless's `Row` does (types, constraints,
extra and missing cells, blank rows). The errors are dicts shaped like Frictionless's
`Error.to_descriptor()`, so that `schema_checks.issue_from_error` turns both engines'
errors into the same Issues.
"""

from __future__ import annotations

from typing import Any

from .cells import read_cell
from .plan import FieldPlan, ForeignKey, TablePlan, any_field

Error = dict[str, Any]  # an error as Frictionless describes it (`Error.to_descriptor()`)


def expected_fields(plan: TablePlan, labels: list[str]) -> tuple[list[FieldPlan], list[Error]]:
    """The fields Frictionless expects for `labels` (by position), and the label errors."""
    schema_fields = list(plan.fields)
    matched: list[FieldPlan | None] = [
        schema_fields[i] if i < len(schema_fields) else None for i in range(len(labels))
    ]
    names = _deduplicate([f.name if f else label for f, label in zip(matched, labels, strict=True)])
    fields = [f if f else any_field(name) for f, name in zip(matched, names, strict=True)]
    errors: list[Error] = []
    for number, label in enumerate(labels, start=1):
        if number > len(schema_fields):
            errors.append(_label_error("extra-label", label, "", number))
    for offset, f in enumerate(schema_fields[len(labels) :]):
        errors.append(_label_error("missing-label", "", f.name, len(labels) + offset + 1))
    for number, (f, label) in enumerate(zip(schema_fields, labels, strict=False), start=1):
        if not label:
            errors.append(_label_error("blank-label", "", f.name, number))
            continue
        seen = [n for n, other in enumerate(labels[: number - 1], start=1) if other == label]
        if seen:
            note = f'at position "{", ".join(map(str, seen))}"'
            errors.append(_label_error("duplicate-label", label, f.name, number, note))
            continue
        if label != f.name:
            errors.append(_label_error("incorrect-label", label, f.name, number))
    return fields, errors


def _deduplicate(names: list[str]) -> list[str]:
    result: list[str] = []
    used: set[str] = set()
    for name in names:
        new, suffix = name, 2
        while new in used:
            new, suffix = f"{name}{suffix}", suffix + 1
        result.append(new)
        used.add(new)
    return result


def judge(
    fields: list[FieldPlan], cells: list[str | None], number: int
) -> tuple[list[Error], list[Any]]:
    """A row's cell errors and values, exactly as Frictionless reads a row."""
    errors: list[Error] = []
    values: list[Any] = []
    blank = 0
    for position, f in enumerate(fields):
        cell = cells[position] if position < len(cells) else None
        value, found = read_cell(f, cell)
        values.append(value)
        if value is None and not (found and found[0][0] == "type-error"):
            blank += 1
        for code, note in found:
            errors.append(cell_error(code, number, f, position, str(cell), note))
    for position in range(len(fields), len(cells)):
        errors.append(
            {
                "type": "extra-cell",
                "rowNumber": number,
                "fieldName": "",
                "fieldNumber": position + 1,
                "cell": str(cells[position]),
                "note": "",
            }
        )
    for position in range(len(cells), len(fields)):
        errors.append(cell_error("missing-cell", number, fields[position], position, "", ""))
    if blank == len(fields):
        errors = [row_error("blank-row", number, "")]
    return errors, values


def cell_error(
    code: str, number: int, f: FieldPlan, position: int, cell: str | None, note: str
) -> Error:
    return {
        "type": code,
        "rowNumber": number,
        "fieldName": f.name,
        "fieldNumber": position + 1,
        "cell": "" if cell is None else cell,
        "note": note,
    }


def row_error(code: str, number: int, note: str) -> Error:
    return {"type": code, "rowNumber": number, "note": note}


def fk_error(
    number: int, names: tuple[str, ...], values: list[str | None], fk: ForeignKey
) -> Error:
    shown = ", ".join("None" if v is None else v for v in values)
    note = (
        f'for "{", ".join(names)}": values "{shown}" not found in the lookup table '
        f'"{fk.label}" as "{", ".join(fk.reference_fields)}"'
    )
    return {
        "type": "foreign-key",
        "rowNumber": number,
        "note": note,
        "fieldNames": list(names),
        "fieldCells": ["" if v is None else v for v in values],
        "referenceName": fk.label,
        "referenceFieldNames": list(fk.reference_fields),
    }


def _label_error(code: str, label: str, name: str, number: int, note: str = "") -> Error:
    return {"type": code, "label": label, "fieldName": name, "fieldNumber": number, "note": note}
