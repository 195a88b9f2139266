"""What both benchmark generators do alike: where packages go, a new package's folder, table files
written with their size, hash and rows counted on the way, seed resources, the descriptor.

`generate.py` (synthetic rows) and `generate_real.py` (the shipped rows replicated) differ
only in the rows they write and the seeds they bring; the descriptor of every package they
make is the shipped `datapackage.json` with its tables' `bytes`, `hash` and `rows` replaced.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1M": 1_000_000}


def size_of(label: str) -> int:
    """'10k' → 10_000; plain integers are accepted too."""
    return SIZES[label] if label in SIZES else int(label)


def new_package(target: Path) -> dict[str, Any]:
    """Empty `target` with data/ and the shipped schemas/; the shipped descriptor, to edit."""
    if target.exists():
        shutil.rmtree(target)
    (target / "data").mkdir(parents=True)
    shutil.copytree(ROOT / "schemas", target / "schemas")
    descriptor: dict[str, Any] = json.loads((ROOT / "datapackage.json").read_text("utf-8"))
    return descriptor


def table_resources(descriptor: dict[str, Any]) -> list[dict[str, Any]]:
    """The descriptor's table resources, in its order."""
    return [r for r in descriptor["resources"] if r.get("type") == "table"]


def seed_resource(descriptor: dict[str, Any], index: int, path: str, data: bytes) -> dict[str, Any]:
    """A text resource for a seed file, shaped as the shipped descriptor's first seed."""
    template = next(r for r in descriptor["resources"] if r.get("type") == "text")
    resource = copy.deepcopy(template)
    resource.update(
        name=f"seed-{index:03d}",
        path=path,
        description="Synthetic source article.",
        bytes=len(data),
        hash=f"sha256:{hashlib.sha256(data).hexdigest()}",
    )
    return resource


def write_descriptor(target: Path, descriptor: dict[str, Any]) -> Path:
    """Write `descriptor` as `target`/datapackage.json (UTF-8, indented); return its path."""
    out = target / "datapackage.json"
    out.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


class Sink:
    """A table file written in chunks of text, with its byte count, SHA-256 and data rows kept
    as it goes (what the descriptor declares: `close()` returns them)."""

    def __init__(self, path: Path, header: str) -> None:
        self.fh = path.open("wb", buffering=1 << 20)
        self.digest = hashlib.sha256()
        self.bytes = 0
        self.rows = 0
        self.write(header, 0)

    def write(self, text: str, rows: int) -> None:
        data = text.encode("utf-8")
        self.fh.write(data)
        self.digest.update(data)
        self.bytes += len(data)
        self.rows += rows

    def close(self) -> dict[str, Any]:
        self.fh.close()
        return {"bytes": self.bytes, "hash": f"sha256:{self.digest.hexdigest()}", "rows": self.rows}
