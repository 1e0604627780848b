"""Login throttling: failures past the limit make the caller wait, doubling each time: per username firmly, per
address loosely and for wrong passwords only (auth/throttle.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from auth.shared import SharedState, redis_client
from auth.throttle import LoginThrottle, SharedLoginThrottle


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
    assert throttle.retry_after("ali") == 0
    throttle.failed("ali", "1.1.1.1")
    assert throttle.retry_after("ali") == 1
    throttle.failed("ali", "1.1.1.1")
    assert throttle.retry_after("ali") == 2
    clock.now += 61
    assert throttle.retry_after("ali") == 0


def test_a_username_is_throttled_from_every_address_and_a_colleague_is_not():
    """Issue #8, item 10: one user's failures lock that user, wherever they try from, and no one else."""
    throttle = LoginThrottle(max_failures=2, window_seconds=60, clock=Clock(), max_address_failures=10)
    throttle.failed("a", "9.9.9.9")
    throttle.failed("a", "9.9.9.9")
    assert throttle.begin("a", "8.8.8.8").wait == 1
    colleague = throttle.begin("b", "9.9.9.9")
    assert (colleague.wait, colleague.address_wait) == (0, 0)


def test_an_address_past_its_own_limit_is_flagged_across_usernames_and_success_clears_only_the_user():
    """The address count is looser and only flags the attempt (`address_wait`): the login refuses a wrong password
    with it, never a right one. A success takes back only its own mark from the address."""
    clock = Clock()
    throttle = LoginThrottle(max_failures=2, window_seconds=60, clock=clock, max_address_failures=3)
    for name in ("a", "b", "c"):
        assert throttle.begin(name, "9.9.9.9").address_wait == 0
    flagged = throttle.begin("d", "9.9.9.9")
    assert (flagged.wait, flagged.address_wait) == (0, 1)  # the username itself is not throttled
    assert throttle.begin("d", "8.8.8.8").address_wait == 0
    throttle.succeeded("d", "9.9.9.9", flagged.mark)
    assert throttle.retry_after("d") == 0
    assert throttle.address_retry_after("9.9.9.9") == 1
    clock.now += 61
    assert throttle.address_retry_after("9.9.9.9") == 0


def test_a_spray_of_usernames_cannot_grow_the_table_without_bound():
    clock = Clock()
    throttle = LoginThrottle(max_failures=3, window_seconds=60, clock=clock, max_keys=10)
    for i in range(100):
        throttle.failed(f"user{i}", f"10.0.0.{i}")
    assert len(throttle._failures) <= 10
    clock.now += 61
    throttle.failed("late", "10.0.1.1")
    assert len(throttle._failures) == 2


# --- the same rules across processes (issue #8, item 15): SharedLoginThrottle in memory and in Redis -------------


@pytest.fixture(params=["memory", "redis"])
async def shared_throttle(request: pytest.FixtureRequest) -> AsyncIterator[Callable[..., SharedLoginThrottle]]:
    """Makes SharedLoginThrottles with their counts in this process's memory, or in Redis (a real server)."""
    shared = SharedState()
    if request.param == "redis":
        shared = SharedState(redis_client(request.getfixturevalue("redis_url")),
                             request.getfixturevalue("redis_prefix"))

    def make(clock: Clock, **limits: int) -> SharedLoginThrottle:
        return SharedLoginThrottle(LoginThrottle(window_seconds=60, clock=clock, **limits), shared, clock=clock)

    yield make
    await shared.close()


async def test_shared_waits_double_after_the_limit_and_expire_with_the_window(shared_throttle):
    clock = Clock()
    throttle = shared_throttle(clock, max_failures=3)
    for _ in range(3):
        assert (await throttle.begin("ali", "1.1.1.1")).wait == 0  # each counts as a failure until it succeeds
    assert (await throttle.begin("ali", "1.1.1.1")).wait == 1
    clock.now += 1
    assert (await throttle.begin("ali", "2.2.2.2")).wait == 0
    assert (await throttle.begin("ali", "2.2.2.2")).wait == 2
    assert (await throttle.begin("bob", "1.1.1.1")).wait == 0  # a colleague is not concerned
    clock.now += 61
    assert (await throttle.begin("ali", "1.1.1.1")).wait == 0


async def test_shared_address_limit_flags_wrong_passwords_and_success_takes_back_only_its_mark(shared_throttle):
    clock = Clock()
    throttle = shared_throttle(clock, max_failures=2, max_address_failures=3)
    for name in ("a", "b", "c"):
        assert (await throttle.begin(name, "9.9.9.9")).address_wait == 0
    flagged = await throttle.begin("d", "9.9.9.9")
    assert (flagged.wait, flagged.address_wait) == (0, 1)
    assert (await throttle.begin("d", "8.8.8.8")).address_wait == 0
    await throttle.succeeded("d", "9.9.9.9", flagged.mark)
    again = await throttle.begin("d", "7.7.7.7")  # the username starts afresh
    assert (again.wait, again.address_wait) == (0, 0)
    assert (await throttle.begin("e", "9.9.9.9")).address_wait == 1  # a, b and c still count there
    clock.now += 61
    assert (await throttle.begin("f", "9.9.9.9")).address_wait == 0
