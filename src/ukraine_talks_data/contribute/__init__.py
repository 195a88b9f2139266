"""Growing the dataset: add a source, get suggested annotations, review them, accept them.

- `add_source.py` — `add_source()`: an article stored unchanged as the next seed, registered
  in `sources` and datapackage.json, the package built and validated.
- `suggest/` — `suggest()`: proposed rows for one source (statements with spans, quote type,
  ranked speakers, a date with its basis; candidate events; new actors; headings' quotation
  marks to exclude), written as a review file, never into `data/`.
- `review.py` — the review file: its columns (read from the schemas), writing it, reading
  it back and refusing a bad one whole.
- `accept.py` — `accept()`: the reviewed rows given ids and evidence, written into the
  tables, the package built and validated; refused whole if anything is invalid.
- `measure.py` — how well `suggest` does on the shipped seeds (docs/annotation-assist.md).
- `tables.py`, `staging.py`, `dates.py` — a package's tables read and written through its
  schemas; changes made in a copy, built and validated before they are copied back; dates
  as articles write them.

Layer: above `views/`, below the CLI. May import the base modules, `package/`, `validate/`,
`loading/` and `publish/` (it builds what it changes).
"""
