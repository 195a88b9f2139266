"""The column engine: Frictionless's validation of a package, computed a column at a time.

For each table, a few DuckDB queries over the Arrow records find the rows that may hold an
error (a cell SQL cannot show to be fine, a blank row, a row of the wrong width); the Python
rules of `column_rows` then read those rows exactly as Frictionless reads every row. Keys
are checked in SQL (`column_keys`). The errors, in Frictionless's shape and order (uncapped,
as the reference pass runs it), become Issues through `schema_checks`, so both engines report the
same lines. Packages or resources the engine does not reproduce (see `column_plan` and
`column_source`) raise NeedsReferenceError: the caller runs the reference pass.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...csv.records import ROW, CannotReadError, Records, RecordsCache
from ...inputs.descriptor import Descriptor
from ...report.issues import Issue
from ..frictionless import issue_from_error
from .cells import (
    python_pattern,
    re2_pattern,
    sql_cell_ok,
    sql_key_text,
    sql_missing,
    value_text,
)
from .keys import all_null, duplicates, key_column, missing_references
from .plan import (
    FieldPlan,
    FilePlan,
    PackagePlan,
    TablePlan,
    UnsupportedError,
    compile_package,
)
from .rows import Error, cell_error, expected_fields, fk_error, judge, row_error
from .source import SourceTable, open_table

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa


class NeedsReferenceError(Exception):
    """The package (or one resource) takes a form the column engine does not reproduce;
    the caller runs the reference schema pass instead."""


LIMIT_ERRORS = 10**18  # the reference pass runs Frictionless with limit_errors=0: no cap
SMALL_TABLE = 20_000  # records; smaller tables are checked a row at a time
SMALL_PACKAGE = 2_000_000  # bytes of tables; smaller packages are checked in Python


def column_schema_issues(
    descriptor: Descriptor,
    cache: RecordsCache | None = None,
    *,
    small: bool | None = None,
    schema_only: bool = False,
) -> Iterator[Issue]:
    """The Issues Frictionless reports for the package, computed column-wise where possible.

    A `small` package (default: less than SMALL_PACKAGE bytes of tables) is read with the
    csv module and checked in Python, which is quicker than starting DuckDB for it.
    With `schema_only`, a large package's foreign keys, hashes and sizes are not computed
    (the dataset's checks report those). Raises NeedsReferenceError for a package or
    resource it does not reproduce.
    """
    try:
        plan = compile_package(descriptor)
    except UnsupportedError as exc:
        raise NeedsReferenceError(str(exc)) from None
    if small is None:
        small = is_small(descriptor)
    run = _Run(descriptor, plan, cache or RecordsCache(), small)
    run.schema_only = schema_only
    yield from run.issues()


def is_small(descriptor: Descriptor) -> bool:
    """Whether the package's tables add up to less than SMALL_PACKAGE bytes."""
    size = 0
    for resource in descriptor.tables():
        file = descriptor.root / resource.path
        size += file.stat().st_size if file.is_file() else 0
    return size < SMALL_PACKAGE


@dataclass
class _Table:
    """A table being validated: its records in DuckDB, its expected fields, its findings."""

    source: SourceTable
    index: int
    fields: list[FieldPlan]  # the fields Frictionless expects, one per header label
    header_errors: list[Error]
    values: dict[int, list[Any]] = field(default_factory=dict)  # small packages: row → values
    row_errors: dict[int, list[tuple[int, int, Error]]] = field(default_factory=dict)
    distinct: dict[int, str] = field(default_factory=dict)  # position → table of its values

    @property
    def plan(self) -> TablePlan:
        return self.source.plan

    @property
    def view(self) -> str:
        return f"t{self.index}"

    @property
    def keys(self) -> str:
        return f"kv{self.index}"

    def position(self, name: str) -> int | None:
        """Position of a schema field among the expected fields, None if not expected."""
        for i, f in enumerate(self.fields):
            if i < len(self.plan.fields) and f.name == name:
                return i
        return None

    def add(self, row: int, phase: int, order: int, error: Error) -> None:
        self.row_errors.setdefault(row, []).append((phase, order, error))


class _Run:
    def __init__(
        self, descriptor: Descriptor, plan: PackagePlan, cache: RecordsCache, small: bool
    ) -> None:
        self.small = small
        self.descriptor = descriptor
        self.plan = plan
        self.cache = cache
        self.root = descriptor.root
        self._con: duckdb.DuckDBPyConnection | None = None
        self._registered: list[str] = []
        self.schema_only = False

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            import duckdb

            self._con = duckdb.connect(":memory:")
            self._con.execute("SET enable_progress_bar = false")
            # One thread: the column checks run beside the schema pass on the other core.
            self._con.execute("SET threads = 1")
            # Results are ordered explicitly where order matters; this saves memory.
            self._con.execute("SET preserve_insertion_order = false")
        return self._con

    def _one(self, sql: str) -> tuple[Any, ...] | None:
        rows = self.con.execute(sql).fetchall()
        return tuple(rows[0]) if rows else None

    def issues(self) -> Iterator[Issue]:
        tables: dict[str, _Table] = {}
        unreadable: set[str] = set()
        for plan in self.plan.tables().values():
            try:
                source = open_table(self.root, plan, self.cache, arrow=not self.small)
            except CannotReadError:
                unreadable.add(plan.name)
                continue
            prepare = self._prepare_rows if self.small else self._prepare
            tables[plan.name] = prepare(source, len(tables))
        delegated = set(unreadable)
        for name, plan in self.plan.tables().items():
            if any(fk.resource in unreadable and fk.resource != name for fk in plan.foreign_keys):
                delegated.add(name)
        for resource in self.plan.resources:
            if resource.name in delegated:
                yield from self._frictionless_issues(resource.name)
            elif isinstance(resource, TablePlan):
                yield from self._table_issues(tables[resource.name], tables)
            else:
                yield from self._file_issues(resource)
        if self._con is not None:
            self._con.close()

    # Preparing a table: header, suspect rows, key view.

    def _prepare_rows(self, source: SourceTable, index: int) -> _Table:
        """A small table: every row read by the Python rules."""
        fields, header_errors = expected_fields(source.plan, source.labels)
        table = _Table(source, index, fields, header_errors)
        for number, cells in enumerate(source.rows or [], start=1):
            if number > source.header_row:
                errors, table.values[number] = judge(fields, list(cells), number)
                for order, error in enumerate(errors):
                    table.add(number, 0, order, error)
        return table

    def _prepare(self, source: SourceTable, index: int) -> _Table:
        plan = source.plan
        fields, header_errors = expected_fields(plan, source.labels)
        table = _Table(source, index, fields, header_errors)
        records = source.records
        assert records is not None
        if records.width != len(fields):
            records = _reshape(records, len(fields))
        self.con.register(table.view, records.table)
        cells: dict[int, list[str | None]] = {
            n: list(row) for n, row in records.odd.items() if n > source.header_row
        }
        for number, row in self._suspects(table):
            cells.setdefault(number, row)
        patches: dict[int, list[str | None]] = {}
        key_positions = self._key_positions(table)
        patched = [p for p in key_positions if fields[p].type not in ("string", "any")]
        for number in sorted(cells):
            errors, values = judge(fields, cells[number], number)
            for order, error in enumerate(errors):
                table.add(number, 0, order, error)
            if patched:
                patches[number] = [
                    None if values[p] is None else value_text(values[p]) for p in patched
                ]
        self._key_view(table, key_positions, patched, patches)
        return table

    def _suspects(self, table: _Table) -> Iterator[tuple[int, list[str | None]]]:
        """Data rows that may hold an error, with their cells (cut or padded to the fields).

        Columns with few distinct values are checked on those values (kept in a table that
        the foreign-key checks reuse), the others in one pass over the rows; a last query
        fetches the rows holding a failed value, and the blank rows.
        """
        fields = table.fields
        data = f"SELECT * FROM {table.view} WHERE {ROW} > {table.source.header_row}"
        checked = [p for p, f in enumerate(fields) if not _always_ok(f)]
        by_value = self._few_values(table, [p for p in checked if _by_value(fields[p])])
        conditions: list[str] = []
        has_missing: dict[int, bool] = {}
        for p in by_value:
            condition, has_missing[p] = self._distinct_suspects(table, p, data)
            if condition:
                conditions.append(condition)
        by_row = [p for p in checked if p not in by_value]
        oks = {p: self._ok(table, p, f"c{p}", data) for p in by_row}
        if by_row:
            tests = [
                f"count(*) FILTER (WHERE NOT {oks[p]}), bool_or({sql_missing(fields[p], f'c{p}')})"
                for p in by_row
            ]
            row = self._one(f"SELECT {', '.join(tests)} FROM ({data})") or ()
            for i, p in enumerate(by_row):
                if row and row[2 * i]:
                    conditions.append(f"NOT {oks[p]}")
                has_missing[p] = bool(row and row[2 * i + 1])
        if fields and False not in has_missing.values():  # a blank row is possible
            blank = [sql_missing(f, f"c{i}") for i, f in enumerate(fields)]
            conditions.append(f"({' AND '.join(blank)})")
        if not conditions:
            return
        columns = ", ".join(f"c{i}" for i in range(len(fields)))
        sql = f"SELECT {ROW}, {columns} FROM ({data}) WHERE {' OR '.join(conditions)}"
        for row in self.con.execute(sql).fetchall():
            yield int(row[0]), list(row[1:])

    def _ok(self, table: _Table, position: int, column: str, data: str) -> str:
        """SQL true where the cell in `column` is certainly fine."""
        f = table.fields[position]
        values = f"SELECT c{position} AS v FROM ({data})"
        rejects = self._pattern_rejects(table, position, f, values)
        return sql_cell_ok(f, column, rejects and f"{column} NOT IN (SELECT v FROM {rejects})")

    def _few_values(self, table: _Table, positions: list[int]) -> list[int]:
        """The columns whose first 10,000 rows repeat values: worth checking by value."""
        records = table.source.records
        if not positions or records is None or records.count < SMALL_TABLE:
            return []
        counts = ", ".join(f"count(DISTINCT c{p})" for p in positions)
        sql = (
            f"SELECT count(*), {counts} FROM (SELECT * FROM {table.view} "
            f"WHERE {ROW} > {table.source.header_row} LIMIT 10000)"
        )
        row = self._one(sql) or (0,)
        return [p for i, p in enumerate(positions) if row[0] and row[i + 1] < 0.95 * row[0]]

    def _distinct_suspects(self, table: _Table, position: int, data: str) -> tuple[str, bool]:
        """Check a column on its distinct values: SQL selecting rows with a failed value
        ("" if none), and whether the column has an empty cell."""
        f, column = table.fields[position], f"c{position}"
        distinct = f"d{table.index}_{position}"
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {distinct} AS "
            f"SELECT DISTINCT {column} AS v FROM ({data})"
        )
        table.distinct[position] = distinct
        ok = self._ok(table, position, "v", f"SELECT v AS c{position} FROM {distinct}")
        sql = f"SELECT list(v) FILTER (WHERE NOT {ok}), bool_or({sql_missing(f, 'v')}) "
        row = self._one(sql + f"FROM {distinct}")
        values, has_missing = (row[0] or [], bool(row[1])) if row else ([], False)
        if not values:
            return "", has_missing
        tests = []
        present = [v for v in values if v is not None]
        if present:
            tests.append(f"{column} IN (SELECT v FROM {self._strings(table, position, present)})")
        if len(present) < len(values):
            tests.append(f"{column} IS NULL")
        return f"({' OR '.join(tests)})", has_missing

    def _strings(self, table: _Table, position: int, values: list[str]) -> str:
        """Register `values` as a one-column table `v`; return its name."""
        import pyarrow as pa

        name = f"bad{table.index}_{position}_{len(self._registered)}"
        self._registered.append(name)
        self.con.register(name, pa.table({"v": pa.array(values, pa.string())}))
        return name

    def _pattern_rejects(
        self, table: _Table, position: int, f: FieldPlan, values: str
    ) -> str | None:
        """For a pattern RE2 cannot decide: a table `v` of the distinct values Python rejects.

        `values` is SQL giving the column's values as `v`.
        """
        pattern = f.constraints.get("pattern")
        if f.type != "string" or pattern is None or re2_pattern(pattern) is not None:
            return None
        sql = f"SELECT DISTINCT v FROM ({values}) WHERE v IS NOT NULL"
        regex = python_pattern(pattern)
        bad = [
            v
            for (v,) in self.con.execute(sql).fetchall()
            if v not in f.missing_values and not regex.match(v)
        ]
        return self._strings(table, position, bad)

    def _key_positions(self, table: _Table) -> list[int]:
        """Positions of the fields whose values keys compare (own keys and referenced fields)."""
        plan = table.plan
        names = set(plan.primary_key) | {f.name for f in plan.fields if f.unique}
        names |= {n for fk in plan.foreign_keys for n in fk.fields}
        for other in self.plan.tables().values():
            for fk in other.foreign_keys:
                if fk.resource == plan.name:
                    names |= set(fk.reference_fields)
        positions = (table.position(n) for n in names)
        return sorted(p for p in positions if p is not None)

    def _key_view(
        self,
        table: _Table,
        positions: list[int],
        patched: list[int],
        patches: dict[int, list[str | None]],
    ) -> None:
        """The view `kv<i>`: per data row, `rn` and the text of each key field's value."""
        import pyarrow as pa

        select = [f"t.{ROW}"]
        join = ""
        if patched and patches:
            name = f"p{table.index}"
            columns: dict[str, pa.Array] = {ROW: pa.array(list(patches), pa.int64())}
            for i, p in enumerate(patched):
                columns[f"p{p}"] = pa.array([v[i] for v in patches.values()], pa.string())
            self.con.register(name, pa.table(columns))
            join = f" LEFT JOIN {name} p USING ({ROW})"
        for p in positions:
            f, column = table.fields[p], f"t.c{p}"
            text = (
                f"CASE WHEN {sql_missing(f, column)} THEN NULL ELSE {sql_key_text(f, column)} END"
            )
            if p in patched and join:
                text = f"coalesce({text}, p.p{p})"
            select.append(f"{text} AS {key_column(p)}")
        self.con.execute(
            f"CREATE OR REPLACE TEMP VIEW {table.keys} AS SELECT {', '.join(select)} "
            f"FROM {table.view} t{join} WHERE t.{ROW} > {table.source.header_row}"
        )

    # Checking a table: keys, then the errors in Frictionless's order.

    def _table_issues(self, table: _Table, tables: dict[str, _Table]) -> Iterator[Issue]:
        if self.small:
            python_keys(table, tables)
        else:
            self._check_keys(table, tables)
        errors = list(table.header_errors)
        partial = False
        rows = sorted(table.row_errors)
        if len(errors) >= LIMIT_ERRORS and self._has_rows(table):
            partial = True
        for number in rows:
            if partial:
                break
            errors.extend(e for _, _, e in sorted(table.row_errors[number], key=_order))
            if len(errors) >= LIMIT_ERRORS:
                partial = True
        if partial:
            errors = errors[:LIMIT_ERRORS]
        else:
            errors.extend(self._end_errors(table.plan))
        for error in errors:
            schema = self._raw_schema(table.plan.name) or {"fields": []}
            yield issue_from_error(table.plan.path, schema, error)

    def _has_rows(self, table: _Table) -> bool:
        if self.small:
            return bool(table.values)
        sql = f"SELECT count(*) FROM {table.keys}"
        row = self._one(sql)
        return bool(row and row[0])

    def _check_keys(self, table: _Table, tables: dict[str, _Table]) -> None:
        plan = table.plan
        key = [table.position(n) for n in plan.primary_key]
        has_key = bool(key) and all(p is not None for p in key)
        columns = [key_column(int(p or 0)) for p in key]
        for p, f in enumerate(table.fields[: len(plan.fields)]):
            if not f.unique:
                continue
            same = has_key and columns == [key_column(p)]  # one query for both rules
            for number, values, previous in duplicates(self.con, table.keys, [key_column(p)]):
                note = f"the same as in the row at position {previous}"
                table.add(number, 1, p, cell_error("unique-error", number, f, p, values[0], note))
                if same:
                    table.add(number, 2, 0, row_error("primary-key", number, note))
            if same:
                has_key = False
                self._null_keys(table, columns)
        if has_key:
            self._null_keys(table, columns)
            for number, _, previous in duplicates(self.con, table.keys, columns):
                note = f"the same as in the row at position {previous}"
                table.add(number, 2, 0, row_error("primary-key", number, note))
        for index, fk in enumerate([] if self.schema_only else plan.foreign_keys):
            own = [table.position(n) for n in fk.fields]
            target = tables.get(fk.resource)
            if target is None or any(p is None for p in own):
                continue
            theirs = [target.position(n) for n in fk.reference_fields]
            target_columns = [key_column(p) if p is not None else None for p in theirs]
            columns = [key_column(int(p or 0)) for p in own]
            known = None
            if len(own) == 1 and own[0] in table.distinct:
                f = table.fields[int(own[0] or 0)]
                if f.type in ("string", "any"):  # key text is the raw text
                    distinct = table.distinct[int(own[0] or 0)]
                    known = f"SELECT v AS x0 FROM {distinct} WHERE NOT {sql_missing(f, 'v')}"
            rows = missing_references(
                self.con, table.keys, columns, target.keys, target_columns, known
            )
            for number, values in rows:
                table.add(number, 3, index, fk_error(number, fk.fields, values, fk))

    def _null_keys(self, table: _Table, columns: list[str]) -> None:
        """A primary key whose cells are all empty."""
        for number in all_null(self.con, table.keys, columns):
            note = 'cells composing the primary keys are all "None"'
            table.add(number, 2, 0, row_error("primary-key", number, note))

    def _end_errors(self, resource: TablePlan | FilePlan) -> list[Error]:
        """Frictionless's end-of-file checks: the declared hash and size in bytes."""
        if self.schema_only or (not resource.hash and not resource.bytes):
            return []
        parts = (resource.hash or "").split(":", 1)
        algorithm, expected = ("md5", parts[0]) if len(parts) == 1 else (parts[0], parts[1])
        digest = hashlib.new(algorithm)
        size = 0
        with (self.root / resource.path).open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
        errors: list[Error] = []
        if resource.hash and digest.hexdigest() != expected:
            note = f'expected is "{expected}" and actual is "{digest.hexdigest()}"'
            errors.append({"type": "hash-count", "note": note})
        if resource.bytes and resource.bytes != size:
            note = f'expected is "{resource.bytes}" and actual is "{size}"'
            errors.append({"type": "byte-count", "note": note})
        return errors

    def _file_issues(self, resource: FilePlan) -> Iterator[Issue]:
        if not (self.root / resource.path).is_file():
            yield from self._frictionless_issues(resource.name)
            return
        for error in self._end_errors(resource):
            yield issue_from_error(resource.path, {"fields": []}, error)

    def _raw_schema(self, name: str) -> dict[str, Any] | None:
        resource = self.descriptor.resource(name)
        return resource.schema if resource else None

    def _frictionless_issues(self, name: str) -> Iterator[Issue]:
        """A resource the engine does not reproduce: the reference pass must run instead."""
        raise NeedsReferenceError(name)
        yield  # pragma: no cover - makes this a generator


def _always_ok(f: FieldPlan) -> bool:
    """A text field no cell of which can fail (no constraint to break)."""
    return f.type in ("string", "any") and not f.checked_constraints()


def _by_value(f: FieldPlan) -> bool:
    """A field whose tests cost more than finding its distinct values, when they are few."""
    if f.unique:
        return False
    return f.type != "string" or bool({"pattern", "enum"} & set(f.checked_constraints()))


def _order(item: tuple[int, int, Error]) -> tuple[int, int]:
    return item[0], item[1]


def python_keys(table: _Table, tables: dict[str, _Table]) -> None:
    """Unique values, primary and foreign keys of a small table, as Frictionless checks them."""
    plan = table.plan
    unique = [p for p, f in enumerate(table.fields[: len(plan.fields)]) if f.unique]
    key = [table.position(n) for n in plan.primary_key]
    has_key = bool(key) and all(p is not None for p in key)
    lookups = []
    for index, fk in enumerate(plan.foreign_keys):
        own = [table.position(n) for n in fk.fields]
        target = tables.get(fk.resource)
        if target is None or any(p is None for p in own):
            continue
        theirs = [target.position(n) for n in fk.reference_fields]
        found = {
            tuple(values[p] if p is not None else None for p in theirs)
            for values in target.values.values()
        }
        found.discard(tuple(None for _ in theirs))
        lookups.append((index, fk, [int(p or 0) for p in own], found))
    seen: dict[int, dict[Any, int]] = {p: {} for p in unique}
    keys: dict[tuple[Any, ...], int] = {}
    for number in sorted(table.values):
        values = table.values[number]
        for p in unique:
            value = values[p]
            if value is None:
                continue
            previous = seen[p].get(value)
            seen[p][value] = number
            if previous:
                note = f"the same as in the row at position {previous}"
                error = cell_error("unique-error", number, table.fields[p], p, str(value), note)
                table.add(number, 1, p, error)
        if has_key:
            key_cells = tuple(values[int(p or 0)] for p in key)
            if all(c is None for c in key_cells):
                note = 'cells composing the primary keys are all "None"'
                table.add(number, 2, 0, row_error("primary-key", number, note))
            else:
                previous = keys.get(key_cells)
                keys[key_cells] = number
                if previous:
                    note = f"the same as in the row at position {previous}"
                    table.add(number, 2, 0, row_error("primary-key", number, note))
        for index, fk, positions, found in lookups:
            fk_cells = tuple(values[p] for p in positions)
            if all(c is None for c in fk_cells) or fk_cells in found:
                continue
            texts = [None if c is None else value_text(c) for c in fk_cells]
            table.add(number, 3, index, fk_error(number, fk.fields, texts, fk))


def _reshape(records: Records, width: int) -> Records:
    """The records cut or padded to `width` cells, the others kept whole in `odd`."""
    import pyarrow as pa

    rows = records.table.to_pylist()
    full: list[tuple[int, list[str | None]]] = []
    for row in rows:
        number = int(row[ROW])
        cells: list[str | None] = list(
            records.odd.get(number, [row[f"c{i}"] for i in range(records.width)])
        )
        full.append((number, cells))
    odd = {n: [str(c) for c in cells] for n, cells in full if len(cells) != width}
    columns = [
        pa.array([cells[i] if i < len(cells) else None for _, cells in full], pa.string())
        for i in range(width)
    ]
    numbers = pa.array([n for n, _ in full], pa.int64())
    names = [f"c{i}" for i in range(width)] + [ROW]
    table: pa.Table = pa.Table.from_arrays([*columns, numbers], names=names)
    return Records(table, width, odd)
