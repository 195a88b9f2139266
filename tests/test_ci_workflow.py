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
    install = next(i for i, run in enumerate(runs) if "pip install" in run)
    validate = next(i for i, run in enumerate(runs) if run.startswith("ukraine-talks validate"))
    assert install < validate
    assert "--format github" in runs[validate]


def test_a_pull_request_is_checked_by_the_validator_of_the_branch_it_targets() -> None:
    """Installed from the pull request's own checkout, the validator and the reference
    schemas it bundles would be the ones the pull request may have changed."""
    steps = _steps()
    base = next(s for s in steps if s.get("with", {}).get("ref", "").endswith("base.sha }}"))
    assert base["uses"].startswith("actions/checkout@")
    assert base["if"] == "github.event_name == 'pull_request'"
    assert base["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"
    install = next(s["run"] for s in steps if "pip install" in s.get("run", ""))
    target = f"./{base['with']['path']}"
    assert install == (
        f"python -m pip install ${{{{ github.event_name == 'pull_request' && '{target}' || '.' }}}}"
    )
    assert steps.index(base) < next(i for i, s in enumerate(steps) if s.get("run") == install)


def test_the_workflow_command_passes_on_the_shipped_data(monkeypatch: pytest.MonkeyPatch) -> None:
    run = next(s["run"] for s in _steps() if s.get("run", "").startswith("ukraine-talks validate"))
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, shlex.split(run)[1:])
    assert result.exit_code == 0, result.stdout
    assert result.stdout.startswith("valid: ")
