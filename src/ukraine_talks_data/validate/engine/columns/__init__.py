"""The column engine's Table Schema pass: `plan` compiles the descriptor and schemas,
`source` reads a table in the declared form, `cells` and `rows` state the cell, header and
row rules, `keys` the key checks in SQL, `engine` runs them. Imports only below `engine/`.
"""
