"""What a package says before any row is read: its descriptor, its files, its schemas.

`files` reads an untrusted package's files safely (inside the folder, regular files,
size-capped); `descriptor` reads `datapackage.json` (its JSON by `package.json_text`);
`resource_rules` and `schema_rules` decide what a resource entry and a Table Schema may
say. May import: `report`, and the package level (`schemas`: the bundled reference
schemas; `json_text`).
"""
