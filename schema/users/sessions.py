"""Sessions of mobile apps (issue #11): `refreshToken` trades a refresh token for a new pair; `logout` ends sessions.

The rules are auth/sessions.py's: one use per refresh token, a rotated one used again revokes its device's family.
Like `login`, both run before any valid access token: a refused attempt is traced to the account the token names
(`Context.attempted_login`), and a reuse, which the refusal's rollback must not undo, revokes the family once the
request's transaction has ended (`Context.after_transaction`).
"""

from __future__ import annotations

import strawberry

from auth.accounts import username_for_trail
from auth.identity import find_account, load_viewer, usable, user_of, viewer_from_token
from auth.sessions import LOGGED_OUT, REUSED, Holder, RefreshTokens, TokenState
from schema.context import Info
from schema.errors import RefreshRefused
from schema.node import to_global_id
from schema.rowtypes import served_as
from schema.users.types import LoginPayload, User

# Refresh tokens are 43 characters; anything much longer is no token of ours.
MAX_REFRESH_TOKEN = 200


@strawberry.input(description="The refresh token `login` or the last `refreshToken` gave.")
class RefreshTokenInput:
    refresh_token: str = strawberry.field(description="The refresh token.")


@strawberry.input(description="The session to end: the one of this refresh token, or every one of its user.")
class LogoutInput:
    refresh_token: str = strawberry.field(description="This device's current refresh token.")
    everywhere: bool = strawberry.field(default=False,
                                        description="true ends every session of the user, on every device.")


@strawberry.type(description="The sessions that ended.")
class LogoutPayload:
    ended_sessions: int = strawberry.field(
        description="How many sessions (devices) ended; 0 when the refresh token's session had ended already.")


async def _holder(info: Info, token: str) -> Holder:
    """Whose `token` is, its row locked for this request; RefreshRefused for a token never issued. From here on a
    refusal is traced to its user (docs/access.md rule 7)."""
    sessions: RefreshTokens = info.context.services.sessions
    holder = await sessions.holder(token) if len(token) <= MAX_REFRESH_TOKEN else None
    if holder is None:
        raise RefreshRefused()
    info.context.attempted_login = (username_for_trail(holder.username), to_global_id("User", holder.user_id))
    return holder


def _refuse_reuse(info: Info, token: str) -> RefreshRefused:
    """A rotated token used again: two parties hold it, and which is the device cannot be told. Its family is revoked
    once the transaction, which the refusal rolls back, has ended; the trail says `TOKEN_REUSED`."""
    sessions = info.context.services.sessions
    info.context.after_transaction.append(lambda: sessions.revoke(token, everywhere=False, why=REUSED))
    return RefreshRefused(outcome="TOKEN_REUSED")


@strawberry.type
class SessionMutations:
    @strawberry.mutation(description="Trade a refresh token for a new access token and a new refresh token; the one "
                                     "sent stops working. A refresh token already traded ends its device's session "
                                     "(UNAUTHENTICATED, TOKEN_INVALID: log in again).")
    async def refresh_token(self, info: Info, input: RefreshTokenInput) -> LoginPayload:
        services = info.context.services
        holder = await _holder(info, input.refresh_token)
        if holder.state is TokenState.ROTATED:
            raise _refuse_reuse(info, input.refresh_token)
        account = await find_account(holder.username)
        if holder.state is not TokenState.LIVE or account is None or not usable(account, demo_mode=services.demo_mode):
            raise RefreshRefused()
        refresh = await services.sessions.rotate(input.refresh_token)
        if refresh is None:  # cannot happen: the row is locked and was live
            raise RefreshRefused()
        user = user_of(account)
        issued = services.tokens.issue(user.username)
        # The event's author is the user the new token names, read as every later request reads it (like `login`).
        await services.viewers.forget(user.username)
        info.context.authenticated = await viewer_from_token(issued.token, services.tokens, services.viewers,
                                                             demo_mode=services.demo_mode)
        return LoginPayload(access_token=issued.token, expires_at=issued.expires_at, refresh_token=refresh.token,
                            refresh_token_expires_at=refresh.expires_at, user=served_as(User, user))

    @strawberry.mutation(description="End this device's session (its refresh token stops working), or with "
                                     "`everywhere` every session of the user. Access tokens already issued run to "
                                     "their expiry.")
    async def logout(self, info: Info, input: LogoutInput) -> LogoutPayload:
        services = info.context.services
        holder = await _holder(info, input.refresh_token)
        if holder.state is TokenState.ROTATED:
            raise _refuse_reuse(info, input.refresh_token)
        if input.everywhere and holder.state is not TokenState.LIVE:  # only a live session may end the others
            raise RefreshRefused()
        ended = await services.sessions.revoke(input.refresh_token, everywhere=input.everywhere, why=LOGGED_OUT)
        # Traced as its user's act, when the user may still act (a deactivated one's sessions ended already).
        info.context.authenticated = await load_viewer(holder.username, demo_mode=services.demo_mode)
        return LogoutPayload(ended_sessions=ended)
