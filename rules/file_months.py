"""What a partner is paid for, month by month, and the year's exits: the facts of its subsidy statement (Art. 6),
read from who held which file when. rules/subsidy.py computes the statement from them.

Source: the 2014 delegation directive (seed ``004_…``), Art. 6.2 (the subsidy for serving clients, paid «بر اساس
آخرين دستورالعمل جامع حمایتهای مالی سازمان»: a rate per file and month, by kind, in the policy table), 6.3 and 6.8
(the share of its rehabilitable clients a partner took out of direct support in the year), 6.4 and note 4 (the
clinic's grade), 6.7 (the follow-up year after rehabilitation); docs/domain.md, "Money (Art. 6), as policy data".

**A file-month** (the one definition: the statement reads it from here, its API tests restate it in SQL). A file counts
for a Jalali month for the partner that *held it on the month's last day*:

- *held* means an assignment of the file to the partner was live that day — begun on or before it, and not ended
  on or before it (:meth:`Holding.holds_on`). An assignment that ends on a day no longer holds the file that day:
  the partner it moved to does. The database allows one live assignment per file, so one partner at most holds a
  file on any day, and **no file-month is ever paid to two partners**. A file returned or reassigned during a month
  is paid, for that month, to whoever holds it at its end (or to no one, when the office does). A family that left
  the cycle is held by no assignment from its exit day on (``exited_on``), even when the exit was recorded, and the
  assignment ended, days later;
- only months that have *ended* count (their last day before ``today``): a month in progress is not earned yet;
- its **kind** is, for a family, its classification (Art. 4.1: ``REHABILITABLE`` or ``NON_REHABILITABLE``, the
  latest committee decision, applied to every month of the year: the statement is computed from the file as it
  stands, and an approved statement keeps what it was computed from); for a child in family care,
  ``CHILD_FOLLOW_UP`` (seed 003). A family held while ``UNCLASSIFIED`` has no rate (the office classifies a file
  before it delegates it, Art. 4.1): its months are **left out** and counted apart
  (:attr:`MonthFiles.unclassified`), so the statement says how many were not paid — deny when unclear;
- **after rehabilitation** (Art. 6.7): a family that left the cycle with a follow-up year (``access_until`` set)
  whose exit is credited to the partner (``exit_partner_id``) is held by it, for this rule, from the day it exited
  to ``access_until``. Its exit month is then an ordinary month, and each later month whose last day falls by
  ``access_until`` a follow-up month (:attr:`rules.subsidy.FileMonth.exited`). The follow-up year ends the day
  before the exit's Jalali anniversary (rules/casework.post_rehabilitation_window), inside the twelfth month after
  the exit month, which is therefore not held on its last day: **at most eleven follow-up months** are paid — the
  less generous reading of «تا یکسال». A family that left without a follow-up is not held at the end of its exit
  month, which is not paid.

**The year's exits** (Art. 6.3, 6.8, note 7): the rehabilitable families the partner held on *any* day of the year
(the day an assignment ended included: it held the file until then) and that had not left the cycle before the year,
each counted once however often it came and went; those of them that left the cycle in the year with the exit
credited to the partner; and the non-rehabilitable families whose exit in the year is credited to it. A family whose
exit is credited to the partner is counted as held by it (it held the file when it left). Children's exits earn
nothing: Art. 6.3 and 6.8 count the partner's rehabilitable clients, note 7 non-rehabilitable families.

**The clinic's grade of a month** (Art. 6.4, note 4): the grade in force on the month's last day, from the province
office's grading history — the latest decision dated on or before it —, and whether that day falls in the clinic's
first year (:func:`rules.grading.grade_in_force`). Only clinics are graded: any other partner's months carry none.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import jdatetime

from rules.delegation import NON_REHABILITABLE, REHABILITABLE
from rules.grading import GRADES, grade_in_force
from rules.labels import Label
from rules.subsidy import CHILD_FOLLOW_UP, FileMonth, JalaliMonth, YearExits

__all__ = [
    "FILE_KIND_LABELS",
    "FamilyFile",
    "FileKind",
    "Holding",
    "MonthFiles",
    "Standing",
    "clinic_standing",
    "month_files",
    "month_of",
    "year_exits",
]

CLINIC = "CLINIC"


class FileKind(StrEnum):
    """What a file-month is paid as: the kinds a rate is set for (rules.subsidy.FILE_KINDS)."""

    REHABILITABLE = REHABILITABLE
    NON_REHABILITABLE = NON_REHABILITABLE
    CHILD_FOLLOW_UP = CHILD_FOLLOW_UP


FILE_KIND_LABELS: dict[FileKind, Label] = {
    FileKind.REHABILITABLE: Label("پرونده خانوار قابل بازتوان", "a rehabilitable family's file", "Art. 4.1"),
    FileKind.NON_REHABILITABLE: Label("پرونده خانوار غیرقابل بازتوان", "a non-rehabilitable family's file",
                                      "Art. 4.1"),
    FileKind.CHILD_FOLLOW_UP: Label("پیگیری فرزند در خانواده", "a child in family care followed up", "seed 003"),
}


@dataclass(frozen=True)
class Holding:
    """One assignment of a file to the partner: a family's or a child's (``is_child``), from ``assigned_on`` to the
    day it ended (``ended_on``; None while it is live)."""

    file_id: int
    is_child: bool
    assigned_on: datetime.date
    ended_on: datetime.date | None = None

    def holds_on(self, day: datetime.date) -> bool:
        """Whether the assignment is live on ``day``: begun by then and not ended on or before it."""
        return self.assigned_on <= day and (self.ended_on is None or self.ended_on > day)

    def held_between(self, first: datetime.date, last: datetime.date) -> bool:
        """Whether the file was the partner's on any day from ``first`` to ``last`` (the day it ended included)."""
        return self.assigned_on <= last and (self.ended_on is None or self.ended_on >= first)


@dataclass(frozen=True)
class FamilyFile:
    """What the statement reads of a family: its classification, and when it left the cycle, credited to whom, and
    until when its partner follows it (Art. 6.7)."""

    id: int
    rehabilitability: str
    exited_on: datetime.date | None = None
    exit_partner_id: int | None = None
    access_until: datetime.date | None = None

    def exited_by(self, day: datetime.date) -> bool:
        """Whether the family had left the cycle on or before ``day``: no assignment holds it then."""
        return self.exited_on is not None and self.exited_on <= day

    def followed_by(self, partner_id: int, day: datetime.date) -> bool:
        """Whether ``partner_id`` follows the family after its exit on ``day`` (Art. 6.7)."""
        return (self.exited_on is not None and self.access_until is not None and self.exit_partner_id == partner_id
                and self.exited_on <= day <= self.access_until)


@dataclass(frozen=True)
class Standing:
    """A clinic's grade of a month: its own grade in force (``GRADE_1``–``GRADE_3``, ``UNGRADED`` or None) and
    whether the month falls in its first year (note 4). None and False for other partners."""

    grade: str | None = None
    first_year: bool = False


@dataclass(frozen=True)
class MonthFiles:
    """A month's file-months, and how many files were held that month while unclassified (left out)."""

    file_months: tuple[FileMonth, ...]
    unclassified: int


def month_of(day: datetime.date) -> JalaliMonth:
    """The Jalali (year, month) ``day`` falls in."""
    j = jdatetime.date.fromgregorian(date=day)
    return j.year, j.month


def month_files(month: JalaliMonth, last_day: datetime.date, partner_id: int, holdings: Iterable[Holding],
                families: Mapping[int, FamilyFile], standing: Standing = Standing()) -> MonthFiles:
    """The files ``partner_id`` held on ``last_day``, the last day of Jalali ``month`` (module docstring), as
    :class:`rules.subsidy.FileMonth` in the order: families by ID, then children by ID. ``families`` are the family
    files the holdings name and those whose exit is credited to the partner; a holding of a family not among them is
    not counted."""
    family_ids: set[int] = set()
    child_ids: set[int] = set()
    for holding in holdings:
        if not holding.holds_on(last_day):
            continue
        if holding.is_child:
            child_ids.add(holding.file_id)
        elif (family := families.get(holding.file_id)) is None or not family.exited_by(last_day):
            family_ids.add(holding.file_id)
    follow_ups = {f.id for f in families.values() if f.id not in family_ids and f.followed_by(partner_id, last_day)}
    made: list[FileMonth] = []
    unclassified = 0
    for family_id in sorted(family_ids | follow_ups):
        family = families.get(family_id)
        if family is None:
            continue
        if family.rehabilitability not in (REHABILITABLE, NON_REHABILITABLE):
            unclassified += 1
            continue
        exited = None
        if family_id in follow_ups and family.exited_on is not None:
            exit_month = month_of(family.exited_on)
            exited = exit_month if exit_month < month else None  # the exit month is an ordinary one
        made.append(FileMonth(family_id, family.rehabilitability, month, grade=standing.grade,
                              first_year=standing.first_year, exited=exited))
    made += [FileMonth(child_id, CHILD_FOLLOW_UP, month, grade=standing.grade, first_year=standing.first_year)
             for child_id in sorted(child_ids)]
    return MonthFiles(tuple(made), unclassified)


def year_exits(first: datetime.date, last: datetime.date, partner_id: int, holdings: Iterable[Holding],
               families: Mapping[int, FamilyFile]) -> YearExits:
    """The year's rehabilitable families held, those exited, and the non-rehabilitable families exited, for the
    year from ``first`` to ``last`` (module docstring)."""
    held = {h.file_id for h in holdings if not h.is_child and h.held_between(first, last)
            and (f := families.get(h.file_id)) is not None and f.rehabilitability == REHABILITABLE
            and (f.exited_on is None or f.exited_on >= first)}
    credited = [f for f in families.values() if f.exit_partner_id == partner_id and f.exited_on is not None
                and first <= f.exited_on <= last]
    exited = {f.id for f in credited if f.rehabilitability == REHABILITABLE}
    return YearExits(rehabilitable_held=len(held | exited), rehabilitable_exited=len(exited),
                     non_rehabilitable_exited=sum(1 for f in credited if f.rehabilitability == NON_REHABILITABLE))


def clinic_standing(partner_kind: str, grades: Sequence[tuple[datetime.date, str]], *,
                    licensed_from: datetime.date | None, first_agreement_on: datetime.date | None,
                    first_graded_on: datetime.date | None, on: datetime.date) -> Standing:
    """The grade of a month whose last day is ``on`` (module docstring): ``grades`` is the clinic's grading history,
    (day, grade) oldest first; ``first_graded_on`` the day the clinic first held a grade, which also ends its first
    year (note 4). Any other partner: no grade."""
    if str(getattr(partner_kind, "value", partner_kind)) != CLINIC:
        return Standing()
    decided = [grade for day, grade in grades if day <= on]
    grade = decided[-1] if decided else None
    ever_graded = bool(decided) or (first_graded_on is not None and first_graded_on <= on)
    in_force = grade_in_force(grade, licensed_from=licensed_from, first_agreement_on=first_agreement_on,
                              ever_graded=ever_graded, on=on)
    return Standing(grade=grade, first_year=grade not in GRADES and in_force is not None)
