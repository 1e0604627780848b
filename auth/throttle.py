"""Login throttling: repeated failures slow down, per username and per client address (issue #2, auth).

After `max_failures` failures inside the window, each further attempt must wait 2^(n - max) seconds since
the last failure (capped at the window). In-process state: one server process holds it; several processes
behind a balancer each throttle on their own (see the README).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Failures:
    times: list[float] = field(default_factory=list)


class LoginThrottle:
    def __init__(self, max_failures: int, window_seconds: int, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 100_000) -> None:
        self.max_failures = max_failures
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

    def retry_after(self, username: str, address: str) -> int:
        """Seconds the caller must still wait (0 = may try now)."""
        now = self.clock()
        wait = 0.0
        for key in (("user", username), ("addr", address)):
            times = self._recent(key, now)
            excess = len(times) - self.max_failures
            if excess >= 0:
                delay = min(float(2 ** excess), float(self.window))
                wait = max(wait, times[-1] + delay - now)
        return int(wait) + (1 if wait > int(wait) else 0)

    def begin(self, username: str, address: str) -> tuple[int, float | None]:
        """Start an attempt: (seconds to wait, None) when throttled, else (0, mark).

        The attempt counts as a failure from the start, until `succeeded` takes it back, so that a burst of
        concurrent guesses cannot all pass the check before any of them has failed.
        """
        wait = self.retry_after(username, address)
        if wait > 0:
            return wait, None
        return 0, self.failed(username, address)

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
