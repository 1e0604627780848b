"""mypy is configured in pyproject.toml ([tool.mypy]: strict, the packages it checks) and the tree type-checks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_is_clean() -> None:
    beside = Path(sys.executable).parent / "mypy"  # the mypy installed with the test extras, not another one
    mypy = str(beside) if beside.exists() else shutil.which("mypy")
    assert mypy, "mypy is not installed: pip install -e '.[test]'"
    result = subprocess.run([mypy], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
