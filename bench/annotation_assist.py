"""How well `ukraine-talks suggest` annotates the shipped seeds, each as if it were new.

Prints the two tables of docs/annotation-assist.md (the package's actors known, then the
actors seen only in that seed hidden too), computed by
`ukraine_talks_data.contribute.measure`. A test keeps the document equal to this output.

    PYTHONPATH=src python bench/annotation_assist.py [PACKAGE_FOLDER]
"""

from __future__ import annotations

import sys

from ukraine_talks_data.contribute.measure import measure, table


def main() -> None:
    root = sys.argv[1] if len(sys.argv) > 1 else None
    for title, unseen in (
        ("Actors as shipped", False),
        ("Actors seen only in the seed hidden", True),
    ):
        print(f"{title}:\n")
        print("\n".join(table(measure(root, unseen_actors=unseen))))
        print()


if __name__ == "__main__":
    main()
