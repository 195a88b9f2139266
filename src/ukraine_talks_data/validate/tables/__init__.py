"""The package's tables as the rules read them, each read once.

`context.Context` holds the files, their parses, the seeds and the sources table's rows;
`columns.ColumnContext` its tables as Arrow columns (from the records Arrow or the csv
module read); `values` the canonical integer and date forms and the typed views;
`seed_slices` seed[start:end] for a million spans at once. May import: `report`,
`inputs`, `csv`, and the package-level `sources`.
"""
