"""Running a validation: the Table Schema pass beside the dataset's rules.

`frictionless` is the reference Table Schema pass (stock Frictionless on the parsed rows,
never on the files); `columns/` computes the same pass column-wise with Arrow and DuckDB;
`run` chooses, and runs the rules beside it. May import everything else in `validate/`.
"""
