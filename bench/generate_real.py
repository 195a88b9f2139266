"""Real-shaped data packages: the shipped tables replicated N times with renumbered keys.

    python bench/generate_real.py --sizes 100k,1M       # into bench/out/real-<size>/ (cached)
    python bench/generate_real.py --sizes c2,c50        # 2 and 50 copies

Copy 0 is the shipped package, byte for byte. Copy k (k >= 1) repeats every row of the
tables that grow with the annotation — statements, actors, events, demands, evidence,
event_participants, demand_statements, disagreements, disagreement_versions — with every
key renumbered the same way wherever it appears (primary key, foreign key, evidence and
disagreement `row_id`, `parent_event_id`, utterance ids):

- numbered ids keep their prefix and width rule: `<prefix><k * stride + n>`, zero-padded
  to the shipped width, where stride is the largest shipped number of that kind (101
  statements: ST0001 → ST0102 in copy 1, ST20201 in copy 200; E001 → E017; EV0001 →
  EV0312);
- actor ids (slugs) get a suffix: `russia` → `russia_c1` (the pattern allows it, and no
  shipped actor id ends in `_c<digits>`, so the ids stay distinct).

Sources, categories and coverage exclusions are lookup tables and stay as shipped (copy 0
only), with the evidence rows of sources: every copy points at the same five seed files
by the same source ids, so every span (source_id, start_char, end_char, text) stays valid
and no seed file is duplicated (their paths must be unique and match
`seeds/[0-9]{3}_<16 hex>.txt`, which would cap the copies at 1,000). Every other cell —
long notes, quotes, commas, curly quotes, ids mentioned in free text — is kept as it is.

A package of N statements has round(N / S) copies (S: the shipped statements, 100 in
0.1.0). Rows are streamed to the files a copy at a time; the descriptor's bytes, hash and
rows are computed while writing (`package_writer.Sink`, as `generate.py` does). The output
is deterministic.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from package_writer import OUT, ROOT, Sink, new_package, size_of, table_resources, write_descriptor

ACTOR = "actor"
# prefix → (table, column) holding the shipped ids of that kind
NUMBERED = {
    "ST": ("statements", "statement_id"),
    "U": ("statements", "utterance_id"),
    "E": ("events", "event_id"),
    "D": ("demands", "demand_id"),
    "X": ("disagreements", "disagreement_id"),
    "EV": ("evidence", "evidence_id"),
}
# (table, column) → the kind of id it holds; row_id columns depend on row_table
KEY_COLUMNS: dict[tuple[str, str], str] = {
    ("actors", "actor_id"): ACTOR,
    ("actors", "affiliation_id"): ACTOR,
    ("events", "event_id"): "E",
    ("events", "parent_event_id"): "E",
    ("statements", "statement_id"): "ST",
    ("statements", "utterance_id"): "U",
    ("statements", "speaker_id"): ACTOR,
    ("statements", "target_id"): ACTOR,
    ("statements", "event_id"): "E",
    ("statements", "channel_actor_id"): ACTOR,
    ("demands", "demand_id"): "D",
    ("demands", "demander_id"): ACTOR,
    ("demands", "addressee_id"): ACTOR,
    ("evidence", "evidence_id"): "EV",
    ("event_participants", "event_id"): "E",
    ("event_participants", "actor_id"): ACTOR,
    ("demand_statements", "demand_id"): "D",
    ("demand_statements", "statement_id"): "ST",
    ("disagreements", "disagreement_id"): "X",
    ("disagreement_versions", "disagreement_id"): "X",
}
ROW_ID_KIND = {"statements": "ST", "events": "E", "demands": "D", "actors": ACTOR}
SHARED_TABLES = {"sources", "categories", "coverage_exclusions"}  # copy 0 only


def statements_per_copy() -> int:
    """The shipped package's statements (each copy holds them all)."""
    with (ROOT / "data" / "statements.csv").open(encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


_ACTOR_SUFFIX = re.compile(r"_c[0-9]+$")


def copies_of(label: str) -> int:
    """'c50' → 50 copies; a statement count ('100k', '1M', '10M', 2000) → round(n / the
    shipped statements)."""
    if label.startswith("c"):
        return int(label[1:])
    n = {"10M": 10_000_000}.get(label) or size_of(label)
    return max(1, round(n / statements_per_copy()))


def _cell(value: str) -> str:
    """One cell as csv.writer (QUOTE_MINIMAL, doubleQuote) writes it inside a row."""
    if value == "":
        return ""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([value])
    return out.getvalue()[:-1]


def _brace(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


@dataclass
class Kinds:
    """Every id kind's shipped values and their slots in a copy's list of new ids."""

    actors: list[str]
    numbered: dict[str, tuple[int, int]]  # prefix → (stride, width)
    base: dict[str, int] = field(default_factory=dict)  # kind → first slot

    def __post_init__(self) -> None:
        slot = 0
        for kind in [ACTOR, *self.numbered]:
            self.base[kind] = slot
            slot += len(self.actors) if kind == ACTOR else self.numbered[kind][0]
        self._actor_slot = {a: i for i, a in enumerate(self.actors)}

    def slot(self, kind: str, value: str) -> int:
        if kind == ACTOR:
            return self.base[ACTOR] + self._actor_slot[value]
        prefix, digits = value[: len(kind)], value[len(kind) :]
        width = self.numbered[kind][1]
        if prefix != kind or not digits.isdigit() or len(digits) != width:
            raise ValueError(f"{value!r} is not a {kind} id of width {width}")
        return self.base[kind] + int(digits) - 1

    def values(self, k: int) -> list[str]:
        """The ids of copy `k`, in slot order."""
        out = list(self.actors) if k == 0 else [f"{a}_c{k}" for a in self.actors]
        for prefix, (stride, width) in self.numbered.items():
            first = k * stride
            out += [f"{prefix}{first + n:0{width}d}" for n in range(1, stride + 1)]
        return out


def _read(name: str) -> list[list[str]]:
    with (ROOT / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _kinds(tables: dict[str, list[list[str]]]) -> Kinds:
    def column(table: str, name: str) -> list[str]:
        rows = tables[table]
        i = rows[0].index(name)
        return [r[i] for r in rows[1:] if r[i]]

    actors = column("actors", "actor_id")
    clash = [a for a in actors if _ACTOR_SUFFIX.search(a)]
    if clash:
        raise ValueError(f"actor ids ending like a copy suffix: {clash}")
    numbered = {}
    for prefix, (table, name) in NUMBERED.items():
        ids = column(table, name)
        widths = {len(i) - len(prefix) for i in ids}
        if len(widths) != 1 or not all(i.startswith(prefix) for i in ids):
            raise ValueError(f"{table}.{name}: ids of mixed form")
        numbered[prefix] = (max(int(i[len(prefix) :]) for i in ids), widths.pop())
    return Kinds(actors, numbered)


def _check_coverage(descriptor: dict[str, Any]) -> None:
    """Every foreign key into a replicated table is renumbered, and some part of every primary
    key of a replicated table (fails on a key a new schema adds)."""
    for resource in descriptor["resources"]:
        name = resource["name"]
        if resource.get("type") != "table" or name in SHARED_TABLES:
            continue
        schema = json.loads((ROOT / resource["schema"]).read_text(encoding="utf-8"))
        primary = _as_list(schema.get("primaryKey") or [])
        if not any((name, f) in KEY_COLUMNS for f in primary):
            raise ValueError(f"{name}: no part of the primary key {primary} is renumbered")
        for fk in schema.get("foreignKeys", []):
            if fk["reference"].get("resource", name) in SHARED_TABLES:
                continue
            missed = [f for f in _as_list(fk["fields"]) if (name, f) not in KEY_COLUMNS]
            if missed:
                raise ValueError(f"{name}.{missed}: a foreign key the generator misses")


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


@dataclass
class Template:
    """A table's text for one copy as a str.format template over the copy's ids."""

    first: str  # copy 0: every row
    rest: str  # copies 1..: the rows that are replicated
    rows_first: int
    rows_rest: int


def _template(name: str, rows: list[list[str]], kinds: Kinds) -> Template:
    header = rows[0]
    row_table = header.index("row_table") if "row_table" in header else None
    first: list[str] = []
    rest: list[str] = []
    for row in rows[1:]:
        shared = name in SHARED_TABLES
        cells = []
        for i, value in enumerate(row):
            kind = KEY_COLUMNS.get((name, header[i]))
            if header[i] == "row_id" and row_table is not None:
                target = row[row_table]
                kind = ROW_ID_KIND.get(target)
                if kind is None:  # evidence of a source: shared, as the sources are
                    shared = True
            if kind is None or value == "":
                cells.append(_brace(_cell(value)))
            else:
                cells.append(f"{{{kinds.slot(kind, value)}}}")
        line = ",".join(cells) + "\n"
        first.append(line)
        if not shared:
            rest.append(line)
    return Template("".join(first), "".join(rest), len(first), len(rest))


def generate(copies: int, target: Path, quiet: bool = False) -> Path:
    """Write the shipped package replicated `copies` times into `target`; its datapackage.json."""
    descriptor = new_package(target)
    shutil.copytree(ROOT / "seeds", target / "seeds")
    _check_coverage(descriptor)
    resources = table_resources(descriptor)
    shipped = {r["name"]: _read(r["name"]) for r in resources}
    kinds = _kinds(shipped)
    templates = {name: _template(name, rows, kinds) for name, rows in shipped.items()}
    sinks = {
        r["name"]: Sink(target / r["path"], ",".join(map(_cell, shipped[r["name"]][0])) + "\n")
        for r in resources
    }
    started = time.perf_counter()
    for k in range(copies):
        ids = kinds.values(k)
        for name, template in templates.items():
            if k == 0:
                text, rows = template.first, template.rows_first
            else:
                text, rows = template.rest, template.rows_rest
            if rows:
                sinks[name].write(text.format(*ids), rows)
        if not quiet and k and k % 5000 == 0:
            print(
                f"  {k:,} of {copies:,} copies, {time.perf_counter() - started:.0f} s", flush=True
            )
    for resource in resources:
        resource.update(sinks[resource["name"]].close())
    descriptor["name"] = f"real-shaped-{copies}"
    return write_descriptor(target, descriptor)


def real_package_path(label: str) -> Path:
    """bench/out/real-<label>/datapackage.json, generated on first use and cached."""
    package = OUT / f"real-{label}" / "datapackage.json"
    if not package.is_file():
        generate(copies_of(label), package.parent)
    return package


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--sizes", default="c2", help="comma-separated: c2,c50,100k,1M,10M")
    parser.add_argument("--force", action="store_true", help="regenerate cached packages")
    args = parser.parse_args(argv)
    for label in args.sizes.split(","):
        if args.force:
            shutil.rmtree(OUT / f"real-{label}", ignore_errors=True)
        started = time.perf_counter()
        path = real_package_path(label)
        print(f"{path} ({copies_of(label):,} copies, {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
