"""rules/subsidy_policy.py: the figures of a statement from the policy table — a month's on its first day, the year's
on the year's first day; a missing figure refused by name, never guessed; the bonus bands."""

from __future__ import annotations

import datetime
from fractions import Fraction as F

import pytest

from rules.errors import RuleViolation
from rules.policy_values import PolicyKey as K
from rules.policy_values import PolicyRow
from rules.subsidy import BonusTier
from rules.subsidy_policy import ExitPolicy, exit_policy, exit_target, subsidy_policy

DIRECTIVE = datetime.date(2014, 3, 21)
YEAR = datetime.date(2025, 3, 21)        # 1404/01/01
MEHR = datetime.date(2025, 9, 23)        # 1404/07/01
DAY = datetime.timedelta(days=1)

BASE = [PolicyRow(key, q, DIRECTIVE, v) for key, q, v in (
    (K.GRADE_SHARE, "1", 10000), (K.GRADE_SHARE, "2", 9000), (K.GRADE_SHARE, "3", 8000), (K.EXIT_TARGET, "", 1000),
    (K.MISSED_EXIT_SHARE, "1", 7000), (K.MISSED_EXIT_SHARE, "2", 5000), (K.FILES_RETURNED_AFTER_MISSED_YEARS, "", 3),
    (K.FOLLOW_UP_SHARE, "", 1000), (K.BONUS_HALF_ABOVE, "", 1000), (K.BONUS_FULL_ABOVE, "", 1500),
    (K.NON_REHABILITABLE_BONUS_MULTIPLIER, "", 2))] + [PolicyRow(key, q, YEAR, v) for key, q, v in (
    (K.SUBSIDY_RATE, "REHABILITABLE", 12_000_000), (K.SUBSIDY_RATE, "NON_REHABILITABLE", 8_000_000),
    (K.SUBSIDY_RATE, "CHILD_FOLLOW_UP", 6_000_000), (K.BONUS_PER_EXIT, "", 30_000_000))]


def test_the_directives_figures_and_the_offices_rates():
    policy = subsidy_policy(BASE, month_from=MEHR, year_from=YEAR)
    assert policy.rate_rials == {"REHABILITABLE": 12_000_000, "NON_REHABILITABLE": 8_000_000,
                                 "CHILD_FOLLOW_UP": 6_000_000}
    assert policy.grade_share == {"GRADE_1": 1, "GRADE_2": F(9, 10), "GRADE_3": F(8, 10)}
    assert (policy.exit_target, policy.missed_year_shares, policy.files_returned_in_missed_year) == (
        F(1, 10), (F(7, 10), F(1, 2)), 3)
    assert policy.follow_up_share == F(1, 10)
    assert policy.bonus_tiers == (BonusTier(F(1, 10), 0), BonusTier(F(15, 100), F(1, 2)), BonusTier(None, 1))
    assert (policy.bonus_per_exit_rials, policy.non_rehabilitable_bonus_multiplier) == (30_000_000, 2)


@pytest.mark.parametrize(("key", "qualifier", "month_rate", "year_rate"), [
    # a month's figures on the month's first day: a change from Mehr 1st pays Mehr, one from Mehr 2nd does not
    (K.SUBSIDY_RATE, "REHABILITABLE", (MEHR, 13_000_000), None),
    (K.SUBSIDY_RATE, "REHABILITABLE", (MEHR + DAY, None), None),
    (K.GRADE_SHARE, "2", (MEHR, 9500), None),
    (K.FOLLOW_UP_SHARE, "", (MEHR, 1500), None),
    # the year's on the year's first day: a change during the year waits for the next
    (K.BONUS_PER_EXIT, "", None, (YEAR, 40_000_000)),
    (K.BONUS_PER_EXIT, "", None, (YEAR + DAY, None)),
    (K.EXIT_TARGET, "", None, (MEHR, None)),
    (K.MISSED_EXIT_SHARE, "1", None, (YEAR, 6000)),
])
def test_which_day_each_figure_is_read_on(key, qualifier, month_rate, year_rate):
    day, expected = month_rate or year_rate
    changed = [row for row in BASE if (row.key, row.qualifier, row.effective_from) != (key, qualifier, day)]
    changed.append(PolicyRow(key, qualifier, day, 12345 if expected is None else expected))
    policy = subsidy_policy(changed, month_from=MEHR, year_from=YEAR)
    before = subsidy_policy(BASE, month_from=MEHR, year_from=YEAR)
    figures = {
        K.SUBSIDY_RATE: lambda p: p.rate_rials["REHABILITABLE"], K.GRADE_SHARE: lambda p: p.grade_share["GRADE_2"],
        K.FOLLOW_UP_SHARE: lambda p: p.follow_up_share, K.BONUS_PER_EXIT: lambda p: p.bonus_per_exit_rials,
        K.EXIT_TARGET: lambda p: p.exit_target, K.MISSED_EXIT_SHARE: lambda p: p.missed_year_shares[0],
    }[key]
    if expected is None:
        assert figures(policy) == figures(before)
    else:
        assert figures(policy) == (expected if key in (K.SUBSIDY_RATE, K.BONUS_PER_EXIT) else F(expected, 10000))


@pytest.mark.parametrize(("key", "qualifier", "named"), [
    (K.SUBSIDY_RATE, "CHILD_FOLLOW_UP", "SUBSIDY_RATE (CHILD_FOLLOW_UP)"),
    (K.BONUS_PER_EXIT, "", "BONUS_PER_EXIT"),
    (K.GRADE_SHARE, "3", "GRADE_SHARE (3)"),
])
def test_a_figure_not_in_force_is_refused_by_name(key, qualifier, named):
    rows = [row for row in BASE if (row.key, row.qualifier) != (key, qualifier)]
    with pytest.raises(RuleViolation) as info:
        subsidy_policy(rows, month_from=MEHR, year_from=YEAR)
    assert info.value.rule == "POLICY_VALUE_MISSING" and named in info.value.message_en
    assert info.value.message_fa


def test_a_rate_from_a_later_day_is_not_taken_for_an_earlier_month():
    with pytest.raises(RuleViolation) as info:
        subsidy_policy(BASE, month_from=YEAR - DAY, year_from=YEAR)
    assert "SUBSIDY_RATE" in info.value.message_en


def test_equal_thresholds_leave_no_half_band_and_falling_ones_are_refused():
    equal = [*BASE, PolicyRow(K.BONUS_FULL_ABOVE, "", YEAR, 1000)]
    assert subsidy_policy(equal, month_from=MEHR, year_from=YEAR).bonus_tiers == (
        BonusTier(F(1, 10), 0), BonusTier(None, 1))
    falling = [*BASE, PolicyRow(K.BONUS_FULL_ABOVE, "", YEAR, 900)]
    with pytest.raises(RuleViolation) as info:
        subsidy_policy(falling, month_from=MEHR, year_from=YEAR)
    assert info.value.rule == "POLICY_VALUES_INCONSISTENT"


def test_an_earlier_years_check_reads_the_exit_figures_alone():
    """No rate is needed for a year's exit check; a year before any exit target had none to miss."""
    no_rates = [row for row in BASE if row.key not in (K.SUBSIDY_RATE, K.BONUS_PER_EXIT)]
    figures = exit_policy(no_rates, year_from=YEAR)
    assert figures == ExitPolicy(F(1, 10), (F(7, 10), F(1, 2)), 3)
    assert exit_policy(no_rates, year_from=DIRECTIVE - DAY) is None
    without_shares = [row for row in no_rates if row.key is not K.MISSED_EXIT_SHARE]
    with pytest.raises(RuleViolation) as info:
        exit_policy(without_shares, year_from=YEAR)
    assert "MISSED_EXIT_SHARE (1)" in info.value.message_en
    with pytest.raises(RuleViolation) as info:
        subsidy_policy(BASE, month_from=DIRECTIVE - DAY, year_from=DIRECTIVE - DAY)
    assert "EXIT_TARGET" in info.value.message_en  # the statement's own year needs its target


@pytest.mark.parametrize(("rows", "year_from", "target"), [
    (BASE, YEAR, F(1, 10)),
    # read on the year's first day: a change from that day counts, one from the next day waits for next year
    (BASE + [PolicyRow(K.EXIT_TARGET, "", YEAR, 1200)], YEAR, F(3, 25)),
    (BASE + [PolicyRow(K.EXIT_TARGET, "", YEAR + DAY, 1200)], YEAR, F(1, 10)),
    # none in force before the directive's figures
    (BASE, DIRECTIVE - DAY, None),
])
def test_the_exit_target_of_a_year(rows: list[PolicyRow], year_from: datetime.date, target: F | None) -> None:
    assert exit_target(rows, year_from=year_from) == target
    figures = exit_policy(rows, year_from=year_from)
    assert (None if figures is None else figures.exit_target) == target
