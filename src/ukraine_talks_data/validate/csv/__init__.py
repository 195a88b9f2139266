"""The package's CSV form: UTF-8 without BOM, LF line ends, comma, double quotes, header row 1.

`form` parses a file strictly and locates every deviation by row and column (the csv
module; the reference); `plain` decides from a file's bytes that it has no deviation at
all, so that `records` (Arrow's multi-threaded reader, numbered as Frictionless numbers
rows) can read it instead. May import: `report`, `inputs`.
"""

import csv

csv.field_size_limit(2**31 - 1)  # a cell may be as long as a file: no 128 KiB cap
