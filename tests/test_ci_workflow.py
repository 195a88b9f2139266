"""The GitHub workflow a fork or contribution runs installs the package and runs validate."""

from __future__ import annotations

import shlex
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from ukraine_talks_data.cli import app
from ukraine_talks_data.package.bundle import bundle_dir

ROOT = bundle_dir()
WORKFLOW = ROOT / ".github" / "workflows" / "validate.yml"
pytestmark = pytest.mark.skipif(not WORKFLOW.is_file(), reason="not a source checkout")


def _steps() -> list[dict[str, Any]]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert workflow["permissions"] == {"contents": "read"}
    job = workflow["jobs"]["validate"]
    assert job["timeout-minutes"] <= 30
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def test_workflow_installs_the_package_then_validates() -> None:
    runs = [step["run"] for step in _steps() if "run" in step]
    install = next(i for i, run in enumerate(runs) if "pip install ." in run)
    validate = next(i for i, run in enumerate(runs) if run.startswith("ukraine-talks validate"))
    assert install < validate
    assert "--format github" in runs[validate]


def test_the_workflow_command_passes_on_the_shipped_data(monkeypatch: pytest.MonkeyPatch) -> None:
    run = next(s["run"] for s in _steps() if s.get("run", "").startswith("ukraine-talks validate"))
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, shlex.split(run)[1:])
    assert result.exit_code == 0, result.stdout
    assert result.stdout.startswith("valid: ")
