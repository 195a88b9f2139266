"""Every bundled Table Schema passes Frictionless's own profile.

`schema_rules.frictionless_problems` skips Frictionless for a schema equal to a bundled
one; this test is what allows that.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from frictionless import Schema

from ukraine_talks_data.package.schemas import table_names, table_schema
from ukraine_talks_data.validate.inputs.schema_rules import (
    frictionless_problems,
    is_bundled_schema,
    sanitised,
    schema_problems,
)


@pytest.mark.parametrize("name", table_names())
def test_frictionless_accepts_the_bundled_schema(name: str) -> None:
    report = Schema.validate_descriptor(sanitised(table_schema(name)))
    assert report.valid, [e.message for e in report.errors]


def test_a_changed_schema_is_still_checked_by_frictionless() -> None:
    schema = copy.deepcopy(table_schema("actors"))
    schema["fields"][0]["missingValues"] = 5
    assert not is_bundled_schema(schema)
    [problem] = frictionless_problems(schema, "actors.json")
    assert (problem.field, problem.code) == ("actor_id", "schema-error")
    assert "'missingValues'" in problem.message


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    """A change setting `path` (keys joined by '/', field 0 as 'field') to `value`."""

    def change(schema: dict[str, Any]) -> None:
        *parents, key = path.split("/")
        node: Any = schema
        for part in parents:
            node = node["fields"][0] if part == "field" else node.setdefault(part, {})
        node[key] = value

    return change


# JSON types our own rules leave to Frictionless's profile (schema_rules' docstring):
PROFILE_CASES = [
    ("field/constraints/required", "yes", "actor_id", "'yes' is not of type 'boolean'"),
    ("field/constraints/unique", 1, "actor_id", "1 is not of type 'boolean'"),
    ("field/constraints/pattern", 5, "actor_id", "5 is not of type 'string'"),
    ("field/constraints/foo", 5, "actor_id", 'constraint "foo" is not supported by type'),
    ("field/missingValues", [1], "actor_id", "is not valid under any of the given schemas"),
    ("missingValues", "x", None, "'x' is not valid under any of the given schemas"),
]


@pytest.mark.parametrize(("path", "value", "field", "message"), PROFILE_CASES)
def test_the_profile_reports_what_our_rules_leave_to_it(
    path: str, value: object, field: str | None, message: str
) -> None:
    schema = copy.deepcopy(table_schema("actors"))
    _set(path, value)(schema)
    assert schema_problems(schema, "actors.json") == []
    [problem] = frictionless_problems(schema, "actors.json")
    assert (problem.file, problem.field, problem.code) == ("actors.json", field, "schema-error")
    assert message in problem.message
