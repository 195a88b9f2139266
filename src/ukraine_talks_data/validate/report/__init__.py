"""Issues and reports: `issues` (the frozen `Issue`, `Report`) and `formats` (text, GitHub
annotations, JSON). The bottom layer of `validate/`: imports nothing else of the package.
"""
