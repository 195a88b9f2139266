__version__ = "0.1.0"

RELEASE_DATE = "2026-12-02"
"""The day this version was released (ISO 8601). `ukraine-talks build` writes it into the
descriptors as `created`; CHANGELOG.md and CITATION.cff give the same date (tests check)."""
