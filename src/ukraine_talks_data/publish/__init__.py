"""Making the files the package ships and releases, from the canonical CSVs.

`build` validates, then refreshes datapackage.json (`descriptor_stats`), the Parquet
distribution (`parquet`) and the data dictionary (`data_dictionary`); `release` checks the
build is current and the data valid, then fills a release folder (Parquet and CSV files —
`csv_export`, spreadsheet-safe — descriptors, a zip, SHA256SUMS).

May import: the base modules, `package`, `validate` (every build and release validates
first) and `load`.
"""
