"""The audit of issue 13: its figures, differences, adjudication and data changes are current.

`audit/agreement.py` and `audit/apply_changes.py` are scripts, not part of the package; the
tests load them from the checkout.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
AUDIT = ROOT / "audit"


def script(name: str) -> ModuleType:
    """Import audit/<name>.py as a module."""
    spec = importlib.util.spec_from_file_location(f"audit_{name}", AUDIT / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


agreement = script("agreement")
apply_changes = script("apply_changes")


def rows(path: Path) -> list[dict[str, str]]:
    """A CSV file's rows."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_agreement_json_is_what_the_script_computes_now() -> None:
    written = json.loads((AUDIT / "agreement.json").read_text(encoding="utf-8"))
    assert written == json.loads(json.dumps(agreement.agreement()))


def test_differences_csv_is_what_the_script_computes_now() -> None:
    assert rows(AUDIT / "differences.csv") == agreement.differences()


def test_every_difference_has_one_adjudication_row() -> None:
    def key(row: dict[str, str]) -> tuple[str, ...]:
        return (row["table"], row["second_key"], row["field"], row["first_value"])

    differences = [
        (r["table"], r["second_key"], r["field"], r["first_value"], r["first_key"])
        for r in rows(AUDIT / "differences.csv")
    ]
    adjudicated = [(*key(r), r["key"]) for r in rows(AUDIT / "adjudication.csv")]
    assert sorted(adjudicated) == sorted(differences)


def test_each_decision_is_explained_and_applied() -> None:
    changed = {(r["table"], r["key"]) for r in rows(AUDIT / "changes.csv")}
    for row in rows(AUDIT / "adjudication.csv"):
        where = (row["table"], row["key"], row["field"])
        assert row["decision"] in {"first", "second", "other"}, where
        assert row["reason"].strip(), where
        if row["decision"] == "first":
            assert row["applied_by"] == "", where
        else:
            assert row["applied_by"] in {"audit/changes.csv", "branch audit"}, where
        if row["applied_by"] == "audit/changes.csv":
            assert (row["table"], row["key"]) in changed, where


def test_changes_csv_is_fully_applied_to_data() -> None:
    assert apply_changes.apply_changes(ROOT, write=False) == 0


@pytest.fixture
def first_pass(tmp_path: Path) -> Path:
    """A package folder whose data/ is the first pass as shipped."""
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    shutil.copytree(AUDIT / "first-pass", tmp_path / "data")
    return tmp_path


def test_changes_apply_to_the_first_pass_once(first_pass: Path) -> None:
    changes = apply_changes.read_changes()
    assert apply_changes.apply_changes(first_pass) == len(changes)
    assert apply_changes.apply_changes(first_pass) == 0
    assert apply_changes.apply_changes(first_pass, write=False) == 0


def test_a_change_whose_old_value_moved_is_refused(first_pass: Path) -> None:
    path = first_pass / "data" / "events.csv"
    before = path.read_bytes()
    change = {
        "table": "events",
        "key": "E001",
        "field": "date_basis",
        "old_value": "guessed",
        "new_value": "stated",
        "reason": "test",
    }
    with pytest.raises(apply_changes.ChangeError) as error:
        apply_changes.apply_changes(first_pass, [change])
    assert str(error.value) == (
        "events.csv E001 date_basis: holds 'inferred', expected 'guessed' (or the new value)"
    )
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("pairs", "kappa"),
    [
        ([("a", "a"), ("b", "b")], 1.0),
        (
            [("yes", "yes")] * 20
            + [("yes", "no")] * 5
            + [("no", "yes")] * 10
            + [("no", "no")] * 15,
            0.4,
        ),
        ([("a", "b"), ("b", "a")], -1.0),
        ([("a", "a")] * 3, 1.0),
        ([], None),
    ],
)
def test_cohen_kappa(pairs: list[tuple[str, str]], kappa: float | None) -> None:
    assert agreement.cohen_kappa(pairs) == kappa


@pytest.mark.parametrize("doc", ["docs/datacard.md", "docs/audit.md"])
def test_the_docs_show_the_agreement_table_of_agreement_json(doc: str) -> None:
    figures = json.loads((AUDIT / "agreement.json").read_text(encoding="utf-8"))
    table = "\n".join(agreement.markdown(figures))
    assert table in (AUDIT.parent / doc).read_text(encoding="utf-8")
