"""The data dictionary, docs/data-dictionary.md, generated from the descriptor and Table Schemas.

Every table (description, files, primary and foreign keys) and every field (type, required,
constraints and vocabulary, description). `ukraine-talks build` writes it; a test fails while
the committed file is stale. ``python -m ukraine_talks_data.publish.data_dictionary`` prints it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ..loading.parquet import PARQUET_DIR, parquet_file_name
from ..package.schemas import is_required, primary_key
from ..validate.inputs.descriptor import Descriptor, read_descriptor

DATA_DICTIONARY = "docs/data-dictionary.md"
_CONSTRAINT_ORDER = ("unique", "enum", "pattern", "minimum", "maximum", "minLength", "maxLength")


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _code(text: str) -> str:
    return f"`{text}`"


def field_type(field: dict[str, Any]) -> str:
    """A field's type as the dictionary shows it (lists with their item type and delimiter)."""
    kind = str(field.get("type", "string"))
    if kind == "list":
        item = field.get("itemType", "string")
        delimiter = field.get("delimiter", ",")
        return f"list of {item} (separated by {_code(delimiter)} in CSV)"
    return kind


def field_constraints(field: dict[str, Any]) -> list[str]:
    """The field's constraints other than `required`, in words; an enum lists its vocabulary."""
    constraints = field.get("constraints", {})
    out: list[str] = []
    for key in _CONSTRAINT_ORDER:
        if key not in constraints:
            continue
        value = constraints[key]
        if key == "unique":
            if value:
                out.append("unique")
        elif key == "enum":
            out.append("one of " + ", ".join(_code(str(v)) for v in value))
        elif key == "pattern":
            out.append(f"matches {_code(value)}")
        else:
            out.append(f"{key} {value}")
    for key in sorted(set(constraints) - set(_CONSTRAINT_ORDER) - {"required"}):
        out.append(f"{key} {constraints[key]}")
    return out


def _foreign_keys(name: str, schema: dict[str, Any]) -> list[str]:
    out = []
    for fk in schema.get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        ref = fk["reference"]
        ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
        table = ref.get("resource") or name
        left = ", ".join(fields)
        right = ", ".join(ref_fields)
        out.append(f"({left}) → [{table}](#{table}) ({right})")
    return out


def _table_section(descriptor: Descriptor, name: str) -> list[str]:
    resource = descriptor.resource(name)
    if resource is None or resource.schema is None:
        raise KeyError(f"{descriptor.file} has no table named {name!r}")
    schema = resource.schema
    raw = resource.raw
    lines = [f"## {name}", ""]
    description = raw.get("description") or schema.get("description") or ""
    if description:
        lines += [description, ""]
    lines.append(
        f"- Files: {_code(resource.path)}, {_code(f'{PARQUET_DIR}/{parquet_file_name(name)}')}"
    )
    lines.append("- Primary key: " + ", ".join(_code(k) for k in primary_key(schema)))
    fks = _foreign_keys(name, schema)
    if fks:
        lines.append("- Foreign keys: " + "; ".join(fks))
    lines += [
        "",
        "| field | type | required | constraints | description |",
        "| --- | --- | --- | --- | --- |",
    ]
    for field in schema["fields"]:
        lines.append(
            "| "
            + " | ".join(
                [
                    _code(field["name"]),
                    _cell(field_type(field)),
                    "yes" if is_required(field) else "",
                    _cell("; ".join(field_constraints(field))),
                    _cell(field.get("description", "")),
                ]
            )
            + " |"
        )
    lines.append("")
    return lines


def render_data_dictionary(descriptor: Descriptor) -> str:
    """The data dictionary of the package described by `descriptor`, as Markdown."""
    raw = descriptor.raw
    names = [r.name for r in descriptor.tables()]
    lines = [
        "# Data dictionary",
        "",
        "<!-- Generated from datapackage.json and schemas/ by `ukraine-talks build`; "
        "do not edit by hand. -->",
        "",
        f"**{raw.get('title', raw.get('name', ''))}**, version {raw.get('version', '?')}. "
        f"{raw.get('description', '')}".strip(),
        "",
        "Each table is a CSV file in `data/` (canonical) and a Parquet file in "
        f"`{PARQUET_DIR}/` (built from it). Empty CSV cells are nulls. Types are "
        "[Table Schema](https://specs.frictionlessdata.io/table-schema/) types; in Arrow and "
        "Parquet, date is date32, integer int64, number float64, boolean bool and list "
        "list<string>.",
        "",
        "Tables: " + " · ".join(f"[{n}](#{n})" for n in names),
        "",
    ]
    for name in names:
        lines += _table_section(descriptor, name)
    return "\n".join(lines).rstrip("\n") + "\n"


def data_dictionary_for(root: Path) -> str:
    """The data dictionary of the package whose datapackage.json is in `root`."""
    descriptor, _ = read_descriptor(Path(root) / "datapackage.json")
    return render_data_dictionary(descriptor)


def main() -> None:
    """Print the data dictionary of the bundled package."""
    from ..package.bundle import bundle_dir

    sys.stdout.write(data_dictionary_for(bundle_dir()))


if __name__ == "__main__":
    main()
