"""The package's folders are layers: each module imports only from its own layer or below.

Every import counts, those inside functions and under TYPE_CHECKING too, so that no circle
is hidden by a late import.

The whole package, lowest first: the base modules at the top level (`errors`, `_version`,
`_scratch`, `_atomic`, `_journal`, `_optional`, `spreadsheet_safety`), then `package`
(what the data package is), `validate`, `loading`, `analysis`, `publish`, `export`,
`views`, `contribute` (adding sources and annotations), and the face (`cli` and the
package's `__init__`). Analyses, views and exports read the tables through `loading`,
never through the validator. Outside `validate/` no modules import each other in a
circle.

Inside `validate/`, its folders are layers too, lowest first: report, inputs, csv, tables,
rules, engine, then `validate/__init__.py`. Outside `validate/`, the validator may import
only the package's base modules (listed below).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

import ukraine_talks_data

PACKAGE = Path(ukraine_talks_data.__file__).parent
LAYERS = ("report", "inputs", "csv", "tables", "rules", "engine")
BASE = {"package", "errors", "spreadsheet_safety", "_version", "_scratch"}
"""What the validator may import from outside `validate/` (`errors`: the `LoadError` of a
bundle whose reference schemas cannot be read)."""

TOP_LAYERS = (
    "base",
    "package",
    "validate",
    "loading",
    "analysis",
    "publish",
    "export",
    "views",
    "contribute",
    "face",
)
BASE_MODULES = {
    "errors",
    "_version",
    "_scratch",
    "_atomic",
    "_journal",
    "_optional",
    "spreadsheet_safety",
}
FACE_MODULES = {"cli"}
NEVER = {("views", "validate"), ("export", "validate"), ("analysis", "validate")}
"""(layer, layer below it) pairs that must not meet although the order would allow it."""


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


def top_layer(name: str) -> str | None:
    """The package-wide layer of module `name` (or of a name in it); None if there is none."""
    parts = name.split(".")
    if parts[0] != "ukraine_talks_data":
        return None
    if len(parts) == 1 or parts[1] in FACE_MODULES:
        return "face"
    if parts[1] in BASE_MODULES:
        return "base"
    if parts[1] in TOP_LAYERS and (PACKAGE / parts[1]).is_dir():
        return parts[1]
    return None


def wrong_top_imports(path: Path, source: str | None = None) -> list[str]:
    """What a module imports from a layer above its own, from a layer it must never reach,
    or from no module of the package at all."""
    own = top_layer(module_name(path))
    assert own is not None, f"{module_name(path)} is on no layer: add it to TOP_LAYERS"
    wrong = []
    for target in imports(path, source):
        if not target.startswith("ukraine_talks_data"):
            continue
        other = top_layer(target)
        if (
            other is None
            or TOP_LAYERS.index(other) > TOP_LAYERS.index(own)
            or (own, other) in NEVER
        ):
            wrong.append(target)
    return wrong


def import_graph() -> dict[str, set[str]]:
    """Module → the modules of the package it imports (a name imported from a module counts
    as the module)."""
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        targets = set()
        for target in imports(path):
            while target and target not in paths:
                target = target.rpartition(".")[0]
            if target and target != name:
                targets.add(target)
        graph[name] = targets
    return graph


def circles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


VALIDATOR = sorted((PACKAGE / "validate").rglob("*.py"))
EVERYTHING = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", VALIDATOR, ids=lambda p: module_name(p))
def test_validator_modules_import_only_downward(path: Path) -> None:
    assert wrong_imports(path) == []


@pytest.mark.parametrize(
    ("where", "line", "wrong"),
    [
        ("report/issues.py", "from ..rules import CHECKS", "ukraine_talks_data.validate.rules"),
        (
            "tables/columns.py",
            "    from ..engine.run import x",
            "ukraine_talks_data.validate.engine.run",
        ),
        ("rules/spans.py", "from ...views.query import select", "ukraine_talks_data.views.query"),
        ("csv/form.py", "from ukraine_talks_data.validate import y", "ukraine_talks_data.validate"),
        (
            "tables/context.py",
            "from ...loading.arrow import read_csv",
            "ukraine_talks_data.loading.arrow",
        ),
    ],
)
def test_an_upward_import_is_caught(where: str, line: str, wrong: str) -> None:
    source = f"def f() -> None:\n{line}\n" if line.startswith(" ") else line + "\n"
    assert wrong_imports(PACKAGE / "validate" / where, source) == [wrong]


@pytest.mark.parametrize("path", EVERYTHING, ids=lambda p: module_name(p))
def test_modules_import_only_downward(path: Path) -> None:
    assert wrong_top_imports(path) == []


@pytest.mark.parametrize(
    ("where", "line", "wrong"),
    [
        # upward
        (
            "errors.py",
            "from .package.bundle import bundle_dir",
            "ukraine_talks_data.package.bundle",
        ),
        (
            "package/schemas.py",
            "    from ..loading.accessor import load",
            "ukraine_talks_data.loading.accessor",
        ),
        (
            "loading/remote.py",
            "from ..publish.build import build",
            "ukraine_talks_data.publish.build",
        ),
        (
            "loading/texts.py",
            "    from ..analysis.sides import sides",
            "ukraine_talks_data.analysis.sides",
        ),
        ("publish/release.py", "from ..export import export", "ukraine_talks_data.export"),
        (
            "export/duckdb.py",
            "    from ..views.query import select",
            "ukraine_talks_data.views.query",
        ),
        ("views/timeline.py", "from .. import cli", "ukraine_talks_data.cli"),
        ("package/relations.py", "import ukraine_talks_data", "ukraine_talks_data"),
        # below, but never
        (
            "views/coverage.py",
            "from ..validate.tables.context import Context",
            "ukraine_talks_data.validate.tables.context",
        ),
        (
            "export/sqlite.py",
            "    from ..validate import validate_package",
            "ukraine_talks_data.validate",
        ),
        (
            "analysis/joins.py",
            "from ..validate.inputs.files import read_package_file",
            "ukraine_talks_data.validate.inputs.files",
        ),
        # no such module (a module that moved away)
        ("views/query.py", "from ..relations import field", "ukraine_talks_data.relations"),
    ],
)
def test_a_wrong_import_is_caught(where: str, line: str, wrong: str) -> None:
    source = f"def f() -> None:\n{line}\n" if line.startswith(" ") else line + "\n"
    assert wrong_top_imports(PACKAGE / where, source) == [wrong]


def test_no_circles_outside_the_validator() -> None:
    outside = [c for c in circles(import_graph()) if not all(".validate" in m for m in c)]
    assert outside == []


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ],
)
def test_a_circle_is_caught(graph: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert circles(graph) == expected
