"""A household's monthly pension (seed 002) for a Jalali month, as `Family.monthlyPension` serves it: the household's
size that month from its history (rules/household.py) and the figures in force from the policy table
(rules/pension.py), both read on the first day of the month the file was in the support cycle."""

from __future__ import annotations

import datetime

from models.families import Family as FamilyRow
from rules.household import household_size_on
from rules.pension import pension_in_force, pension_month
from schema.casework.types import household_changes_of
from schema.context import Info
from schema.money.policy import policy_rows
from schema.money.types import Pension, pension_of


async def monthly_pension(info: Info, family: FamilyRow, jalali_year: int, month: int) -> Pension | None:
    """The pension of `family` for the month; None when the file was not in the support cycle on any day of it (it
    began later, or the household had left before). RULE_VIOLATION `POLICY_VALUE_MISSING` when the office has not
    set the minimum wage or the share for the household's size in force then; BAD_USER_INPUT for a month not yet
    begun or out of range."""
    first, last = pension_month(jalali_year, month, datetime.date.today())
    started = family.support_started_on
    if (started is not None and started > last) or (family.exited_on is not None and family.exited_on < first):
        return None
    read_on = max(first, started) if started is not None else first
    size = household_size_on(await household_changes_of(info, family.id), family.household_size, read_on)
    return pension_of(jalali_year, month, pension_in_force(await policy_rows(info), size, read_on))
