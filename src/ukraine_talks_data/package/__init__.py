"""What the data package is: where it lies, its Table Schemas, its seeds, how its tables relate.

`bundle` finds the bundled package; `schemas` reads its Table Schemas; `types` is the one
registry of the Table Schema types the package uses and their forms in Arrow, SQL, DuckDB
and Python; `relations` says what the schemas imply about how tables relate (span fields,
evidence, actors, events, dates, labels); `sources` reads the seed articles; `json_text`
is the one JSON reader; `digest` hashes files as a descriptor declares them; `quotes`
finds quotation spans in a seed; `codegen` writes `models` (one pydantic class per table)
from the schemas.

The bottom of the house beside the private helpers: may import only the top-level base
modules (`errors`, `_version`, `_atomic`, `_optional`, `spreadsheet_safety`); the
validator and every capability above it import from here.
"""
