"""The code passes the project's lint configuration (ruff, configured in pyproject.toml)."""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_ruff_reports_nothing():
    run = subprocess.run([sys.executable, "-m", "ruff", "check", "lib", "tests", "tools", "benchmarks"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
