"""Synthetic data packages with the dataset's own Table Schemas, at any size, valid or damaged.

    python bench/generate.py --sizes 10k,100k,1M          # into bench/out/ (cached)

A package of N statements has N/10 events, N/100 actors, N/100 demands, one evidence span
per source, actor, event and demand, N/20 event participants, N/100 demand statements,
N/1000 disagreements (two versions each) and N/1000 coverage exclusions, over N/10,000
synthetic seed articles (at least 5). Every span is valid (text == seed[start:end], with
non-ASCII characters so that offsets are not byte offsets), every foreign key resolves and
every date is consistent, so the package validates cleanly; `damage()` then injects a known
number of errors of every kind into a copy. Each table is also written as Parquet under
data/parquet/, for the load() benchmark. Output is deterministic for a given size.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import random
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from ukraine_talks_data.publish.descriptor_stats import refresh_descriptor

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1M": 1_000_000}

Row = list[str]

_VOCABULARY = (
    "NATO Russia Ukraine talks security guarantees Geneva Brussels Vienna OSCE alliance "
    "troops border sanctions dialogue proposal reply treaty missiles exercises de-escalation "
    "diplomats delegation minister said would could not never open door enlargement "
    "Лавров Рябков Столтенберг café naïve résumé Zürich Kyiv’s “frank” «useful» — "
)
WORDS = _VOCABULARY.split()
CATEGORIES = [  # (cameo_code, label, plover_type)
    ("010", "Make statement", ""),
    ("012", "Make pessimistic comment", ""),
    ("013", "Make optimistic comment", ""),
    ("020", "Appeal", ""),
    ("036", "Express intent to meet or negotiate", "CONSULT"),
    ("040", "Consult", "CONSULT"),
    ("046", "Engage in negotiation", "CONSULT"),
    ("051", "Praise or endorse", "SUPPORT"),
    ("061", "Cooperate economically", "COOPERATE"),
    ("081", "Ease administrative sanctions", "CONCEDE"),
    ("100", "Demand", "DEMAND"),
    ("111", "Criticize or denounce", "ACCUSE"),
    ("125", "Reject proposal to meet", "REJECT"),
    ("130", "Threaten", "THREATEN"),
    ("140", "Engage in political dissent", "PROTEST"),
    ("150", "Demonstrate military or police power", "MOBILIZE"),
    ("163", "Impose embargo, boycott, or sanctions", "SANCTION"),
    ("170", "Coerce", "COERCE"),
    ("190", "Use conventional military force", "ASSAULT"),
    ("0831", "Accede to demands for change in leadership", "CONCEDE"),
]
EVENT_TYPES = ["talks", "meeting", "briefing", "press_conference", "call", "statement"]
ROLES = ["head_of_delegation", "delegation_member", "participant", "host", "chair", "speaker"]
CHANNELS = ["", "", "news_conference", "reporters", "written_statement", "interview", "meeting"]
DAY0 = dt.date(2022, 1, 1)


def size_of(label: str) -> int:
    """'10k' → 10_000; plain integers are accepted too."""
    return SIZES[label] if label in SIZES else int(label)


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
        self.data = self.text.encode("utf-8")
        self.sha256 = hashlib.sha256(self.data).hexdigest()
        self.path = f"seeds/{index:03d}_{self.sha256[:16]}.txt"

    def span(self, rng: random.Random) -> tuple[str, str, str]:
        """A random sentence: start_char, end_char, text."""
        start, end = rng.choice(self.spans)
        return str(start), str(end), self.text[start:end]


class Generator:
    """Rows of every table for a package of `n` statements (deterministic for a given n)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.rng = random.Random(n)
        self.n_sources = max(5, n // 10_000)
        self.n_actors = max(20, n // 100)
        self.n_events = max(10, n // 10)
        self.n_demands = max(10, n // 100)
        rng = self.rng
        self.seeds = [Seed(rng, i, 300) for i in range(self.n_sources)]
        self.published = [DAY0 + dt.timedelta(days=10 + i % 20) for i in range(self.n_sources)]
        self.actor_ids = [f"actor_{i:05d}" for i in range(self.n_actors)]
        self.event_ids = [f"E{i:06d}" for i in range(1, self.n_events + 1)]
        self.demand_ids = [f"D{i:05d}" for i in range(1, self.n_demands + 1)]
        self.statement_ids = [f"ST{i:07d}" for i in range(1, n + 1)]

    def source_ref(self) -> tuple[int, str]:
        i = self.rng.randrange(self.n_sources)
        return i, f"S{i:03d}"

    def sources(self) -> Iterator[Row]:
        for i, seed in enumerate(self.seeds):
            stated = i % 2 == 0
            day = self.published[i].isoformat()
            yield [
                f"S{i:03d}",
                seed.path,
                "Synthetic Times" if i % 3 == 0 else "",
                "the footer names it" if i % 3 == 0 else "not stated in the text",
                seed.text.split("\n", 1)[0],
                day if stated else "",
                "" if stated else day,
                "",
                "stated in the byline" if stated else "inferred from 'yesterday'",
                seed.sha256,
                "en",
            ]

    def actors(self) -> Iterator[Row]:
        kinds = ["person", "organization", "state", "group", "anonymous"]
        for i, actor_id in enumerate(self.actor_ids):
            affiliation = self.actor_ids[self.rng.randrange(i)] if i and i % 4 == 0 else ""
            yield [
                actor_id,
                f"Actor {i} “{self.rng.choice(WORDS)}”",
                kinds[i % len(kinds)],
                "spokesperson" if i % 3 == 0 else "",
                affiliation,
                f"A{i}|Actor number {i}" if i % 2 == 0 else "",
                "",
            ]

    def _date(self, bound: dt.date) -> str:
        return (DAY0 + dt.timedelta(days=self.rng.randrange((bound - DAY0).days + 1))).isoformat()

    def _category(self) -> tuple[str, str]:
        code, _, plover = self.rng.choice(CATEGORIES)
        return plover, code

    def events(self) -> Iterator[Row]:
        rng = self.rng
        for i, event_id in enumerate(self.event_ids):
            date = self._date(dt.date(2022, 1, 31))
            end = ""
            if i % 10 == 0:
                later = dt.date.fromisoformat(date) + dt.timedelta(days=rng.randrange(3))
                end = later.isoformat()
            inferred = i % 5 == 0
            plover, code = self._category()
            yield [
                event_id,
                f"Round {i} of talks, {rng.choice(WORDS)}",
                rng.choice(EVENT_TYPES),
                date,
                end,
                "day",
                "inferred" if inferred else "stated",
                "'on Tuesday' in the seed" if inferred else "",
                rng.choice(["Geneva", "Brussels", "Vienna, Hofburg", ""]),
                "four hours" if i % 9 == 0 else "",
                self.event_ids[rng.randrange(i)] if i and i % 10 == 3 else "",
                plover,
                code,
                "",
            ]

    def statements(self) -> Iterator[Row]:
        rng = self.rng
        for statement_id in self.statement_ids:
            s, source_id = self.source_ref()
            start, end, text = self.seeds[s].span(rng)
            has_event = rng.random() < 0.7
            inferred = rng.random() < 0.2
            plover, code = self._category()
            yield [
                statement_id,
                f"U{rng.randrange(self.n):07d}",
                rng.choice(self.actor_ids),
                rng.choice(self.actor_ids) if rng.random() < 0.3 else "",
                self._date(self.published[s]),
                "inferred" if inferred else "stated",
                "'yesterday' in the seed" if inferred else "",
                rng.choice(self.event_ids) if has_event else "",
                rng.choice(["made_at", "about"]) if has_event else "",
                rng.choice(CHANNELS),
                rng.choice(self.actor_ids) if rng.random() < 0.05 else "",
                rng.choice(["direct", "partial", "paraphrase"]),
                source_id,
                start,
                end,
                text,
                plover,
                code,
            ]

    def demands(self) -> Iterator[Row]:
        rng = self.rng
        categories = ["nato_enlargement", "force_posture", "arms_control", "security_guarantees"]
        for demand_id in self.demand_ids:
            yield [
                demand_id,
                rng.choice(self.actor_ids),
                rng.choice(self.actor_ids) if rng.random() < 0.5 else "",
                f"Stop {rng.choice(WORDS)} near the border",
                rng.choice(categories),
                rng.choice(["demand", "proposal", "condition", "red_line"]),
                rng.choice(["open", "rejected", "under_discussion"]),
                self._date(dt.date(2022, 1, 31)),
                "",
            ]

    def evidence(self) -> Iterator[Row]:
        rng = self.rng
        targets = [
            ("sources", [f"S{i:03d}" for i in range(self.n_sources)]),
            ("actors", self.actor_ids),
            ("events", self.event_ids),
            ("demands", self.demand_ids),
        ]
        number = 0
        for table, ids in targets:
            for row_id in ids:
                number += 1
                s, source_id = self.source_ref()
                yield [f"EV{number:07d}", table, row_id, source_id, *self.seeds[s].span(rng)]

    def event_participants(self) -> Iterator[Row]:
        rng = self.rng
        rows = set()
        while len(rows) < max(10, self.n // 20):
            rows.add((rng.choice(self.event_ids), rng.choice(self.actor_ids), rng.choice(ROLES)))
        for event_id, actor_id, role in sorted(rows):
            s, source_id = self.source_ref()
            yield [event_id, actor_id, role, source_id, *self.seeds[s].span(rng)]

    def demand_statements(self) -> Iterator[Row]:
        rng = self.rng
        pairs = set()
        while len(pairs) < max(10, self.n // 100):
            pairs.add((rng.choice(self.demand_ids), rng.choice(self.statement_ids)))
        for demand_id, statement_id in sorted(pairs):
            yield [demand_id, statement_id, rng.choice(["states", "rejects", "answers"])]

    def _disagreement_ids(self) -> list[str]:
        return [f"X{i:04d}" for i in range(1, max(2, self.n // 1000) + 1)]

    def disagreements(self) -> Iterator[Row]:
        for i, disagreement_id in enumerate(self._disagreement_ids()):
            yield [
                disagreement_id,
                "events",
                self.event_ids[i % self.n_events],
                "date",
                "the sources give different days",
            ]

    def disagreement_versions(self) -> Iterator[Row]:
        for disagreement_id in self._disagreement_ids():
            for version in ("1", "2"):
                s, source_id = self.source_ref()
                start, end, text = self.seeds[s].span(self.rng)
                yield [disagreement_id, version, f"version {version}", source_id, start, end, text]

    def categories(self) -> Iterator[Row]:
        for code, label, plover in sorted(CATEGORIES):
            yield [code, label, plover, f"{label} (synthetic definition)."]

    def coverage_exclusions(self) -> Iterator[Row]:
        keys: set[tuple[str, int, int]] = set()
        while len(keys) < max(2, self.n // 1000):
            s, source_id = self.source_ref()
            start, end = self.rng.choice(self.seeds[s].spans)
            keys.add((source_id, start, end))
        for source_id, start, end in sorted(keys):
            text = self.seeds[int(source_id[1:])].text[start:end]
            yield [source_id, str(start), str(end), text, "a title, not speech"]


def _write_csv(path: Path, header: list[str], rows: Iterator[Row]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def generate(n: int, target: Path) -> Path:
    """Write a valid package of `n` statements into `target`; return its datapackage.json."""
    if target.exists():
        shutil.rmtree(target)
    (target / "data").mkdir(parents=True)
    (target / "seeds").mkdir()
    shutil.copytree(ROOT / "schemas", target / "schemas")
    gen = Generator(n)
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    tables = [r for r in descriptor["resources"] if r.get("type") == "table"]
    for resource in tables:
        schema = json.loads((ROOT / resource["schema"]).read_text(encoding="utf-8"))
        header = [f["name"] for f in schema["fields"]]
        rows: Callable[[], Iterator[Row]] = getattr(gen, resource["name"])
        _write_csv(target / resource["path"], header, rows())
    seeds = []
    for i, seed in enumerate(gen.seeds):
        (target / seed.path).write_bytes(seed.data)
        seeds.append(
            {
                "name": f"seed-{i:03d}",
                "type": "text",
                "path": seed.path,
                "scheme": "file",
                "format": "txt",
                "mediatype": "text/plain",
                "encoding": "utf-8",
                "description": "Synthetic source article.",
                "bytes": len(seed.data),
                "hash": f"sha256:{seed.sha256}",
            }
        )
    descriptor["name"] = f"synthetic-{n}"
    descriptor["resources"] = tables + seeds
    out = target / "datapackage.json"
    out.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    refresh_descriptor(out)  # bytes, hash and rows, as `ukraine-talks build` writes them
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
    for resource in descriptor["resources"]:
        if resource.get("type") != "table":
            continue
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
