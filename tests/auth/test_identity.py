"""From a bearer token to the viewer (auth/identity.py): every refusal says why, and the user as the database
has them now decides. The viewer cache stands in for the database here: what it holds is what `load_viewer`
read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from auth.identity import (
    NOT_BEARER,
    PASSWORD_CHANGED,
    UNKNOWN_USER,
    ViewerCache,
    bearer_token,
    viewer_from_json,
    viewer_from_token,
    viewer_to_json,
)
from auth.roles import Role, Viewer
from auth.tokens import InvalidToken, TokenService
from models.organizations import OrganizationKind

SECRET = "identity-test-secret-" + "x" * 32
TOKENS = TokenService(algorithm="HS256", issuer="welfare-api", audience="welfare-api",
                      lifetime=timedelta(minutes=5), signing_key=SECRET, verifying_key=SECRET)


def viewer(username: str, tokens_valid_since: int = 0) -> Viewer:
    return Viewer(user_id=1, username=username, role=Role.COUNTY_OFFICER, organization_id=2,
                  organization_kind=OrganizationKind.COUNTY_OFFICE, province_id=3, county_id=4, staff_member_id=None,
                  tokens_valid_since=tokens_valid_since)


async def cache_holding(username: str, found: Viewer | None) -> ViewerCache:
    cache = ViewerCache(ttl=60)
    await cache.put(username, found)
    return cache


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", "Token abc", "bearer"])
def test_only_a_bearer_header_carries_a_token(header):
    with pytest.raises(InvalidToken) as refused:
        bearer_token(header)
    assert refused.value.reason == NOT_BEARER


def test_the_bearer_scheme_is_case_insensitive_and_the_token_trimmed():
    assert bearer_token("Bearer abc.def.ghi") == "abc.def.ghi"
    assert bearer_token("bearer  abc.def.ghi ") == "abc.def.ghi"


async def test_a_valid_token_of_an_active_user_gives_their_viewer():
    token = TOKENS.issue("yazd.county").token
    found = await viewer_from_token(token, TOKENS, await cache_holding("yazd.county", viewer("yazd.county")),
                                    demo_mode=False)
    assert found == viewer("yazd.county")


async def test_a_token_of_an_unknown_or_inactive_user_is_refused():
    token = TOKENS.issue("ghost").token
    with pytest.raises(InvalidToken) as refused:
        await viewer_from_token(token, TOKENS, await cache_holding("ghost", None), demo_mode=False)
    assert refused.value.reason == UNKNOWN_USER


async def test_a_token_issued_before_the_password_changed_is_refused():
    changed = datetime.now(UTC).replace(microsecond=0)
    cache = await cache_holding("yazd.county", viewer("yazd.county", tokens_valid_since=int(changed.timestamp())))
    older = TOKENS.issue("yazd.county", now=changed - timedelta(seconds=1)).token
    with pytest.raises(InvalidToken) as refused:
        await viewer_from_token(older, TOKENS, cache, demo_mode=False)
    assert refused.value.reason == PASSWORD_CHANGED
    same_second = TOKENS.issue("yazd.county", now=changed).token
    assert (await viewer_from_token(same_second, TOKENS, cache, demo_mode=False)).username == "yazd.county"


async def test_a_password_change_retires_a_token_issued_earlier_in_the_same_second():
    """Issue #8, item 11: iat carries microseconds, so the second a password changed in is no blind spot."""
    changed = datetime.now(UTC).replace(microsecond=500_000) - timedelta(seconds=5)
    cache = await cache_holding("yazd.county", viewer("yazd.county", tokens_valid_since=changed.timestamp()))
    just_before = TOKENS.issue("yazd.county", now=changed - timedelta(microseconds=1)).token
    with pytest.raises(InvalidToken) as refused:
        await viewer_from_token(just_before, TOKENS, cache, demo_mode=False)
    assert refused.value.reason == PASSWORD_CHANGED
    just_after = TOKENS.issue("yazd.county", now=changed + timedelta(microseconds=1)).token
    assert (await viewer_from_token(just_after, TOKENS, cache, demo_mode=False)).username == "yazd.county"


async def test_a_forged_token_is_refused_before_any_user_is_read():
    other = TokenService(algorithm="HS256", issuer="welfare-api", audience="welfare-api",
                         lifetime=timedelta(minutes=5), signing_key="z" * 40, verifying_key="z" * 40)
    with pytest.raises(InvalidToken) as refused:
        await viewer_from_token(other.issue("yazd.county").token, TOKENS, ViewerCache(ttl=0), demo_mode=False)
    assert refused.value.reason == "bad signature"


@pytest.mark.parametrize("held", [viewer("yazd.county", tokens_valid_since=1764700000.123456), None])
def test_a_viewer_held_in_redis_reads_back_the_same(held):
    """The shared user cache (issue #8, item 15) stores a viewer, or the absence of one, as JSON."""
    assert viewer_from_json(viewer_to_json(held)) == held
