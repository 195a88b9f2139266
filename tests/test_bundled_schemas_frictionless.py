"""Every bundled Table Schema passes Frictionless's own profile.

`schema_rules.frictionless_problems` skips Frictionless for a schema equal to a bundled
one; this test is what allows that.
"""

from __future__ import annotations

import copy

import pytest
from frictionless import Schema

from ukraine_talks_data.package.schemas import table_names, table_schema
from ukraine_talks_data.validate.inputs.schema_rules import (
    frictionless_problems,
    is_bundled_schema,
    sanitised,
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
