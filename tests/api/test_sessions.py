"""Issue #11, sessions for mobile apps: refresh tokens (rotation, reuse, logout, revocation) and the reason of an
UNAUTHENTICATED access token."""

from __future__ import annotations

import datetime
import hashlib

import asyncpg
import pytest

from api import db
from auth.tokens import token_service_from_settings
from tests.api.test_auth import FIND_USER, ME, UPDATE_USER
from tests.conftest import Api, error_code

LOGIN = """mutation($u: String!, $p: String!) {
  login(input: {username: $u, password: $p}) { accessToken refreshToken refreshTokenExpiresAt }
}"""
REFRESH = """mutation($t: String!) {
  refreshToken(input: {refreshToken: $t}) { accessToken expiresAt refreshToken refreshTokenExpiresAt user { username } }
}"""
LOGOUT = """mutation($t: String!, $everywhere: Boolean!) {
  logout(input: {refreshToken: $t, everywhere: $everywhere}) { endedSessions }
}"""


async def log_in(api: Api, username: str = "clinic.worker2") -> dict:
    result = await api.post(LOGIN, {"u": username, "p": "demo"})
    assert "errors" not in result, result
    return result["data"]["login"]


async def refresh(api: Api, token: str) -> dict:
    return await api.post(REFRESH, {"t": token})


def refused_as_invalid(result: dict) -> bool:
    return error_code(result) == "UNAUTHENTICATED" and result["errors"][0]["extensions"]["reason"] == "TOKEN_INVALID"


async def owner_fetch(database_url: str, query: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    try:
        return await conn.fetch(query, *args)
    finally:
        await conn.close()


async def test_login_gives_a_refresh_token_stored_only_hashed(api, database_url, settings):
    session = await log_in(api)
    token = session["refreshToken"]
    assert len(token) >= 43
    expires = datetime.datetime.fromisoformat(session["refreshTokenExpiresAt"])
    days = (expires - datetime.datetime.now(datetime.UTC)).total_seconds() / 86400
    assert settings.refresh_token_days - 1 < days <= settings.refresh_token_days
    rows = await owner_fetch(database_url, "select token_hash from refresh_token r join app_user u on u.id = r.user_id"
                                           " where u.username = 'clinic.worker2'")
    assert [row["token_hash"] for row in rows] == [hashlib.sha256(token.encode()).hexdigest()]


async def test_the_api_role_reaches_no_refresh_token_row(api, database_url):
    """Row-level security with no policy: only migration 0019's functions reach the table."""
    await log_in(api)
    conn = await asyncpg.connect(db.asyncpg_dsn(db.with_user(database_url, "welfare_api")))
    try:
        assert await conn.fetchval("select count(*) from refresh_token") == 0
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("insert into refresh_token (family, user_id, token_hash, expires_at)"
                               " values (gen_random_uuid(), 1, 'x', now() + interval '1 day')")
    finally:
        await conn.close()


async def test_refresh_rotates_the_token_and_gives_a_working_pair(api):
    first = (await log_in(api))["refreshToken"]
    result = await refresh(api, first)
    assert "errors" not in result, result
    pair = result["data"]["refreshToken"]
    assert pair["user"] == {"username": "clinic.worker2"}
    assert pair["refreshToken"] != first
    me = await api.post(ME, token=pair["accessToken"])
    assert me["data"]["me"]["user"]["username"] == "clinic.worker2"
    # The successor works in turn, once.
    third = await refresh(api, pair["refreshToken"])
    assert "errors" not in third, third


async def test_reuse_of_a_rotated_token_revokes_its_family_and_is_traced(api, database_url):
    """A rotated token used again: the whole family is revoked (the legitimate device's latest token too), only that
    family (another device's session goes on), and the trail records TOKEN_REUSED naming the user."""
    phone = (await log_in(api))["refreshToken"]
    tablet = (await log_in(api))["refreshToken"]
    latest = (await refresh(api, phone))["data"]["refreshToken"]["refreshToken"]
    reused = await refresh(api, phone)
    assert refused_as_invalid(reused)
    assert reused.get("data") is None
    assert refused_as_invalid(await refresh(api, latest))  # the family is gone, though the rollback came first
    assert "errors" not in await refresh(api, tablet)
    events = await owner_fetch(database_url, "select username, outcome, object_ids from audit_event"
                                             " where operation = 'mutation refreshToken' order by id")
    assert [(e["username"], e["outcome"]) for e in events] == [
        ("clinic.worker2", "OK"), ("clinic.worker2", "TOKEN_REUSED"), ("clinic.worker2", "UNAUTHENTICATED"),
        ("clinic.worker2", "OK")]
    user_id = (await api.ok("admin", FIND_USER, {"u": "clinic.worker2"}))["users"]["edges"][0]["node"]["id"]
    assert user_id in events[1]["object_ids"]


async def test_an_unknown_or_expired_refresh_token_is_refused(api, database_url):
    assert refused_as_invalid(await refresh(api, "not-a-token-we-issued"))
    token = (await log_in(api))["refreshToken"]
    await owner_fetch(database_url, "update refresh_token set expires_at = now() - interval '1 second'"
                                    " where token_hash = $1", hashlib.sha256(token.encode()).hexdigest())
    assert refused_as_invalid(await refresh(api, token))


async def test_logout_ends_this_device_or_every_device(api):
    phone = (await log_in(api))["refreshToken"]
    tablet = (await log_in(api))["refreshToken"]
    laptop = (await log_in(api))["refreshToken"]
    ended = await api.post(LOGOUT, {"t": phone, "everywhere": False})
    assert ended["data"]["logout"] == {"endedSessions": 1}
    assert refused_as_invalid(await refresh(api, phone))
    again = await api.post(LOGOUT, {"t": phone, "everywhere": False})
    assert again["data"]["logout"] == {"endedSessions": 0}
    tablet = (await refresh(api, tablet))["data"]["refreshToken"]["refreshToken"]
    everywhere = await api.post(LOGOUT, {"t": tablet, "everywhere": True})
    assert everywhere["data"]["logout"] == {"endedSessions": 2}
    assert refused_as_invalid(await refresh(api, laptop))
    assert refused_as_invalid(await refresh(api, tablet))


async def test_logout_everywhere_needs_a_live_token(api):
    phone = (await log_in(api))["refreshToken"]
    tablet = (await log_in(api))["refreshToken"]
    await api.post(LOGOUT, {"t": phone, "everywhere": False})
    assert refused_as_invalid(await api.post(LOGOUT, {"t": phone, "everywhere": True}))
    assert "errors" not in await refresh(api, tablet)


async def test_a_password_change_revokes_every_session(api):
    token = (await log_in(api))["refreshToken"]
    target = (await api.ok("admin", FIND_USER, {"u": "clinic.worker2"}))["users"]["edges"][0]["node"]
    await api.ok("yazd.county", UPDATE_USER, {"input": {"id": target["id"], "version": target["version"],
                                                         "password": "a-brand-new-password"}})
    assert refused_as_invalid(await refresh(api, token))


async def test_a_name_change_leaves_sessions_alone(api):
    token = (await log_in(api))["refreshToken"]
    target = (await api.ok("admin", FIND_USER, {"u": "clinic.worker2"}))["users"]["edges"][0]["node"]
    await api.ok("yazd.county", UPDATE_USER, {"input": {"id": target["id"], "version": target["version"],
                                                         "fullName": "نام تازه"}})
    assert "errors" not in await refresh(api, token)


async def test_deactivation_revokes_every_session_and_reactivation_restores_none(api):
    token = (await log_in(api))["refreshToken"]
    target = (await api.ok("admin", FIND_USER, {"u": "clinic.worker2"}))["users"]["edges"][0]["node"]
    off = await api.ok("yazd.county", UPDATE_USER, {"input": {"id": target["id"], "version": target["version"],
                                                               "isActive": False}})
    assert refused_as_invalid(await refresh(api, token))
    await api.ok("yazd.county", UPDATE_USER, {"input": {"id": target["id"], "version": off["updateUser"]["user"][
        "version"], "isActive": True}})
    assert refused_as_invalid(await refresh(api, token))


async def test_an_expired_access_token_says_so_and_an_invalid_one_says_otherwise(api, settings):
    """The client refreshes on TOKEN_EXPIRED only; a forged or retired token is TOKEN_INVALID; no token, no reason."""
    tokens = token_service_from_settings(settings)
    past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=settings.access_token_minutes + 1)
    expired = await api.post(ME, token=tokens.issue("clinic.worker2", now=past).token)
    assert error_code(expired) == "UNAUTHENTICATED"
    assert expired["errors"][0]["extensions"]["reason"] == "TOKEN_EXPIRED"
    forged = await api.post(ME, token=tokens.issue("clinic.worker2").token[:-4] + "AAAA")
    assert error_code(forged) == "UNAUTHENTICATED"
    assert forged["errors"][0]["extensions"]["reason"] == "TOKEN_INVALID"
    unknown = await api.post(ME, token=tokens.issue("ghost").token)
    assert unknown["errors"][0]["extensions"]["reason"] == "TOKEN_INVALID"
    missing = await api.post(ME)
    assert error_code(missing) == "UNAUTHENTICATED" and "reason" not in missing["errors"][0]["extensions"]


async def test_a_rotated_token_shown_after_its_expiry_still_revokes_its_family(api, database_url):
    phone = (await log_in(api))["refreshToken"]
    latest = (await refresh(api, phone))["data"]["refreshToken"]["refreshToken"]
    await owner_fetch(database_url, "update refresh_token set expires_at = now() - interval '1 day'"
                                    " where token_hash = $1", hashlib.sha256(phone.encode()).hexdigest())
    assert refused_as_invalid(await refresh(api, phone))
    assert refused_as_invalid(await refresh(api, latest))


async def test_a_login_deletes_the_tokens_expired_for_longer_than_a_lifetime(api, database_url, settings):
    old = (await log_in(api))["refreshToken"]
    recent = (await log_in(api))["refreshToken"]
    for token, days in ((old, settings.refresh_token_days + 1), (recent, 1)):
        await owner_fetch(database_url, f"update refresh_token set expires_at = now() - interval '{days} days'"
                                        " where token_hash = $1", hashlib.sha256(token.encode()).hexdigest())
    await log_in(api)
    kept = await owner_fetch(database_url, "select token_hash from refresh_token")
    assert hashlib.sha256(old.encode()).hexdigest() not in {row["token_hash"] for row in kept}
    assert hashlib.sha256(recent.encode()).hexdigest() in {row["token_hash"] for row in kept}
