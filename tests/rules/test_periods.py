from __future__ import annotations

import datetime

import pytest

from rules.delegation import child_delegable_from
from rules.jalali import jalali_year_bounds, parse_date
from rules.periods import add_jalali_months, add_jalali_years


@pytest.mark.parametrize(("start", "months", "end"), [
    ("1402/03/10", 6, "1402/09/10"),
    ("1402/09/15", 0, "1402/09/15"),
    ("1402/10/01", 3, "1403/01/01"),  # across the new year
    ("1402/12/29", 6, "1403/06/29"),
    ("1402/07/30", 6, "1403/01/30"),
    # the 31st of a 31-day month, six months on, lands in a month of 30 (or 29) days: the first of the next month
    ("1402/01/31", 6, "1402/08/01"),  # Mehr has 30 days
    ("1402/05/31", 6, "1402/12/01"),  # Bahman has 30 days
    ("1402/06/31", 6, "1403/01/01"),  # Esfand 1402 has 29 days
    ("1403/06/31", 6, "1404/01/01"),  # Esfand 1403 (leap) has 30 days, still no 31st
    ("1403/06/30", 6, "1403/12/30"),  # the leap 30 Esfand exists
    ("1402/06/30", 6, "1403/01/01"),  # 30 Esfand 1402 does not
    ("1402/06/29", 6, "1402/12/29"),
    ("1402/06/31", 1, "1402/08/01"),  # Shahrivar 31 + one month: Mehr has no 31st, so the month ends with Mehr
])
def test_add_jalali_months(start: str, months: int, end: str) -> None:
    assert add_jalali_months(parse_date(start), months) == parse_date(end)


@pytest.mark.parametrize(("start", "years", "end"), [
    ("1402/06/15", 1, "1403/06/15"),
    ("1402/01/01", 1, "1403/01/01"),
    ("1402/12/29", 1, "1403/12/29"),
    ("1403/12/30", 1, "1405/01/01"),  # 1403 is leap, 1404 is not
    ("1399/12/30", 1, "1401/01/01"),
    ("1403/12/30", 5, "1408/12/30"),  # 1408 is leap again
    ("1403/12/30", 0, "1403/12/30"),
])
def test_add_jalali_years(start: str, years: int, end: str) -> None:
    assert add_jalali_years(parse_date(start), years) == parse_date(end)


def test_a_year_is_the_reading_delegation_already_uses() -> None:
    # One reading of "a Jalali year later" across the rules: seed 003's year after discharge is the same.
    first, _ = jalali_year_bounds(1402)
    _, last = jalali_year_bounds(1404)
    day = first
    while day <= last:
        assert add_jalali_years(day, 1) == child_delegable_from(day)
        day += datetime.timedelta(days=1)


@pytest.mark.parametrize("months", [-1, -12])
def test_periods_run_forward_only(months: int) -> None:
    with pytest.raises(ValueError):
        add_jalali_months(parse_date("1402/06/15"), months)
