"""Refresh tokens: sessions for mobile apps (issue #11, "Sessions for mobile apps").

Workers in villages cannot log in every hour. `login` hands out, beside the access token (auth/tokens.py, short-lived
and stateless), a refresh token: opaque (32 random bytes, URL-safe), stored only as its SHA-256 (the token has the
entropy of a key: no salt or slow hash adds anything), valid REFRESH_TOKEN_DAYS from its issue. `refreshToken` trades
it for a new pair and retires it: each use rotates the token within its family, one family per login, that is per
device. A rotated token used again means two parties hold it, the device and a thief, and which one is which cannot be
told: the whole family is revoked, and the attempt is traced (`TOKEN_REUSED`). A password change or a deactivation
revokes every family of the user (a trigger, migration 0019); `logout` revokes the device's family, or every one.

The table is reached only through migration 0019's security-definer functions: a refresh, like a login, arrives before
anyone is known, and row-level security hides every row from the API's role.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from tortoise import connections

TOKEN_BYTES = 32


class TokenState(StrEnum):
    """A refresh token's state, as `refresh_token_state` (migration 0019) answers it."""

    LIVE = "LIVE"  # may be used, once
    ROTATED = "ROTATED"  # used already: using it again revokes its family
    REVOKED = "REVOKED"  # by logout, a password change, a deactivation or a reuse
    EXPIRED = "EXPIRED"


# Why a family was revoked, in `refresh_token.revoked_why` (the trigger writes PASSWORD_CHANGED and DEACTIVATED).
LOGGED_OUT = "LOGGED_OUT"
REUSED = "REUSED"


@dataclass(frozen=True)
class IssuedRefreshToken:
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class Holder:
    """Whose a presented refresh token is, and in what state."""

    state: TokenState
    user_id: int
    username: str


def token_hash(token: str) -> str:
    """What the database keeps of a refresh token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(lifetime: timedelta, now: datetime | None = None) -> IssuedRefreshToken:
    expires_at = (now or datetime.now(UTC)) + lifetime
    return IssuedRefreshToken(token=secrets.token_urlsafe(TOKEN_BYTES), expires_at=expires_at.replace(microsecond=0))


class RefreshTokens:
    """Issues, rotates and revokes refresh tokens of `lifetime` (REFRESH_TOKEN_DAYS), in the request's transaction
    unless said otherwise."""

    def __init__(self, lifetime: timedelta) -> None:
        self.lifetime = lifetime

    async def issue(self, user_id: int) -> IssuedRefreshToken:
        """The first token of a new family: a login on a new device."""
        issued = new_token(self.lifetime)
        await connections.get("default").execute_query(
            "select refresh_token_issue($1, $2, $3)", [user_id, token_hash(issued.token), issued.expires_at])
        return issued

    async def holder(self, token: str) -> Holder | None:
        """Whose `token` is and its state, the row locked until the transaction ends; None for a token never issued."""
        rows = await connections.get("default").execute_query_dict(
            "select state, user_id, username from refresh_token_state($1)", [token_hash(token)])
        if not rows:
            return None
        row = rows[0]
        return Holder(state=TokenState(row["state"]), user_id=row["user_id"], username=row["username"])

    async def rotate(self, token: str) -> IssuedRefreshToken | None:
        """`token`'s successor in its family, `token` retired; None when `token` is not live."""
        issued = new_token(self.lifetime)
        rows = await connections.get("default").execute_query_dict(
            "select refresh_token_rotate($1, $2, $3) as rotated",
            [token_hash(token), token_hash(issued.token), issued.expires_at])
        return issued if rows[0]["rotated"] else None

    async def revoke(self, token: str, *, everywhere: bool, why: str) -> int:
        """Revoke `token`'s family, or every family of its user; the number of families ended."""
        rows = await connections.get("default").execute_query_dict(
            "select refresh_token_revoke($1, $2, $3) as ended", [token_hash(token), everywhere, why])
        return int(rows[0]["ended"])
