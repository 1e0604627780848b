"""rules/bonus_approval.py: which level-3 decision approves a statement's bonus (Art. 4.16) — decided in or after the
statement's year, by the day of approval, of level 3, not one another year's statement was paid under; the earliest —
and what the statement pays with and without it."""

from __future__ import annotations

import datetime
from fractions import Fraction

import pytest

from rules.bonus_approval import BonusDecision, approving_decision, paid_rials
from rules.subsidy import Basis, ExitCheck, ExitOutcome, Statement, StatementLine

YEAR_STARTS = datetime.date(2025, 3, 21)   # 1404/01/01
APPROVED_ON = datetime.date(2026, 5, 1)
DAY = datetime.timedelta(days=1)


def decision(id: int, decided_on: datetime.date, level: int = 3) -> BonusDecision:
    return BonusDecision(id=id, level=level, decided_on=decided_on)


@pytest.mark.parametrize(("decisions", "used", "expected"), [
    ([], (), None),
    ([decision(1, YEAR_STARTS)], (), 1),                           # the year's first day
    ([decision(1, YEAR_STARTS - DAY)], (), None),                  # the day before the year: another year's
    ([decision(1, APPROVED_ON)], (), 1),                           # the day of approval
    ([decision(1, APPROVED_ON + DAY)], (), None),                  # after the approval: not paid by it
    ([decision(1, YEAR_STARTS + DAY, level=2)], (), None),         # level 2 proposes; it approves nothing
    ([decision(1, YEAR_STARTS + DAY)], (1,), None),                # paid another year's statement
    ([decision(2, APPROVED_ON - DAY), decision(1, YEAR_STARTS + DAY)], (), 1),    # the earliest
    ([decision(2, YEAR_STARTS + DAY), decision(1, YEAR_STARTS + DAY)], (), 1),    # the same day: the first recorded
    ([decision(1, YEAR_STARTS + DAY), decision(2, APPROVED_ON)], (1,), 2),        # the one not used yet
])
def test_the_decision_that_approves_the_bonus(decisions, used, expected):
    found = approving_decision(decisions, year_starts=YEAR_STARTS, by=APPROVED_ON, used=used)
    assert (None if found is None else found.id) == expected


STATEMENT = Statement(1404, "CLINIC", ExitCheck(Fraction(1, 5), ExitOutcome.MET, None, 0, "Art. 6.3"), (
    StatementLine(Basis.GRADE, 12_000_000, 12_000_000, Fraction(1), 1, 7, (1404, 1), "REHABILITABLE"),
    StatementLine(Basis.REHABILITATION_BONUS, 60_000_000, 30_000_000, Fraction(1), 2),
    StatementLine(Basis.NON_REHABILITABLE_EXIT_BONUS, 60_000_000, 30_000_000, Fraction(2), 1)))


@pytest.mark.parametrize(("approved", "paid"), [(True, 132_000_000), (False, 12_000_000)])
def test_the_bonus_lines_are_paid_only_when_approved(approved, paid):
    assert paid_rials(STATEMENT, approved) == paid
    assert STATEMENT.proposed_bonus_rials == 120_000_000  # listed either way
