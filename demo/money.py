"""The demo's policy figures (issue 9): what the national office would have set for the demo's years, beside the
directive's own shares, targets and tiers that migration 0013 put in.

The directive names no amount in rials and seed 002 no pension share per household size, so the demo sets them, as
the national admin (``admin``) would through ``setPolicyValue``, some days before each year begins: from the first
day of the Jalali year the demo's casework begins in (demo/casework.py covers the Jalali year up to yesterday), so
every demo month has its figures —

- the monthly minimum wage (seed 002), raised from the first day of the current Jalali year (:data:`MINIMUM_WAGE`);
- the pension share of the minimum wage by household size, 30 % for one person to 50 % for five or more
  (:data:`PENSION_SHARES`);
- the maximum subsidy per file and month by file kind (Art. 6.4, :data:`SUBSIDY_RATES`) and the full rehabilitation
  bonus per exited file (Art. 6.8, :data:`BONUS_PER_EXIT`).

The figures are plausible, not official. Every one is checked by the rule the API applies
(rules/policy_values.check_policy_value) before it is written.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient

from demo.casework import year_before
from models.money import PolicyValue
from models.users import User
from rules.jalali import jalali_year, jalali_year_bounds
from rules.policy_values import PolicyKey, check_policy_value

__all__ = ["BONUS_PER_EXIT", "MINIMUM_WAGE", "PENSION_SHARES", "SUBSIDY_RATES", "DemoPolicyValue",
           "demo_policy_values", "write_policy_values"]

SET_BY = "admin"
"""The demo account that sets them: the national office."""

MINIMUM_WAGE = (86_000_000, 104_000_000)
"""The monthly minimum wage in rials: the previous Jalali year's, and the current year's from its first day."""

PENSION_SHARES = {"1": 3000, "2": 3500, "3": 4000, "4": 4500, "5": 5000}
"""Basis points of the minimum wage, by household size ("5": five persons or more)."""

SUBSIDY_RATES = {"REHABILITABLE": 12_000_000, "NON_REHABILITABLE": 8_000_000, "CHILD_FOLLOW_UP": 6_000_000}
"""The maximum approved subsidy per file and month, in rials, by file kind."""

BONUS_PER_EXIT = 30_000_000
"""The full rehabilitation bonus per exited file, in rials."""

ANNOUNCED_DAYS_AHEAD = 10
"""How many days before it takes effect the office set each figure."""


@dataclass(frozen=True)
class DemoPolicyValue:
    key: PolicyKey
    qualifier: str
    effective_from: datetime.date
    value: int
    note: str


def demo_policy_values(today: datetime.date) -> list[DemoPolicyValue]:
    """The figures of the demo seeded on `today`: from the first day of the Jalali year its casework begins in, and
    the minimum wage again from the first day of the current year."""
    first_year = jalali_year(year_before(today))
    since = jalali_year_bounds(first_year)[0]
    this_year = jalali_year_bounds(jalali_year(today))[0]
    plan = [
        DemoPolicyValue(PolicyKey.MINIMUM_WAGE, "", since, MINIMUM_WAGE[0], f"مصوبه شورای عالی کار، سال {first_year}"),
        DemoPolicyValue(PolicyKey.MINIMUM_WAGE, "", this_year, MINIMUM_WAGE[1],
                        f"مصوبه شورای عالی کار، سال {jalali_year(today)}"),
        *(DemoPolicyValue(PolicyKey.PENSION_SHARE, size, since, share, "مستمری ماهانه بر اساس بعد خانوار")
          for size, share in PENSION_SHARES.items()),
        *(DemoPolicyValue(PolicyKey.SUBSIDY_RATE, kind, since, rate, "دستورالعمل جامع حمایت‌های مالی سازمان")
          for kind, rate in SUBSIDY_RATES.items()),
        DemoPolicyValue(PolicyKey.BONUS_PER_EXIT, "", since, BONUS_PER_EXIT, "پاداش بازتوانی، بند ۶-۸"),
    ]
    for row in plan:
        check_policy_value(row.key, row.qualifier, row.value)
    return plan


async def write_policy_values(conn: BaseDBAsyncClient, today: datetime.date) -> dict[str, int]:
    """Write the demo's figures inside the demo seed's transaction, once its users exist."""
    admin = await User.filter(username=SET_BY).using_db(conn).get()
    plan = demo_policy_values(today)
    await PolicyValue.bulk_create([
        PolicyValue(key=row.key, qualifier=row.qualifier, effective_from=row.effective_from, value=row.value,
                    note=row.note, set_by_id=admin.id, set_by_username=SET_BY,
                    set_at=datetime.datetime.combine(row.effective_from - datetime.timedelta(days=ANNOUNCED_DAYS_AHEAD),
                                                     datetime.time(7, 30), tzinfo=datetime.UTC))
        for row in plan
    ], using_db=conn)
    return {"policy values": len(plan)}
