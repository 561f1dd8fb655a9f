"""The code base stays clean under the project's ruff configuration (pyproject.toml)."""

import subprocess
import sys

from .conftest import ROOT


def test_ruff_reports_nothing():
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--output-format", "concise", "."],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
