"""The command line: migrate, seed-demo and create-user against a real database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from api import db
from tests.conftest import serving_workers

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
async def empty_database(server_url):
    name = f"welfare_cli_{os.getpid()}"
    conn = await asyncpg.connect(db.asyncpg_dsn(server_url))
    await conn.execute(f'drop database if exists "{name}" with (force)')
    await conn.execute(f'create database "{name}"')
    await conn.close()
    yield db.with_database(server_url, name)
    conn = await asyncpg.connect(db.asyncpg_dsn(server_url))
    await conn.execute(f'drop database if exists "{name}" with (force)')
    await conn.close()


def run(url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "api.cli", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


async def test_migrate_seed_and_create_the_first_admin(empty_database):
    assert run(empty_database, "migrate").returncode == 0
    seeded = run(empty_database, "seed-demo")
    assert seeded.returncode == 0, seeded.stderr
    assert "kindergartens 10" in seeded.stdout and "clinic.manager" in seeded.stdout
    again = run(empty_database, "seed-demo")
    assert "already present" in again.stdout
    short = run(empty_database, "create-user", "--username", "boss", "--role", "NATIONAL_ADMIN", stdin="short\n")
    assert short.returncode == 2
    made = run(empty_database, "create-user", "--username", "Boss", "--role", "NATIONAL_ADMIN",
               "--full-name", "مدیر", stdin="a-long-enough-password\n")
    assert made.returncode == 0, made.stderr
    conn = await asyncpg.connect(db.asyncpg_dsn(empty_database))
    row = await conn.fetchrow("select u.password_hash, o.kind from app_user u join organization o "
                              "on o.id = u.organization_id where username = 'boss'")
    offices = await conn.fetchval("select count(*) from organization where kind = 'NATIONAL_OFFICE'")
    await conn.close()
    assert row["password_hash"].startswith("$argon2") and row["kind"] == "NATIONAL_OFFICE"
    assert offices == 1


async def test_create_user_refuses_what_the_create_user_mutation_refuses(api, database_url):
    """`create-user` and createUser share the account rules (auth/accounts.py): same refusal, same words."""
    from schema.node import from_global_id

    office = (await api.ok("admin", "{ me { organization { id } } }"))["me"]["organization"]["id"]
    refused = [
        ({"username": "new.admin", "password": "short", "role": "NATIONAL_ADMIN"}, "password"),
        ({"username": "x!", "password": "a-long-enough-password", "role": "NATIONAL_ADMIN"}, "username"),
        ({"username": "new.supervisor", "password": "a-long-enough-password", "role": "SUPERVISOR"}, "role"),
    ]
    for account, field in refused:
        result = await api.as_user("admin", "mutation($input: CreateUserInput!) { createUser(input: $input) "
                                            "{ user { id } } }",
                                   {"input": {**account, "fullName": "مدیر", "organizationId": office}})
        assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", account
        assert result["errors"][0]["extensions"]["field"] == field, account
        made = run(database_url, "create-user", "--username", account["username"], "--role", account["role"],
                   "--organization", str(from_global_id(office)[1]), stdin=account["password"] + "\n")
        assert made.returncode == 2, (account, made.stdout)
        assert f"{field}: {result['errors'][0]['message']}" in made.stderr, (account, made.stderr)
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    created = await conn.fetchval("select count(*) from app_user where username in ('new.admin', 'x!', "
                                  "'new.supervisor')")
    await conn.close()
    assert created == 0


async def test_a_refused_first_admin_leaves_no_national_office_behind(empty_database):
    refused = run(empty_database, "create-user", "--username", "boss", "--role", "NATIONAL_ADMIN", stdin="short\n")
    assert refused.returncode == 2 and "password:" in refused.stderr
    conn = await asyncpg.connect(db.asyncpg_dsn(empty_database))
    offices = await conn.fetchval("select count(*) from organization")
    await conn.close()
    assert offices == 0


def test_serve_leaves_the_client_address_to_the_app(monkeypatch, tmp_path):
    """Issue #8, item 9: uvicorn's proxy-header handling, which believes X-Forwarded-For from any loopback peer, is
    off; the app decides from TRUSTED_PROXIES (api/client_address.py, tested in tests/api/test_client_address.py)."""
    import uvicorn

    from api import cli

    async def prepared(_settings):
        return "postgres://unused@127.0.0.1:1/unused"

    started: dict = {}
    monkeypatch.setattr(cli, "_prepared_database", prepared)
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: started.update(options))
    assert cli.main(["--data-dir", str(tmp_path), "serve", "--port", "8123"]) == 0
    assert started["port"] == 8123
    assert started["proxy_headers"] is False


def test_serve_refuses_demo_mode_in_production():
    """The demo accounts' password is public: `serve --demo` (or DEMO_MODE) never starts a production server, and
    says why before touching any database (this one does not exist)."""
    for args, env in ((["serve", "--demo"], {}), (["serve"], {"DEMO_MODE": "true"})):
        refused = subprocess.run([sys.executable, "-m", "api.cli", *args], cwd=ROOT, capture_output=True, text=True,
                                 timeout=60, env={**os.environ, "ENVIRONMENT": "production", **env,
                                                  "DATABASE_URL": "postgres://nobody@127.0.0.1:1/absent"})
        assert refused.returncode == 2, (args, refused.stdout, refused.stderr)
        assert "refused in production" in refused.stderr, refused.stderr


def test_serve_with_workers_leaves_the_client_address_to_the_app_too(monkeypatch, tmp_path):
    """`serve --workers N` hands uvicorn the app factory, for N processes, with proxy headers still off."""
    import uvicorn

    from api import cli

    async def prepared(_settings):
        return "postgres://unused@127.0.0.1:1/unused"

    started: dict = {}
    monkeypatch.setattr(cli, "_prepared_database", prepared)
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: started.update(options, app=app))
    for name in (cli.WORKER_DATABASE_URL, "DEMO_MODE", "DATA_DIR"):  # serve sets these for its workers
        monkeypatch.delenv(name, raising=False)  # and so they are restored after the test
    assert cli.main(["--data-dir", str(tmp_path), "serve", "--workers", "3"]) == 0
    assert (started["app"], started["factory"], started["workers"]) == ("api.cli:worker_app", True, 3)
    assert started["proxy_headers"] is False
    assert os.environ[cli.WORKER_DATABASE_URL] == "postgres://unused@127.0.0.1:1/unused"


async def test_serve_runs_several_workers_that_throttle_as_one(database_url, redis_url, redis_prefix, tmp_path):
    """Issue #8, item 15: `serve --workers 2` runs two server processes over one database; with REDIS_URL, a
    username locked out through any of them is locked out on all (each request here comes on a new connection,
    for either worker to take). SIGTERM stops them all."""
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "REDIS_KEY_PREFIX": redis_prefix,
           "JWT_SECRET": "cli-test-secret-" + "x" * 40}
    log = tmp_path / "serve.log"
    async with serving_workers(tmp_path, env, "--demo", log=log) as http:
        login = "mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { accessToken } }"
        codes = []
        for password in ["wrong-password"] * 5 + ["demo"]:
            answer = (await http.post("/graphql", json={"query": login,
                                                        "variables": {"u": "clinic.manager", "p": password}}))
            codes.append(answer.json()["errors"][0]["extensions"]["code"])
        assert codes == ["BAD_USER_INPUT"] * 5 + ["RATE_LIMITED"]
        assert "errors" not in (await http.post("/graphql", json={
            "query": login, "variables": {"u": "clinic.worker1", "p": "demo"}})).json()
    assert log.read_text().count("Started server process") == 2
