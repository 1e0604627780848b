"""Settings read from the environment (api/settings.py): the API's database role is one, whichever variable names it
(issue 11: an `APP_DATABASE_URL` naming a role other than `APP_DATABASE_ROLE` crashed the start)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import httpx
import pytest
from pydantic import ValidationError

from api import db
from api.app import create_app
from api.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def no_database_settings_from_outside(monkeypatch):
    for name in ("APP_DATABASE_URL", "APP_DATABASE_ROLE"):
        monkeypatch.delenv(name, raising=False)


def test_the_role_of_app_database_url_is_the_apps_role():
    settings = Settings(app_database_url="postgres://clinic_api:secret@db:5432/welfare")
    assert settings.app_database_role == "clinic_api"
    assert Settings().app_database_role == "welfare_api"
    assert Settings(app_database_role="other_api").app_database_role == "other_api"
    same = Settings(app_database_url="postgres://clinic_api:secret@db:5432/welfare", app_database_role="clinic_api")
    assert same.app_database_role == "clinic_api"


@pytest.mark.parametrize(("url", "role", "reason"), [
    ("postgres://clinic_api:secret@db:5432/welfare", "welfare_api",
     "APP_DATABASE_URL connects as 'clinic_api' but APP_DATABASE_ROLE is 'welfare_api'"),
    ("postgres://db:5432/welfare", None, "APP_DATABASE_URL names no role"),
    ("postgres://Clinic-API:secret@db:5432/welfare", None, "is not a plain role name"),
])
def test_two_roles_or_none_are_refused(url, role, reason):
    given = {"app_database_url": url} | ({"app_database_role": role} if role else {})
    with pytest.raises(ValidationError, match=reason):
        Settings(**given)


def test_the_command_line_refuses_two_roles_with_a_clear_message():
    """Refused before any database is touched (this server does not exist), in one line that names both variables
    and never the password."""
    refused = subprocess.run(
        [sys.executable, "-m", "api.cli", "migrate"], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/absent",
             "APP_DATABASE_URL": "postgres://clinic_api:s3cret-pw@127.0.0.1:1/absent",
             "APP_DATABASE_ROLE": "welfare_api"})
    assert refused.returncode == 2, (refused.stdout, refused.stderr)
    assert refused.stderr.startswith("welfare-api: configuration refused: APP_DATABASE_URL connects as "
                                     "'clinic_api' but APP_DATABASE_ROLE is 'welfare_api'"), refused.stderr
    assert "Traceback" not in refused.stderr and "s3cret-pw" not in refused.stderr


async def test_the_api_starts_as_the_role_app_database_url_names(database_url, schema, tmp_path):
    """With only APP_DATABASE_URL set, to a role of its own, the start creates and grants that role and connects as
    it; before, it granted `welfare_api` and then connected as a role that did not exist."""
    role = f"welfare_api_other_{os.getpid()}"
    admin = await asyncpg.connect(db.asyncpg_dsn(database_url))
    await admin.execute(f'drop role if exists "{role}"')
    settings = Settings(environment="development", demo_mode=True, data_dir=tmp_path,
                        jwt_secret="test-secret-" + "x" * 40,
                        app_database_url=db.with_user(database_url, role, "a-password-of-its-own"))
    try:
        application = create_app(settings, database_url=database_url, apply_migrations=True, schema=schema)
        async with application.router.lifespan_context(application):
            transport = httpx.ASGITransport(app=application)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                response = await client.post("/graphql", json={"query": 'mutation { login(input: {username: '
                                                                        '"clinic.manager", password: "demo"}) '
                                                                        '{ user { role } } }'})
                ready = await client.get("/readyz")
        assert response.json() == {"data": {"login": {"user": {"role": "PARTNER_MANAGER"}}}}
        assert ready.status_code == 200
        plain = await admin.fetchrow("select rolsuper, rolbypassrls from pg_roles where rolname = $1", role)
        assert plain is not None and not plain["rolsuper"] and not plain["rolbypassrls"]
    finally:
        if await admin.fetchval("select 1 from pg_roles where rolname = $1", role):
            await admin.execute(f'drop owned by "{role}"')  # its grants in this database, then the role
            await admin.execute(f'drop role "{role}"')
        await admin.close()
