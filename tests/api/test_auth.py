"""Issue #2, auth: login, password storage, throttling, tokens, deactivation, demo mode, request IDs."""

from __future__ import annotations

import asyncio
import base64
import datetime
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import httpx
import jwt

from api import db
from api.app import create_app
from auth.tokens import token_service_from_settings
from tests.conftest import Api, error_code

LOGIN = """mutation($u: String!, $p: String!) {
  login(input: {username: $u, password: $p}) { accessToken expiresAt user { username role } }
}"""
ME = "{ me { role user { username } } }"
UPDATE_USER = "mutation($input: UpdateUserInput!) { updateUser(input: $input) { user { id isActive role version } } }"
CREATE_USER = "mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } } }"
FIND_USER = """query($u: String!) { users(filter: {username: $u}) { edges { node { id username role version } } } }"""


async def login(api: Api, username: str, password: str, headers: dict | None = None) -> dict:
    return await api.post(LOGIN, {"u": username, "p": password}, headers=headers)


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def claims(settings, **overrides) -> dict:
    now = int(time.time())
    base = {"sub": "admin", "iss": settings.jwt_issuer, "aud": settings.jwt_audience, "iat": now,
            "exp": now + 600, "jti": "0123456789abcdef"}
    base.update(overrides)
    return base


@asynccontextmanager
async def serve(settings, database_url: str, client: tuple[str, int] = ("198.51.100.9", 40000)) -> AsyncIterator[Api]:
    """An app of its own, with other settings than the session's, over the test's database."""
    application = create_app(settings, database_url=database_url, apply_migrations=False)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application, client=client)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield Api(http)


async def find_user(api: Api, username: str) -> dict:
    data = await api.ok("admin", FIND_USER, {"u": username})
    (edge,) = [e for e in data["users"]["edges"] if e["node"]["username"] == username]
    return edge["node"]


# --- login -----------------------------------------------------------------------------------------------


async def test_login_returns_token_expiry_and_user(api):
    result = await login(api, "yazd.county", "demo")
    assert "errors" not in result, result
    payload = result["data"]["login"]
    assert payload["accessToken"].count(".") == 2
    assert payload["expiresAt"]
    assert payload["user"] == {"username": "yazd.county", "role": "COUNTY_OFFICER"}
    me = await api.post(ME, token=payload["accessToken"])
    assert me["data"]["me"]["user"]["username"] == "yazd.county"


async def test_wrong_password_is_bad_user_input_with_persian_message(api):
    result = await login(api, "yazd.county", "not-the-password")
    assert error_code(result) == "BAD_USER_INPUT"
    assert result["errors"][0]["extensions"]["messageFa"]
    assert result.get("data") is None or result["data"].get("login") is None


async def test_unknown_username_answers_like_wrong_password(api):
    """No username oracle: an unknown user gets exactly the wrong-password answer."""
    wrong = await login(api, "yazd.county", "not-the-password")
    unknown = await login(api, "no.such.user", "not-the-password")
    assert error_code(unknown) == "BAD_USER_INPUT"
    assert unknown["errors"][0]["message"] == wrong["errors"][0]["message"]
    assert unknown["errors"][0]["extensions"] == wrong["errors"][0]["extensions"]


async def test_password_is_stored_as_argon2_hash(api, database_url):
    """A clear-text password is never stored: the row holds an argon2 hash that does not contain it."""
    province_office = (await api.ok("yazd.province", "{ me { organization { id } } }"))["me"]["organization"]["id"]
    created = await api.ok("admin", CREATE_USER, {"input": {
        "username": "hash.check", "password": "Secret-Pass-123", "fullName": "آزمون", "role": "AUDITOR",
        "organizationId": province_office}})
    assert created["createUser"]["user"]["id"]
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))  # as the owner: row-level security hides the user
    try:
        password_hash = await conn.fetchval("select password_hash from app_user where username = 'hash.check'")
    finally:
        await conn.close()
    assert password_hash.startswith("$argon2")
    assert "Secret-Pass-123" not in password_hash
    assert "errors" not in await login(api, "hash.check", "Secret-Pass-123")


# --- throttling ------------------------------------------------------------------------------------------


def freeze_throttle_clock(application) -> None:
    """Stops the throttle's clock: its first wait (1 s from the last failure) is shorter than a password check on a
    loaded machine, which would let a test's next attempt through."""
    application.state.services.throttle.clock = lambda: 1_000_000.0


async def test_repeated_failures_for_one_username_are_rate_limited(api, app, settings):
    """After login_max_failures wrong attempts, even the right password waits (RATE_LIMITED, retryAfter)."""
    freeze_throttle_clock(app)
    for _ in range(settings.login_max_failures):
        assert error_code(await login(api, "clinic.manager", "wrong-password")) == "BAD_USER_INPUT"
    result = await login(api, "clinic.manager", "demo")
    assert error_code(result) == "RATE_LIMITED"
    assert result["errors"][0]["extensions"]["retryAfter"] > 0
    assert result["errors"][0]["extensions"]["messageFa"]


async def test_failures_below_the_limit_do_not_block(api, settings):
    for _ in range(settings.login_max_failures - 1):
        assert error_code(await login(api, "clinic.manager", "wrong-password")) == "BAD_USER_INPUT"
    assert "errors" not in await login(api, "clinic.manager", "demo")


@asynccontextmanager
async def client_at(application, host: str) -> AsyncIterator[Api]:
    """Another client of the same app (and so of the same throttle), from address `host`."""
    transport = httpx.ASGITransport(app=application, client=(host, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield Api(http)


async def test_one_users_failures_lock_that_user_everywhere_and_no_colleague(api, app, settings):
    """Issue #8, item 10: a county office shares one address; a colleague's failures there do not stop another
    user's right password, while the failing username stays locked, from any address."""
    freeze_throttle_clock(app)
    for _ in range(settings.login_max_failures):
        assert error_code(await login(api, "clinic.manager", "wrong-password")) == "BAD_USER_INPUT"
    async with client_at(app, "203.0.113.80") as elsewhere:
        assert error_code(await login(elsewhere, "clinic.manager", "demo")) == "RATE_LIMITED"
    assert "errors" not in await login(api, "clinic.worker1", "demo")


async def test_past_the_address_threshold_only_wrong_passwords_are_refused(settings, database_url):
    """Spraying usernames from one address: past LOGIN_MAX_FAILURES_PER_ADDRESS its wrong passwords are refused
    as RATE_LIMITED (retryAfter), its right ones still log in, and other addresses are not concerned."""
    strict = settings.model_copy(update={"login_max_failures_per_address": 3})
    application = create_app(strict, database_url=database_url, apply_migrations=False)
    async with application.router.lifespan_context(application), client_at(application, "198.51.100.9") as office:
        freeze_throttle_clock(application)
        names = ["admin", "yazd.province", "yazd.county", "meybod.county"]
        results = [await login(office, name, "wrong-password") for name in names]
        assert [error_code(r) for r in results] == ["BAD_USER_INPUT"] * 3 + ["RATE_LIMITED"]
        assert results[-1]["errors"][0]["extensions"]["retryAfter"] > 0
        assert "errors" not in await login(office, "charity.manager", "demo")
        async with client_at(application, "203.0.113.80") as elsewhere:
            assert error_code(await login(elsewhere, "auditor", "wrong-password")) == "BAD_USER_INPUT"


async def test_throttled_username_is_spelled_case_insensitively(api, app, settings):
    """The throttle key is the normalised username: changing its case does not reset the count."""
    freeze_throttle_clock(app)
    for i in range(settings.login_max_failures):
        name = "Clinic.Manager" if i % 2 else "clinic.manager"
        assert error_code(await login(api, name, "wrong-password")) == "BAD_USER_INPUT"
    assert error_code(await login(api, " CLINIC.MANAGER ", "demo")) == "RATE_LIMITED"


async def test_concurrent_failures_cannot_slip_past_the_throttle(api, settings):
    """A burst of parallel guesses is throttled like the same guesses one after another."""
    burst = 4 * settings.login_max_failures
    results = await asyncio.gather(*(login(api, "clinic.manager", f"guess-{i}") for i in range(burst)))
    codes = [error_code(r) for r in results]
    assert codes.count("BAD_USER_INPUT") <= settings.login_max_failures + 1, codes
    assert "RATE_LIMITED" in codes


# --- tokens ----------------------------------------------------------------------------------------------


async def test_token_carries_the_required_claims(api, settings):
    token = await api.token("yazd.county")
    header = jwt.get_unverified_header(token)
    assert header["alg"] == settings.jwt_algorithm
    payload = jwt.decode(token, options={"verify_signature": False})
    for claim in ("sub", "iss", "aud", "iat", "exp", "jti"):
        assert claim in payload, claim
    assert payload["sub"] == "yazd.county"
    assert payload["iss"] == settings.jwt_issuer
    assert payload["aud"] == settings.jwt_audience
    assert payload["exp"] > payload["iat"]
    assert payload["jti"] != jwt.decode(await login_token(api, "yazd.county"), options={"verify_signature": False})[
        "jti"]


async def login_token(api: Api, username: str) -> str:
    result = await login(api, username, "demo")
    assert "errors" not in result, result
    return result["data"]["login"]["accessToken"]


async def test_missing_token_is_unauthenticated(api):
    assert error_code(await api.post("{ me { role } }")) == "UNAUTHENTICATED"


async def test_forged_token_is_unauthenticated(api, settings):
    now = int(time.time())
    token = jwt.encode(claims(settings), settings.jwt_secret, algorithm="HS256")
    assert (await api.post("{ me { role } }", token=token))["data"]["me"]["role"] == "NATIONAL_ADMIN"  # control
    bad = {
        "garbage": "not.a.token",
        "expired": jwt.encode(claims(settings, iat=int(time.time()) - 7200, exp=int(time.time()) - 3600),
                              settings.jwt_secret, algorithm="HS256"),
        "other secret": jwt.encode(claims(settings), "another-secret-" + "y" * 40, algorithm="HS256"),
        "alg none": _b64({"alg": "none", "typ": "JWT"}) + "." + _b64(claims(settings)) + ".",
        "wrong audience": jwt.encode(claims(settings, aud="someone-else"), settings.jwt_secret, algorithm="HS256"),
        "wrong issuer": jwt.encode(claims(settings, iss="evil-issuer"), settings.jwt_secret, algorithm="HS256"),
        "no jti": jwt.encode({k: v for k, v in claims(settings).items() if k != "jti"}, settings.jwt_secret,
                             algorithm="HS256"),
        "unknown user": jwt.encode(claims(settings, sub="ghost"), settings.jwt_secret, algorithm="HS256"),
        "lifetime past ACCESS_TOKEN_MINUTES": jwt.encode(
            claims(settings, iat=now, exp=now + settings.access_token_minutes * 60 + 1), settings.jwt_secret,
            algorithm="HS256"),
    }
    for name, token in bad.items():
        result = await api.post("{ me { role } }", token=token)
        assert error_code(result) == "UNAUTHENTICATED", name
        assert result.get("data") is None, name


async def test_a_refused_token_is_logged_with_its_reason_and_never_itself(api, settings, caplog):
    """The operator learns why a request was refused; the log never holds a usable credential."""
    now = int(time.time())
    stale = token_service_from_settings(settings).issue(
        "clinic.worker2", now=datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=30)).token
    target = await find_user(api, "clinic.worker2")
    await api.ok("yazd.county", UPDATE_USER, {"input": {"id": target["id"], "version": target["version"],
                                                         "password": "a-brand-new-password"}})
    refused = {
        "expired": jwt.encode(claims(settings, iat=now - 7200, exp=now - 3600), settings.jwt_secret,
                              algorithm="HS256"),
        "bad signature": jwt.encode(claims(settings), "another-secret-" + "y" * 40, algorithm="HS256"),
        "malformed": "not.a.token",
        "unknown or inactive user": jwt.encode(claims(settings, sub="ghost"), settings.jwt_secret, algorithm="HS256"),
        "issued before password change": stale,
        "lifetime too long": jwt.encode(claims(settings, iat=now, exp=now + settings.access_token_minutes * 60 + 1),
                                        settings.jwt_secret, algorithm="HS256"),
    }
    caplog.set_level(logging.INFO, logger="welfare_api")
    for reason, token in refused.items():
        caplog.clear()
        assert error_code(await api.post(ME, token=token)) == "UNAUTHENTICATED", reason
        assert f"token refused ({reason})" in caplog.text, reason
        assert token not in caplog.text, reason
    caplog.clear()
    await api.post(ME, headers={"authorization": f"Basic {stale}"})
    assert "token refused (not a bearer token)" in caplog.text
    assert stale not in caplog.text


async def test_a_password_change_retires_tokens_issued_earlier_in_the_same_second(api, settings, database_url):
    """Issue #8, item 11: a token issued a microsecond before the change is refused, one a microsecond after is not
    (both in the change's second, but for a one-in-a-million chance)."""
    target = await find_user(api, "clinic.worker2")
    await api.ok("yazd.county", UPDATE_USER, {"input": {"id": target["id"], "version": target["version"],
                                                         "password": "a-brand-new-password"}})
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    try:
        changed = await conn.fetchval("select password_changed_at from app_user where username = 'clinic.worker2'")
    finally:
        await conn.close()
    tokens = token_service_from_settings(settings)
    before = tokens.issue("clinic.worker2", now=changed - datetime.timedelta(microseconds=1)).token
    after = tokens.issue("clinic.worker2", now=changed + datetime.timedelta(microseconds=1)).token
    assert error_code(await api.post(ME, token=before)) == "UNAUTHENTICATED"
    assert (await api.post(ME, token=after))["data"]["me"]["user"]["username"] == "clinic.worker2"


async def test_non_bearer_authorization_is_unauthenticated(api):
    token = await api.token("admin")
    result = await api.post("{ me { role } }", headers={"authorization": f"Basic {token}"})
    assert error_code(result) == "UNAUTHENTICATED"


async def test_deactivated_user_token_stops_working_at_once(api):
    """updateUser isActive=false: the very next request with the old token is UNAUTHENTICATED."""
    token = await api.token("clinic.worker1")
    assert (await api.post(ME, token=token))["data"]["me"]["role"] == "PARTNER_WORKER"
    target = await find_user(api, "clinic.worker1")
    await api.ok("admin", UPDATE_USER, {"input": {"id": target["id"], "version": target["version"], "isActive": False}})
    assert error_code(await api.post(ME, token=token)) == "UNAUTHENTICATED"
    assert error_code(await login(api, "clinic.worker1", "demo")) == "BAD_USER_INPUT"


async def test_demo_account_cannot_log_in_outside_demo_mode(settings, database_url):
    """Demo accounts (is_demo) log in only in demo mode; a token issued in demo mode is refused outside it."""
    async with serve(settings, database_url) as demo_api:
        token = await demo_api.token("admin")
        assert (await demo_api.post(ME, token=token))["data"]["me"]["role"] == "NATIONAL_ADMIN"
    production_like = settings.model_copy(update={"demo_mode": False})
    async with serve(production_like, database_url) as real_api:
        result = await login(real_api, "admin", "demo")
        assert error_code(result) == "BAD_USER_INPUT"
        assert error_code(await real_api.post(ME, token=token)) == "UNAUTHENTICATED"


# --- request IDs -----------------------------------------------------------------------------------------


async def test_request_id_is_echoed_or_made_up(api):
    sane = "req-1234abcd.XY_z"
    response = await api.client.post("/graphql", json={"query": "{ me { role } }"}, headers={"x-request-id": sane})
    assert response.headers["x-request-id"] == sane
    response = await api.client.post("/graphql", json={"query": "{ me { role } }"})
    assert len(response.headers["x-request-id"]) >= 8
    insane = "bad id\twith spaces and <script>"
    response = await api.client.post("/graphql", json={"query": "{ me { role } }"}, headers={"x-request-id": insane})
    assert response.headers["x-request-id"] != insane
    assert response.headers["x-request-id"].isalnum()
