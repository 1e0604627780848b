"""rules/subsidy.py: a partner's yearly statement under Art. 6 — grade shares (6.4, notes 4 and 5), nothing for an
ungraded clinic (6.4.4), the exit check and its missed years (6.3, note 6), follow-up after exit (6.7), the proposed
bonus (6.8, note 7); exit rates exact at every boundary, a fractional rial floored once per line."""

from __future__ import annotations

import datetime
from fractions import Fraction as F

import pytest

from rules.errors import RuleInputError
from rules.grading import first_year_ends
from rules.subsidy import (
    Basis,
    BonusTier,
    ExitOutcome,
    FileMonth,
    SubsidyPolicy,
    YearExits,
    bonus_share,
    exit_check,
    exit_rate,
    exit_target_met,
    missed_years_before,
    statement,
)

RATES = {"REHABILITABLE": 10_000_000, "NON_REHABILITABLE": 6_000_000, "CHILD_FOLLOW_UP": 3_000_000}
POLICY_FIELDS = dict(
    rate_rials=RATES,
    grade_share={"GRADE_1": F(1), "GRADE_2": F(9, 10), "GRADE_3": F(8, 10)},
    exit_target=F(1, 10),
    missed_year_shares=(F(7, 10), F(1, 2)),
    files_returned_in_missed_year=3,
    follow_up_share=F(1, 10),
    bonus_tiers=(BonusTier(F(1, 10), F(0)), BonusTier(F(15, 100), F(1, 2)), BonusTier(None, F(1))),
    bonus_per_exit_rials=50_000_000,
    non_rehabilitable_bonus_multiplier=F(2),
)
POLICY = SubsidyPolicy(**POLICY_FIELDS)
YEAR = 1404
MET = YearExits(rehabilitable_held=100, rehabilitable_exited=20)  # 20 %: target met, full bonus
NONE_HELD = YearExits(rehabilitable_held=0, rehabilitable_exited=0)


def _policy(**changes):
    return SubsidyPolicy(**{**POLICY_FIELDS, **changes})


def _month(kind="REHABILITABLE", month=1, *, file_id=1, grade=None, first_year=False, exited=None):
    return FileMonth(file_id, kind, (YEAR, month), grade=grade, first_year=first_year, exited=exited)


def _statement(partner_kind, months, exits=MET, *, missed_years_before=0, policy=POLICY):
    return statement(YEAR, partner_kind, months, exits, missed_years_before=missed_years_before, policy=policy)


def _only_file_line(result):
    (line,) = [line for line in result.lines if not line.proposed]
    return line


# Exit rates: exact at 9.9 %, 10 %, 10.1 %, 15 %, 15.1 % — held 1000, so no float could hide a boundary.

@pytest.mark.parametrize(("exited", "held", "rate"), [
    (99, 1000, F(99, 1000)),
    (100, 1000, F(1, 10)),
    (1, 3, F(1, 3)),
    (0, 7, F(0)),
    (7, 7, F(1)),
    (0, 0, None),        # nothing held: no rate
])
def test_exit_rate_is_exact(exited: int, held: int, rate: F | None) -> None:
    assert exit_rate(exited, held) == rate


@pytest.mark.parametrize(("exited", "held", "field"), [
    (11, 10, "rehabilitableExited"),
    (1, 0, "rehabilitableExited"),
    (-1, 10, "rehabilitableExited"),
    (1, -1, "rehabilitableHeld"),
    (1.0, 10, "rehabilitableExited"),
    (True, 10, "rehabilitableExited"),
])
def test_exit_rate_refuses_bad_counts(exited, held, field: str) -> None:
    with pytest.raises(RuleInputError) as info:
        exit_rate(exited, held)
    assert info.value.field == field


BOUNDARIES = [
    # exited of 1000, the check (≥ 10 % met), the bonus share (≤ 10 % none, ≤ 15 % half, above full)
    (99, ExitOutcome.MISSED, F(0)),      # 9.9 %
    (100, ExitOutcome.MET, F(0)),        # 10 %: the target is met, but no bonus
    (101, ExitOutcome.MET, F(1, 2)),     # 10.1 %
    (150, ExitOutcome.MET, F(1, 2)),     # 15 %
    (151, ExitOutcome.MET, F(1)),        # 15.1 %
]


@pytest.mark.parametrize(("exited", "outcome", "share"), BOUNDARIES)
def test_exit_check_and_bonus_at_the_boundaries(exited: int, outcome: ExitOutcome, share: F) -> None:
    rate = exit_rate(exited, 1000)
    assert exit_check(rate, 0, POLICY).outcome is outcome
    assert bonus_share(rate, POLICY) == share


@pytest.mark.parametrize(("exited", "outcome", "share"), BOUNDARIES)
def test_statement_at_the_boundaries(exited: int, outcome: ExitOutcome, share: F) -> None:
    result = _statement("CLINIC", [_month(grade="GRADE_1")], YearExits(1000, exited))
    assert result.exit_check.outcome is outcome
    (bonus,) = [line for line in result.lines if line.basis is Basis.REHABILITATION_BONUS]
    assert bonus.article == "Art. 6.8" and bonus.proposed
    assert bonus.amount_rials == exited * 50_000_000 * share
    missed = outcome is ExitOutcome.MISSED
    assert _only_file_line(result).amount_rials == (7_000_000 if missed else 10_000_000)


# Note 6: three missed years in a row.

@pytest.mark.parametrize(("before", "outcome", "share", "run"), [
    (0, ExitOutcome.MISSED, F(7, 10), 1),
    (1, ExitOutcome.MISSED, F(1, 2), 2),
    (2, ExitOutcome.RETURN_FILES, F(1, 2), 3),   # the third: files back to level 3, still paid no more than 50 %
    (5, ExitOutcome.RETURN_FILES, F(1, 2), 6),
])
def test_consecutive_missed_years(before: int, outcome: ExitOutcome, share: F, run: int) -> None:
    check = exit_check(F(99, 1000), before, POLICY)
    assert (check.outcome, check.share, check.missed_years, check.article) == (outcome, share, run, "Art. 6.3 note 6")
    result = _statement("CLINIC", [_month(grade="GRADE_1")], YearExits(1000, 99), missed_years_before=before)
    line = _only_file_line(result)
    assert (line.basis, line.article, line.amount_rials) == (Basis.EXIT_TARGET_MISSED, "Art. 6.3 note 6",
                                                             10_000_000 * share)
    assert result.files_to_return is (outcome is ExitOutcome.RETURN_FILES)


def test_the_missed_year_share_is_of_the_maximum_rate_and_never_a_raise() -> None:
    # 70 % of the maximum replaces a grade 3 clinic's 80 %; a policy whose penalty is above the grade share pays the
    # grade share; an ungraded month stays at nothing.
    missed = YearExits(1000, 99)
    assert _only_file_line(_statement("CLINIC", [_month(grade="GRADE_3")], missed)).amount_rials == 7_000_000
    lenient = _policy(missed_year_shares=(F(9, 10),))
    line = _only_file_line(_statement("CLINIC", [_month(grade="GRADE_3")], missed, policy=lenient))
    assert (line.basis, line.amount_rials) == (Basis.GRADE, 8_000_000)
    line = _only_file_line(_statement("CLINIC", [_month(grade="UNGRADED")], missed))
    assert (line.basis, line.amount_rials) == (Basis.UNGRADED_NO_FILES, 0)


@pytest.mark.parametrize(("rate", "before", "run"), [
    (F(1, 10), 2, 0),    # met: the run ends
    (None, 2, 2),        # nothing held: the run neither ends nor grows
    (None, 0, 0),
])
def test_the_run_of_missed_years(rate: F | None, before: int, run: int) -> None:
    assert exit_check(rate, before, POLICY).missed_years == run


def test_no_rehabilitable_files_no_penalty_and_no_bonus() -> None:
    result = _statement("CLINIC", [_month("NON_REHABILITABLE", grade="GRADE_2")], NONE_HELD, missed_years_before=1)
    assert result.exit_check.outcome is ExitOutcome.NOT_APPLICABLE and result.exit_check.rate is None
    assert bonus_share(None, POLICY) == 0
    assert [(line.basis, line.amount_rials) for line in result.lines] == [(Basis.GRADE, 5_400_000)]


# Art. 6.4 and note 4: a new clinic's first year, day 364 and day 365.

START = datetime.date(2025, 3, 21)  # 1404/01/01; not leap: the first year has 365 days


@pytest.mark.parametrize(("day", "grade", "basis", "amount"), [
    (364, "UNGRADED", Basis.FIRST_YEAR, 9_000_000),       # the first year's last day: grade 2
    (364, None, Basis.FIRST_YEAR, 9_000_000),
    (365, "UNGRADED", Basis.UNGRADED_NO_FILES, 0),        # the first day after it: no files, nothing paid
    (365, None, Basis.UNGRADED_NO_FILES, 0),
    (364, "GRADE_1", Basis.GRADE, 10_000_000),            # a grade, once given, wins
    (365, "GRADE_1", Basis.GRADE, 10_000_000),
    (365, "GRADE_3", Basis.GRADE, 8_000_000),
])
def test_a_new_clinics_first_year(day: int, grade: str | None, basis: Basis, amount: int) -> None:
    on = START + datetime.timedelta(days=day)
    first_year = START <= on < first_year_ends(START)
    line = _only_file_line(_statement("CLINIC", [_month(grade=grade, first_year=first_year)]))
    assert (line.basis, line.amount_rials) == (basis, amount)
    assert line.article == {Basis.FIRST_YEAR: "Art. 6.4 note 4", Basis.UNGRADED_NO_FILES: "Art. 6.4.4",
                            Basis.GRADE: "Art. 6.4"}[basis]


@pytest.mark.parametrize(("grade", "amount"), [("GRADE_1", 10_000_000), ("GRADE_2", 9_000_000),
                                               ("GRADE_3", 8_000_000)])
def test_grade_shares(grade: str, amount: int) -> None:
    assert _only_file_line(_statement("CLINIC", [_month(grade=grade)])).amount_rials == amount


# Note 5: a charity or complex holding rehabilitable files is paid as grade 3 — for all its files.

@pytest.mark.parametrize(("partner", "months", "exits", "expected"), [
    ("CHARITY", [_month()], MET, [(Basis.NOTE_5_GRADE_3, 8_000_000)]),
    ("SERVICE_COMPLEX", [_month()], MET, [(Basis.NOTE_5_GRADE_3, 8_000_000)]),
    ("CHARITY", [_month(), _month("NON_REHABILITABLE", file_id=2)], MET,
     [(Basis.NOTE_5_GRADE_3, 8_000_000), (Basis.NOTE_5_GRADE_3, 4_800_000)]),
    ("CHARITY", [_month("NON_REHABILITABLE")], MET, [(Basis.NOTE_5_GRADE_3, 4_800_000)]),  # held some in the year
    ("CHARITY", [_month()], NONE_HELD, [(Basis.NOTE_5_GRADE_3, 8_000_000)]),  # a rehabilitable file-month counts
    ("CHARITY", [_month("NON_REHABILITABLE")], NONE_HELD, [(Basis.APPROVED_RATE, 6_000_000)]),
    ("CHILD_HOME", [_month("CHILD_FOLLOW_UP")], NONE_HELD, [(Basis.APPROVED_RATE, 3_000_000)]),
])
def test_partners_that_are_not_clinics(partner: str, months, exits: YearExits, expected) -> None:
    result = _statement(partner, months, exits)
    assert [(line.basis, line.amount_rials) for line in result.lines if not line.proposed] == expected
    articles = {line.article for line in result.lines if not line.proposed}
    assert articles == ({"Art. 6.2"} if expected[0][0] is Basis.APPROVED_RATE else {"Art. 6.4 note 5"})


def test_only_clinics_carry_a_grade() -> None:
    with pytest.raises(RuleInputError) as info:
        _statement("CHARITY", [_month(grade="GRADE_1")])
    assert info.value.field == "grade"


def test_an_ungraded_clinic_after_its_first_year_pays_nothing() -> None:
    months = [_month(kind, m, file_id=i, grade="UNGRADED")
              for i, kind in enumerate(("REHABILITABLE", "NON_REHABILITABLE", "CHILD_FOLLOW_UP"))
              for m in (1, 12)]
    result = _statement("CLINIC", months, YearExits(100, 0))
    file_lines = [line for line in result.lines if not line.proposed]
    assert len(file_lines) == 6
    assert {(line.basis, line.article, line.amount_rials) for line in file_lines} == {
        (Basis.UNGRADED_NO_FILES, "Art. 6.4.4", 0)}
    assert result.subsidy_rials == 0


# Art. 6.7: follow-up after exit, 10 % of the rate, for the twelve months after the exit month.

@pytest.mark.parametrize(("exited", "month", "basis", "amount"), [
    ((YEAR - 1, 12), 1, Basis.FOLLOW_UP, 1_000_000),        # the month after the exit
    ((YEAR - 1, 1), 1, Basis.FOLLOW_UP, 1_000_000),         # the twelfth month after it
    ((YEAR - 1, 1), 2, Basis.FOLLOW_UP_ENDED, 0),           # the thirteenth: the year is over
])
def test_follow_up_after_exit(exited, month: int, basis: Basis, amount: int) -> None:
    line = _only_file_line(_statement("CLINIC", [_month(month=month, grade="GRADE_2", exited=exited)]))
    assert (line.basis, line.article, line.amount_rials) == (basis, "Art. 6.7", amount)


def test_follow_up_is_of_the_rate_not_of_the_grade_share() -> None:
    # 10 % of a non-rehabilitable family's 6 000 000, whether grade 3 or in a missed year (50 % of the maximum)
    month = _month("NON_REHABILITABLE", 3, grade="GRADE_3", exited=(YEAR, 2))
    assert _only_file_line(_statement("CLINIC", [month])).amount_rials == 600_000
    missed = _statement("CLINIC", [month], YearExits(1000, 0), missed_years_before=1)
    assert _only_file_line(missed).amount_rials == 600_000
    ungraded = _month(month=3, grade="UNGRADED", exited=(YEAR, 2))
    assert _only_file_line(_statement("CLINIC", [ungraded])).basis is Basis.UNGRADED_NO_FILES


@pytest.mark.parametrize(("kind", "exited"), [
    ("REHABILITABLE", (YEAR, 3)),            # the exit month is an ordinary month, not a follow-up
    ("REHABILITABLE", (YEAR, 4)),            # a follow-up before the exit
    ("CHILD_FOLLOW_UP", (YEAR, 1)),          # 6.7 is for families
    ("REHABILITABLE", (YEAR, 13)),
])
def test_follow_up_refused(kind: str, exited) -> None:
    with pytest.raises(RuleInputError) as info:
        _month(kind, 3, exited=exited)
    assert info.value.field == "exited"


# Art. 6.8 note 7: a non-rehabilitable family's exit earns the multiplier times the full bonus, whatever the band.

@pytest.mark.parametrize(("multiplier", "exits", "amount"), [
    (F(2), YearExits(1000, 99, 3), 300_000_000),         # ×2, though the rehabilitable band pays nothing
    (F(2), YearExits(0, 0, 1), 100_000_000),
    (F(3, 2), YearExits(1000, 151, 3), 225_000_000),
    (F(2), YearExits(1000, 151, 0), None),               # no such exit: no line
])
def test_non_rehabilitable_exit_bonus(multiplier: F, exits: YearExits, amount: int | None) -> None:
    result = _statement("CLINIC", [], exits, policy=_policy(non_rehabilitable_bonus_multiplier=multiplier))
    lines = [line for line in result.lines if line.basis is Basis.NON_REHABILITABLE_EXIT_BONUS]
    assert [line.amount_rials for line in lines] == ([] if amount is None else [amount])
    assert all(line.article == "Art. 6.8 note 7" and line.proposed for line in lines)


# Rounding: floor, once per line.

@pytest.mark.parametrize(("changes", "months", "exits", "amounts"), [
    # 1 000 001 × 9/10 = 900 000.9 → 900 000
    ({"rate_rials": {**RATES, "REHABILITABLE": 1_000_001}}, [_month(grade="GRADE_2")], NONE_HELD, [900_000]),
    # 1 000 009 × 1/10 = 100 000.9 → 100 000
    ({"rate_rials": {**RATES, "NON_REHABILITABLE": 1_000_009}},
     [_month("NON_REHABILITABLE", 2, grade="GRADE_1", exited=(YEAR, 1))], NONE_HELD, [100_000]),
    # 3 files × 5 rials × 1/2 = 7.5 → 7 for the line (flooring per file would give 6)
    ({"bonus_per_exit_rials": 5}, [], YearExits(20, 3), [7]),
    # 3 files × 5 rials × 3/2 = 22.5 → 22 (per file: 21)
    ({"bonus_per_exit_rials": 5, "non_rehabilitable_bonus_multiplier": F(3, 2)}, [], YearExits(0, 0, 3), [22]),
])
def test_a_fractional_rial_is_floored_once_per_line(changes, months, exits: YearExits, amounts) -> None:
    result = _statement("CLINIC", months, exits, policy=_policy(**changes))
    assert [line.amount_rials for line in result.lines] == amounts


def test_totals_are_the_sum_of_the_lines() -> None:
    months = [_month("REHABILITABLE", m, file_id=1, grade="GRADE_2") for m in (1, 2, 3)]
    months += [_month("NON_REHABILITABLE", 5, file_id=2, grade="GRADE_2", exited=(YEAR, 4))]
    months += [_month("CHILD_FOLLOW_UP", 6, file_id=1, grade="GRADE_1")]  # a child numbered like a family
    result = _statement("CLINIC", months, YearExits(1000, 120, 1))
    amounts = [line.amount_rials for line in result.lines]
    assert amounts == [9_000_000] * 3 + [600_000, 3_000_000, 3_000_000_000, 100_000_000]
    assert result.total_rials == sum(amounts) == 3_130_600_000
    assert result.subsidy_rials == 30_600_000 and result.proposed_bonus_rials == 3_100_000_000
    assert all(line.article.startswith("Art. 6.") for line in result.lines)


def test_an_empty_year() -> None:
    result = _statement("CLINIC", [], NONE_HELD)
    assert result.lines == () and result.total_rials == 0 and not result.files_to_return


@pytest.mark.parametrize(("months", "field"), [
    ([_month(), _month()], "fileMonths"),                               # the same file-month twice
    ([FileMonth(1, "REHABILITABLE", (YEAR + 1, 1))], "month"),          # outside the year
])
def test_statement_refuses_bad_file_months(months, field: str) -> None:
    with pytest.raises(RuleInputError) as info:
        _statement("CLINIC", months)
    assert info.value.field == field


@pytest.mark.parametrize(("args", "field"), [
    ((1, "CHILD", (YEAR, 1)), "kind"),
    ((1, "REHABILITABLE", (YEAR, 13)), "month"),
    ((1, "REHABILITABLE", (YEAR, 0)), "month"),
    ((1, "REHABILITABLE", "1404/01"), "month"),
])
def test_file_month_refuses_bad_input(args, field: str) -> None:
    with pytest.raises(RuleInputError) as info:
        FileMonth(*args)
    assert info.value.field == field


def test_statement_refuses_an_unknown_partner_kind() -> None:
    with pytest.raises(RuleInputError) as info:
        _statement("KINDERGARTEN_OPERATOR", [])
    assert info.value.field == "kind"


@pytest.mark.parametrize(("changes", "field"), [
    ({"rate_rials": {"REHABILITABLE": 1, "NON_REHABILITABLE": 1}}, "rateRials"),
    ({"rate_rials": {**RATES, "CHILD_FOLLOW_UP": -1}}, "rateRials"),
    ({"grade_share": {"GRADE_1": F(1), "GRADE_2": F(9, 10)}}, "gradeShare"),
    ({"grade_share": {"GRADE_1": 0.9, "GRADE_2": F(9, 10), "GRADE_3": F(8, 10)}}, "gradeShare"),  # a float
    ({"exit_target": F(11, 10)}, "exitTarget"),
    ({"missed_year_shares": ()}, "missedYearShares"),
    ({"missed_year_shares": (F(-1, 10),)}, "missedYearShares"),
    ({"files_returned_in_missed_year": 0}, "filesReturnedInMissedYear"),
    ({"follow_up_share": 0.1}, "followUpShare"),
    ({"bonus_tiers": (BonusTier(F(1, 10), F(0)),)}, "bonusTiers"),                        # no open last band
    ({"bonus_tiers": (BonusTier(F(15, 100), F(1, 2)), BonusTier(F(1, 10), F(0)), BonusTier(None, F(1)))},
     "bonusTiers"),                                                                      # not rising
    ({"bonus_tiers": (BonusTier(None, F(3, 2)),)}, "bonusTiers"),
    ({"bonus_per_exit_rials": 1.5}, "bonusPerExitRials"),
    ({"non_rehabilitable_bonus_multiplier": F(-2)}, "nonRehabilitableBonusMultiplier"),
])
def test_policy_refuses_bad_values(changes, field: str) -> None:
    with pytest.raises(RuleInputError) as info:
        _policy(**changes)
    assert info.value.field == field


def test_policy_values_are_data_not_code() -> None:
    # The same file-month under another year's figures: nothing is fixed in the module.
    other = _policy(rate_rials={**RATES, "REHABILITABLE": 20_000_000},
                    grade_share={"GRADE_1": F(1), "GRADE_2": F(3, 4), "GRADE_3": F(1, 2)},
                    exit_target=F(1, 5), missed_year_shares=(F(3, 5), F(2, 5)), files_returned_in_missed_year=2)
    assert _only_file_line(_statement("CLINIC", [_month(grade="GRADE_2")], policy=other)).amount_rials == 15_000_000
    result = _statement("CLINIC", [_month(grade="GRADE_2")], YearExits(100, 15), missed_years_before=1, policy=other)
    assert result.exit_check.outcome is ExitOutcome.RETURN_FILES
    assert _only_file_line(result).amount_rials == 8_000_000


# Figures that change during the year: each month's lines at its own figures, the year's check and bonus at the year's.

def test_each_month_is_paid_at_its_own_figures() -> None:
    raised = _policy(rate_rials={**RATES, "REHABILITABLE": 15_000_000}, follow_up_share=F(2, 10))
    months = [_month(month=6, grade="GRADE_2"), _month(month=7, grade="GRADE_2"),
              _month(month=8, grade="GRADE_2", exited=(YEAR, 7))]
    monthly = {(YEAR, 6): POLICY, (YEAR, 7): raised, (YEAR, 8): raised}
    result = statement(YEAR, "CLINIC", months, MET, missed_years_before=0, policy=POLICY, monthly=monthly)
    assert [line.amount_rials for line in result.lines if not line.proposed] == [9_000_000, 13_500_000, 3_000_000]
    (bonus,) = [line for line in result.lines if line.proposed]
    assert bonus.amount_rials == 20 * 50_000_000  # the year's bonus per exit, not a month's


def test_the_missed_year_share_is_the_years() -> None:
    lenient = _policy(missed_year_shares=(F(9, 10),))
    months = [_month(month=1, grade="GRADE_1")]
    result = statement(YEAR, "CLINIC", months, YearExits(100, 1), missed_years_before=0, policy=POLICY,
                       monthly={(YEAR, 1): lenient})
    assert _only_file_line(result).amount_rials == 7_000_000


def test_a_month_without_figures_is_refused() -> None:
    with pytest.raises(RuleInputError) as info:
        statement(YEAR, "CLINIC", [_month(month=2, grade="GRADE_1")], MET, missed_years_before=0, policy=POLICY,
                  monthly={(YEAR, 1): POLICY})
    assert info.value.field == "monthly"


# Note 6: the run before a year, from the partner's first year, an approved statement's run standing for its year.

def _checks(rates: dict[int, F | None]):
    def check(year: int, before: int) -> int:
        return exit_check(rates[year], before, POLICY).missed_years
    return check


@pytest.mark.parametrize(("first_year", "approved", "rates", "run"), [
    (1404, {}, {}, 0),                                              # the partner's first year: nothing before
    (1402, {}, {1402: F(0), 1403: F(1, 20)}, 2),                    # two missed years
    (1402, {}, {1402: F(0), 1403: F(1, 10)}, 0),                    # the last met: the run ends
    (1402, {}, {1402: F(0), 1403: None}, 1),                        # no rehabilitable files: the run carries
    (1402, {1402: 0}, {1402: F(0), 1403: F(0)}, 1),                 # approved as met: what was approved stands
    (1401, {1403: 5}, {1401: F(0), 1402: F(0), 1403: F(1)}, 5),     # an approved run is taken as stored
])
def test_the_run_of_missed_years_before_a_year(first_year, approved, rates, run) -> None:
    assert missed_years_before(1404, first_year, approved, _checks(rates)) == run


@pytest.mark.parametrize(("exited", "held", "target", "met"), [
    (99, 1000, F(1, 10), False),   # 9.9 %
    (100, 1000, F(1, 10), True),   # 10 %: met at the target itself
    (101, 1000, F(1, 10), True),   # 10.1 %
    (0, 7, F(0), True),            # no target to reach
    (0, 0, F(1, 10), None),        # no rehabilitable files held: nothing to judge
    (1, 10, None, None),           # no target in force
])
def test_exit_target_met_at_the_boundary(exited: int, held: int, target: F | None, met: bool | None) -> None:
    assert exit_target_met(exit_rate(exited, held), target) is met
    if met is not None and target is not None:  # the same judgement as the statement's exit check
        policy = SubsidyPolicy(**{**POLICY_FIELDS, "exit_target": target})
        assert (exit_check(exit_rate(exited, held), 0, policy).outcome is ExitOutcome.MET) is met
