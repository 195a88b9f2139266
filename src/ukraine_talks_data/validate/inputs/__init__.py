"""What a package says before any row is read: its descriptor, its files, its schemas.

`files` reads an untrusted package's files safely (inside the folder, regular files,
size-capped); `json_text` reads JSON as the package's files are read; `descriptor` reads
`datapackage.json`; `resource_rules` and `schema_rules`
decide what a resource entry and a Table Schema may say. May import: `report`, and the
package-level `schemas` (the bundled reference schemas).
"""
