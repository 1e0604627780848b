"""What every process of the API must see alike — the login throttle and the user cache — kept in Redis when
`REDIS_URL` names one (issue #8, item 15), so that a lockout, a deactivation or a password change on one replica
takes effect on all of them at once.

Redis is a help, not a dependency (issue #8, item 16): when it does not answer, each caller falls back to its own
process's memory, as without `REDIS_URL`. The outage is logged once, not once per request; Redis is tried again
every `RETRY_SECONDS`, and its return is logged too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger("welfare_api")

T = TypeVar("T")

RETRY_SECONDS = 5.0  # how long an unreachable Redis is left alone before it is tried again
# A Redis that does not answer within this is counted as down (connect and each command). Generous, since the
# event loop may be busy for a moment with other requests while a reply waits: a false alarm falls back for a while.
TIMEOUT_SECONDS = 2.0


class Unavailable(Exception):
    """No Redis to use now (none configured, or it failed within RETRY_SECONDS): use this process's memory."""


def redis_client(url: str) -> Redis:
    """A client for `url` (redis://, rediss:// or unix://) that gives up quickly, so a dead Redis costs a request
    little before the fallback."""
    client: Redis = Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS)
    return client


class SharedState:
    """A Redis client (or none) with the key prefix of this deployment and the memory of whether it answers."""

    def __init__(self, client: Redis | None = None, prefix: str = "", *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.prefix = prefix
        self.clock = clock
        self._down_since: float | None = None

    def key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    async def run(self, command: Callable[[Redis], Awaitable[T]]) -> T:
        """`command` run against Redis; Unavailable when there is none to run it on, or it failed (then the
        caller falls back, and the first failure of an outage is logged)."""
        if self.client is None:
            raise Unavailable
        if self._down_since is not None and self.clock() - self._down_since < RETRY_SECONDS:
            raise Unavailable
        try:
            result = await command(self.client)
        except (RedisError, OSError) as error:
            if self._down_since is None:
                log.warning("Redis is unreachable (%s): the login throttle and the user cache fall back to this "
                            "process's memory until it answers again", error)
            self._down_since = self.clock()
            raise Unavailable from error
        if self._down_since is not None:
            log.warning("Redis answers again: the login throttle and the user cache are shared again")
            self._down_since = None
        return result

    async def close(self) -> None:
        if self.client is not None:
            await self.client.aclose()


def decoded(value: Any) -> str:
    """A reply of Redis as text (the client returns bytes)."""
    return value.decode() if isinstance(value, bytes) else str(value)
