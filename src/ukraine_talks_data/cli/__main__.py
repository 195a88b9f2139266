"""`python -m ukraine_talks_data.cli` runs the `ukraine-talks` command."""

from . import main

main()
