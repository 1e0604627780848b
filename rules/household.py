"""A household's size over time, and which changes of its members are allowed.

The monthly pension is set «بر اساس بعد خانوار» — by the household's size, 1, 2, 3, 4, 5 or more (seeds ``001_…`` and
``002_…``) — so a pension for any month needs the size the household had then, not only today's. Each change adds or
removes one member on its effective day and records the size from that day on (:class:`SizeChange`); the size of a
day is read back by :func:`household_size_on`.

No seed lists the ways a household changes; :class:`rules.services.HouseholdChangeReason` holds the ordinary ones.
Which of them add a member and which remove one is this project's reading (:data:`JOINING_REASONS`,
:data:`LEAVING_REASONS`): a member joins by birth or by marrying in; leaves by death, by marrying out, or by leaving
to live elsewhere. Another way of joining (a relative moving in) is not a reason the table names, so it is refused.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Protocol

from rules.errors import RuleInputError
from rules.jalali import to_jalali
from rules.services import HouseholdChangeReason

__all__ = [
    "JOINING_REASONS",
    "LEAVING_REASONS",
    "SizeChange",
    "change_reason_allowed",
    "household_size_on",
    "joining_date_allowed",
    "leaving_date_allowed",
]

JOINING_REASONS: frozenset[HouseholdChangeReason] = frozenset(
    {HouseholdChangeReason.BIRTH, HouseholdChangeReason.MARRIAGE})
"""A member joins by birth, or by marriage (a spouse joins)."""

LEAVING_REASONS: frozenset[HouseholdChangeReason] = frozenset(
    {HouseholdChangeReason.DEATH, HouseholdChangeReason.MARRIAGE, HouseholdChangeReason.LEAVING})
"""A member leaves by death, by marriage (marrying out), or by leaving to live elsewhere."""


class SizeChange(Protocol):
    """One change of a household: on ``effective_on`` one member joined (``delta`` +1) or left (-1), and the
    household counted ``household_size`` members from that day until the next change."""

    @property
    def effective_on(self) -> datetime.date: ...

    @property
    def delta(self) -> int: ...

    @property
    def household_size(self) -> int: ...


def household_size_on(changes: Sequence[SizeChange], current_size: int, on: datetime.date) -> int:
    """Return the household's size on the day ``on``.

    ``changes`` are the household's changes in the order they apply: by effective day, then in the order they were
    recorded. The size on ``on`` is the one recorded by the last change effective on or before it; before the first
    change, the size that change started from (its size less its ``delta``); with no change at all,
    ``current_size``. A change takes effect on its day: a birth on 1403/05/10 counts for that day.
    """
    if not changes:
        return current_size
    applied = [change for change in changes if change.effective_on <= on]
    if applied:
        return applied[-1].household_size
    first = changes[0]
    return first.household_size - first.delta


def change_reason_allowed(reason: HouseholdChangeReason, *, joining: bool, field: str = "reason") -> None:
    """Raise :class:`RuleInputError` on ``field`` unless ``reason`` is one by which a member joins (``joining``) or
    leaves (:data:`JOINING_REASONS`, :data:`LEAVING_REASONS`): a death adds no one, a birth removes no one."""
    allowed = JOINING_REASONS if joining else LEAVING_REASONS
    if reason not in allowed:
        raise RuleInputError(
            f"{reason.value} is not a reason a member {'joins' if joining else 'leaves'} a household.",
            f"«{reason.value}» دلیل {'پیوستن عضو به' if joining else 'جدا شدن عضو از'} خانوار نیست.", field)


def joining_date_allowed(on: datetime.date, reason: HouseholdChangeReason, birth_date: datetime.date,
                         today: datetime.date, *, field: str) -> datetime.date:
    """Return ``on`` if a member born on ``birth_date`` may join the household that day for ``reason``, else raise
    :class:`RuleInputError` on ``field``: not in the future, not before the member was born, and a birth on the day
    of the birth itself."""
    _not_in_future(on, today, field)
    if reason is HouseholdChangeReason.BIRTH and on != birth_date:
        raise RuleInputError(
            f"A birth takes effect on the birth date ({birth_date.isoformat()}).",
            f"تولد از تاریخ تولد ({to_jalali(birth_date)}) اثر دارد.", field)
    if on < birth_date:
        raise RuleInputError(
            f"The date {on.isoformat()} is before the member was born ({birth_date.isoformat()}).",
            f"تاریخ {to_jalali(on)} پیش از تولد عضو ({to_jalali(birth_date)}) است.", field)
    return on


def leaving_date_allowed(on: datetime.date, member_since: datetime.date, today: datetime.date, *,
                         field: str) -> datetime.date:
    """Return ``on`` if a member who has belonged to the household since ``member_since`` (the day they joined, or
    their birth when they were registered with the file) may leave it that day, else raise :class:`RuleInputError`
    on ``field``: not in the future, not before they belonged to it."""
    _not_in_future(on, today, field)
    if on < member_since:
        raise RuleInputError(
            f"The date {on.isoformat()} is before the member belonged to the household ({member_since.isoformat()}).",
            f"تاریخ {to_jalali(on)} پیش از پیوستن عضو به خانوار ({to_jalali(member_since)}) است.", field)
    return on


def _not_in_future(on: datetime.date, today: datetime.date, field: str) -> None:
    if on > today:
        raise RuleInputError(
            f"The date {on.isoformat()} is in the future; record only what has happened.",
            f"تاریخ {to_jalali(on)} در آینده است؛ فقط آنچه رخ داده است را ثبت کنید.", field)
