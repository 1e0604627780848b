from __future__ import annotations

import datetime

import pytest

from rules.errors import RuleInputError, RuleViolation
from rules.jalali import parse_date
from rules.supervision import (
    ALREADY_STOPPED_RULE,
    COMPLAINT_RULE,
    PLAN_CLOSED_RULE,
    STOPPED_RULE,
    VIOLATION_OUTCOME_RULE,
    ComplaintStatus,
    check_complaint_update,
    check_decision,
    check_due_on,
    check_not_in_future,
    check_partner_not_stopped,
    check_plan_open,
    check_violation_outcome,
    first_year_ended_by_stop,
    next_visit_due,
    supervision_overdue,
    visits_in_force_from,
)

J = parse_date
DAY = datetime.timedelta(days=1)


# --- Art. 7.2: a visit at least every six months ------------------------------------------------------------------


@pytest.mark.parametrize(("last", "due"), [
    ("1404/03/10", "1404/09/10"),  # the same Jalali day six months on: 184 days here
    ("1404/01/10", "1404/07/10"),  # six 31-day months: 186 days
    ("1403/06/30", "1403/12/30"),  # the leap year's 30 Esfand exists
    ("1404/06/30", "1405/01/01"),  # 1404 is not leap: no 30 Esfand, the period ends with Esfand
    ("1404/06/31", "1405/01/01"),  # no 31 Esfand ever
    ("1404/12/29", "1405/06/29"),
])
def test_the_next_visit_is_due_six_jalali_months_after_the_last(last: str, due: str) -> None:
    assert next_visit_due(J(last), None) == J(due)


@pytest.mark.parametrize(("days_from_due", "overdue"), [(-1, False), (0, False), (1, True), (200, True)])
def test_a_visit_is_overdue_the_day_after_its_six_months(days_from_due: int, overdue: bool) -> None:
    last = J("1404/03/10")
    today = J("1404/09/10") + days_from_due * DAY
    assert supervision_overdue(last, None, today) is overdue
    # the first agreement does not matter once the partner has been visited
    assert supervision_overdue(last, J("1390/01/01"), today) is overdue


@pytest.mark.parametrize(("days_from_due", "overdue"), [(-1, False), (0, False), (1, True)])
def test_a_partner_never_visited_owes_its_first_visit_six_months_after_its_first_agreement(
        days_from_due: int, overdue: bool) -> None:
    signed = J("1405/01/10")
    assert next_visit_due(None, signed) == J("1405/07/10")
    assert supervision_overdue(None, signed, J("1405/07/10") + days_from_due * DAY) is overdue


def test_a_partner_without_agreement_or_visit_owes_none() -> None:
    assert next_visit_due(None, None) is None
    assert supervision_overdue(None, None, J("1499/01/01")) is False


@pytest.mark.parametrize("today", [
    "1404/09/10", "1404/09/11", "1405/01/01", "1405/01/02", "1404/12/29", "1403/12/30", "1404/06/31", "1404/07/01",
    "1404/01/01",
])
def test_the_list_bound_says_what_the_rule_says_for_every_last_visit(today: str) -> None:
    """`visits_in_force_from` is the one date the partners list compares with: a partner is overdue exactly when its
    last visit (or first agreement) is before it — checked for every day of the year before."""
    day = J(today)
    bound = visits_in_force_from(day)
    for back in range(0, 400):
        last = day - back * DAY
        assert supervision_overdue(last, None, day) is (last < bound), (today, last)
        assert supervision_overdue(None, last, day) is (last < bound), (today, last)


# --- the days the records carry ------------------------------------------------------------------------------------


def test_a_day_in_the_future_is_refused_on_its_field() -> None:
    today = J("1405/09/11")
    assert check_not_in_future(today, today, "visitedOn") == today
    with pytest.raises(RuleInputError) as refused:
        check_not_in_future(today + DAY, today, "visitedOn")
    assert refused.value.field == "visitedOn"


def test_an_action_plan_is_due_today_or_later() -> None:
    today = J("1405/09/11")
    assert check_due_on(today, today) == today
    with pytest.raises(RuleInputError) as refused:
        check_due_on(today - DAY, today)
    assert refused.value.field == "dueOn"


def test_an_action_plan_is_closed_once() -> None:
    check_plan_open(False)
    with pytest.raises(RuleViolation) as refused:
        check_plan_open(True)
    assert refused.value.rule == PLAN_CLOSED_RULE


# --- Art. 7.4: complaints ------------------------------------------------------------------------------------------

S = ComplaintStatus
ALLOWED = {(S.OPEN, S.IN_PROGRESS), (S.IN_PROGRESS, S.IN_PROGRESS), (S.IN_PROGRESS, S.UPHELD),
           (S.IN_PROGRESS, S.DISMISSED)}


@pytest.mark.parametrize("old", list(S))
@pytest.mark.parametrize("new", list(S))
def test_a_complaint_is_taken_up_then_upheld_or_dismissed_for_good(old: S, new: S) -> None:
    if (old, new) in ALLOWED:
        assert check_complaint_update(old, new, "نتیجه") is new
    else:
        with pytest.raises(RuleViolation) as refused:
            check_complaint_update(old, new, "نتیجه")
        assert refused.value.rule == COMPLAINT_RULE


@pytest.mark.parametrize("new", [S.UPHELD, S.DISMISSED])
def test_an_ended_complaint_needs_its_outcome(new: S) -> None:
    with pytest.raises(RuleInputError) as refused:
        check_complaint_update(S.IN_PROGRESS, new, "  ")
    assert refused.value.field == "outcome"
    assert check_complaint_update(S.OPEN, S.IN_PROGRESS, "") is S.IN_PROGRESS


def test_an_unknown_complaint_status_is_bad_input() -> None:
    with pytest.raises(RuleInputError) as refused:
        check_complaint_update("OPEN", "CLOSED", "")
    assert refused.value.field == "status"


# --- Art. 7.7: violation reports -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("outcome_on", "error"), [
    ("1405/05/01", None),  # the day it was reported
    ("1405/09/11", None),  # today
    ("1405/04/31", "outcomeOn"),  # before the report
    ("1405/09/12", "outcomeOn"),  # the future
])
def test_the_outcome_is_dated_between_the_report_and_today(outcome_on: str, error: str | None) -> None:
    reported, today = J("1405/05/01"), J("1405/09/11")
    if error is None:
        assert check_violation_outcome(reported, J(outcome_on), today, recorded=False) == J(outcome_on)
    else:
        with pytest.raises(RuleInputError) as refused:
            check_violation_outcome(reported, J(outcome_on), today, recorded=False)
        assert refused.value.field == error


def test_the_outcome_is_recorded_once() -> None:
    with pytest.raises(RuleViolation) as refused:
        check_violation_outcome(J("1405/05/01"), J("1405/06/01"), J("1405/09/11"), recorded=True)
    assert refused.value.rule == VIOLATION_OUTCOME_RULE


# --- Art. 4.12: continue or stop ------------------------------------------------------------------------------------

TODAY = J("1405/09/11")


@pytest.mark.parametrize(("decided_on", "continues", "latest", "stopped", "outcome"), [
    ("1405/09/11", False, None, False, "ok"),  # a first decision, today
    ("1405/09/12", True, None, False, "decidedOn"),  # the future
    ("1405/08/01", True, "1405/08/01", False, "ok"),  # the same day as the latest
    ("1405/07/30", True, "1405/08/01", False, "decidedOn"),  # before the latest: it would not be in force
    ("1405/09/01", False, "1405/08/01", True, ALREADY_STOPPED_RULE),  # stopping a stopped partner
    ("1405/09/01", True, "1405/08/01", True, "ok"),  # a later decision to continue lifts the stop
])
def test_a_decision_follows_the_latest_and_a_stop_is_not_repeated(
        decided_on: str, continues: bool, latest: str | None, stopped: bool, outcome: str) -> None:
    def decide() -> datetime.date:
        return check_decision(J(decided_on), TODAY, continues=continues,
                              latest_decided_on=J(latest) if latest else None, stopped=stopped)

    if outcome == "ok":
        assert decide() == J(decided_on)
    elif outcome == ALREADY_STOPPED_RULE:
        with pytest.raises(RuleViolation) as violation:
            decide()
        assert violation.value.rule == outcome
    else:
        with pytest.raises(RuleInputError) as refused:
            decide()
        assert refused.value.field == outcome


@pytest.mark.parametrize(("decided_on", "year"), [("1405/01/01", 1405), ("1404/12/29", 1404), ("1403/12/30", 1403)])
def test_a_stop_ends_the_agreements_from_its_jalali_year(decided_on: str, year: int) -> None:
    assert first_year_ended_by_stop(J(decided_on)) == year


def test_a_stopped_partner_gets_no_files() -> None:
    check_partner_not_stopped(False)
    with pytest.raises(RuleViolation) as refused:
        check_partner_not_stopped(True)
    assert refused.value.rule == STOPPED_RULE
