"""rules/reports.py: the Jalali quarter and month of a partner's report (Art. 4.8; seed 003), its due date, and the
periods that may be asked for."""

from __future__ import annotations

import datetime

import pytest

from rules.errors import RuleInputError
from rules.jalali import parse_date
from rules.reports import (
    DUE_DAYS,
    ReportPeriod,
    due_on,
    month_bounds,
    monthly_period,
    partner_since,
    quarter_bounds,
    quarterly_period,
)

D = datetime.date
LATER = D(2030, 1, 1)  # a day after every period below


def j(text: str) -> datetime.date:
    return parse_date(text)


@pytest.mark.parametrize(("year", "quarter", "first", "last"), [
    (1404, 1, "1404/01/01", "1404/03/31"),   # starts on 1 Farvardin
    (1404, 2, "1404/04/01", "1404/06/31"),
    (1404, 3, "1404/07/01", "1404/09/30"),
    (1404, 4, "1404/10/01", "1404/12/29"),   # 1404 is not leap: 29 Esfand
    (1403, 4, "1403/10/01", "1403/12/30"),   # 1403 is leap: 30 Esfand
    (1399, 4, "1399/10/01", "1399/12/30"),   # leap
    (1300, 1, "1300/01/01", "1300/03/31"),
])
def test_quarter_bounds(year: int, quarter: int, first: str, last: str) -> None:
    assert quarter_bounds(year, quarter) == (j(first), j(last))


def test_quarter_bounds_of_known_days() -> None:
    assert quarter_bounds(1404, 1) == (D(2025, 3, 21), D(2025, 6, 21))
    assert quarter_bounds(1403, 4) == (D(2024, 12, 21), D(2025, 3, 20))
    assert quarter_bounds(1404, 4)[1] == D(2026, 3, 20)


@pytest.mark.parametrize(("year", "month", "first", "last"), [
    (1404, 1, "1404/01/01", "1404/01/31"),
    (1404, 6, "1404/06/01", "1404/06/31"),
    (1404, 7, "1404/07/01", "1404/07/30"),
    (1404, 11, "1404/11/01", "1404/11/30"),
    (1404, 12, "1404/12/01", "1404/12/29"),  # not leap
    (1403, 12, "1403/12/01", "1403/12/30"),  # leap
    (1408, 12, "1408/12/01", "1408/12/30"),  # leap again
])
def test_month_bounds(year: int, month: int, first: str, last: str) -> None:
    assert month_bounds(year, month) == (j(first), j(last))


def test_quarters_and_months_tile_the_year() -> None:
    for year in (1403, 1404):
        days = [quarter_bounds(year, q) for q in range(1, 5)]
        assert days[0][0] == j(f"{year}/01/01") and days[-1][1] + datetime.timedelta(days=1) == j(f"{year + 1}/01/01")
        assert all(a[1] + datetime.timedelta(days=1) == b[0] for a, b in zip(days, days[1:], strict=False))
        months = [month_bounds(year, m) for m in range(1, 13)]
        assert all(a[1] + datetime.timedelta(days=1) == b[0] for a, b in zip(months, months[1:], strict=False))
        assert [months[3 * q][0] for q in range(4)] == [d[0] for d in days]


@pytest.mark.parametrize(("ends", "due"), [
    ("1404/03/31", "1404/04/15"),
    ("1404/12/29", "1405/01/15"),   # across the new year
    ("1403/12/30", "1404/01/15"),   # from a leap 30 Esfand
    ("1404/06/31", "1404/07/15"),
])
def test_a_report_is_due_15_days_after_its_period(ends: str, due: str) -> None:
    assert DUE_DAYS == 15
    assert due_on(j(ends)) == j(due)


def test_periods() -> None:
    assert quarterly_period(1404, 1, since=None, today=LATER) == ReportPeriod(
        j("1404/01/01"), j("1404/03/31"), j("1404/04/15"))
    assert monthly_period(1403, 12, since=None, today=LATER) == ReportPeriod(
        j("1403/12/01"), j("1403/12/30"), j("1404/01/15"))


@pytest.mark.parametrize(("licensed_from", "first_agreement_on", "expected"), [
    (D(2025, 3, 21), D(2025, 5, 1), D(2025, 3, 21)),
    (D(2025, 5, 1), D(2024, 4, 1), D(2024, 4, 1)),
    (None, D(2024, 4, 1), D(2024, 4, 1)),
    (None, None, None),
])
def test_a_partner_exists_from_its_earliest_date(licensed_from, first_agreement_on, expected) -> None:
    assert partner_since(licensed_from, first_agreement_on) == expected


def _refused(call, field: str) -> RuleInputError:
    with pytest.raises(RuleInputError) as refused:
        call()
    assert refused.value.field == field
    assert refused.value.message_en and refused.value.message_fa
    return refused.value


@pytest.mark.parametrize(("year", "quarter", "field"), [
    (1404, 0, "quarter"),
    (1404, 5, "quarter"),
    (1404, -1, "quarter"),
    (1404, True, "quarter"),
    (2025, 1, "jalaliYear"),     # Gregorian
    (1299, 1, "jalaliYear"),     # below the range
    (1500, 1, "jalaliYear"),     # read as Gregorian (rules/jalali.py)
    (3000, 1, "jalaliYear"),
    (0, 1, "jalaliYear"),
    (2025, 0, "jalaliYear"),     # the year is checked first
])
def test_bad_quarterly_arguments(year: int, quarter: int, field: str) -> None:
    _refused(lambda: quarterly_period(year, quarter, since=None, today=LATER), field)


@pytest.mark.parametrize(("year", "month", "field"), [
    (1404, 0, "month"),
    (1404, 13, "month"),
    (2025, 1, "jalaliYear"),
    (1299, 12, "jalaliYear"),
])
def test_bad_monthly_arguments(year: int, month: int, field: str) -> None:
    _refused(lambda: monthly_period(year, month, since=None, today=LATER), field)


@pytest.mark.parametrize(("year", "accepted"), [(1299, False), (1300, True), (1499, True), (1500, False)])
def test_the_range_of_jalali_years(year: int, accepted: bool) -> None:
    if accepted:
        assert quarterly_period(year, 1, since=None, today=D(2200, 1, 1)).starts_on == j(f"{year}/01/01")
    else:
        _refused(lambda: quarterly_period(year, 1, since=None, today=D(2200, 1, 1)), "jalaliYear")


def test_a_gregorian_year_is_named_with_a_jalali_example() -> None:
    error = _refused(lambda: quarterly_period(2025, 1, since=None, today=LATER), "jalaliYear")
    assert "a Jalali year such as 1404" in error.message_en
    assert "1404" in error.message_fa and "شمسی" in error.message_fa


@pytest.mark.parametrize(("since", "year", "accepted"), [
    (j("1404/01/01"), 1403, False),
    (j("1404/01/01"), 1404, True),
    (j("1404/05/10"), 1404, True),      # the year it began, even its quarters before that day
    (j("1403/12/30"), 1403, True),
    (j("1403/12/30"), 1402, False),
    (None, 1300, True),                 # nothing known: only the other checks
])
def test_not_before_the_partner_existed(since, year, accepted) -> None:
    if accepted:
        assert quarterly_period(year, 1, since=since, today=LATER).starts_on == j(f"{year}/01/01")
        assert monthly_period(year, 1, since=since, today=LATER).starts_on == j(f"{year}/01/01")
    else:
        _refused(lambda: quarterly_period(year, 4, since=since, today=LATER), "jalaliYear")
        _refused(lambda: monthly_period(year, 12, since=since, today=LATER), "jalaliYear")


@pytest.mark.parametrize(("today", "quarter", "refused_on"), [
    ("1404/07/01", 3, None),            # the quarter's first day: begun
    ("1404/06/31", 3, "quarter"),       # the day before
    ("1404/06/31", 2, None),
    ("1403/12/30", 1, "jalaliYear"),    # the whole year lies ahead
])
def test_a_period_that_has_not_started_is_refused(today: str, quarter: int, refused_on: str | None) -> None:
    def ask() -> ReportPeriod:
        return quarterly_period(1404, quarter, since=None, today=j(today))

    if refused_on is None:
        assert ask().starts_on <= j(today)
    else:
        _refused(ask, refused_on)


@pytest.mark.parametrize(("today", "month", "refused_on"), [
    ("1404/01/01", 1, None),            # 1 Farvardin
    ("1404/01/31", 2, "month"),
    ("1404/12/29", 12, None),
    ("1403/12/30", 1, "jalaliYear"),
])
def test_a_month_that_has_not_started_is_refused(today: str, month: int, refused_on: str | None) -> None:
    def ask() -> ReportPeriod:
        return monthly_period(1404, month, since=None, today=j(today))

    if refused_on is None:
        assert ask().starts_on <= j(today)
    else:
        _refused(ask, refused_on)


# --- the yearly figures and late reports ------------------------------------------------------------------------

def test_the_yearly_period_is_the_jalali_year():
    from rules.reports import yearly_period

    period = yearly_period(1404, since=None, today=datetime.date(2026, 1, 1))
    assert (period.starts_on, period.ends_on) == (datetime.date(2025, 3, 21), datetime.date(2026, 3, 20))
    assert period.due_on == datetime.date(2026, 4, 4)


@pytest.mark.parametrize(("today", "late"), [
    # 1404 Q1 ends 1404/03/31 = 2025-06-21 and is due 2025-07-06: late from the day after.
    (datetime.date(2025, 7, 6), []),
    (datetime.date(2025, 7, 7), [(1404, 1)]),
    (datetime.date(2025, 10, 8), [(1404, 1), (1404, 2)]),
])
def test_a_report_is_late_the_day_after_it_is_due(today, late):
    from rules.reports import late_periods

    found = late_periods("QUARTERLY", years={1404}, today=today, submitted=set())
    assert [(year, n) for year, n, _ in found] == late


def test_a_submitted_report_is_not_late():
    from rules.reports import late_periods

    found = late_periods("QUARTERLY", years={1404}, today=datetime.date(2025, 10, 8), submitted={(1404, 1)})
    assert [(year, n) for year, n, _ in found] == [(1404, 2)]
    assert late_periods("YEARLY", years={1404}, today=datetime.date(2026, 4, 5), submitted=set())[0][:2] == (1404, 0)
    # No agreement that year, no report owed.
    assert late_periods("QUARTERLY", years={1403}, today=datetime.date(2025, 10, 8), submitted=set()) == [
        (1403, n, late_periods("QUARTERLY", years={1403}, today=datetime.date(2025, 10, 8), submitted=set())[n - 1][2])
        for n in range(1, 5)]
    assert late_periods("QUARTERLY", years=set(), today=datetime.date(2025, 10, 8), submitted=set()) == []
