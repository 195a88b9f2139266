"""Answers to the questions people ask of the data, as tables: who is on which side, what was
said and around which words, which demands were rejected or answered and by whom, which
utterances several sources report.

`rows` reads the bundled tables as Python rows (or takes any `RowSource`, so tests can pass a
tiny made-up dataset); `sides` derives each actor's side from the affiliation chain; `joins`
builds the joined tables; `api` is the public face (`ukraine_talks_data.actor_sides()`,
`statements_in_context()`, `demand_answers()`, `utterances()`), each as an Arrow, pandas or
polars table. May import the base modules, `package/` and `loading/`; never `validate/`.
"""
