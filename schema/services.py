"""The long-lived collaborators resolvers reach through `info.context.services`."""

from __future__ import annotations

from dataclasses import dataclass

from auth.identity import ViewerCache
from auth.throttle import LoginThrottle
from auth.tokens import TokenService


@dataclass
class Services:
    tokens: TokenService
    throttle: LoginThrottle
    viewers: ViewerCache
    demo_mode: bool
