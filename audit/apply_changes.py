"""Apply the audit's adjudicated data changes (audit/changes.csv) to data/*.csv.

Run from anywhere: ``python audit/apply_changes.py [--check]``. Each row of changes.csv
names a table, a primary-key value (a composite key joined by ``/``), a field, the old and
the new value and a reason. Field ``*`` adds or removes a whole row: the old value (removal)
or the new value (addition) is the row as a JSON object, field by field.

The changes are applied idempotently: a cell that already holds the new value, a row already
added or already removed is left alone. A cell (or row) that holds neither the old nor the
new value is refused, with the table, key and field named, and nothing is written: the data
changed under the audit, and the change must be looked at again. Columns other branches add
to a table are kept; an added row leaves them empty. ``--check`` writes nothing and exits 1
if any change is still to apply.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHANGES = ROOT / "audit" / "changes.csv"
CHANGE_COLUMNS = ("table", "key", "field", "old_value", "new_value", "reason")


class ChangeError(Exception):
    """A change whose old value no longer matches the data."""


@dataclass
class Table:
    """One CSV table of data/: its header, rows and primary key."""

    path: Path
    header: list[str]
    rows: list[dict[str, str]]
    key: list[str]

    @classmethod
    def read(cls, root: Path, name: str) -> Table:
        """Read data/<name>.csv and the primary key its schema declares."""
        schema = json.loads((root / "schemas" / f"{name}.json").read_text(encoding="utf-8"))
        key = schema["primaryKey"]
        path = root / "data" / f"{name}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
        return cls(
            path, list(reader.fieldnames or []), rows, [key] if isinstance(key, str) else key
        )

    def find(self, key: str) -> int | None:
        """The index of the row with this key value, or None."""
        parts = key.split("/")
        for index, row in enumerate(self.rows):
            if [row[k] for k in self.key] == parts:
                return index
        return None

    def text(self) -> str:
        """The table as CSV text in the package's form (LF, minimal quoting)."""
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=self.header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        return out.getvalue()


def read_changes(path: Path = CHANGES) -> list[dict[str, str]]:
    """The rows of changes.csv."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def apply_one(table: Table, change: dict[str, str]) -> bool:
    """Apply one change to a table in memory; True if it changed anything."""
    where = f"{table.path.name} {change['key']} {change['field']}"
    index = table.find(change["key"])
    if change["field"] == "*":
        old = json.loads(change["old_value"]) if change["old_value"] else None
        new = json.loads(change["new_value"]) if change["new_value"] else None
        current = table.rows[index] if index is not None else None
        if (
            current is not None
            and new is not None
            and all(current.get(k) == v for k, v in new.items())
        ):
            return False
        if current is None and new is None:
            return False
        if (
            current is not None
            and old is not None
            and all(current.get(k) == v for k, v in old.items())
        ):
            del table.rows[index]  # type: ignore[arg-type]
            if new is None:
                return True
            current = None
        if current is None and new is not None:
            unknown = set(new) - set(table.header)
            if unknown:
                raise ChangeError(f"{where}: no column {sorted(unknown)} in the table")
            table.rows.append({k: new.get(k, "") for k in table.header})
            return True
        raise ChangeError(f"{where}: the row is not what the change expects")
    if index is None:
        raise ChangeError(f"{where}: no row with this key")
    row = table.rows[index]
    if change["field"] not in row:
        raise ChangeError(f"{where}: no such column")
    if row[change["field"]] == change["new_value"]:
        return False
    if row[change["field"]] != change["old_value"]:
        raise ChangeError(
            f"{where}: holds {row[change['field']]!r}, "
            f"expected {change['old_value']!r} (or the new value)"
        )
    row[change["field"]] = change["new_value"]
    return True


def sort_rows(table: Table, was_sorted: bool) -> None:
    """Keep a table that was in primary-key order in that order after additions."""
    if was_sorted:
        table.rows.sort(key=lambda row: [row[k] for k in table.key])


def apply_changes(
    root: Path = ROOT, changes: list[dict[str, str]] | None = None, write: bool = True
) -> int:
    """Apply every change to root/data; return how many were still to apply."""
    changes = read_changes() if changes is None else changes
    tables: dict[str, Table] = {}
    order: dict[str, bool] = {}
    applied = 0
    for change in changes:
        name = change["table"]
        if name not in tables:
            tables[name] = Table.read(root, name)
            keys = [[row[k] for k in tables[name].key] for row in tables[name].rows]
            order[name] = keys == sorted(keys)
        applied += apply_one(tables[name], change)
    if write and applied:
        for name, table in tables.items():
            sort_rows(table, order[name])
            text = table.text()
            if text != table.path.read_text(encoding="utf-8"):
                temporary = table.path.with_suffix(".csv.tmp")
                temporary.write_text(text, encoding="utf-8", newline="")
                temporary.replace(table.path)
    return applied


def main(argv: list[str]) -> int:
    """Apply the changes (or, with --check, say whether any is still to apply)."""
    check = "--check" in argv
    try:
        pending = apply_changes(write=not check)
    except ChangeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if check:
        print(f"{pending} change(s) still to apply" if pending else "all changes applied")
        return 1 if pending else 0
    print(f"applied {pending} change(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
