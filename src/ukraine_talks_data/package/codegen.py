"""Generating models.py — one pydantic class per table — from the Table Schemas.

Run ``python -m ukraine_talks_data.package.codegen`` after editing schemas/; a test fails while
models.py is stale, so the models can never drift from the schemas.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .schemas import is_required, table_names, table_schema
from .types import type_forms

_SINGULAR = {"evidence": "Evidence", "categories": "Category"}
_FIELD_ARGS = {
    "pattern": "pattern",
    "minimum": "ge",
    "maximum": "le",
    "minLength": "min_length",
    "maxLength": "max_length",
}


def class_name(table: str) -> str:
    """Model class name: the singular in CamelCase (event_participants → EventParticipant)."""
    words = table.split("_")
    last = _SINGULAR.get(
        words[-1],
        words[-1][:-1].capitalize() if words[-1].endswith("s") else words[-1].capitalize(),
    )
    return "".join(w.capitalize() for w in words[:-1]) + last


def _annotation(field: dict[str, Any]) -> str:
    enum = field.get("constraints", {}).get("enum")
    base = f"Literal[{', '.join(repr(v) for v in enum)}]" if enum else type_forms(field).python
    return base if is_required(field) else f"{base} | None"


def _field_call(field: dict[str, Any]) -> str:
    args = [] if is_required(field) else ["default=None"]
    constraints = field.get("constraints", {})
    for key, arg in _FIELD_ARGS.items():
        if key in constraints and not (key == "pattern" and field.get("type") != "string"):
            args.append(f"{arg}={constraints[key]!r}")
    args.append(f"description={field.get('description', '')!r}")
    return f"Field({', '.join(args)})"


def render_models() -> str:
    """The source of models.py for the bundled schemas."""
    out = [
        '"""Pydantic models, one per table. GENERATED from schemas/*.json by',
        '``python -m ukraine_talks_data.package.codegen``: do not edit by hand."""',
        "",
        "from __future__ import annotations",
        "",
        "import datetime as dt",
        "from typing import Literal",
        "",
        "from pydantic import BaseModel, ConfigDict, Field",
        "",
        "",
        "class Record(BaseModel):",
        '    """Base of all table models: strict about unknown fields, immutable."""',
        "",
        '    model_config = ConfigDict(extra="forbid", frozen=True)',
    ]
    names = table_names()
    for table in names:
        schema = table_schema(table)
        out += [
            "",
            "",
            f"class {class_name(table)}(Record):",
            f'    """A row of `{table}`: {schema.get("description", "")}"""',
            "",
        ]
        for field in schema["fields"]:
            out.append(f"    {field['name']}: {_annotation(field)} = {_field_call(field)}")
    out += ["", "", "MODELS: dict[str, type[Record]] = {"]
    out += [f"    {t!r}: {class_name(t)}," for t in names]
    out += ["}", ""]
    return "\n".join(out)


def models_path() -> Path:
    return Path(__file__).with_name("models.py")


def main() -> int:
    models_path().write_text(render_models(), encoding="utf-8")
    print(f"wrote {models_path()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
