"""rules/grading.py: an ungraded clinic gets no files (Art. 6.4.4) save in its first year, when it counts as grade 2
(note 4); only clinics are graded, and a grading is dated no later than today nor before the last one."""

from __future__ import annotations

import datetime

import pytest

from rules.errors import RuleInputError, RuleViolation
from rules.grading import check_clinic_graded, check_grading, first_year_ends, first_year_start, grade_in_force

D = datetime.date
DAY = datetime.timedelta(days=1)
START = D(2025, 3, 21)  # 1404/01/01; 1404 is not a leap year: its first year has 365 days
LEAP_START = D(2024, 3, 20)  # 1403/01/01; 1403 is leap: 366 days


@pytest.mark.parametrize(("licensed_from", "first_agreement_on", "expected"), [
    (START, D(2025, 4, 1), START),               # license first
    (D(2025, 6, 1), START, START),               # the agreement first: a later license does not make it new again
    (None, START, START),
    (START, None, START),
    (None, None, None),
])
def test_first_year_starts_at_the_earlier_date(licensed_from, first_agreement_on, expected) -> None:
    assert first_year_start(licensed_from, first_agreement_on) == expected


@pytest.mark.parametrize(("start", "ends"), [
    (START, D(2026, 3, 21)),                     # 1404/01/01 -> 1405/01/01
    (LEAP_START, D(2025, 3, 21)),                # 1403/01/01 -> 1404/01/01
    (D(2025, 3, 20), D(2026, 3, 21)),            # 1403/12/30 -> 1405/01/01: no 30 Esfand in 1404
])
def test_first_year_ends(start: datetime.date, ends: datetime.date) -> None:
    assert first_year_ends(start) == ends


def _grade(grade, on, *, licensed_from=START, first_agreement_on=None, ever_graded=False):
    return grade_in_force(grade, licensed_from=licensed_from, first_agreement_on=first_agreement_on,
                          ever_graded=ever_graded, on=on)


@pytest.mark.parametrize(("start", "days", "expected"), [
    (START, 0, "GRADE_2"),        # the license's first day
    (START, 364, "GRADE_2"),      # the last day of a 365-day first year
    (START, 365, None),           # the first day after it
    (START, 366, None),
    (START, -1, None),            # before it began
    (LEAP_START, 364, "GRADE_2"),
    (LEAP_START, 365, "GRADE_2"),  # a leap first year has 366 days
    (LEAP_START, 366, None),
])
def test_an_ungraded_clinic_counts_as_grade_2_in_its_first_year_only(start, days, expected) -> None:
    assert _grade("UNGRADED", start + days * DAY, licensed_from=start) == expected
    assert _grade(None, start + days * DAY, licensed_from=start) == expected


@pytest.mark.parametrize("grade", ["GRADE_1", "GRADE_2", "GRADE_3"])
@pytest.mark.parametrize("days", [0, 364, 365, 3000])
def test_a_graded_clinic_keeps_its_grade(grade: str, days: int) -> None:
    assert _grade(grade, START + days * DAY, ever_graded=True) == grade
    assert _grade(grade, START + days * DAY, licensed_from=None) == grade


def test_a_grading_decision_ends_the_first_year() -> None:
    # The office recorded a decision (e.g. graded, then the grade withdrawn): note 4's year is the one before grading.
    assert _grade("UNGRADED", START + 10 * DAY, ever_graded=True) is None


def test_no_date_no_first_year() -> None:
    assert _grade("UNGRADED", START, licensed_from=None, first_agreement_on=None) is None


def test_the_first_agreement_can_end_the_first_year_earlier() -> None:
    license = START + 200 * DAY
    assert _grade("UNGRADED", START + 364 * DAY, licensed_from=license, first_agreement_on=START) == "GRADE_2"
    assert _grade("UNGRADED", START + 365 * DAY, licensed_from=license, first_agreement_on=START) is None


def test_an_unknown_grade_is_bad_input() -> None:
    with pytest.raises(RuleInputError) as info:
        _grade("GRADE_4", START)
    assert info.value.field == "grade"


@pytest.mark.parametrize(("days", "refused"), [(364, False), (365, True)])
def test_check_clinic_graded(days: int, refused: bool) -> None:
    kwargs = {"licensed_from": START, "first_agreement_on": START + 9 * DAY, "ever_graded": False,
              "on": START + days * DAY}
    if not refused:
        assert check_clinic_graded("UNGRADED", **kwargs) is None
        return
    with pytest.raises(RuleViolation) as info:
        check_clinic_graded("UNGRADED", **kwargs)
    assert info.value.rule == "ART_6_4_UNGRADED" and info.value.message_fa
    assert check_clinic_graded("GRADE_3", **kwargs) is None


TODAY = D(2026, 11, 25)


@pytest.mark.parametrize(("graded_on", "latest", "ok"), [
    (TODAY, None, True),
    (TODAY - DAY, TODAY - DAY, True),    # the same day as the last grading: a correction
    (TODAY, TODAY - 300 * DAY, True),
    (TODAY + DAY, None, False),          # not yet decided
    (TODAY - 2 * DAY, TODAY - DAY, False),  # before the last grading
])
def test_check_grading_dates(graded_on, latest, ok) -> None:
    if ok:
        assert check_grading("CLINIC", graded_on, today=TODAY, latest_graded_on=latest) is None
        return
    with pytest.raises(RuleInputError) as info:
        check_grading("CLINIC", graded_on, today=TODAY, latest_graded_on=latest)
    assert info.value.field == "gradedOn"


@pytest.mark.parametrize("kind", ["CHARITY", "SERVICE_COMPLEX", "CHILD_HOME"])
def test_only_clinics_are_graded(kind: str) -> None:
    with pytest.raises(RuleInputError) as info:
        check_grading(kind, TODAY, today=TODAY, latest_graded_on=None)
    assert info.value.field == "partnerId"
