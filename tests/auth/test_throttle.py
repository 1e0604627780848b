"""Login throttling: failures past the limit make the caller wait, doubling each time, per user and address."""

from __future__ import annotations

from auth.throttle import LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_waits_double_after_the_limit_and_expire_with_the_window():
    clock = Clock()
    throttle = LoginThrottle(max_failures=3, window_seconds=60, clock=clock)
    for _ in range(2):
        throttle.failed("ali", "1.1.1.1")
    assert throttle.retry_after("ali", "1.1.1.1") == 0
    throttle.failed("ali", "1.1.1.1")
    assert throttle.retry_after("ali", "1.1.1.1") == 1
    throttle.failed("ali", "1.1.1.1")
    assert throttle.retry_after("ali", "1.1.1.1") == 2
    clock.now += 61
    assert throttle.retry_after("ali", "1.1.1.1") == 0


def test_address_is_throttled_across_usernames_and_success_clears_only_the_user():
    clock = Clock()
    throttle = LoginThrottle(max_failures=2, window_seconds=60, clock=clock)
    throttle.failed("a", "9.9.9.9")
    throttle.failed("b", "9.9.9.9")
    assert throttle.retry_after("c", "9.9.9.9") == 1
    assert throttle.retry_after("c", "8.8.8.8") == 0
    throttle.succeeded("c")
    assert throttle.retry_after("c", "9.9.9.9") == 1


def test_a_spray_of_usernames_cannot_grow_the_table_without_bound():
    clock = Clock()
    throttle = LoginThrottle(max_failures=3, window_seconds=60, clock=clock, max_keys=10)
    for i in range(100):
        throttle.failed(f"user{i}", f"10.0.0.{i}")
    assert len(throttle._failures) <= 10
    clock.now += 61
    throttle.failed("late", "10.0.1.1")
    assert len(throttle._failures) == 2
