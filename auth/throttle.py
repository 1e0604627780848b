"""Login throttling: repeated failures slow down, per username firmly and per client address loosely (issue #2,
auth; issue #8, item 10).

After `max_failures` failures of one username inside the window, each further attempt for it, right password or
not, must wait 2^(n - max) seconds since the last failure (capped at the window). A client address is counted too,
across usernames, against the much higher `max_address_failures`, and past it (with the same doubling) only wrong
passwords are refused as throttled: a county office behind one public address must not be locked out by a
colleague's typos, so the address count alone never stops a right password.

`LoginThrottle` keeps the counts in this process's memory. `SharedLoginThrottle`, the one the API uses, keeps them
in Redis when `REDIS_URL` is set, so that every process behind a balancer throttles alike (issue #8, item 15), and
falls back to its `LoginThrottle` when there is no Redis or it does not answer (auth/shared.py).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from redis.asyncio import Redis

from auth.shared import SharedState, Unavailable


@dataclass
class _Failures:
    times: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Attempt:
    """What the throttle says of a login attempt before its password is checked."""

    wait: int  # > 0: the username is throttled; refused, right password or not
    mark: float | str | None  # the attempt's own failure mark, for `succeeded` to take back
    address_wait: int  # > 0: the address is over its count; a wrong password is refused as throttled


class LoginThrottle:
    def __init__(self, max_failures: int, window_seconds: int, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 100_000, max_address_failures: int = 50) -> None:
        self.max_failures = max_failures
        self.max_address_failures = max_address_failures
        self.window = window_seconds
        self.clock = clock
        # Bounds the memory a spray of made-up usernames can take: past it, expired entries are swept first.
        self.max_keys = max_keys
        self._failures: dict[tuple[str, str], _Failures] = {}

    def _sweep(self, now: float) -> None:
        for key in list(self._failures):
            self._recent(key, now)
        while len(self._failures) > self.max_keys - 2:  # room for this failure's two keys; oldest go first
            del self._failures[next(iter(self._failures))]

    def _recent(self, key: tuple[str, str], now: float) -> list[float]:
        entry = self._failures.get(key)
        if entry is None:
            return []
        entry.times = [t for t in entry.times if now - t < self.window]
        if not entry.times:
            del self._failures[key]
            return []
        return entry.times

    def _wait(self, key: tuple[str, str], limit: int, now: float) -> int:
        times = self._recent(key, now)
        excess = len(times) - limit
        if excess < 0:
            return 0
        wait = times[-1] + min(float(2 ** excess), float(self.window)) - now
        return max(0, int(wait) + (1 if wait > int(wait) else 0))

    def retry_after(self, username: str) -> int:
        """Seconds any login of `username` must still wait (0 = may try now)."""
        return self._wait(("user", username), self.max_failures, self.clock())

    def address_retry_after(self, address: str) -> int:
        """Seconds before a wrong password from `address` is again answered as wrong rather than throttled."""
        return self._wait(("addr", address), self.max_address_failures, self.clock())

    def begin(self, username: str, address: str) -> Attempt:
        """Start an attempt. Refused (`wait` > 0) when the username is throttled; else it counts as a failure from
        the start, until `succeeded` takes it back, so that a burst of concurrent guesses cannot all pass the check
        before any of them has failed. `address_wait` is the address's wait as it stood before this attempt."""
        wait = self.retry_after(username)
        if wait > 0:
            return Attempt(wait=wait, mark=None, address_wait=0)
        address_wait = self.address_retry_after(address)
        return Attempt(wait=0, mark=self.failed(username, address), address_wait=address_wait)

    def failed(self, username: str, address: str) -> float:
        now = self.clock()
        if len(self._failures) >= self.max_keys:
            self._sweep(now)
        for key in (("user", username), ("addr", address)):
            self._failures.setdefault(key, _Failures()).times.append(now)
        return now

    def succeeded(self, username: str, address: str | None = None, mark: float | str | None = None) -> None:
        """A right password: the username starts afresh; the address loses only this attempt's mark."""
        self._failures.pop(("user", username), None)
        entry = self._failures.get(("addr", address)) if address is not None else None
        if entry is not None and mark is not None and mark in entry.times:
            entry.times.remove(mark)


# `LoginThrottle.begin` in one step of Redis, so that concurrent attempts on several processes cannot all pass the
# check before any of them counts. Each key is a sorted set of failures scored by their time; it expires a window
# after its last failure. KEYS: the username's, the address's. ARGV: now, the window's start (failures at or before
# it are forgotten), the window in seconds, max_failures, max_address_failures, this attempt's mark.
# Returns {username's wait, address's wait}; the attempt counts as a failure only when the first is 0.
_BEGIN = """
local now, window = tonumber(ARGV[1]), tonumber(ARGV[3])
local function wait(key, limit)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[2])
  local excess = redis.call('ZCARD', key) - limit
  if excess < 0 then return 0 end
  local last = tonumber(redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')[2])
  local left = last + math.min(2 ^ excess, window) - now
  if left <= 0 then return 0 end
  return math.ceil(left)
end
local user_wait = wait(KEYS[1], tonumber(ARGV[4]))
if user_wait > 0 then return {user_wait, 0} end
local address_wait = wait(KEYS[2], tonumber(ARGV[5]))
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, ARGV[1], ARGV[6])
  redis.call('EXPIRE', key, ARGV[3])
end
return {0, address_wait}
"""


class SharedLoginThrottle:
    """The login throttle of every process alike: the rules of `LoginThrottle`, its counts in Redis (auth/shared.py)
    when there is one that answers, else in `local`. Its clock is wall time, which the processes share (tests set
    `clock` to stop it)."""

    def __init__(self, local: LoginThrottle, shared: SharedState | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.local = local
        self.shared = shared or SharedState()
        self._clock = clock

    @property
    def clock(self) -> Callable[[], float]:
        return self._clock

    @clock.setter
    def clock(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.local.clock = clock

    def _keys(self, username: str, address: str) -> list[str]:
        return [self.shared.key("login", "user", username), self.shared.key("login", "address", address)]

    async def begin(self, username: str, address: str) -> Attempt:
        """As `LoginThrottle.begin`, across processes."""
        now = self.clock()
        mark = uuid.uuid4().hex
        window, local = self.local.window, self.local

        async def begin_in(redis: Redis) -> list[int]:
            waits: list[int] = await redis.eval(
                _BEGIN, 2, *self._keys(username, address), repr(now), repr(now - window), str(window),
                str(local.max_failures), str(local.max_address_failures), mark)
            return waits

        try:
            wait, address_wait = await self.shared.run(begin_in)
        except Unavailable:
            return self.local.begin(username, address)
        if wait > 0:
            return Attempt(wait=int(wait), mark=None, address_wait=0)
        return Attempt(wait=0, mark=mark, address_wait=int(address_wait))

    async def succeeded(self, username: str, address: str, mark: float | str | None) -> None:
        """As `LoginThrottle.succeeded`, across processes."""
        user_key, address_key = self._keys(username, address)

        async def succeed_in(redis: Redis) -> None:
            async with redis.pipeline(transaction=True) as pipe:
                pipe.delete(user_key)
                if isinstance(mark, str):
                    pipe.zrem(address_key, mark)
                await pipe.execute()

        try:
            await self.shared.run(succeed_in)
        except Unavailable:
            self.local.succeeded(username, address, mark)
