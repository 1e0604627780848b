"""Login throttling: repeated failures slow down, per username firmly and per client address loosely (issue #2,
auth; issue #8, item 10).

After `max_failures` failures of one username inside the window, each further attempt for it, right password or
not, must wait 2^(n - max) seconds since the last failure (capped at the window). A client address is counted too,
across usernames, against the much higher `max_address_failures`, and past it (with the same doubling) only wrong
passwords are refused as throttled: a county office behind one public address must not be locked out by a
colleague's typos, so the address count alone never stops a right password. In-process state: one server process
holds it; several processes behind a balancer each throttle on their own (see the README).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Failures:
    times: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Attempt:
    """What the throttle says of a login attempt before its password is checked."""

    wait: int  # > 0: the username is throttled; refused, right password or not
    mark: float | None  # the attempt's own failure mark, for `succeeded` to take back
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

    def succeeded(self, username: str, address: str | None = None, mark: float | None = None) -> None:
        """A right password: the username starts afresh; the address loses only this attempt's mark."""
        self._failures.pop(("user", username), None)
        entry = self._failures.get(("addr", address)) if address is not None else None
        if entry is not None and mark is not None and mark in entry.times:
            entry.times.remove(mark)
