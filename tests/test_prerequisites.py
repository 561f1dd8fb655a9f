"""`make test` checks the machine first: what is missing is named in one message before any test runs."""

import os
import subprocess
import sys

from .conftest import ROOT

SCRIPT = ROOT / "scripts" / "prerequisites.sh"


def run(*args, **env):
    return subprocess.run(["sh", str(SCRIPT), *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "INSTALL": "0", **env})


def test_missing_chromium_and_python_are_named_in_one_message(tmp_path):
    done = run("/no/such/python", "browser", CHROMIUM=str(tmp_path / "chromium"))
    assert done.returncode == 1
    assert done.stderr.count("error: missing prerequisites") == 1
    assert "Python 3.11 or newer" in done.stderr and "apt-get install chromium" in done.stderr


def test_a_complete_machine_passes_and_chromium_is_only_needed_for_the_browser_tests(tmp_path):
    assert run(sys.executable, CHROMIUM=str(tmp_path / "chromium")).returncode == 0
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    assert run(sys.executable, "browser", CHROMIUM=str(fake)).returncode == 0


def test_make_test_checks_prerequisites_before_installing_or_testing():
    # Run as CI does, from inside `make test`: without the outer make's level and flags.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    done = subprocess.run(["make", "--no-print-directory", "-n", "test"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env=env)
    first = next(line for line in done.stdout.splitlines() if not line.startswith("make["))
    assert first.startswith("sh scripts/prerequisites.sh") and first.endswith(" browser")
