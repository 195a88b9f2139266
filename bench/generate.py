"""Synthetic data packages with the dataset's own Table Schemas, at any size, valid or damaged.

    python bench/generate.py --sizes 10k,100k,1M          # into bench/out/ (cached)

A package of N statements has N/10 events, N/100 actors, N/100 demands, one evidence span
per row of every table that `evidence.row_table` names, N/20 event participants, N/100
demand statements, N/1000 disagreements (two versions each) and N/1000 coverage
exclusions, over N/10,000 synthetic seed articles (at least 5); the categories are the
shipped ones. Every span is valid (text == seed[start:end], with non-ASCII characters so
that offsets are not byte offsets), every foreign key resolves and every date is
consistent (sources published in February, demands first stated on 1-10 January,
statements and events dated 11-31 January; a statement made_at an event falls on its
days; the rows of one utterance share speaker and date), so the package validates cleanly
with both engines (tests/test_bench_generate.py); `damage()` then injects a known number
of errors of every kind into a copy. Each table is also written as Parquet under
data/parquet/, for the load() benchmark. Output is deterministic for a given size.

What the schemas say is read from them (`ukraine_talks_data.package`), never restated: each
table's fields and their order, which are required, the enums values are drawn from, the
numbered ids' prefix and width (from patterns such as `^ST[0-9]{4,}$`), the list
delimiter, and the tables evidence and disagreements may point at. A row naming a field its
schema lacks, or leaving a required one empty, stops the generator.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import json
import random
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from package_writer import (
    OUT,
    ROOT,
    Sink,
    new_package,
    seed_resource,
    size_of,
    table_resources,
    write_descriptor,
)

from ukraine_talks_data.package.relations import field, field_names
from ukraine_talks_data.package.schemas import is_required, table_schema
from ukraine_talks_data.package.sources import seed_path

Row = dict[str, str]

_VOCABULARY = (
    "NATO Russia Ukraine talks security guarantees Geneva Brussels Vienna OSCE alliance "
    "troops border sanctions dialogue proposal reply treaty missiles exercises de-escalation "
    "diplomats delegation minister said would could not never open door enlargement "
    "Лавров Рябков Столтенберг café naïve résumé Zürich Kyiv’s “frank” «useful» — "
)
WORDS = _VOCABULARY.split()
# (city, ISO 3166-1 alpha-3, GeoNames id, latitude, longitude) of the talks' places
PLACES = [
    ("Geneva", "CHE", "2660646", "46.20222", "6.14569"),
    ("Brussels", "BEL", "2800866", "50.85045", "4.34878"),
    ("Vienna", "AUT", "2761369", "48.20849", "16.37208"),
    ("Moscow", "RUS", "524901", "55.75222", "37.61556"),
]
STATES = ["RUS", "USA", "UKR", "BEL", "CHE", "AUT", "DEU", "FRA"]
DAY0 = dt.date(2022, 1, 1)
SAID_FROM, SAID_DAYS = 10, 21  # events and statements on 11-31 January
STATED_DAYS = 3  # each demand first stated by a statement of the first three days
PUBLISHED_FROM = 31  # sources published from 1 February: no statement is after its source
_NUMBERED = re.compile(r"^\^([A-Z]+)\[0-9\]\{([0-9]+),\}\$$")


def enum(table: str, name: str) -> list[str]:
    """The values `table`.`name` may take, as its schema lists them."""
    return [str(v) for v in field(table, name)["constraints"]["enum"]]


def numbered(table: str, name: str) -> Callable[[int], str]:
    """i → an id of `table`.`name`: its pattern's prefix and i zero-padded to its width."""
    pattern = field(table, name)["constraints"]["pattern"]
    match = _NUMBERED.match(pattern)
    if match is None:
        raise ValueError(f"{table}.{name}: pattern {pattern!r} is not <PREFIX>[0-9]{{n,}}")
    prefix, width = match.group(1), int(match.group(2))
    return lambda i: f"{prefix}{i:0{width}d}"


def day(offset: int) -> str:
    return (DAY0 + dt.timedelta(days=offset)).isoformat()


class Seed:
    """A synthetic source article: its text and the (start, end) offsets of its sentences."""

    def __init__(self, rng: random.Random, index: int, n_sentences: int) -> None:
        parts = [f"Synthetic article {index}: talks on European security\n\n"]
        self.spans: list[tuple[int, int]] = []
        pos = len(parts[0])
        for i in range(n_sentences):
            words = rng.choices(WORDS, k=rng.randint(6, 24))
            sentence = " ".join(words).capitalize() + "."
            sep = "\n\n" if i % 7 == 6 else " "
            self.spans.append((pos, pos + len(sentence)))
            parts.append(sentence + sep)
            pos += len(sentence) + len(sep)
        self.text = "".join(parts)
        self.title = parts[0].strip()
        self.data = self.text.encode("utf-8")
        self.sha256 = hashlib.sha256(self.data).hexdigest()
        self.path = seed_path(index, self.sha256)

    def span(self, rng: random.Random) -> Row:
        """A random sentence as a row's span fields (start_char, end_char, text)."""
        start, end = rng.choice(self.spans)
        return {"start_char": str(start), "end_char": str(end), "text": self.text[start:end]}


class Generator:
    """Rows of every table for a package of `n` statements (deterministic for a given n)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.rng = rng = random.Random(n)
        n_sources = max(5, n // 10_000)
        self.seeds = [Seed(rng, i, 300) for i in range(n_sources)]
        self.ids: dict[str, list[str]] = {
            "sources": [numbered("sources", "source_id")(i) for i in range(n_sources)],
            "actors": [f"actor_{i:05d}" for i in range(max(20, n // 100))],
            "events": list(map(numbered("events", "event_id"), range(1, max(10, n // 10) + 1))),
            "demands": list(map(numbered("demands", "demand_id"), range(1, max(10, n // 100) + 1))),
            "statements": list(map(numbered("statements", "statement_id"), range(1, n + 1))),
        }
        # each event's first and last day (offsets from DAY0); statements made at it fall there
        self.event_days = []
        for i in range(len(self.ids["events"])):
            first = SAID_FROM + rng.randrange(SAID_DAYS)
            self.event_days.append((first, first + (rng.randrange(3) if i % 10 == 0 else 0)))
        self.said = bytearray()  # each statement's day, as an offset (`statements`)
        self.stating: list[int] = []  # each demand's first statement (`demands`)
        with (ROOT / "data" / "categories.csv").open(encoding="utf-8", newline="") as fh:
            self.category_rows = list(csv.DictReader(fh))  # the shipped vocabulary

    def source_span(self) -> Row:
        """A span of a random seed: source_id, start_char, end_char, text."""
        i = self.rng.randrange(len(self.seeds))
        return {"source_id": self.ids["sources"][i], **self.seeds[i].span(self.rng)}

    def category(self) -> Row:
        row = self.rng.choice(self.category_rows)
        return {"plover_type": row["plover_type"], "cameo_code": row["cameo_code"]}

    def sources(self) -> Iterator[Row]:
        outlet_basis = enum("sources", "outlet_basis")
        for i, seed in enumerate(self.seeds):
            published = day(PUBLISHED_FROM + i % 20)
            stated = i % 2 == 0
            basis = outlet_basis[i % len(outlet_basis)]
            named = basis != "unidentified"
            yield {
                "source_id": self.ids["sources"][i],
                "path": seed.path,
                "outlet": "Synthetic Times" if named else "",
                "outlet_basis": basis,
                "outlet_note": "" if named else "not stated in the text",
                "title": seed.title,
                "published": published if stated else "",
                "inferred_published": "" if stated else published,
                "updated": day(PUBLISHED_FROM + i % 20 + 1) if i % 5 == 0 else "",
                "published_note": "stated in the byline" if stated else "inferred from 'yesterday'",
                "sha256": seed.sha256,
                "language": enum("sources", "language")[0],
            }

    def actors(self) -> Iterator[Row]:
        kinds = enum("actors", "kind")
        delimiter = field("actors", "aliases")["delimiter"]
        ids = self.ids["actors"]
        for i, actor_id in enumerate(ids):
            kind = kinds[i % len(kinds)]
            iso3 = STATES[i % len(STATES)] if kind in ("state", "person") else ""
            yield {
                "actor_id": actor_id,
                "name": f"Actor {i} “{self.rng.choice(WORDS)}”",
                "kind": kind,
                "role": "spokesperson" if i % 3 == 0 else "",
                "affiliation_id": ids[self.rng.randrange(i)] if i and i % 4 == 0 else "",
                "aliases": delimiter.join([f"A{i}", f"Actor number {i}"]) if i % 2 == 0 else "",
                "iso3": iso3,
                "cameo_actor_code": iso3 + "GOV" if iso3 and i % 3 == 0 else "",
                "wikidata_qid": f"Q{1000 + i}" if i % 2 == 0 else "",
                "codes_note": "synthetic codes" if iso3 else "",
            }

    def events(self) -> Iterator[Row]:
        rng = self.rng
        ids = self.ids["events"]
        event_types = enum("events", "event_type")
        for i, event_id in enumerate(ids):
            first, last = self.event_days[i]
            inferred = i % 5 == 0
            place = PLACES[i % len(PLACES)] if i % 6 else None
            city, country, geonames, latitude, longitude = place or ("", "", "", "", "")
            yield {
                "event_id": event_id,
                "title": f"Round {i} of talks, {rng.choice(WORDS)}",
                "event_type": rng.choice(event_types),
                "date": day(first),
                "end_date": day(last) if last != first else "",
                "date_precision": "day",
                "date_basis": "inferred" if inferred else "stated",
                "date_note": "'on Tuesday' in the seed" if inferred else "",
                "location": f"{city}, Hofburg" if city == "Vienna" else city,
                "city": city,
                "country_iso3": country,
                "geonames_id": geonames,
                "latitude": latitude,
                "longitude": longitude,
                "place_note": "the venue is not named" if place and i % 4 == 0 else "",
                "duration": "four hours" if i % 9 == 0 else "",
                "parent_event_id": ids[rng.randrange(i)] if i and i % 10 == 3 else "",
                **self.category(),
            }

    def statements(self) -> Iterator[Row]:
        """Statements in utterances of 1-3 rows, which share speaker, date and event."""
        rng = self.rng
        utterance_id = numbered("statements", "utterance_id")
        relations = enum("statements", "event_relation")
        channels = ["", "", *enum("statements", "channel")]
        quote_types = enum("statements", "quote_type")
        actors = self.ids["actors"]
        utterance, left, shared = 0, 0, {}
        self.said = bytearray(len(self.ids["statements"]))
        for index, statement_id in enumerate(self.ids["statements"]):
            if left == 0:
                utterance += 1
                left = rng.choice((1, 1, 1, 2, 2, 3))
                event = rng.randrange(len(self.event_days)) if rng.random() < 0.7 else None
                relation = rng.choice(relations) if event is not None else ""
                if event is not None and relation == "made_at":
                    first, last = self.event_days[event]
                    said = rng.randint(first, last)
                else:
                    said = SAID_FROM + rng.randrange(SAID_DAYS)
                shared = {
                    "utterance_id": utterance_id(utterance),
                    "speaker_id": rng.choice(actors),
                    "date": day(said),
                    "event_id": self.ids["events"][event] if event is not None else "",
                    "event_relation": relation,
                }
            left -= 1
            self.said[index] = said
            inferred = rng.random() < 0.2
            low, high = said - rng.randrange(3), said + rng.randrange(3)
            yield {
                "statement_id": statement_id,
                **shared,
                "target_id": rng.choice(actors) if rng.random() < 0.3 else "",
                "date_earliest": day(low) if inferred else "",
                "date_latest": day(high) if inferred and high != said else "",
                "date_basis": "inferred" if inferred else "stated",
                "date_note": "'yesterday' in the seed" if inferred else "",
                "channel": rng.choice(channels),
                "channel_actor_id": rng.choice(actors) if rng.random() < 0.05 else "",
                "quote_type": rng.choice(quote_types),
                **self.source_span(),
                **self.category(),
            }

    def demands(self) -> Iterator[Row]:
        rng = self.rng
        actors = self.ids["actors"]
        categories, kinds = enum("demands", "category"), enum("demands", "kind")
        statuses = enum("demands", "status")
        first = min(self.said)
        early = [i for i, said in enumerate(self.said) if said < first + STATED_DAYS]
        self.stating = []
        for demand_id in self.ids["demands"]:
            self.stating.append(rng.choice(early))
            yield {
                "demand_id": demand_id,
                "demander_id": rng.choice(actors),
                "addressee_id": rng.choice(actors) if rng.random() < 0.5 else "",
                "summary": f"Stop {rng.choice(WORDS)} near the border",
                "category": rng.choice(categories),
                "kind": rng.choice(kinds),
                "status": rng.choice(statuses),
                "first_stated": day(self.said[self.stating[-1]]),
            }

    def evidence(self) -> Iterator[Row]:
        evidence_id = numbered("evidence", "evidence_id")
        number = 0
        for table in enum("evidence", "row_table"):
            for row_id in self.ids[table]:
                number += 1
                yield {
                    "evidence_id": evidence_id(number),
                    "row_table": table,
                    "row_id": row_id,
                    **self.source_span(),
                }

    def event_participants(self) -> Iterator[Row]:
        rng = self.rng
        roles = enum("event_participants", "role")
        keys: set[tuple[str, str, str]] = set()
        while len(keys) < max(10, self.n // 20):
            keys.add(
                (rng.choice(self.ids["events"]), rng.choice(self.ids["actors"]), rng.choice(roles))
            )
        for event_id, actor_id, role in sorted(keys):
            yield {"event_id": event_id, "actor_id": actor_id, "role": role, **self.source_span()}

    def demand_statements(self) -> Iterator[Row]:
        """Each demand's first statement (`states`), and links to statements of its first
        day or later: a demand is first stated on the earliest day its statements give."""
        rng = self.rng
        relations = enum("demand_statements", "relation")
        demands, statements = self.ids["demands"], self.ids["statements"]
        pairs = {(d, s): "states" for d, s in enumerate(self.stating)}
        while len(pairs) < max(10, self.n // 100):
            d, s = rng.randrange(len(demands)), rng.randrange(len(statements))
            if self.said[s] >= self.said[self.stating[d]]:
                pairs.setdefault((d, s), rng.choice(relations))
        for (d, s), relation in sorted(pairs.items()):
            yield {"demand_id": demands[d], "statement_id": statements[s], "relation": relation}

    def _disagreement_ids(self) -> list[str]:
        return list(
            map(numbered("disagreements", "disagreement_id"), range(1, max(2, self.n // 1000) + 1))
        )

    def disagreements(self) -> Iterator[Row]:
        tables = enum("disagreements", "row_table")
        for i, disagreement_id in enumerate(self._disagreement_ids()):
            table = tables[i % len(tables)]
            ids = self.ids[table]
            yield {
                "disagreement_id": disagreement_id,
                "row_table": table,
                "row_id": ids[i % len(ids)],
                "field": field_names(table)[1],
                "description": "the sources give different values",
            }

    def disagreement_versions(self) -> Iterator[Row]:
        for disagreement_id in self._disagreement_ids():
            for version in ("1", "2"):
                yield {
                    "disagreement_id": disagreement_id,
                    "version": version,
                    "value": f"version {version}",
                    **self.source_span(),
                }

    def categories(self) -> Iterator[Row]:
        return iter(self.category_rows)

    def coverage_exclusions(self) -> Iterator[Row]:
        keys: set[tuple[int, int, int]] = set()
        while len(keys) < max(2, self.n // 1000):
            i = self.rng.randrange(len(self.seeds))
            start, end = self.rng.choice(self.seeds[i].spans)
            keys.add((i, start, end))
        for i, start, end in sorted(keys):
            yield {
                "source_id": self.ids["sources"][i],
                "start_char": str(start),
                "end_char": str(end),
                "text": self.seeds[i].text[start:end],
                "reason": "a title, not speech",
            }


def write_table(path: Path, table: str, rows: Iterable[Row]) -> dict[str, Any]:
    """Write `rows` as `table`'s CSV file in its schema's field order; its bytes, hash, rows.

    Fields a row leaves out are empty; a row naming a field the schema lacks, or leaving a
    required field empty, raises ValueError (the first rows are checked: every row of a
    table comes from the same code)."""
    fields = field_names(table)
    known = set(fields)
    required = {f["name"] for f in table_schema(table)["fields"] if is_required(f)}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(fields)
    sink = Sink(path, buffer.getvalue())
    buffer.seek(0)
    buffer.truncate()
    pending = 0
    for number, row in enumerate(rows):
        if number < 1000:
            unknown, empty = set(row) - known, {f for f in required if not row.get(f)}
            if unknown or empty:
                problems = [f"fields not in the schema {sorted(unknown)}"] if unknown else []
                problems += [f"required fields empty {sorted(empty)}"] if empty else []
                raise ValueError(f"{table} row {number + 1}: {'; '.join(problems)}")
        writer.writerow([row.get(f, "") for f in fields])
        pending += 1
        if pending == 10_000:
            sink.write(buffer.getvalue(), pending)
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    sink.write(buffer.getvalue(), pending)
    return sink.close()


def generate(n: int, target: Path) -> Path:
    """Write a valid package of `n` statements into `target`; return its datapackage.json."""
    descriptor = new_package(target)
    (target / "seeds").mkdir()
    gen = Generator(n)
    tables = table_resources(descriptor)
    for resource in tables:
        rows: Callable[[], Iterator[Row]] = getattr(gen, resource["name"])
        resource.update(write_table(target / resource["path"], resource["name"], rows()))
    seeds = []
    for i, seed in enumerate(gen.seeds):
        (target / seed.path).write_bytes(seed.data)
        seeds.append(seed_resource(descriptor, i, seed.path, seed.data))
    descriptor["name"] = f"synthetic-{n}"
    descriptor["sources"] = [
        {"title": f"{source_id}: {seed.title}"}
        for source_id, seed in zip(gen.ids["sources"], gen.seeds, strict=True)
    ]
    descriptor["resources"] = tables + seeds
    out = write_descriptor(target, descriptor)
    write_parquet(target)
    return out


def write_parquet(target: Path) -> None:
    """The Parquet distribution `ukraine-talks build` writes: data/parquet/<table>.parquet,
    each recording its CSV's hash, and data/parquet/datapackage.json (which `validate`
    checks against the CSVs)."""
    from ukraine_talks_data.publish.descriptor_stats import dump_descriptor
    from ukraine_talks_data.publish.parquet import parquet_bytes, parquet_descriptor, parquet_table

    descriptor = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    folder = target / "data" / "parquet"
    folder.mkdir(exist_ok=True)
    schemas = {}
    for resource in table_resources(descriptor):
        schema = json.loads((target / resource["schema"]).read_text(encoding="utf-8"))
        schemas[resource["name"]] = schema
        table = parquet_table(target / resource["path"], schema)
        (folder / f"{resource['name']}.parquet").write_bytes(parquet_bytes(table))
    parquet = parquet_descriptor(descriptor, schemas, folder)
    (folder / "datapackage.json").write_text(dump_descriptor(parquet), encoding="utf-8")


# Damage: the same kinds of error the differential test uses, injected at scale.


def _edit_rows(path: Path, edit: Callable[[list[list[str]]], None]) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    edit(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def damage(source: Path, target: Path, per_kind: int = 20) -> tuple[Path, dict[str, int]]:
    """Copy the package at `source` to `target` and inject `per_kind` errors of each kind.

    Returns the new datapackage.json and the number of injected errors per kind. Every
    kind touches distinct rows of statements, so each injected error is reported once.
    """
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source.parent, target, ignore=shutil.ignore_patterns("parquet"))
    rng = random.Random(per_kind)
    injected: dict[str, int] = {}

    def edit(rows: list[list[str]]) -> None:
        header = rows[0]
        col = {name: i for i, name in enumerate(header)}
        picks = rng.sample(range(1, len(rows)), k=min(len(rows) - 1, per_kind * 8))
        kinds: dict[str, Callable[[list[str]], None]] = {
            "foreign-key": lambda r: r.__setitem__(col["speaker_id"], "nobody_known"),
            "enum": lambda r: r.__setitem__(col["quote_type"], "rumour"),
            "pattern": lambda r: r.__setitem__(col["utterance_id"], "u-lower"),
            "type": lambda r: r.__setitem__(col["start_char"], "twelve"),
            "date": lambda r: r.__setitem__(col["date"], "2022-02-30"),
            "required": lambda r: r.__setitem__(col["text"], ""),
            "span": lambda r: r.__setitem__(col["text"], r[col["text"]][::-1] + "!"),
            "ragged": lambda r: r.append("extra"),
        }
        for k, (kind, change) in enumerate(kinds.items()):
            for index in picks[k * per_kind : (k + 1) * per_kind]:
                change(rows[index])
            injected[kind] = per_kind
        duplicate = rows[picks[-1]]
        rows.insert(picks[-1] + 1, list(duplicate))
        injected["duplicate-key"] = 1

    _edit_rows(target / "data" / "statements.csv", edit)
    return target / "datapackage.json", injected


def package_path(label: str, damaged: bool = False) -> Path:
    """bench/out/<size>[-damaged]/datapackage.json, generated on first use and cached."""
    n = size_of(label)
    clean = OUT / label / "datapackage.json"
    if not clean.is_file():
        generate(n, OUT / label)
    if not damaged:
        return clean
    bad = OUT / f"{label}-damaged" / "datapackage.json"
    if not bad.is_file():
        damage(clean, bad.parent)
    return bad


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--sizes", default="10k", help="comma-separated: 1k,10k,100k,1M")
    parser.add_argument("--damaged", action="store_true", help="also write damaged copies")
    parser.add_argument("--force", action="store_true", help="regenerate cached packages")
    args = parser.parse_args(argv)
    for label in args.sizes.split(","):
        if args.force:
            shutil.rmtree(OUT / label, ignore_errors=True)
            shutil.rmtree(OUT / f"{label}-damaged", ignore_errors=True)
        print(package_path(label))
        if args.damaged:
            print(package_path(label, damaged=True))


if __name__ == "__main__":
    main()
