"""Agreement between the shipped annotation and the independent second pass.

Run from the repository root: ``python audit/agreement.py``. It matches the rows of two
annotations of the seeds and writes ``audit/agreement.json`` (per-field agreement, percent
and Cohen's kappa, ``before`` = the first pass as shipped, ``audit/first-pass/``, and
``after`` = the adjudicated ``data/``, each against ``audit/second-pass/``) and
``audit/differences.csv`` (every difference between the first and the second pass).

Matching rules (docs/audit.md says why):

* actors: the second pass's id if the first pass has it, else the first actor whose name or
  one of whose aliases equals the second actor's name or an alias (case-folded);
* events: same ``date`` and ``event_type``, ties broken by the words the titles share;
* statements: within one source, pairs whose spans overlap by at least half of the shorter
  span, taken one-to-one greedily by the overlap's Jaccard ratio (ties: same speaker first,
  then row order);
* demands: one-to-one greedily by the Jaccard ratio of their (matched) ``states``
  statements plus that of their summaries' words;
* demand links: the same (matched) demand and (matched) statement;
* disagreements: the same table and field and the same (matched) row.

Pure Python (csv, json): no dependency beyond the standard library.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parent.parent
FIRST = ROOT / "audit" / "first-pass"
SECOND = ROOT / "audit" / "second-pass"
DATA = ROOT / "data"
TABLES = (
    "actors",
    "events",
    "statements",
    "demands",
    "demand_statements",
    "disagreements",
    "disagreement_versions",
)
STATEMENT_FIELDS = (
    "speaker_id",
    "target_id",
    "date",
    "date_basis",
    "quote_type",
    "event_id",
    "event_relation",
    "channel",
)
EVENT_FIELDS = (
    "event_type",
    "date",
    "end_date",
    "date_precision",
    "date_basis",
    "location",
    "parent_event_id",
)
DEMAND_FIELDS = ("demander_id", "addressee_id", "category", "kind", "status", "first_stated")
DIFFERENCE_COLUMNS = (
    "table",
    "first_key",
    "second_key",
    "field",
    "first_value",
    "second_value",
    "source_id",
    "start_char",
    "end_char",
)
MATCHING = (
    "actors by id, else name or alias; events by date and event_type (ties: shared title "
    "words); statements within a source whose spans overlap by at least half of the shorter "
    "span, one-to-one, best Jaccard ratio of the spans first (ties: same speaker); demands "
    "one-to-one by the Jaccard ratio of their matched `states` statements plus that of their "
    "summaries' words; demand links by matched demand and statement; disagreements by "
    "table, field and matched row. Kappa is Cohen's, over matched pairs, an empty value "
    "being a label of its own."
)
MIN_COVER = 0.5  # a statement pair must overlap by at least half of the shorter span

Row = dict[str, str]
Pass = dict[str, list[Row]]


def read_pass(folder: Path) -> Pass:
    """The compared tables of one annotation, as lists of str rows."""
    tables = {}
    for name in TABLES:
        with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            tables[name] = list(csv.DictReader(handle))
    return tables


def cohen_kappa(pairs: list[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two raters' labels (empty is a label); None without pairs."""
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[label] * second[label] for label in first) / (n * n)
    if expected == 1:
        return 1.0
    return round((observed - expected) / (1 - expected), 4)


def field_figures(pairs: list[tuple[str, str]], categorical: bool = True) -> dict[str, object]:
    """Percent agreement (and kappa for a categorical field) over matched pairs."""
    agree = sum(a == b for a, b in pairs)
    figures: dict[str, object] = {
        "pairs": len(pairs),
        "agree": agree,
        "percent": round(100 * agree / len(pairs), 1) if pairs else None,
    }
    if categorical:
        figures["kappa"] = cohen_kappa(pairs)
    return figures


def words(text: str) -> set[str]:
    """The lower-case words of a text, for title and summary similarity."""
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def jaccard(a: set[str], b: set[str]) -> float:
    """|a ∩ b| / |a ∪ b|, 0 for two empty sets."""
    return len(a & b) / len(a | b) if a | b else 0.0


def greedy(candidates: Iterable[tuple[tuple[float, ...], int, int]]) -> dict[int, int]:
    """One-to-one pairs (first index → second index), best score first."""
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for _score, i, j in sorted(candidates, key=lambda c: (tuple(-s for s in c[0]), c[1], c[2])):
        if i not in pairs and j not in taken:
            pairs[i] = j
            taken.add(j)
    return pairs


def actor_map(first: list[Row], second: list[Row]) -> dict[str, str]:
    """Second actor id → first actor id (by id, else by name or alias)."""
    ids = {row["actor_id"] for row in first}
    names: dict[str, str] = {}
    for row in first:
        for name in [row["name"], *row["aliases"].split("|")]:
            names.setdefault(name.strip().casefold(), row["actor_id"])
    mapping = {}
    for row in second:
        if row["actor_id"] in ids:
            mapping[row["actor_id"]] = row["actor_id"]
            continue
        for name in [row["name"], *row["aliases"].split("|")]:
            if name.strip().casefold() in names:
                mapping[row["actor_id"]] = names[name.strip().casefold()]
                break
    return mapping


def match_events(first: list[Row], second: list[Row]) -> dict[int, int]:
    """Events of the same date and type, ties broken by shared title words."""
    return greedy(
        ((jaccard(words(a["title"]), words(b["title"])),), i, j)
        for i, a in enumerate(first)
        for j, b in enumerate(second)
        if (a["date"], a["event_type"]) == (b["date"], b["event_type"])
    )


def span(row: Row) -> tuple[int, int]:
    """A row's (start, end) offsets."""
    return int(row["start_char"]), int(row["end_char"])


def match_statements(first: list[Row], second: list[Row], actors: dict[str, str]) -> dict[int, int]:
    """Statements of one source whose spans overlap enough, best Jaccard ratio first."""
    candidates = []
    for i, a in enumerate(first):
        (a0, a1) = span(a)
        for j, b in enumerate(second):
            if a["source_id"] != b["source_id"]:
                continue
            (b0, b1) = span(b)
            overlap = min(a1, b1) - max(a0, b0)
            if overlap <= 0 or overlap < MIN_COVER * min(a1 - a0, b1 - b0):
                continue
            ratio = overlap / (max(a1, b1) - min(a0, b0))
            same = float(actors.get(b["speaker_id"], "?") == a["speaker_id"])
            candidates.append(((ratio, same), i, j))
    return greedy(candidates)


def match_demands(first: Pass, second: Pass, statements: dict[str, str]) -> dict[int, int]:
    """Demands by their matched `states` statements and their summaries' words."""

    def stated(links: list[Row], rename: Callable[[str], str]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for link in links:
            if link["relation"] == "states":
                out.setdefault(link["demand_id"], set()).add(rename(link["statement_id"]))
        return out

    a_states = stated(first["demand_statements"], lambda s: s)
    b_states = stated(second["demand_statements"], lambda s: statements.get(s, "second:" + s))
    candidates = []
    for i, a in enumerate(first["demands"]):
        for j, b in enumerate(second["demands"]):
            links = jaccard(
                a_states.get(a["demand_id"], set()), b_states.get(b["demand_id"], set())
            )
            summary = jaccard(words(a["summary"]), words(b["summary"]))
            if links or summary >= 0.3:
                candidates.append(((links + summary,), i, j))
    return greedy(candidates)


class Comparison:
    """The matches, figures and differences of one first pass against the second."""

    def __init__(self, first: Pass, second: Pass) -> None:
        self.first, self.second = first, second
        self.actors = actor_map(first["actors"], second["actors"])
        self.events = self._ids(
            "events", "event_id", match_events(first["events"], second["events"])
        )
        self.statement_pairs = match_statements(
            first["statements"], second["statements"], self.actors
        )
        self.statements = self._ids("statements", "statement_id", self.statement_pairs)
        self.demand_pairs = match_demands(first, second, self.statements)
        self.demands = self._ids("demands", "demand_id", self.demand_pairs)
        self.differences: list[Row] = []
        self.figures: dict[str, object] = {}

    def _ids(self, table: str, key: str, pairs: dict[int, int]) -> dict[str, str]:
        """Second id → first id for a table's matched rows."""
        first, second = self.first[table], self.second[table]
        return {second[j][key]: first[i][key] for i, j in pairs.items()}

    def rename(self, field: str, value: str) -> str:
        """A second-pass value in first-pass ids (unmatched ids prefixed `second:`)."""
        if not value:
            return value
        table = {"event_id": self.events, "parent_event_id": self.events}.get(field)
        if field.endswith("_id") and table is None and field not in ("source_id",):
            table = self.actors
        if table is None:
            return value
        return table.get(value, "second:" + value)

    def note(
        self,
        table: str,
        a: Row | None,
        b: Row | None,
        key: str,
        field: str,
        values: tuple[str, str],
    ) -> None:
        """Record one difference, with the seed span of the row where it has one."""
        where = a if a is not None and "start_char" in a else b
        self.differences.append(
            {
                "table": table,
                "first_key": a[key] if a is not None else "",
                "second_key": b[key] if b is not None else "",
                "field": field,
                "first_value": values[0],
                "second_value": values[1],
                "source_id": where["source_id"] if where and "source_id" in where else "",
                "start_char": where["start_char"] if where and "start_char" in where else "",
                "end_char": where["end_char"] if where and "end_char" in where else "",
            }
        )

    def compare_rows(
        self,
        table: str,
        key: str,
        pairs: dict[int, int],
        fields: tuple[str, ...],
        describe: Callable[[Row], str],
    ) -> dict[str, object]:
        """Detection and per-field agreement of one table's matched rows."""
        first, second = self.first[table], self.second[table]
        matched_second = set(pairs.values())
        for i, a in enumerate(first):
            if i not in pairs:
                self.note(table, a, None, key, "*", (describe(a), ""))
        for j, b in enumerate(second):
            if j not in matched_second:
                self.note(table, None, b, key, "*", ("", describe(b)))
        result: dict[str, object] = {
            "detection": {
                "first_rows": len(first),
                "second_rows": len(second),
                "matched": len(pairs),
                "recall": round(len(pairs) / len(first), 3) if first else None,
                "precision": round(len(pairs) / len(second), 3) if second else None,
            }
        }
        fields_out: dict[str, object] = {}
        for field in fields:
            values = []
            for i, j in sorted(pairs.items()):
                a, b = first[i], second[j]
                pair = (a[field], self.rename(field, b[field]))
                values.append(pair)
                if pair[0] != pair[1]:
                    self.note(table, a, b, key, field, pair)
            fields_out[field] = field_figures(
                values, categorical=field not in ("date", "end_date", "first_stated", "location")
            )
        result["fields"] = fields_out
        return result

    def statement_detection(self) -> dict[str, object]:
        """Overlap both ways and exact spans, beside the one-to-one matching."""
        first, second = self.first["statements"], self.second["statements"]

        def covered(rows: list[Row], others: list[Row]) -> int:
            return sum(
                any(
                    o["source_id"] == r["source_id"]
                    and min(span(o)[1], span(r)[1]) > max(span(o)[0], span(r)[0])
                    for o in others
                )
                for r in rows
            )

        exact = sum(
            span(first[i]) == span(self.second["statements"][j])
            for i, j in self.statement_pairs.items()
        )
        return {
            "first_overlapped_by_second": covered(first, second),
            "second_overlapped_by_first": covered(second, first),
            "recall_by_overlap": round(covered(first, second) / len(first), 3),
            "precision_by_overlap": round(covered(second, first) / len(second), 3),
            "matched_exact_span": exact,
        }

    def run(self) -> dict[str, object]:
        """Compare every table; fill `figures` and `differences`."""
        actors_first = {row["actor_id"] for row in self.first["actors"]}
        mapped = set(self.actors.values())
        self.figures["actors"] = {
            "detection": {
                "first_rows": len(actors_first),
                "second_rows": len(self.second["actors"]),
                "matched": len(mapped),
                "recall": round(len(mapped) / len(actors_first), 3),
                "precision": round(len(self.actors) / len(self.second["actors"]), 3),
            }
        }
        for row in self.first["actors"]:
            if row["actor_id"] not in mapped:
                self.note("actors", row, None, "actor_id", "*", (row["name"], ""))
        for row in self.second["actors"]:
            if row["actor_id"] not in self.actors:
                self.note("actors", None, row, "actor_id", "*", ("", row["name"]))
        self.figures["events"] = self.compare_rows(
            "events",
            "event_id",
            match_events(self.first["events"], self.second["events"]),
            EVENT_FIELDS,
            lambda r: f"{r['date']} {r['event_type']}: {r['title']}",
        )
        statements = self.compare_rows(
            "statements",
            "statement_id",
            self.statement_pairs,
            STATEMENT_FIELDS,
            lambda r: f"{r['speaker_id']}: {r['text'][:80]}",
        )
        cast(dict[str, object], statements["detection"]).update(self.statement_detection())
        self.span_differences()
        self.figures["statements"] = statements
        self.figures["demands"] = self.compare_rows(
            "demands",
            "demand_id",
            self.demand_pairs,
            DEMAND_FIELDS,
            lambda r: f"{r['demander_id']}: {r['summary'][:80]}",
        )
        self.figures["demand_statements"] = self.compare_links()
        self.figures["disagreements"] = self.compare_disagreements()
        return self.figures

    def span_differences(self) -> None:
        """Matched statements whose offsets differ (a difference of field `span`)."""
        first, second = self.first["statements"], self.second["statements"]
        for i, j in sorted(self.statement_pairs.items()):
            a, b = first[i], second[j]
            if span(a) != span(b):
                self.note(
                    "statements",
                    a,
                    b,
                    "statement_id",
                    "span",
                    ("{}-{}".format(*span(a)), "{}-{}".format(*span(b))),
                )

    def compare_links(self) -> dict[str, object]:
        """Demand links: found on both sides, and their relation."""
        first = {(r["demand_id"], r["statement_id"]): r for r in self.first["demand_statements"]}
        second: dict[tuple[str, str], Row] = {}
        for r in self.second["demand_statements"]:
            key = (
                self.demands.get(r["demand_id"], "second:" + r["demand_id"]),
                self.statements.get(r["statement_id"], "second:" + r["statement_id"]),
            )
            second[key] = r
        pairs = []
        for key in sorted(first.keys() | second.keys()):
            a, b = first.get(key), second.get(key)
            link_key = "/".join(key)
            second_key = f"{b['demand_id']}/{b['statement_id']}" if b else ""
            row = {
                "table": "demand_statements",
                "first_key": link_key,
                "second_key": second_key,
                "source_id": "",
                "start_char": "",
                "end_char": "",
            }
            if a is None or b is None:
                row.update(
                    field="*",
                    first_value=a["relation"] if a else "",
                    second_value=b["relation"] if b else "",
                )
                self.differences.append(row)
                continue
            pairs.append((a["relation"], b["relation"]))
            if a["relation"] != b["relation"]:
                row.update(field="relation", first_value=a["relation"], second_value=b["relation"])
                self.differences.append(row)
        both = len(pairs)
        return {
            "detection": {
                "first_rows": len(first),
                "second_rows": len(second),
                "matched": both,
                "recall": round(both / len(first), 3),
                "precision": round(both / len(second), 3),
            },
            "fields": {"relation": field_figures(pairs)},
        }

    def compare_disagreements(self) -> dict[str, object]:
        """Disagreements: same table, field and (matched) row; their versions' sources."""
        renames = {"statements": self.statements, "events": self.events, "actors": self.actors}

        def versions(rows: list[Row], ident: str) -> str:
            return " ".join(sorted(r["source_id"] for r in rows if r["disagreement_id"] == ident))

        first = {(r["row_table"], r["row_id"], r["field"]): r for r in self.first["disagreements"]}
        second = {
            (
                r["row_table"],
                renames.get(r["row_table"], {}).get(r["row_id"], "second:" + r["row_id"]),
                r["field"],
            ): r
            for r in self.second["disagreements"]
        }
        pairs = []
        for key in sorted(first.keys() | second.keys()):
            a, b = first.get(key), second.get(key)
            if a is None or b is None:
                self.note(
                    "disagreements",
                    a,
                    b,
                    "disagreement_id",
                    "*",
                    (a["description"][:80] if a else "", b["description"][:80] if b else ""),
                )
                continue
            pair = (
                versions(self.first["disagreement_versions"], a["disagreement_id"]),
                versions(self.second["disagreement_versions"], b["disagreement_id"]),
            )
            pairs.append(pair)
            if pair[0] != pair[1]:
                self.note("disagreements", a, b, "disagreement_id", "version_sources", pair)
        return {
            "detection": {
                "first_rows": len(first),
                "second_rows": len(second),
                "matched": len(pairs),
            },
            "fields": {"version_sources": field_figures(pairs, categorical=False)},
        }


def compare(first: Pass, second: Pass) -> Comparison:
    """Match and compare two annotations."""
    comparison = Comparison(first, second)
    comparison.run()
    return comparison


def agreement() -> dict[str, object]:
    """The figures `audit/agreement.json` holds: before and after adjudication."""
    second = read_pass(SECOND)
    return {
        "matching": MATCHING,
        "before": compare(read_pass(FIRST), second).figures,
        "after": compare(read_pass(DATA), second).figures,
    }


def differences() -> list[Row]:
    """Every difference between the first pass as shipped and the second pass."""
    return compare(read_pass(FIRST), read_pass(SECOND)).differences


def markdown(figures: dict[str, Any]) -> list[str]:
    """The per-field table of `figures` (as `agreement()` gives them), as Markdown lines:
    docs/datacard.md and docs/audit.md carry it (a test keeps them equal to this)."""

    def cell(value: object, digits: int) -> str:
        return "" if value is None else f"{value:.{digits}f}"

    lines = [
        "| table | field | pairs | before % | before κ | after % | after κ |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    before, after = figures["before"], figures["after"]
    for table, results in after.items():
        for name, now in results.get("fields", {}).items():
            then = before[table]["fields"][name]
            lines.append(
                f"| {table} | {name} | {then['agree']}/{then['pairs']} → "
                f"{now['agree']}/{now['pairs']} | {cell(then['percent'], 1)} | "
                f"{cell(then.get('kappa'), 2)} | {cell(now['percent'], 1)} | "
                f"{cell(now.get('kappa'), 2)} |"
            )
    return lines


def write(out: Path = ROOT / "audit") -> None:
    """Write agreement.json and differences.csv."""
    (out / "agreement.json").write_text(
        json.dumps(agreement(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    with (out / "differences.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=DIFFERENCE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(differences())


if __name__ == "__main__":
    write()
    sys.exit(0)
