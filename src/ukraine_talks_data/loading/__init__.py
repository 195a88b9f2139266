"""Reading the tables: the public API (`accessor`) and what it reads with.

`accessor` is `load()`, `records()`, `tables()`, `clear_cache()` (re-exported by the
package's `__init__`); `arrow` derives Arrow schemas from the Table Schemas and reads a CSV
into a typed `pyarrow.Table`; `parquet` reads the bundled Parquet files and tells a fresh
one from a stale one; `remote` downloads a release's Parquet files, hash-checked and
cached, within one deadline per file (`deadline`); `backends` hands a table to pandas or
polars; `folder` reads the tables and seeds of any package on disk (its descriptor read
safely by the validator's `inputs`).

May import: the base modules, `package`, and `validate` (for reading an untrusted
descriptor). Everything that looks at or writes the data reads it through here.
"""
