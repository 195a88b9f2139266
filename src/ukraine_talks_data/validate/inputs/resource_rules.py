"""What a resource entry may say: local, uncompressed UTF-8 CSV in the canonical dialect,
with well-formed `bytes`, `hash`, `rows` and `fields`.

The validator reads every table as RFC 4180 CSV, comma-separated, header in row 1, nothing
skipped. A descriptor asking for anything else (another dialect, encoding, format,
compression, scheme, extra paths) is reported here rather than half-honoured: a comment
character or `header: false` could otherwise hide rows from one reader and not another.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ..report.issues import Issue

HASH = re.compile(r"^(?:sha256:[0-9a-f]{64}|md5:[0-9a-f]{32}|[0-9a-f]{32})$")

CANONICAL_DIALECT: dict[str, Any] = {
    "delimiter": ",",
    "quoteChar": '"',
    "doubleQuote": True,
    "escapeChar": None,
    "skipInitialSpace": False,
    "header": True,
    "headerRows": [1],
    "commentChar": None,
    "commentRows": [],
    "nullSequence": None,
    "lineTerminator": "\n",
}
"""The one CSV dialect the validator reads (RFC 4180 with LF line ends, header in row 1,
nothing skipped)."""
_DIALECT_IGNORED = {
    "caseSensitiveHeader",
    "csvddfVersion",
    "headerJoin",
    "name",
    "title",
    "description",
    "$schema",
    "type",
}
_TABLE_ONLY = {"format": ("csv",), "mediatype": ("text/csv",)}
_UNSUPPORTED = {
    "compression": "compressed files are not supported; store the CSV uncompressed",
    "innerpath": "files inside archives are not supported",
    "extrapaths": "multipart resources are not supported; use one file per resource",
    "data": "inline data is not supported; put the rows in a CSV file",
    "url": "'url' is not supported; give a relative 'path' inside the package",
}


def resource_key_problems(label: str, name: str, res: dict[str, Any], table: bool) -> list[Issue]:
    """Keys that would have a reader leave local, uncompressed UTF-8 files, or bad stats."""
    out: list[Issue] = []

    def bad(key: str, message: str) -> None:
        out.append(
            Issue(label, None, f"{name}.{key}", "descriptor-error", message, shown(res[key]))
        )

    for key, message in _UNSUPPORTED.items():
        if key in res:
            bad(key, message)
    if res.get("scheme", "file") != "file":
        bad("scheme", "only local files are read (scheme 'file')")
    encoding = res.get("encoding", "utf-8")
    if not isinstance(encoding, str) or encoding.lower().replace("_", "-") not in {"utf-8", "utf8"}:
        bad("encoding", "only UTF-8 is supported; convert the file to UTF-8")
    if table:
        for key, allowed in _TABLE_ONLY.items():
            if key in res and res[key] not in allowed:
                bad(key, f"a table must be {allowed[0]}")
    if "hash" in res and not (isinstance(res["hash"], str) and HASH.match(res["hash"])):
        bad("hash", "must be 'sha256:' followed by 64 hex digits (or an MD5 in 32 hex digits)")
    for key in ("bytes", "rows", "fields"):
        if key in res and not whole_number(res[key]):
            bad(key, "must be a whole number, 0 or more")
    return out


def dialect_problems(label: str, name: str, loaded: object) -> list[Issue]:
    """Each key of a loaded dialect that differs from the canonical CSV dialect."""
    if not isinstance(loaded, dict):
        return [Issue(label, None, f"{name}.dialect", "dialect-error", "must be a JSON object")]
    nested = loaded.get("csv", {})
    if not isinstance(nested, dict):
        return [Issue(label, None, f"{name}.dialect.csv", "dialect-error", "must be a JSON object")]
    # Keys beside `csv` (the older, flat form) are checked too: a reader may honour them.
    pairs = [(k, v) for k, v in loaded.items() if k != "csv"] + list(nested.items())
    out = []
    for key, value in sorted(pairs, key=lambda pair: pair[0]):
        if key in _DIALECT_IGNORED:
            continue
        if key not in CANONICAL_DIALECT:
            message = "is not supported; only the canonical CSV dialect is read"
        elif value == CANONICAL_DIALECT[key] and type(value) is type(CANONICAL_DIALECT[key]):
            continue
        else:
            expected = json.dumps(CANONICAL_DIALECT[key])
            message = f"must be {expected}: only the canonical CSV dialect is read"
        out.append(
            Issue(label, None, f"{name}.dialect.{key}", "dialect-error", message, shown(value))
        )
    return out


def shown(value: object, limit: int | None = None) -> str:
    """A descriptor value as an issue shows it: a string as itself, anything else as JSON;
    cut after `limit` characters if given."""
    text = value if isinstance(value, str) else json.dumps(value)
    return text if limit is None or len(text) <= limit else text[:limit] + "…"


def whole_number(value: object) -> bool:
    """Whether a JSON value is a whole number, 0 or more (`true` is not one)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def declared_algorithm(raw: Mapping[str, Any]) -> str | None:
    """The hash algorithm of a resource's well-formed `hash` (md5 when unprefixed), if any."""
    declared = raw.get("hash")
    if not isinstance(declared, str) or not HASH.match(declared):
        return None
    return declared.rpartition(":")[0] or "md5"
