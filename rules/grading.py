"""A clinic's grade: who may be graded, when, and whether an ungraded clinic may receive files.

Source: the 2014 delegation directive (seed ``004_…``), Art. 6.4 and its note 4 (docs/domain.md, "Money"):

- Art. 6.4 — the province office pays clinics by the grade they hold: grade 1, 2 or 3. Only clinics are graded
  («یارانه کلینیک ها را بر اساس درجه اخذ شده»); charities, complexes and child homes have no grade.
- Art. 6.4.4 — «به کلینیک فاقد درجه تا زمان اخذ درجه پرونده تعلق نخواهد گرفت»: an ungraded clinic gets no *files*
  until it is graded (files, not only subsidy).
- Note 4 — «مبلغ یارانه پرداختی به کلینیک های جدید التاسیس به مدت یکسال، برابر تعرفه یارانه کلینیک های درجه دو
  محاسبه می گردد … در پایان سال پس از درجه بندی»: a newly founded clinic counts as grade 2 for one year and is
  graded at its end.

**The first year, as read here.** The directive does not say from which day «یکسال» runs. The data hold two dates
that show a clinic working: the start of its license (Art. 1.1: partners are those «که … مجوز رسمی فعالیت … را
دریافت نموده اند») and the signing of its first yearly agreement (Art. 6.1). The year runs from the *earlier* of the
two — a renewed license or a late first agreement must not make an old clinic new again — and is counted in the
Jalali calendar the office dates its papers by (one Jalali year: the same Jalali day a year later, as
:func:`rules.periods.add_jalali_years`). It also ends once the province office has recorded any grading decision
for the clinic, since note 4's year is the one before «درجه بندی». With neither date known, there is no first year
(deny when unclear).
"""

from __future__ import annotations

import datetime

from rules.errors import RuleInputError, RuleViolation
from rules.periods import add_jalali_years

__all__ = [
    "FIRST_YEAR_GRADE",
    "GRADES",
    "UNGRADED",
    "UNGRADED_RULE",
    "check_clinic_graded",
    "check_grading",
    "first_year_ends",
    "first_year_start",
    "grade_in_force",
]

GRADES = ("GRADE_1", "GRADE_2", "GRADE_3")
"""The grades of Art. 6.4.1–6.4.3."""
UNGRADED = "UNGRADED"
FIRST_YEAR_GRADE = "GRADE_2"
"""Art. 6 note 4: a new clinic counts as grade 2 for its first year."""
UNGRADED_RULE = "ART_6_4_UNGRADED"


def first_year_start(licensed_from: datetime.date | None,
                     first_agreement_on: datetime.date | None) -> datetime.date | None:
    """The first day of a clinic's first year (note 4): the earlier of its license start and its first agreement's
    signing; None when neither is known."""
    known = [d for d in (licensed_from, first_agreement_on) if d is not None]
    return min(known) if known else None


def first_year_ends(start: datetime.date) -> datetime.date:
    """The first day *after* a clinic's first year that began on ``start``: one Jalali year later (Art. 6 note 4,
    «به مدت یکسال»). 1404/01/01 (2025-03-21) gives 1405/01/01 (2026-03-21): 365 days, since 1404 is not leap."""
    return add_jalali_years(start, 1)


def grade_in_force(grade: str | None, *, licensed_from: datetime.date | None,
                   first_agreement_on: datetime.date | None, ever_graded: bool,
                   on: datetime.date) -> str | None:
    """The grade a clinic counts as on ``on`` (Art. 6.4, note 4): its own grade 1–3; ``GRADE_2`` while ungraded in
    its first year and never graded; None when it is ungraded otherwise — and then it gets no files (6.4.4).

    ``grade`` is the clinic's current grade (``UNGRADED`` or None when it has none); ``ever_graded`` says whether the
    province office has recorded any grading decision for it. See the module docstring for the first year.
    """
    value = None if grade is None else str(getattr(grade, "value", grade))
    if value in GRADES:
        return value
    if value not in (None, UNGRADED):
        raise RuleInputError(f"Unknown clinic grade {grade!r}.", "درجه کلینیک نامعتبر است.", "grade")
    start = first_year_start(licensed_from, first_agreement_on)
    if ever_graded or start is None or not start <= on < first_year_ends(start):
        return None
    return FIRST_YEAR_GRADE


def check_clinic_graded(grade: str | None, *, licensed_from: datetime.date | None,
                        first_agreement_on: datetime.date | None, ever_graded: bool, on: datetime.date) -> None:
    """Raise RuleViolation ``ART_6_4_UNGRADED`` unless the clinic may receive files on ``on``: «به کلینیک فاقد درجه
    تا زمان اخذ درجه پرونده تعلق نخواهد گرفت» (Art. 6.4.4), save in its first year, when it counts as grade 2
    (note 4; :func:`grade_in_force`)."""
    if grade_in_force(grade, licensed_from=licensed_from, first_agreement_on=first_agreement_on,
                      ever_graded=ever_graded, on=on) is None:
        raise RuleViolation(
            UNGRADED_RULE,
            "The clinic has no grade and is past its first year: an ungraded clinic gets no files until the province "
            "office grades it (directive Art. 6.4.4, note 4).",
            "کلینیک درجه ندارد و سال نخست فعالیت آن گذشته است؛ به کلینیک فاقد درجه تا زمان اخذ درجه پرونده تعلق "
            "نمی‌گیرد (بند ۴-۶-۴ و تبصره ۴ ماده ۶).",
        )


def check_grading(kind: str, graded_on: datetime.date, *, today: datetime.date,
                  latest_graded_on: datetime.date | None) -> None:
    """Check a grading decision before it is recorded (Art. 6.4): only clinics are graded (RuleInputError on
    ``partnerId``); the decision is dated no later than ``today`` and no earlier than the clinic's latest grading, so
    that the latest decision is always the grade in force (RuleInputError on ``gradedOn``)."""
    if str(getattr(kind, "value", kind)) != "CLINIC":
        raise RuleInputError("Only clinics are graded (directive Art. 6.4).",
                             "فقط کلینیک‌ها درجه‌بندی می‌شوند (بند ۴ ماده ۶ دستورالعمل).", "partnerId")
    if graded_on > today:
        raise RuleInputError("A grade is recorded once decided: the grading date cannot be in the future.",
                             "تاریخ درجه‌بندی نمی‌تواند در آینده باشد.", "gradedOn")
    if latest_graded_on is not None and graded_on < latest_graded_on:
        raise RuleInputError(
            f"The clinic was last graded on {latest_graded_on.isoformat()}; a new grading cannot be dated earlier.",
            "تاریخ درجه‌بندی جدید نمی‌تواند پیش از آخرین درجه‌بندی کلینیک باشد.", "gradedOn")
