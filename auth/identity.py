"""From a bearer token to the viewer, in one place for every request and for the login itself.

The token is verified (auth/tokens.py) and its user read from the database per request (cached a few seconds
at most), so deactivating, demoting or moving a user takes effect at once, and a password change retires the
tokens issued before it (issue #2, auth). A refused token raises InvalidToken saying why, for the log.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from auth.roles import Viewer
from auth.tokens import InvalidToken, TokenService, numeric_date
from models.users import User

# Why a token was refused, besides what auth/tokens.py says of the token itself.
NOT_BEARER = "not a bearer token"
UNKNOWN_USER = "unknown or inactive user"
PASSWORD_CHANGED = "issued before password change"


class ViewerCache:
    """username → Viewer for at most `ttl` seconds; `forget` drops an entry when the user changes here."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._entries: dict[str, tuple[float, Viewer | None]] = {}

    def get(self, username: str) -> tuple[bool, Viewer | None]:
        entry = self._entries.get(username)
        if entry is None or self.clock() - entry[0] >= self.ttl:
            return False, None
        return True, entry[1]

    def put(self, username: str, viewer: Viewer | None) -> None:
        if self.ttl > 0:
            self._entries[username] = (self.clock(), viewer)

    def forget(self, username: str) -> None:
        self._entries.pop(username, None)


async def load_viewer(username: str, *, demo_mode: bool) -> Viewer | None:
    """The active user named `username` as a Viewer; None if unknown, inactive, or a demo account outside
    demo mode."""
    user = await User.get_or_none(username=username).select_related("organization")
    if user is None or not user.is_active or (user.is_demo and not demo_mode):
        return None
    org = user.organization
    return Viewer(
        user_id=user.id,
        username=user.username,
        role=user.role,
        organization_id=org.id,
        organization_kind=org.kind,
        province_id=org.province_id,
        county_id=org.county_id,
        staff_member_id=user.staff_member_id,
        tokens_valid_since=user.password_changed_at.timestamp() if user.password_changed_at else 0.0,
    )


async def viewer_for(username: str, cache: ViewerCache, *, demo_mode: bool) -> Viewer | None:
    hit, viewer = cache.get(username)
    if not hit:
        viewer = await load_viewer(username, demo_mode=demo_mode)
        cache.put(username, viewer)
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
