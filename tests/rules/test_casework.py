from __future__ import annotations

import datetime

import pytest

from rules.casework import (
    AUTHOR_EDIT_WINDOW,
    assessment_due_on,
    assessment_overdue,
    assessment_overdue_bounds,
    editable_by_author,
    in_post_rehabilitation,
    loan_follow_up_due,
    loan_follow_up_pending,
    needs_loan_follow_up,
    post_rehabilitation_window,
    record_date_allowed,
)
from rules.errors import RuleInputError
from rules.jalali import parse_date
from rules.services import LoanKind

J = parse_date
DAY = datetime.timedelta(days=1)
UTC = datetime.UTC


# --- Art. 5, other actions: the empowerment scale at intake and yearly ---------------------------------------


@pytest.mark.parametrize(("days_after_assignment", "overdue"), [
    (0, False),
    (29, False),
    (30, False),  # the 30th day is the last day of the intake window
    (31, True),
    (-1, False),  # a date before the assignment: nothing is due yet
])
def test_no_assessment_is_overdue_from_day_31(days_after_assignment: int, overdue: bool) -> None:
    assigned = J("1403/05/01")
    assert assessment_overdue(assigned, None, assigned + days_after_assignment * DAY) is overdue


@pytest.mark.parametrize(("last", "year_length", "days_after", "overdue"), [
    # 1402/06/15 → 1403/06/15: Esfand 1402 has 29 days, the year 365
    ("1402/06/15", 365, 364, False),
    ("1402/06/15", 365, 365, False),  # the anniversary: exactly a year old, not older
    ("1402/06/15", 365, 366, True),
    # 1403/06/15 → 1404/06/15 runs across the leap 30 Esfand 1403: 366 days
    ("1403/06/15", 366, 364, False),
    ("1403/06/15", 366, 365, False),
    ("1403/06/15", 366, 366, False),  # the anniversary
    ("1403/06/15", 366, 367, True),
])
def test_the_yearly_assessment_is_overdue_the_day_after_its_jalali_anniversary(
    last: str, year_length: int, days_after: int, overdue: bool
) -> None:
    assessed = J(last)
    assigned = J("1400/01/01")
    assert assessment_due_on(assigned, assessed) - assessed == year_length * DAY
    assert assessment_overdue(assigned, assessed, assessed + days_after * DAY) is overdue


@pytest.mark.parametrize(("last", "today", "overdue"), [
    # assessed on the leap 30 Esfand 1403: 1404 has no 30 Esfand, the year ends with it
    ("1403/12/30", "1404/12/29", False),
    ("1403/12/30", "1405/01/01", False),
    ("1403/12/30", "1405/01/02", True),
    ("1403/12/29", "1404/12/29", False),
    ("1403/12/29", "1405/01/01", True),
    ("1399/12/30", "1401/01/01", False),
    ("1399/12/30", "1401/01/02", True),
])
def test_assessed_at_the_end_of_a_leap_esfand(last: str, today: str, overdue: bool) -> None:
    assert assessment_overdue(J("1399/01/01"), J(last), J(today)) is overdue


@pytest.mark.parametrize(("assigned", "last", "due"), [
    ("1403/05/01", None, "1403/05/31"),        # Mordad has 31 days: the 30th day after the 1st is the 31st
    ("1403/07/01", None, "1403/08/01"),        # Mehr has 30
    ("1403/12/15", None, "1404/01/15"),        # across the new year (Esfand 1403 has 30 days)
    ("1400/01/01", "1403/04/01", "1404/04/01"),
    # a file that arrives with its assessment lapsed, or lapsing within 30 days, gets the intake window
    ("1403/05/01", "1400/01/10", "1403/05/31"),
    ("1403/05/01", "1402/05/10", "1403/05/31"),
    ("1403/05/01", "1402/06/01", "1403/06/01"),  # the anniversary falls after the intake window
])
def test_assessment_due_on(assigned: str, last: str | None, due: str) -> None:
    assert assessment_due_on(J(assigned), None if last is None else J(last)) == J(due)


@pytest.mark.parametrize(("today", "overdue"), [
    ("1403/05/31", False),
    ("1403/06/01", True),
])
def test_a_lapsed_assessment_is_not_the_new_partners_arrears(today: str, overdue: bool) -> None:
    assert assessment_overdue(J("1403/05/01"), J("1400/01/10"), J(today)) is overdue


# --- seed 001: six months' support after work capital or a loan ------------------------------------------------


@pytest.mark.parametrize(("granted", "due"), [
    ("1402/03/10", "1402/09/10"),
    ("1402/12/29", "1403/06/29"),
    ("1402/07/30", "1403/01/30"),
    # month ends: the 31st of the first half-year has no counterpart six months on
    ("1402/01/31", "1402/08/01"),
    ("1402/05/31", "1402/12/01"),
    ("1402/06/31", "1403/01/01"),
    ("1403/06/31", "1404/01/01"),  # even in a leap year Esfand has 30 days
    ("1403/06/30", "1403/12/30"),  # the leap 30 Esfand exists
    ("1402/06/30", "1403/01/01"),  # 1402 is not leap
    ("1402/06/29", "1402/12/29"),
])
def test_loan_follow_up_is_due_six_jalali_months_on(granted: str, due: str) -> None:
    assert loan_follow_up_due(J(granted)) == J(due)


@pytest.mark.parametrize(("granted", "followed_up", "today", "pending"), [
    ("1402/03/10", False, "1402/03/10", False),
    ("1402/03/10", False, "1402/09/09", False),
    ("1402/03/10", False, "1402/09/10", True),   # due today
    ("1402/03/10", False, "1402/09/11", True),
    ("1402/03/10", False, "1403/03/10", True),   # still waiting a year on
    ("1402/03/10", True, "1402/09/10", False),
    ("1402/03/10", True, "1403/03/10", False),
    ("1402/06/31", False, "1402/12/29", False),  # the last day of Esfand 1402: the six months are not over
    ("1402/06/31", False, "1403/01/01", True),
])
def test_loan_follow_up_pending(granted: str, followed_up: bool, today: str, pending: bool) -> None:
    assert loan_follow_up_pending(J(granted), followed_up, J(today)) is pending


@pytest.mark.parametrize(("kind", "followed"), [
    (LoanKind.EMPLOYMENT_LOAN, True),
    (LoanKind.WORK_CAPITAL, True),
    (LoanKind.GRANT, True),
    (LoanKind.HOUSING_DEPOSIT_LOAN, False),
    (LoanKind.OTHER, False),
    ("WORK_CAPITAL", True),
])
def test_which_loans_are_followed(kind: LoanKind, followed: bool) -> None:
    assert needs_loan_follow_up(kind) is followed


def test_an_unknown_loan_kind_is_refused() -> None:
    with pytest.raises(RuleInputError) as info:
        needs_loan_follow_up("MORTGAGE")  # type: ignore[arg-type]
    assert info.value.field == "kind"


# --- Art. 6.7: up to a year after rehabilitation ---------------------------------------------------------------


@pytest.mark.parametrize(("exited", "last"), [
    ("1402/06/15", "1403/06/14"),
    ("1403/06/15", "1404/06/14"),
    ("1403/01/01", "1403/12/30"),  # the whole leap year 1403
    ("1402/01/01", "1402/12/29"),
    ("1403/12/30", "1404/12/29"),
])
def test_post_rehabilitation_window(exited: str, last: str) -> None:
    assert post_rehabilitation_window(J(exited)) == (J(exited), J(last))


@pytest.mark.parametrize(("exited", "days_after", "inside"), [
    ("1402/06/15", -1, False),  # not exited yet
    ("1402/06/15", 0, True),
    ("1402/06/15", 364, True),   # 1403/06/14, the last day
    ("1402/06/15", 365, False),  # the anniversary: the year is over
    ("1402/06/15", 366, False),
    # across the leap 30 Esfand 1403 the year has 366 days
    ("1403/06/15", 364, True),
    ("1403/06/15", 365, True),   # 1404/06/14, the last day
    ("1403/06/15", 366, False),
])
def test_in_post_rehabilitation(exited: str, days_after: int, inside: bool) -> None:
    assert in_post_rehabilitation(J(exited), J(exited) + days_after * DAY) is inside


# --- records: their author may correct them for 24 hours ------------------------------------------------------


CREATED = datetime.datetime(2024, 5, 1, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize(("elapsed", "editable"), [
    (datetime.timedelta(0), True),
    (datetime.timedelta(hours=23, minutes=59, seconds=59, microseconds=999_999), True),
    (AUTHOR_EDIT_WINDOW, False),  # exactly 24 hours: closed
    (datetime.timedelta(hours=24, microseconds=1), False),
    (datetime.timedelta(days=30), False),
    (datetime.timedelta(minutes=-1), True),  # a server clock a minute behind
])
def test_editable_by_author_for_24_hours(elapsed: datetime.timedelta, editable: bool) -> None:
    assert editable_by_author(CREATED, CREATED + elapsed) is editable


@pytest.mark.parametrize(("now", "editable"), [
    (datetime.datetime(2024, 5, 2, 8, 29, 59, tzinfo=UTC), True),
    (datetime.datetime(2024, 5, 2, 8, 30, tzinfo=UTC), False),
])
def test_times_are_compared_as_instants_whatever_their_offsets(now: datetime.datetime, editable: bool) -> None:
    tehran = datetime.timezone(datetime.timedelta(hours=3, minutes=30))
    created = datetime.datetime(2024, 5, 1, 12, 0, tzinfo=tehran)  # 08:30 UTC
    assert editable_by_author(created, now) is editable


@pytest.mark.parametrize(("wall_clock_now", "editable"), [
    (datetime.datetime(2021, 3, 22, 12, 0), True),   # 24 h on the wall clock, 23 h in fact (clocks went forward)
    (datetime.datetime(2021, 3, 22, 13, 0), False),  # 24 h in fact
])
def test_a_daylight_saving_change_does_not_stretch_the_window(
    wall_clock_now: datetime.datetime, editable: bool
) -> None:
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        tehran = zoneinfo.ZoneInfo("Asia/Tehran")
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no time-zone database")
    created = datetime.datetime(2021, 3, 21, 12, 0, tzinfo=tehran)  # Iran kept summer time until 2022
    assert editable_by_author(created, wall_clock_now.replace(tzinfo=tehran)) is editable


@pytest.mark.parametrize(("created", "now"), [
    (CREATED.replace(tzinfo=None), CREATED),
    (CREATED, CREATED.replace(tzinfo=None)),
])
def test_naive_times_are_a_programming_error(created: datetime.datetime, now: datetime.datetime) -> None:
    with pytest.raises(ValueError):
        editable_by_author(created, now)


# --- the date a visit, interview or service is recorded for ----------------------------------------------------


@pytest.mark.parametrize(("on", "allowed"), [
    ("1403/04/31", False),  # the day before the assignment began
    ("1403/05/01", True),   # the assignment's first day
    ("1403/06/01", True),
    ("1403/07/10", True),   # today
    ("1403/07/11", False),  # tomorrow
    ("1404/01/01", False),
])
def test_record_date_allowed(on: str, allowed: bool) -> None:
    start, today = J("1403/05/01"), J("1403/07/10")
    if allowed:
        assert record_date_allowed(J(on), start, today, field="visitedOn") == J(on)
    else:
        with pytest.raises(RuleInputError) as info:
            record_date_allowed(J(on), start, today, field="visitedOn")
        assert info.value.field == "visitedOn"
        assert info.value.message_en and info.value.message_fa


@pytest.mark.parametrize(("on", "field", "jalali_in_message"), [
    ("1403/07/11", "interviewedOn", "1403/07/11"),
    ("1403/04/31", "providedOn", "1403/05/01"),  # names the day the assignment began
])
def test_record_date_errors_name_the_field_and_the_jalali_date(on: str, field: str, jalali_in_message: str) -> None:
    with pytest.raises(RuleInputError) as info:
        record_date_allowed(J(on), J("1403/05/01"), J("1403/07/10"), field=field)
    assert info.value.field == field
    assert jalali_in_message in info.value.message_fa


@pytest.mark.parametrize("on", [datetime.datetime(2024, 9, 1, 10, 0), "1403/06/01", None])
def test_record_date_must_be_a_plain_date(on: object) -> None:
    with pytest.raises(RuleInputError) as info:
        record_date_allowed(on, J("1403/05/01"), J("1403/07/10"), field="visitedOn")  # type: ignore[arg-type]
    assert info.value.field == "visitedOn"


@pytest.mark.parametrize("today", [datetime.date(2025, 3, 20) + datetime.timedelta(days=n) for n in range(0, 800, 7)]
                         + [datetime.date(2025, 3, 21), datetime.date(2025, 3, 20), datetime.date(2026, 3, 21)])
def test_overdue_bounds_agree_with_the_rule_for_every_file(today):
    """The two dates the families filter compares columns with give exactly assessment_overdue's answer, around
    Nowruz and leap Esfands included."""
    assigned_before, assessed_before = assessment_overdue_bounds(today)
    for assigned_days_ago in (0, 29, 30, 31, 400):
        assigned_on = today - datetime.timedelta(days=assigned_days_ago)
        for last in (None, *(today - datetime.timedelta(days=n) for n in (1, 360, 364, 365, 366, 367, 700))):
            by_columns = assigned_on < assigned_before and (last is None or last < assessed_before)
            assert by_columns == assessment_overdue(assigned_on, last, today), (assigned_on, last)
