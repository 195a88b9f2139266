"""Running a validation: the Table Schema pass beside the dataset's rules.

`frictionless` is the reference Table Schema pass (stock Frictionless on the parsed rows,
never on the files); `run` chooses it or the default engine's own column-wise pass
(`rules.TABLE_SCHEMA`), and runs the rules beside it. May import everything else in `validate/`.
"""
