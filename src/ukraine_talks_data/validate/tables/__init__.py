"""The package's tables as the rules read them, each read once.

`context.Context` holds the files, their parses and the seeds; `columns.ColumnContext`
its tables as Arrow columns (from Arrow's records or from the csv module's rows);
`rows` the row view of a parse; `values` the canonical integer and date forms and the
typed views; `seed_slices` seed[start:end] for a million spans at once. May import:
`report`, `inputs`, `csv`, and the package-level `sources`.
"""
