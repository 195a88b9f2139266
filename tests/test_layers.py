"""The validator's folders are layers: each module imports only from its own layer or below.

Every import counts, those inside functions and under TYPE_CHECKING too, so that no circle
is hidden by a late import. Order, lowest first: report, inputs, csv, tables, rules,
engine, then `validate/__init__.py`. Outside `validate/`, the validator may import only
the package's base modules (listed below).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import ukraine_talks_data

PACKAGE = Path(ukraine_talks_data.__file__).parent
LAYERS = ("report", "inputs", "csv", "tables", "rules", "engine")
BASE = {"bundle", "schemas", "sources", "spreadsheet_safety", "_version"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, source: str | None = None) -> Iterator[str]:
    """The absolute names of the modules (or names) that `path` (or `source` as if it stood
    at `path`) imports."""
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    text = path.read_text(encoding="utf-8") if source is None else source
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, *([node.module] if node.module else [])])
            for alias in node.names:
                yield f"{target}.{alias.name}" if node.module is None else target
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def layer(name: str) -> int | None:
    """The layer of a module of `validate/` (its __init__: above them all), else None."""
    parts = name.split(".")
    if parts[:2] != ["ukraine_talks_data", "validate"]:
        return None
    return LAYERS.index(parts[2]) if len(parts) > 2 else len(LAYERS)


def wrong_imports(path: Path, source: str | None = None) -> list[str]:
    """What a module of `validate/` imports from a layer above its own or from outside
    the validator and the package's base modules."""
    own = layer(module_name(path))
    assert own is not None
    wrong = []
    for target in imports(path, source):
        if not target.startswith("ukraine_talks_data"):
            continue
        other = layer(target)
        if (other is None and target.split(".")[1] not in BASE) or (other or 0) > own:
            wrong.append(target)
    return wrong


VALIDATOR = sorted((PACKAGE / "validate").rglob("*.py"))


@pytest.mark.parametrize("path", VALIDATOR, ids=lambda p: module_name(p))
def test_validator_modules_import_only_downward(path: Path) -> None:
    assert wrong_imports(path) == []


@pytest.mark.parametrize(
    ("where", "line", "wrong"),
    [
        ("report/issues.py", "from ..rules import CHECKS", "ukraine_talks_data.validate.rules"),
        ("tables/columns.py", "    from ..engine.run import x",
         "ukraine_talks_data.validate.engine.run"),
        ("rules/spans.py", "from ...query import select", "ukraine_talks_data.views.query"),
        ("csv/form.py", "from ukraine_talks_data.validate import y", "ukraine_talks_data.validate"),
    ],
)  # fmt: skip
def test_an_upward_import_is_caught(where: str, line: str, wrong: str) -> None:
    source = f"def f() -> None:\n{line}\n" if line.startswith(" ") else line + "\n"
    assert wrong_imports(PACKAGE / "validate" / where, source) == [wrong]
