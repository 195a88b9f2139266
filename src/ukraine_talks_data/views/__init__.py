"""Looking at the data: selections in the terminal, the timeline, the explorer, coverage, info.

`query` selects rows with their evidence spans; `terminal` prints a selection; `timeline`
draws the talks; `explorer` (with `explorer_templates/`, package data) serves the tables in
Datasette; `coverage` lists the seeds' quotation spans and what covers them; `info`
summarises the package.

May import: the base modules, `package`, `load` and `export` (the explorer serves the
SQLite export). Never `validate`: views read tables through `load`.
"""
