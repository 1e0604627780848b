from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from rules.errors import RuleInputError
from rules.household import (
    change_reason_allowed,
    household_size_on,
    joining_date_allowed,
    leaving_date_allowed,
)
from rules.jalali import parse_date
from rules.services import HouseholdChangeReason

J = parse_date
DAY = datetime.timedelta(days=1)
R = HouseholdChangeReason


@dataclass(frozen=True)
class Change:
    effective_on: datetime.date
    delta: int
    household_size: int


# A household of 4 today: a member left on 1403/02/10 (4 -> 3), a child was born on 1403/06/01 (3 -> 4).
HISTORY = [Change(J("1403/02/10"), -1, 3), Change(J("1403/06/01"), 1, 4)]


@pytest.mark.parametrize(("on", "size"), [
    ("1402/12/29", 4),  # before the first change: the size it started from
    ("1403/02/09", 4),
    ("1403/02/10", 3),  # a change counts from its own day
    ("1403/05/31", 3),
    ("1403/06/01", 4),
    ("1404/01/01", 4),
])
def test_the_size_of_a_day_is_the_last_change_on_or_before_it(on: str, size: int) -> None:
    assert household_size_on(HISTORY, 4, J(on)) == size


def test_without_changes_the_size_is_todays() -> None:
    assert household_size_on([], 5, J("1390/01/01")) == 5


def test_changes_of_one_day_apply_in_the_order_recorded() -> None:
    same_day = [Change(J("1403/03/01"), 1, 3), Change(J("1403/03/01"), 1, 4)]
    assert household_size_on(same_day, 4, J("1403/03/01")) == 4
    assert household_size_on(same_day, 4, J("1403/02/31")) == 2


@pytest.mark.parametrize(("reason", "joining", "allowed"), [
    (R.BIRTH, True, True), (R.MARRIAGE, True, True), (R.DEATH, True, False), (R.LEAVING, True, False),
    (R.BIRTH, False, False), (R.MARRIAGE, False, True), (R.DEATH, False, True), (R.LEAVING, False, True),
])
def test_which_reasons_add_and_which_remove_a_member(reason: R, joining: bool, allowed: bool) -> None:
    if allowed:
        change_reason_allowed(reason, joining=joining)
    else:
        with pytest.raises(RuleInputError) as refused:
            change_reason_allowed(reason, joining=joining)
        assert refused.value.field == "reason"


TODAY = J("1403/07/01")


@pytest.mark.parametrize(("on", "reason", "born", "ok"), [
    ("1403/05/01", R.BIRTH, "1403/05/01", True),
    ("1403/05/02", R.BIRTH, "1403/05/01", False),  # a birth takes effect on the birth date
    ("1403/05/02", R.MARRIAGE, "1380/01/01", True),
    ("1379/12/29", R.MARRIAGE, "1380/01/01", False),  # before they were born
    ("1403/07/01", R.MARRIAGE, "1380/01/01", True),  # today
    ("1403/07/02", R.MARRIAGE, "1380/01/01", False),  # the future
])
def test_the_day_a_member_joins(on: str, reason: R, born: str, ok: bool) -> None:
    if ok:
        assert joining_date_allowed(J(on), reason, J(born), TODAY, field="effectiveOn") == J(on)
    else:
        with pytest.raises(RuleInputError) as refused:
            joining_date_allowed(J(on), reason, J(born), TODAY, field="effectiveOn")
        assert refused.value.field == "effectiveOn"


@pytest.mark.parametrize(("on", "ok"), [
    ("1403/03/01", True),  # the day they joined
    ("1403/02/31", False),
    ("1403/07/01", True),
    ("1403/07/02", False),
])
def test_the_day_a_member_leaves(on: str, ok: bool) -> None:
    if ok:
        assert leaving_date_allowed(J(on), J("1403/03/01"), TODAY, field="effectiveOn") == J(on)
    else:
        with pytest.raises(RuleInputError):
            leaving_date_allowed(J(on), J("1403/03/01"), TODAY, field="effectiveOn")
