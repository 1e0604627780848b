"""The long-lived collaborators resolvers reach through `info.context.services`."""

from __future__ import annotations

from dataclasses import dataclass

from auth.identity import ViewerCache
from auth.sessions import RefreshTokens
from auth.shared import SharedState
from auth.throttle import SharedLoginThrottle
from auth.tokens import TokenService


@dataclass
class Services:
    tokens: TokenService
    throttle: SharedLoginThrottle
    viewers: ViewerCache
    demo_mode: bool
    shared: SharedState  # Redis, when REDIS_URL is set (auth/shared.py)
    sessions: RefreshTokens  # refresh tokens of mobile apps' sessions (issue #11)
