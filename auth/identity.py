"""From a bearer token to the viewer, in one place for every request and for the login itself.

The token is verified (auth/tokens.py) and its user read from the database per request (cached a few seconds
at most), so deactivating, demoting or moving a user takes effect at once, and a password change retires the
tokens issued before it (issue #2, auth). A refused token raises InvalidToken saying why, for the log.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from typing import Any

from tortoise import connections

from auth.roles import Role, Viewer
from auth.shared import SharedState, Unavailable, decoded
from auth.tokens import InvalidToken, TokenService, numeric_date
from models.organizations import OrganizationKind
from models.users import User

# Why a token was refused, besides what auth/tokens.py says of the token itself.
NOT_BEARER = "not a bearer token"
UNKNOWN_USER = "unknown or inactive user"
PASSWORD_CHANGED = "issued before password change"


class ViewerCache:
    """username → Viewer for at most `ttl` seconds; `forget` drops an entry when the user changes.

    With Redis (auth/shared.py) the entries are shared by every process of the API, so a change made through one
    is seen by all at once (issue #8, item 15); without it, or while it does not answer, each process keeps its own
    for `ttl` seconds at most."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic,
                 shared: SharedState | None = None) -> None:
        self.ttl = ttl
        self.clock = clock
        self.shared = shared or SharedState()
        self._entries: dict[str, tuple[float, Viewer | None]] = {}

    async def get(self, username: str) -> tuple[bool, Viewer | None]:
        if self.ttl <= 0:
            return False, None
        try:
            held = await self.shared.run(lambda redis: redis.get(self.shared.key("viewer", username)))
        except Unavailable:
            return self._get_here(username)
        return (False, None) if held is None else (True, viewer_from_json(decoded(held)))

    def _get_here(self, username: str) -> tuple[bool, Viewer | None]:
        entry = self._entries.get(username)
        if entry is None or self.clock() - entry[0] >= self.ttl:
            return False, None
        return True, entry[1]

    async def put(self, username: str, viewer: Viewer | None) -> None:
        if self.ttl <= 0:
            return
        try:
            await self.shared.run(lambda redis: redis.set(self.shared.key("viewer", username), viewer_to_json(viewer),
                                                          px=max(1, int(self.ttl * 1000))))
        except Unavailable:
            self._entries[username] = (self.clock(), viewer)

    async def forget(self, username: str) -> None:
        self._entries.pop(username, None)
        try:
            await self.shared.run(lambda redis: redis.delete(self.shared.key("viewer", username)))
        except Unavailable:
            pass  # an entry Redis may still hold lapses within `ttl`


def viewer_to_json(viewer: Viewer | None) -> str:
    return json.dumps(None if viewer is None else dataclasses.asdict(viewer))


def viewer_from_json(text: str) -> Viewer | None:
    fields = json.loads(text)
    if fields is None:
        return None
    return Viewer(**{**fields, "role": Role(fields["role"]),
                     "organization_kind": OrganizationKind(fields["organization_kind"])})


# The user columns `app_user_account` returns (the rest are its organisation's kind and area).
_USER_COLUMNS = ("id", "username", "password_hash", "full_name", "role", "organization_id", "staff_member_id",
                 "is_active", "is_demo", "password_changed_at", "version")


async def find_account(username: str) -> dict[str, Any] | None:
    """The account named `username`, with its organisation's kind and area; None if there is none.

    Read through the security-definer function `app_user_account` (migration 0018): row-level security shows a user only
    themselves and to the offices of their area, and a login or a token names its user before any scope exists. The
    function answers for the one username asked, nothing more.
    """
    rows = await connections.get("default").execute_query_dict("select * from app_user_account($1)", [username])
    return rows[0] if rows else None


def usable(account: dict[str, Any], *, demo_mode: bool) -> bool:
    """Whether the account may log in or use a token: it is active, and no demo account outside demo mode
    (issue #2)."""
    return bool(account["is_active"]) and (demo_mode or not account["is_demo"])


def user_of(account: dict[str, Any]) -> User:
    """The account as a `User` row, not fetched again: until the login's scope is set, row-level security hides it."""
    return User(**{name: account[name] for name in _USER_COLUMNS})


async def load_viewer(username: str, *, demo_mode: bool) -> Viewer | None:
    """The active user named `username` as a Viewer; None if unknown, inactive, or a demo account outside
    demo mode."""
    account = await find_account(username)
    if account is None or not usable(account, demo_mode=demo_mode):
        return None
    changed = account["password_changed_at"]
    return Viewer(
        user_id=account["id"],
        username=account["username"],
        role=Role(account["role"]),
        organization_id=account["organization_id"],
        organization_kind=OrganizationKind(account["organization_kind"]),
        province_id=account["province_id"],
        county_id=account["county_id"],
        staff_member_id=account["staff_member_id"],
        tokens_valid_since=changed.timestamp() if changed else 0.0,
    )


async def viewer_for(username: str, cache: ViewerCache, *, demo_mode: bool) -> Viewer | None:
    hit, viewer = await cache.get(username)
    if not hit:
        viewer = await load_viewer(username, demo_mode=demo_mode)
        await cache.put(username, viewer)
    return viewer


def bearer_token(authorization: str) -> str:
    """The token of an `Authorization: Bearer <token>` header; InvalidToken for any other header."""
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise InvalidToken(NOT_BEARER)
    return token


async def viewer_from_token(token: str, tokens: TokenService, viewers: ViewerCache, *, demo_mode: bool) -> Viewer:
    """The viewer `token` names, or InvalidToken with the reason: the token is refused by its signature or claims,
    its user is unknown, inactive or a demo account outside demo mode, or it was issued before the user's
    password last changed (to the microsecond: `iat` carries them, auth/tokens.py; a token of whole seconds, as
    an external identity provider issues, counts from the start of its second)."""
    claims = tokens.verify(token)
    viewer = await viewer_for(str(claims["sub"]), viewers, demo_mode=demo_mode)
    if viewer is None:
        raise InvalidToken(UNKNOWN_USER)
    if numeric_date(claims, "iat") < viewer.tokens_valid_since:
        raise InvalidToken(PASSWORD_CHANGED)
    return viewer
