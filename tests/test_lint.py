"""ruff is configured in pyproject.toml and the tree stays clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_is_clean():
    beside = Path(sys.executable).parent / "ruff"  # the ruff installed with the test extras, not another one
    ruff = str(beside) if beside.exists() else shutil.which("ruff")
    result = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
