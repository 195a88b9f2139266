"""Damaged copies of the package: (name, damage) pairs, each damage editing a package folder.

Used by the differential test (both engines must report the same issues). A damage need not
produce a single clean error: whatever it breaks, both engines must agree. To add another
corpus, append its (name, function) pairs to DAMAGES.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

Damage = Callable[[Path], None]


# Reading and writing the package's files.


def schema_of(root: Path, table: str) -> dict[str, Any]:
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == table:
            schema = resource["schema"]
            if isinstance(schema, str):
                schema = json.loads((root / schema).read_text(encoding="utf-8"))
            return dict(schema)
    raise KeyError(table)


def csv_path(root: Path, table: str) -> Path:
    return root / "data" / f"{table}.csv"


def records(root: Path, table: str) -> list[list[str]]:
    text = csv_path(root, table).read_bytes().decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def write_records(root: Path, table: str, rows: list[list[str]], end: str = "\n") -> None:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator=end).writerows(rows)
    csv_path(root, table).write_bytes(out.getvalue().encode("utf-8"))


def edit_descriptor(root: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    path = root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    edit(descriptor)
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def edit_schema(root: Path, table: str, edit: Callable[[dict[str, Any]], None]) -> None:
    path = root / "schemas" / f"{table}.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    edit(schema)
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")


def filler(field: dict[str, Any]) -> str:
    """Some value for a field of an otherwise empty table (valid or not, it does not matter)."""
    constraints = field.get("constraints", {})
    if "enum" in constraints:
        return str(constraints["enum"][0])
    return {"integer": "1", "date": "2022-01-10", "number": "1.5"}.get(field.get("type", ""), "x")


def rows_of(root: Path, table: str, at_least: int = 1) -> list[list[str]]:
    """The table's records, with filler rows appended until it has `at_least` data rows."""
    rows = records(root, table)
    fields = schema_of(root, table)["fields"]
    while len(rows) - 1 < at_least:
        rows.append([filler(f) for f in fields])
    return rows


def set_cell(table: str, field: str, value: str, row: int = 0) -> Damage:
    def damage(root: Path) -> None:
        rows = rows_of(root, table, row + 1)
        rows[row + 1][rows[0].index(field)] = value
        write_records(root, table, rows)

    return damage


def edit_bytes(table: str, edit: Callable[[bytes], bytes]) -> Damage:
    def damage(root: Path) -> None:
        path = csv_path(root, table)
        path.write_bytes(edit(path.read_bytes()))

    return damage


def edit_rows(table: str, edit: Callable[[list[list[str]]], None], at_least: int = 2) -> Damage:
    def damage(root: Path) -> None:
        rows = rows_of(root, table, at_least)
        edit(rows)
        write_records(root, table, rows)

    return damage


def both(*damages: Damage) -> Damage:
    def damage(root: Path) -> None:
        for d in damages:
            d(root)

    return damage


def extra_table(schema: dict[str, Any], text: str, name: str = "zz_extra") -> Damage:
    """A table of our own, added to the descriptor with its own schema and CSV text."""

    def damage(root: Path) -> None:
        def edit(descriptor: dict[str, Any]) -> None:
            descriptor["resources"].append(
                {
                    "name": name,
                    "path": f"data/{name}.csv",
                    "profile": "tabular-data-resource",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "schema": f"schemas/{name}.json",
                }
            )

        edit_descriptor(root, edit)
        (root / "schemas" / f"{name}.json").write_text(json.dumps(schema), encoding="utf-8")
        csv_path(root, name).write_bytes(text.encode("utf-8"))

    return damage


def _one_field(ftype: str, **extra: Any) -> dict[str, Any]:
    return {"fields": [{"name": "a", "type": ftype, **extra}]}


# Damages that depend on the schemas: every foreign key, enum, pattern and typed field.


def _schemas() -> dict[str, dict[str, Any]]:
    root = Path(__file__).resolve().parent.parent / "schemas"
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(root.glob("*.json"))}


def _every_foreign_key() -> Damage:
    """One broken reference per foreign key, each on its own row of the referencing table."""
    damages = []
    for table, schema in _schemas().items():
        for row, fk in enumerate(schema.get("foreignKeys", [])):
            fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            damages.append(set_cell(table, fields[-1], "zz_nowhere", row))
    return both(*damages)


def _every_field(kind: str) -> Damage:
    """One bad cell per field of the given kind, each on its own row."""
    damages = []
    for table, schema in _schemas().items():
        for row, field in enumerate(schema["fields"]):
            name, c = field["name"], field.get("constraints", {})
            ftype = field.get("type", "string")
            if kind == "enum" and "enum" in c:
                damages.append(set_cell(table, name, "not_listed", row))
            if kind == "pattern" and "pattern" in c:
                damages.append(set_cell(table, name, "Not A Match!", row))
            if kind == "type" and ftype == "integer":
                damages.append(set_cell(table, name, "twelve", row))
            if kind == "date" and ftype == "date":
                damages.append(set_cell(table, name, "2022-02-30", row))
            if kind == "required" and c.get("required"):
                damages.append(set_cell(table, name, "", row))
    return both(*damages)


def _append_copy(rows: list[list[str]]) -> None:
    rows.append(list(rows[1]))


def _drop_column(index: int, header_only: bool) -> Callable[[list[list[str]]], None]:
    def edit(rows: list[list[str]]) -> None:
        for row in rows[:1] if header_only else rows:
            del row[index]

    return edit


def _add_column(header_only: bool) -> Callable[[list[list[str]]], None]:
    def edit(rows: list[list[str]]) -> None:
        rows[0].append("extra")
        if not header_only:
            for row in rows[1:]:
                row.append("more")

    return edit


def _rename_label(index: int, label: str) -> Callable[[list[list[str]]], None]:
    def edit(rows: list[list[str]]) -> None:
        rows[0][index] = label

    return edit


def _second_of_an_utterance(field: str) -> Callable[[list[list[str]]], None]:
    """Give the second row of the first utterance with two rows another `field` value."""

    def edit(rows: list[list[str]]) -> None:
        header = rows[0]
        utterance, column = header.index("utterance_id"), header.index(field)
        seen: set[str] = set()
        for row in rows[1:]:
            if row[utterance] in seen:
                row[column] = "2021-06-01" if field == "date" else "russia"
                return
            seen.add(row[utterance])

    return edit


def _tamper_seed(root: Path) -> None:
    seed = next((root / "seeds").glob("*.txt"))
    data = seed.read_bytes()
    seed.write_bytes(data[:-1] + (b"!" if data[-1:] != b"!" else b"?"))


def _span_mismatch(root: Path) -> None:
    rows = records(root, "evidence")
    column = rows[0].index("text")
    rows[1][column] = rows[1][column].upper() + "."
    write_records(root, "evidence", rows)


def _many_errors(root: Path) -> None:
    """More than Frictionless's 1,000 errors in one table (its report stops there)."""
    rows = rows_of(root, "categories")
    for i in range(1100):
        rows.append([f"9{i:03d}x", "label", "NOT_A_TYPE", "definition"])
    write_records(root, "categories", rows)


def _re2_pattern(root: Path) -> None:
    """Where RE2 and Python's re differ: RE2's `\\w` is ASCII only, its `$` is the very end."""

    def edit(schema: dict[str, Any]) -> None:
        schema["fields"][0]["constraints"]["pattern"] = r"\w+"
        schema["fields"][1]["constraints"]["pattern"] = r"[^!]+$"

    edit_schema(root, "actors", edit)
    set_cell("actors", "actor_id", "Über")(root)
    set_cell("actors", "name", "Name\n")(root)


def _look_ahead_pattern(root: Path) -> None:
    def edit(schema: dict[str, Any]) -> None:
        schema["fields"][0]["constraints"]["pattern"] = r"(?=[a-z])\w+"

    edit_schema(root, "actors", edit)


def _unsupported_format(root: Path) -> None:
    def edit(schema: dict[str, Any]) -> None:
        schema["fields"][4]["format"] = "email"

    edit_schema(root, "sources", edit)


def _hash_on_table(root: Path) -> None:
    def edit(descriptor: dict[str, Any]) -> None:
        descriptor["resources"][1]["hash"] = "sha256:" + "0" * 64
        descriptor["resources"][1]["bytes"] = 7

    edit_descriptor(root, edit)


def _right_hash_on_table(root: Path) -> None:
    data = csv_path(root, "actors").read_bytes()

    def edit(descriptor: dict[str, Any]) -> None:
        descriptor["resources"][1]["hash"] = hashlib.md5(data).hexdigest()
        descriptor["resources"][1]["bytes"] = len(data)

    edit_descriptor(root, edit)


def _missing_file(root: Path) -> None:
    csv_path(root, "events").unlink()


def _empty_file(root: Path) -> None:
    csv_path(root, "categories").write_bytes(b"")


def _missing_seed(root: Path) -> None:
    next((root / "seeds").glob("*.txt")).unlink()


DAMAGES: list[tuple[str, Damage]] = [
    ("clean", lambda root: None),
    ("every foreign key", _every_foreign_key()),
    ("every enum", _every_field("enum")),
    ("every pattern", _every_field("pattern")),
    ("every integer", _every_field("type")),
    ("every date impossible", _every_field("date")),
    ("every required", _every_field("required")),
    ("self foreign key with empty part", set_cell("actors", "affiliation_id", "zz_nowhere", 1)),
    ("composite key with empty part", set_cell("statements", "cameo_code", "0999")),
    ("duplicate primary key", edit_rows("actors", _append_copy)),
    ("duplicate composite key", edit_rows("event_participants", _append_copy)),
    ("duplicate unique path", set_cell("sources", "path", "seeds/000_4d490cdb46004118.txt", 1)),
    ("three duplicates", edit_rows("evidence", lambda r: r.extend([list(r[1]), list(r[1])]))),
    ("missing header column", edit_rows("actors", _drop_column(2, header_only=True))),
    ("missing column", edit_rows("actors", _drop_column(6, header_only=False))),
    ("missing key column", edit_rows("events", _drop_column(0, header_only=False))),
    ("extra header column", edit_rows("statements", _add_column(header_only=True))),
    ("extra column", edit_rows("statements", _add_column(header_only=False))),
    ("duplicate header label", edit_rows("actors", _rename_label(2, "name"))),
    ("blank header label", edit_rows("actors", _rename_label(3, ""))),
    ("renamed header label", edit_rows("sources", _rename_label(2, "Outlet"))),
    ("padded header label", edit_rows("sources", _rename_label(2, " outlet "))),
    ("blank line", edit_bytes("evidence", lambda b: b.replace(b"\n", b"\n\n", 2))),
    ("row of empty cells", edit_rows("evidence", lambda r: r.insert(2, [""] * 7))),
    ("blank first line", edit_bytes("actors", lambda b: b"\n" + b)),
    ("short row", edit_rows("statements", lambda r: r[1].__delitem__(slice(5, None)))),
    ("long row", edit_rows("events", lambda r: r[1].extend(["x", "y"]))),
    ("ragged last line", edit_bytes("evidence", lambda b: b + b"EV9999,sources")),
    ("unclosed quote at end", edit_bytes("categories", lambda b: b + b'999,"open\n\n')),
    ("not UTF-8", edit_bytes("actors", lambda b: b.replace(b"NATO", b"NAT\xd6", 1))),
    ("not UTF-8 late", edit_bytes("evidence", lambda b: b[:-5] + b"\xff" + b[-5:])),
    ("not UTF-8 referenced", edit_bytes("sources", lambda b: b.replace(b"en\n", b"\xe9n\n", 1))),
    ("byte-order mark", edit_bytes("actors", lambda b: b"\xef\xbb\xbf" + b)),
    ("CRLF line ends", edit_bytes("evidence", lambda b: b.replace(b"\n", b"\r\n"))),
    ("CR line ends", edit_bytes("categories", lambda b: b.replace(b"\n", b"\r"))),
    ("quoted line break", set_cell("evidence", "text", "two\nlines")),
    ("quote inside cell", edit_bytes("actors", lambda b: b.replace(b",person,", b',per"son,', 1))),
    ("text after quote", edit_bytes("categories", lambda b: b.replace(b"\n012,", b'\n"01"2,'))),
    ("padded integer", set_cell("evidence", "start_char", " 0")),
    ("signed integer", set_cell("evidence", "end_char", "+65")),
    ("integer with zeros", set_cell("evidence", "start_char", "00")),
    ("unicode digits", set_cell("evidence", "start_char", "٠")),
    ("short date", set_cell("statements", "date", "2022-1-12")),
    ("year zero", set_cell("events", "date", "0000-01-12")),
    ("trailing newline in id", set_cell("actors", "actor_id", "nato\n")),
    ("span mismatch", _span_mismatch),
    ("tampered seed", _tamper_seed),
    ("missing seed", _missing_seed),
    ("more than 1000 errors", _many_errors),
    ("pattern in RE2's meaning", _re2_pattern),
    ("pattern RE2 refuses", _look_ahead_pattern),
    ("unsupported field format", _unsupported_format),
    ("wrong hash and size on a table", _hash_on_table),
    ("right md5 and size on a table", _right_hash_on_table),
    ("missing table file", _missing_file),
    ("empty table file", _empty_file),
    # The dataset's own checks, which the column engine computes column-wise.
    ("control character in a cell", set_cell("actors", "notes", "bell \x07 here", 1)),
    ("control character in span text", set_cell("evidence", "text", "tab\x0bbed")),
    ("line break in a cell", set_cell("actors", "notes", "two\nlines", 2)),
    ("formula in a cell", set_cell("actors", "notes", "=HYPERLINK(1)", 1)),
    ("formula after spaces", set_cell("events", "notes", "  +SUM(A1)", 0)),
    ("full-width formula sign", set_cell("actors", "notes", "\uff1d1+1", 3)),
    ("harmless leading sign", set_cell("actors", "notes", "-- see below", 1)),
    ("right-to-left override in a cell", set_cell("actors", "notes", "see \u202etxt.exe", 1)),
    ("zero-width space in a cell", set_cell("events", "notes", "Gene\u200bva", 0)),
    ("cell over 32,767 bytes, not characters", set_cell("actors", "notes", "é" * 20_000, 1)),
    ("cell over 32,767 characters", set_cell("actors", "notes", "x" * 33_000, 1)),
    ("span past the seed's end", set_cell("evidence", "end_char", "99999999")),
    (
        "span offsets reversed",
        both(set_cell("evidence", "start_char", "10"), set_cell("evidence", "end_char", "5")),
    ),
    ("negative span start", set_cell("evidence", "start_char", "-3")),
    ("span of an unknown source", set_cell("evidence", "source_id", "S999")),
    (
        "end date before date",
        both(
            set_cell("events", "date", "2022-01-12"), set_cell("events", "end_date", "2022-01-10")
        ),
    ),
    ("statement after its source", set_cell("statements", "date", "2030-01-01")),
    ("answer before its demand", set_cell("demands", "first_stated", "2030-01-01")),
    ("utterance speakers disagree", edit_rows("statements", _second_of_an_utterance("speaker_id"))),
    ("utterance dates disagree", edit_rows("statements", _second_of_an_utterance("date"))),
    ("made_at another day", set_cell("statements", "date", "2021-06-01")),
    ("date after its latest day", set_cell("statements", "date_latest", "2021-06-01", 1)),
    (
        "inferred date without note",
        both(
            set_cell("statements", "date_basis", "inferred"),
            set_cell("statements", "date_note", ""),
        ),
    ),
    (
        "event relation without event",
        both(
            set_cell("statements", "event_id", ""),
            set_cell("statements", "event_relation", "about"),
        ),
    ),
    ("event without relation", set_cell("statements", "event_relation", "", 1)),
    ("evidence for no row", set_cell("evidence", "row_id", "nobody", 2)),
    ("row without evidence", edit_rows("evidence", lambda r: r.__delitem__(slice(1, None)))),
    ("disagreement on an unknown field", set_cell("disagreements", "field", "no_such_field")),
    (
        "disagreement with one version",
        edit_rows("disagreement_versions", lambda r: r.__delitem__(1)),
    ),
    # Found by attacking the validator (engines disagree, or one crashes); see the report.
    (
        "NaN under a number's maximum",
        extra_table(_one_field("number", constraints={"maximum": 1}), "a\nNaN\n"),
    ),
    (
        "integer enum of a fraction",
        extra_table(_one_field("integer", constraints={"enum": [1.5]}), "a\n1\n2\n"),
    ),
    (
        "integer minimum of a fraction",
        extra_table(_one_field("integer", constraints={"minimum": 0.5}), "a\n1\n"),
    ),
    (
        "unique numbers written differently",
        extra_table(
            _one_field("number", constraints={"unique": True}), "a\n1.0\n1\n1e5\n100000\n-0\n0\n"
        ),
    ),
    (
        "unique list field",
        extra_table(
            _one_field("list", delimiter="|", constraints={"unique": True}), "a\nx|y\nx|y\n"
        ),
    ),
    (
        "duplicate after a non-canonical duplicate",
        extra_table(_one_field("integer", constraints={"unique": True}), "a\n1\n+1\n1\n"),
    ),
    (
        "duplicate boolean after a non-canonical one",
        extra_table(_one_field("boolean", constraints={"unique": True}), "a\ntrue\nTrue\ntrue\n"),
    ),
    (
        "unique empty strings not missing",
        extra_table(
            {**_one_field("string", constraints={"unique": True}), "missingValues": []},
            'a\n""\nx\n""\n',
        ),
    ),
    (
        "blank line where the empty string is not missing",
        extra_table(
            {**_one_field("integer", constraints={"minimum": 1}), "missingValues": []}, "a\n1\n\n"
        ),
    ),
    (
        "blank line with field missing values",
        extra_table(
            {
                "fields": [
                    {"name": "a", "type": "string"},
                    {"name": "b", "type": "number", "missingValues": ["-"]},
                ]
            },
            "a,b\nx,1\n\ny,2\n",
        ),
    ),
    (
        "invalid cells in a primary key",
        extra_table({**_one_field("date"), "primaryKey": ["a"]}, "a\nNA\ntrue\n2022-01-10\n"),
    ),
    (
        "space in an integer primary key",
        extra_table(
            {**_one_field("integer", constraints={"required": True}), "primaryKey": ["a"]},
            "a\n0\n \n",
        ),
    ),
    (
        "composite key with a missing cell",
        extra_table(
            {
                "fields": [
                    {"name": "a", "type": "boolean", "missingValues": ["", "NA"]},
                    {"name": "b", "type": "string", "missingValues": []},
                ],
                "primaryKey": ["a", "b"],
            },
            "a,b\n0\n0\n",
        ),
    ),
    (
        "composite key repeated with an empty cell, and one differing only by it",
        extra_table(
            {
                "fields": [{"name": "a", "type": "string"}, {"name": "b", "type": "string"}],
                "primaryKey": ["a", "b"],
            },
            "a,b\n,x\nz,\n,x\nz,y\n,\n",
        ),
    ),
    (
        "blank header, rows wider and narrower than the schema",
        extra_table(
            {**_one_field("integer"), "missingValues": ["NA"]}, "\n0\n\n2022-01-10,01\n0\n1.0\n"
        ),
    ),
    (
        "a table of one empty line",
        extra_table(_one_field("string", constraints={"enum": ["x"]}), "\n"),
    ),
    (
        "required cell holding a missing value",
        extra_table(
            {**_one_field("string", constraints={"required": True}), "missingValues": ["", "NA"]},
            "a\nNA\nx\n",
        ),
    ),
    (
        "blank line beside a label whose empty cell is a value",
        extra_table(
            {
                "fields": [{"name": "f0", "type": "string", "missingValues": ["", "NA"]}],
                "missingValues": ["-"],
            },
            "f0,extra\n\nx,y\n",
        ),
    ),
    (
        "list field in a primary key",
        extra_table(
            {"fields": [{"name": "a", "type": "list", "delimiter": "|"}], "primaryKey": ["a"]},
            "a\nx|y\nx|y\n",
        ),
    ),
    (
        "short rows after a wide header, then a blank line",
        extra_table(
            {
                "fields": [
                    {"name": "f0", "type": "integer"},
                    {"name": "f1", "type": "date"},
                    {"name": "f2", "type": "date"},
                ],
                "missingValues": ["NA"],
            },
            "f0,f1,f2\n1.0\n1.0\n\n",
        ),
    ),
]
