"""The monthly pension (مستمری) of a household: a share of the minimum wage, by the household's size.

Source: seed ``002_…`` (docs/domain.md, "Money"): «مستمری ماهانه … بر اساس بعد خانوار» — a monthly pension by
household size (1, 2, 3, 4, 5 or more persons), 30 % to 50 % of the year's minimum wage. The seed fixes the shape;
the figures are the national office's: the minimum wage (``MINIMUM_WAGE``) and the share for each size
(``PENSION_SHARE``, qualifier ``"1"`` … ``"5"``) are rows of the policy table (rules/policy_values.py), each in force
from its day.

**Which day a month is read on** (this project's reading; the seed names none). A month's pension follows the
household and the figures as they stood on the first day of the month the file was in the support cycle — the
month's first day, or the day support began when it began within the month (:func:`pension_month`). A change during
the month (a birth on the 10th, a new minimum wage from the 15th) counts from the next month, so a month's pension
is known when the month begins and is paid once, not in parts.

**Missing figures are never guessed.** When the office has not set the minimum wage or the share for the
household's size in force on that day, :func:`monthly_pension` refuses (``RuleViolation`` ``POLICY_VALUE_MISSING``,
naming which) rather than take another year's or another size's.

**Money.** Whole rials, rounded down (floor, the payer's conservative choice, as rules/subsidy.py does): the exact
product ``minimum wage × share / 10 000`` once, never from a rounded intermediate.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

import jdatetime

from rules.errors import RuleInputError, RuleViolation
from rules.jalali import jalali_year_bounds
from rules.policy_values import BASIS_POINTS, HOUSEHOLD_SIZES, PolicyKey, PolicyRow, value_in_force

__all__ = [
    "POLICY_VALUE_MISSING",
    "Pension",
    "monthly_pension",
    "pension_band",
    "pension_in_force",
    "pension_month",
]

POLICY_VALUE_MISSING = "POLICY_VALUE_MISSING"
"""The rule code of a refusal to compute for want of a figure the office has not set (``extensions.rule``)."""

LARGEST_BAND = int(HOUSEHOLD_SIZES[-1])
"""Seed 002's last band: five persons or more."""


def pension_band(household_size: int) -> str:
    """The ``PENSION_SHARE`` qualifier of a household of ``household_size`` persons: ``"1"`` … ``"5"``, five and more
    sharing ``"5"``. A household has at least its head: a size below one raises RuleInputError (``householdSize``)."""
    if isinstance(household_size, bool) or not isinstance(household_size, int) or household_size < 1:
        raise RuleInputError("A household has at least one member, its head.", "خانوار دست‌کم یک عضو (سرپرست) دارد.",
                             "householdSize")
    return str(min(household_size, LARGEST_BAND))


def monthly_pension(household_size: int, share_basis_points: int | None, minimum_wage_rials: int | None) -> int:
    """The month's pension in whole rials: ``minimum_wage_rials × share_basis_points / 10 000``, rounded down.

    ``share_basis_points`` is the share for the household's size (:func:`pension_band`). None for either figure —
    the office has not set it — raises RuleViolation ``POLICY_VALUE_MISSING``; a size below one, or a figure that is
    not a whole number from 0 (a share at most 100 %), RuleInputError.
    """
    band = pension_band(household_size)
    if minimum_wage_rials is None:
        raise _missing(PolicyKey.MINIMUM_WAGE, "")
    if share_basis_points is None:
        raise _missing(PolicyKey.PENSION_SHARE, band)
    for value, field, most in ((minimum_wage_rials, "minimumWageRials", None),
                               (share_basis_points, "shareBasisPoints", BASIS_POINTS)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0 or (most is not None and value > most):
            raise RuleInputError("A pension's figures are whole numbers from 0 (a share at most 100 %).",
                                 "ارقام مستمری باید اعداد صحیح نامنفی باشند (سهم حداکثر ۱۰۰ درصد).", field)
    return minimum_wage_rials * share_basis_points // BASIS_POINTS


@dataclass(frozen=True)
class Pension:
    """A month's pension and what it was computed from."""

    household_size: int
    band: str  # the PENSION_SHARE qualifier
    share_basis_points: int
    minimum_wage_rials: int
    amount_rials: int


def pension_in_force(rows: Iterable[PolicyRow], household_size: int, on: datetime.date) -> Pension:
    """The pension of a household of ``household_size`` persons with the figures of the policy table (``rows``) in
    force on day ``on``; refused as :func:`monthly_pension` refuses."""
    rows = list(rows)
    band = pension_band(household_size)
    wage = value_in_force(rows, PolicyKey.MINIMUM_WAGE, "", on)
    share = value_in_force(rows, PolicyKey.PENSION_SHARE, band, on)
    amount = monthly_pension(household_size, share, wage)
    assert wage is not None and share is not None  # monthly_pension refused otherwise
    return Pension(household_size=household_size, band=band, share_basis_points=share, minimum_wage_rials=wage,
                   amount_rials=amount)


def pension_month(jalali_year: int, month: int, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of Jalali month ``month`` of ``jalali_year``, if its pension may be asked for on
    ``today``: a year from 1200 to 1499 (``jalaliYear``), a month from 1 to 12 that has begun (``month``); else
    RuleInputError on that field. A month not yet begun has no pension yet: its household is not known."""
    jalali_year_bounds(jalali_year)  # RuleInputError (jalaliYear) outside 1200–1499
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        raise RuleInputError("A month is from 1 (Farvardin) to 12 (Esfand).", "ماه باید از ۱ (فروردین) تا ۱۲ (اسفند) "
                             "باشد.", "month")
    first: datetime.date = jdatetime.date(jalali_year, month, 1).togregorian()
    following = jdatetime.date(jalali_year + month // 12, month % 12 + 1, 1).togregorian()
    if first > today:
        raise RuleInputError("That month has not begun: its pension is not known yet.",
                             "این ماه هنوز آغاز نشده است و مستمری آن معلوم نیست.", "month")
    return first, following - datetime.timedelta(days=1)


def _missing(key: PolicyKey, qualifier: str) -> RuleViolation:
    which = f"{key.value}{f' ({qualifier})' if qualifier else ''}"
    return RuleViolation(POLICY_VALUE_MISSING, f"The national office has not set {which} for that day; the pension is "
                         "not computed without it (seed 002).", f"ستاد ملی مقدار {which} را برای آن روز تعیین نکرده "
                         "است؛ مستمری بدون آن محاسبه نمی‌شود.")
