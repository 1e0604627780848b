"""rules/file_months.py: which file-months a partner is paid for (the holder on the month's last day, Art. 6.2), the
follow-up months after an exit (Art. 6.7), the year's exits (Art. 6.3, 6.8) and a clinic's grade of a month (Art.
6.4, note 4) — every boundary day, Jalali dates from jdatetime."""

from __future__ import annotations

import datetime

import jdatetime
import pytest

from rules.file_months import (
    FamilyFile,
    Holding,
    Standing,
    clinic_standing,
    month_files,
    month_of,
    year_exits,
)
from rules.subsidy import YearExits

PARTNER, OTHER = 7, 8
DAY = datetime.timedelta(days=1)


def g(year: int, month: int, day: int) -> datetime.date:
    return jdatetime.date(year, month, day).togregorian()


def last_day(year: int, month: int) -> datetime.date:
    following = g(year + 1, 1, 1) if month == 12 else g(year, month + 1, 1)
    return following - DAY


MEHR = (1404, 7)
MEHR_LAST = last_day(*MEHR)  # 1404/07/30


def family(id: int = 1, kind: str = "REHABILITABLE", **exit: object) -> FamilyFile:
    return FamilyFile(id, kind, **exit)  # type: ignore[arg-type]


def held(holdings: list[Holding], families: dict[int, FamilyFile] | None = None, month=MEHR,
         last=MEHR_LAST) -> list[tuple[str, int, object]]:
    found = month_files(month, last, PARTNER, holdings, families if families is not None else {1: family()})
    return [(m.kind, m.file_id, m.exited) for m in found.file_months]


# --- held on a day: begun by then, not ended on or before it

@pytest.mark.parametrize(("assigned", "ended", "day", "holds"), [
    (g(1404, 7, 30), None, g(1404, 7, 30), True),        # assigned on the day: held that day
    (g(1404, 7, 30), None, g(1404, 7, 29), False),       # not yet begun the day before
    (g(1404, 1, 1), g(1404, 7, 30), g(1404, 7, 30), False),  # ended on the day: the day is the next holder's
    (g(1404, 1, 1), g(1404, 8, 1), g(1404, 7, 30), True),   # ended the day after
    (g(1404, 7, 30), g(1404, 7, 30), g(1404, 7, 30), False),  # assigned and ended the same day: never held
])
def test_an_assignment_holds_its_file_from_its_first_day_until_the_day_it_ends(assigned, ended, day, holds):
    assert Holding(1, False, assigned, ended).holds_on(day) is holds


# --- the month's last day decides

@pytest.mark.parametrize(("assigned", "ended", "counts"), [
    (g(1404, 7, 30), None, True),               # arrived on the last day: the month is its
    (g(1404, 7, 1), g(1404, 7, 30), False),     # returned on the last day
    (g(1404, 5, 1), g(1404, 8, 1), True),       # returned the day after the month ended
    (g(1404, 5, 1), g(1404, 7, 15), False),     # returned mid-month
    (g(1404, 8, 1), None, False),               # not yet come
])
def test_a_file_counts_for_the_partner_that_held_it_on_the_months_last_day(assigned, ended, counts):
    assert held([Holding(1, False, assigned, ended)]) == ([("REHABILITABLE", 1, None)] if counts else [])


def test_a_file_reassigned_mid_month_is_paid_to_one_partner_only():
    """Partner A's assignment ends the day B's begins: on the month's last day only B holds it, so one of the two
    statements has the month and the other has not."""
    moved = g(1404, 7, 12)
    a, b = Holding(1, False, g(1403, 1, 1), moved), Holding(1, False, moved, None)
    families = {1: family()}
    assert month_files(MEHR, MEHR_LAST, PARTNER, [a], families).file_months == ()
    assert [m.file_id for m in month_files(MEHR, MEHR_LAST, PARTNER, [b], families).file_months] == [1]


def test_kinds_an_unclassified_family_is_left_out_and_counted_and_children_are_followed_up():
    families = {1: family(1), 2: family(2, "NON_REHABILITABLE"), 3: family(3, "UNCLASSIFIED")}
    holdings = [Holding(i, False, g(1404, 1, 1)) for i in (3, 2, 1)] + [Holding(9, True, g(1404, 1, 1))]
    found = month_files(MEHR, MEHR_LAST, PARTNER, holdings, families)
    assert [(m.kind, m.file_id) for m in found.file_months] == [
        ("REHABILITABLE", 1), ("NON_REHABILITABLE", 2), ("CHILD_FOLLOW_UP", 9)]
    assert found.unclassified == 1


def test_a_family_no_longer_read_is_not_counted():
    assert held([Holding(5, False, g(1404, 1, 1))]) == []


def test_an_exit_recorded_late_ends_the_months_from_the_exit_day():
    """The assignment ended when the exit was recorded, in Dey; the family left the cycle in Mehr."""
    late = Holding(1, False, g(1404, 1, 1), g(1404, 10, 5))
    exited = {1: family(exited_on=g(1404, 7, 20), exit_partner_id=PARTNER)}
    assert held([late], exited, month=(1404, 6), last=last_day(1404, 6)) == [("REHABILITABLE", 1, None)]
    assert held([late], exited) == []
    assert held([late], {1: family(exited_on=MEHR_LAST, exit_partner_id=PARTNER)}) == []  # exited on the last day
    assert held([late], {1: family(exited_on=MEHR_LAST + DAY, exit_partner_id=PARTNER)}) == [
        ("REHABILITABLE", 1, None)]


# --- after rehabilitation (Art. 6.7)

EXITED = g(1404, 6, 15)
UNTIL = g(1405, 6, 14)  # rules.casework.post_rehabilitation_window: the day before the Jalali anniversary


@pytest.mark.parametrize(("month", "expected"), [
    ((1404, 5), None),                                   # before the exit: the assignment's (none given here)
    ((1404, 6), ("REHABILITABLE", 1, None)),             # the exit month: an ordinary month
    ((1404, 7), ("REHABILITABLE", 1, (1404, 6))),        # the first follow-up month
    ((1405, 1), ("REHABILITABLE", 1, (1404, 6))),
    ((1405, 5), ("REHABILITABLE", 1, (1404, 6))),        # the eleventh
    ((1405, 6), None),                                   # the twelfth ends after access_until: not held at its end
])
def test_a_followed_family_is_held_from_its_exit_until_access_ends(month, expected):
    followed = {1: family(exited_on=EXITED, exit_partner_id=PARTNER, access_until=UNTIL)}
    assert held([], followed, month=month, last=last_day(*month)) == ([] if expected is None else [expected])


def test_a_follow_up_is_its_partners_alone_and_needs_a_follow_up_year():
    other = {1: family(exited_on=EXITED, exit_partner_id=OTHER, access_until=UNTIL)}
    plain = {1: family(exited_on=EXITED, exit_partner_id=PARTNER)}
    for families in (other, plain):
        assert held([], families, month=(1404, 6), last=last_day(1404, 6)) == []
        assert held([], families) == []


def test_the_months_grade_is_on_every_file_month():
    holdings = [Holding(1, False, g(1404, 1, 1)), Holding(2, True, g(1404, 1, 1))]
    found = month_files(MEHR, MEHR_LAST, PARTNER, holdings, {1: family()}, Standing("GRADE_2", False))
    assert {(m.grade, m.first_year) for m in found.file_months} == {("GRADE_2", False)}


# --- the year's exits

FIRST, LAST = g(1404, 1, 1), last_day(1404, 12)


@pytest.mark.parametrize(("holdings", "families", "expected"), [
    # held during the year, once however often it came back
    ([Holding(1, False, g(1403, 1, 1), g(1404, 2, 1)), Holding(1, False, g(1404, 5, 1))], {1: family()},
     YearExits(1, 0)),
    # returned on the year's first day: it held the file that day
    ([Holding(1, False, g(1403, 1, 1), FIRST)], {1: family()}, YearExits(1, 0)),
    # returned the day before the year: not held in it
    ([Holding(1, False, g(1403, 1, 1), FIRST - DAY)], {1: family()}, YearExits(0, 0)),
    # non-rehabilitable and children are not in the rate
    ([Holding(1, False, FIRST), Holding(2, True, FIRST)], {1: family(1, "NON_REHABILITABLE")}, YearExits(0, 0)),
    # an exit credited to the partner in the year
    ([Holding(1, False, FIRST, g(1404, 9, 1)), Holding(2, False, FIRST)],
     {1: family(1, exited_on=g(1404, 8, 30), exit_partner_id=PARTNER), 2: family(2)}, YearExits(2, 1)),
    # credited to another partner: held, not exited
    ([Holding(1, False, FIRST, g(1404, 9, 1))], {1: family(1, exited_on=g(1404, 8, 30), exit_partner_id=OTHER)},
     YearExits(1, 0)),
    # an exit on the year's last day counts; one the day after is next year's
    ([Holding(1, False, FIRST)], {1: family(1, exited_on=LAST, exit_partner_id=PARTNER)}, YearExits(1, 1)),
    ([Holding(1, False, FIRST)], {1: family(1, exited_on=LAST + DAY, exit_partner_id=PARTNER)}, YearExits(1, 0)),
    # exited the year before (the assignment's end recorded in this one): neither held nor exited this year
    ([Holding(1, False, g(1403, 1, 1), g(1404, 1, 10))], {1: family(1, exited_on=FIRST - DAY,
                                                                     exit_partner_id=PARTNER)}, YearExits(0, 0)),
    # an exit credited without an assignment read: counted as held
    ([], {1: family(1, exited_on=g(1404, 3, 3), exit_partner_id=PARTNER)}, YearExits(1, 1)),
    # note 7: non-rehabilitable exits credited
    ([], {1: family(1, "NON_REHABILITABLE", exited_on=g(1404, 3, 3), exit_partner_id=PARTNER),
          2: family(2, "NON_REHABILITABLE", exited_on=g(1404, 3, 3), exit_partner_id=OTHER)}, YearExits(0, 0, 1)),
])
def test_the_years_exits(holdings, families, expected):
    assert year_exits(FIRST, LAST, PARTNER, holdings, families) == expected


# --- a clinic's grade of a month (Art. 6.4, note 4)

LICENSED = g(1404, 1, 1)


@pytest.mark.parametrize(("kind", "grades", "first_graded_on", "on", "expected"), [
    ("CHARITY", [], None, g(1404, 7, 30), Standing()),
    ("CLINIC", [(g(1400, 2, 20), "GRADE_1")], g(1400, 2, 20), g(1404, 7, 30), Standing("GRADE_1", False)),
    ("CLINIC", [], None, g(1404, 7, 30), Standing(None, True)),                     # new: grade 2 for a year
    ("CLINIC", [], None, last_day(1404, 12), Standing(None, True)),                 # its year's last day
    ("CLINIC", [], None, g(1405, 1, 1), Standing(None, False)),                     # past its first year: no grade
    ("CLINIC", [(g(1404, 12, 23), "GRADE_3")], g(1404, 12, 23), last_day(1404, 11), Standing(None, True)),
    ("CLINIC", [(g(1404, 12, 23), "GRADE_3")], g(1404, 12, 23), last_day(1404, 12), Standing("GRADE_3", False)),
    # graded, then left ungraded: no first year any more
    ("CLINIC", [(g(1404, 3, 1), "GRADE_2"), (g(1404, 6, 1), "UNGRADED")], g(1404, 3, 1), g(1404, 7, 30),
     Standing("UNGRADED", False)),
    # a first grading known only from the organisation's row ends the first year too
    ("CLINIC", [], g(1404, 5, 1), g(1404, 7, 30), Standing(None, False)),
])
def test_a_clinics_grade_of_a_month(kind, grades, first_graded_on, on, expected):
    assert clinic_standing(kind, grades, licensed_from=LICENSED, first_agreement_on=None,
                           first_graded_on=first_graded_on, on=on) == expected


def test_month_of():
    assert month_of(g(1404, 12, 29)) == (1404, 12) and month_of(g(1405, 1, 1)) == (1405, 1)
