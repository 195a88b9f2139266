"""README.md and .ci/run agree: CI runs exactly the test command README gives."""

from __future__ import annotations

import re

import pytest

from ukraine_talks_data.package.bundle import bundle_dir

ROOT = bundle_dir()


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text, re.S)
    assert block, "README.md must open with a sh block of set-up commands"
    return [line for line in block.group(1).splitlines() if line and not line.startswith("#")]


@pytest.mark.skipif(not (ROOT / ".ci" / "run").is_file(), reason="not a source checkout")
def test_ci_runs_the_readme_test_command() -> None:
    main_job, test_command = _readme_commands()
    assert "ukraine-talks validate" in main_job
    assert "pytest" in test_command
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci_lines[-1] == test_command
