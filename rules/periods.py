"""Periods counted in the Jalali calendar: so many months, or years, after a date.

The office dates its papers by the Jalali calendar (docs/api.md, "Conventions"; agreements run by the
Jalali year, Art. 6.1 of the 2014 directive, seed ``004_…``), so the directive's "a year" (Art. 5 "other
actions": the yearly assessment; Art. 6.7: «تا یکسال») and seed ``001_…``'s «شش ماه» are counted in Jalali
months: the same day of the month that many months later.

When that day does not exist in the target month — the 31st of a month that has 30 days, or 30 Esfand in a
year that is not leap — the period is complete only once the target month has ended, so the result is the
first day of the month after it. This is the reading :func:`rules.delegation.child_delegable_from` already
uses for a year after 30 Esfand (1403/12/30 + one year = 1405/01/01), here for months too.
"""

from __future__ import annotations

import datetime

import jdatetime

__all__ = ["add_jalali_months", "add_jalali_years"]


def _gregorian(year: int, month: int, day: int) -> datetime.date:
    d: datetime.date = jdatetime.date(year, month, day).togregorian()
    return d


def add_jalali_months(d: datetime.date, months: int) -> datetime.date:
    """Return the same Jalali day ``months`` Jalali months after ``d``; where the target month lacks that day,
    the first day of the month after it (1402/06/31 + 6 months = 1403/01/01, since Esfand has no 31st).

    Periods run forward only: a negative ``months`` raises ``ValueError`` (a programming error, not a user's).
    """
    if months < 0:
        raise ValueError("a Jalali period runs forward: months must be zero or more")
    j = jdatetime.date.fromgregorian(date=d)
    year, month_index = divmod(j.year * 12 + j.month - 1 + months, 12)
    month = month_index + 1
    try:
        return _gregorian(year, month, j.day)
    except ValueError:  # the target month is shorter: the period ends with it
        return _gregorian(year + 1, 1, 1) if month == 12 else _gregorian(year, month + 1, 1)


def add_jalali_years(d: datetime.date, years: int) -> datetime.date:
    """Return the same Jalali day ``years`` Jalali years after ``d``; 30 Esfand of a leap year, when the target
    year is not leap, gives 1 Farvardin of the year after it (see :func:`add_jalali_months`); ``years`` ≥ 0."""
    return add_jalali_months(d, 12 * years)
