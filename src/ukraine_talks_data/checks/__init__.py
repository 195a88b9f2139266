"""Checks that Table Schema cannot express, each a function that yields Issues and never prints.

Each check is named after its rule and its docstring states the rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..report import Issue
from .cells import (
    cell_fits_spreadsheets,
    cell_has_no_control_character,
    cell_has_no_line_break,
    cell_is_not_a_formula,
)
from .context import Context
from .dates import (
    end_date_not_before_date,
    inferred_date_explained,
    source_date_recorded,
    statement_not_after_source,
)
from .evidence import (
    disagreement_has_versions,
    event_relation_with_event,
    references_resolve,
    row_has_evidence,
)
from .files import file_matches_descriptor, resource_file_readable
from .keys import foreign_keys_resolve
from .reference import reference_tables_present, schema_matches_reference
from .sources import source_file_intact
from .spans import span_matches_source, span_offsets_ordered

Check = Callable[[Context], Iterator[Issue]]

CHECKS: tuple[Check, ...] = (
    resource_file_readable,
    file_matches_descriptor,
    reference_tables_present,
    schema_matches_reference,
    cell_fits_spreadsheets,
    cell_has_no_line_break,
    cell_has_no_control_character,
    cell_is_not_a_formula,
    foreign_keys_resolve,
    source_file_intact,
    span_offsets_ordered,
    span_matches_source,
    source_date_recorded,
    end_date_not_before_date,
    statement_not_after_source,
    inferred_date_explained,
    row_has_evidence,
    references_resolve,
    event_relation_with_event,
    disagreement_has_versions,
)


def run_checks(ctx: Context, checks: tuple[Check, ...] = CHECKS) -> Iterator[Issue]:
    """Run every check over the package in `ctx`."""
    for check in checks:
        yield from check(ctx)


__all__ = ["CHECKS", "Check", "Context", "run_checks"]
