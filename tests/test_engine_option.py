"""`validate --engine` and the lazy package import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from conftest import set_cell
from ukraine_talks_data.cli import app

runner = CliRunner()


def test_both_engines_print_the_same_report(package: Path) -> None:
    row = set_cell(package.parent / "data" / "statements.csv", 0, "speaker_id", "nobody")
    outputs = {}
    for engine in ("columns", "frictionless"):
        result = runner.invoke(app, ["validate", str(package), "--engine", engine])
        assert result.exit_code == 1
        outputs[engine] = result.stdout
    assert outputs["columns"] == outputs["frictionless"]
    assert f"data/statements.csv:{row}:speaker_id: foreign-key:" in outputs["columns"]


def test_unknown_engine_is_a_usage_error() -> None:
    result = runner.invoke(app, ["validate", "--engine", "pandas"])
    assert result.exit_code == 2


def test_import_loads_no_module_of_the_package_beyond_its_version() -> None:
    code = (
        "import sys, ukraine_talks_data; "
        "print(sorted(m for m in sys.modules if m.startswith('ukraine_talks_data')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['ukraine_talks_data', 'ukraine_talks_data._version']"
