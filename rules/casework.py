"""Casework records on a family's file: when the yearly assessment and a loan's follow-up fall due, how long a
partner may keep an exited file, which records their author may still correct, and which dates a record may
carry.

Sources (Persian, seed ``004_…`` is the 2014 delegation directive):

- Art. 5, «سایر اقدامات»: «اجرای مقیاس ارزیابی سطوح توانمندی فردی در ابتدای تحت پوشش قرار گرفتن و تکرار سالیانه
  آن» — the empowerment scale at the start of coverage and again every year (:func:`assessment_overdue`);
- seed ``001_…``: «شش ماه حمایت پس از دریافت سرمایه کار یا وام جهت ثبات شغل ضروری می باشد» — six months'
  support after work capital or a loan, for the job to hold (:func:`loan_follow_up_due`);
- Art. 6.7: «با پیشنهاد کمیته سطح یک و پس از بازتوانی و قطع مستمری، در صورت نیاز خدمت گیرنده به سایر خدمات و جهت
  استمرار و پیگیری ارائه خدمات تخصصی از سوی بخش غیر دولتی به میزان ۱۰٪ یارانه … به هر پرونده تا یکسال قابل
  پرداخت است» — a partner may keep following an exited file for up to a year (:func:`post_rehabilitation_window`);
- Art. 6.9 (every sum in the partner's books, shown to supervisors) and Art. 7.3 (supervisors collect the
  evidence of work done): the record is evidence, so it is append-only, save that its author may correct a slip
  within 24 hours (:func:`editable_by_author`) — this project's rule, not the seed's;
- Art. 4.4–4.6: the partner's work on a file begins when the file is sent to it, so nothing it records may
  predate that, nor lie in the future (:func:`record_date_allowed`).

Periods are counted in Jalali months and years (:mod:`rules.periods`); every window below gives its first and
last day, both included.
"""

from __future__ import annotations

import datetime

from rules.errors import RuleInputError
from rules.jalali import to_jalali
from rules.periods import add_jalali_months, add_jalali_years
from rules.services import SIX_MONTH_FOLLOW_UP_LOANS, LoanKind

__all__ = [
    "AUTHOR_EDIT_WINDOW",
    "INTAKE_ASSESSMENT_DAYS",
    "LOAN_FOLLOW_UP_MONTHS",
    "MAX_GROUP_FAMILIES",
    "MIN_GROUP_FAMILIES",
    "assessment_due_on",
    "assessment_overdue",
    "assessment_overdue_bounds",
    "editable_by_author",
    "in_post_rehabilitation",
    "loan_follow_up_due",
    "loan_follow_up_pending",
    "needs_loan_follow_up",
    "post_rehabilitation_window",
    "record_date_allowed",
]

INTAKE_ASSESSMENT_DAYS = 30
"""Days after a file reaches its server within which the first assessment is due. Art. 5 says «در ابتدای تحت
پوشش قرار گرفتن» (at the start), without a number; 30 days is this project's reading of "the start"."""

LOAN_FOLLOW_UP_MONTHS = 6
"""Seed ``001_…``: «شش ماه حمایت پس از دریافت سرمایه کار یا وام», counted in Jalali months."""

AUTHOR_EDIT_WINDOW = datetime.timedelta(hours=24)
"""How long a record's author may still correct it; after that the record is append-only (this project's rule)."""

_ONE_DAY = datetime.timedelta(days=1)


# --- Art. 5, other actions: the empowerment scale at intake and yearly ---------------------------------------


def assessment_due_on(assigned_on: datetime.date, last_assessed_on: datetime.date | None) -> datetime.date:
    """Return the last day the next assessment on the empowerment scale may be made without being overdue.

    Art. 5, other actions: «در ابتدای تحت پوشش قرار گرفتن و تکرار سالیانه آن».

    - No assessment yet: :data:`INTAKE_ASSESSMENT_DAYS` (30) days after ``assigned_on`` — the day the file's
      current assignment began (for a file the office serves itself, its admission). Assigned 1 Farvardin, due
      31 Farvardin; overdue from 1 Ordibehesht.
    - Otherwise one Jalali year after ``last_assessed_on``, on the same Jalali day (:func:`add_jalali_years`):
      assessed 1402/06/15, due 1403/06/15 — 365 days later, or 366 when a leap 30 Esfand lies between; assessed
      on a leap 30 Esfand (1403/12/30), due 1405/01/01, the year being complete only when Esfand 1404 has ended.
    - A file that reaches a partner with its last assessment lapsed, or about to lapse, gives the partner the
      same 30 days as a file never assessed: the later of the two dates. No one is behind on a duty that fell
      due before the file was theirs.
    """
    intake_due = assigned_on + datetime.timedelta(days=INTAKE_ASSESSMENT_DAYS)
    if last_assessed_on is None:
        return intake_due
    return max(add_jalali_years(last_assessed_on, 1), intake_due)


def assessment_overdue(
    assigned_on: datetime.date, last_assessed_on: datetime.date | None, today: datetime.date
) -> bool:
    """Tell whether the yearly assessment (Art. 5, other actions) is overdue on ``today``: ``today`` is after
    :func:`assessment_due_on`. The due day itself is not overdue — the last assessment is then exactly one Jalali
    year old, not older; the file behind docs/api.md's ``families(filter: {assessmentOverdue: true})``."""
    return today > assessment_due_on(assigned_on, last_assessed_on)


def assessment_overdue_bounds(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """What :func:`assessment_overdue` means for a list of files, as two dates to compare columns with:
    ``(assigned_before, assessed_before)``. A file is overdue today exactly when its current assignment began
    before ``assigned_before`` (so its 30 intake days are over) and it has no assessment on or after
    ``assessed_before`` (so its last one, if any, is more than a Jalali year old)."""
    assigned_before = today - datetime.timedelta(days=INTAKE_ASSESSMENT_DAYS)
    # The earliest assessment still in force today: the first day whose Jalali anniversary is not yet past.
    assessed_before = today - datetime.timedelta(days=367)
    while add_jalali_years(assessed_before, 1) < today:
        assessed_before += _ONE_DAY
    return assigned_before, assessed_before


# --- Art. 4.8: peer groups ------------------------------------------------------------------------------------

MIN_GROUP_FAMILIES = 2
"""A peer group (گروه همیار) is people helping one another: one family is not a group."""
MAX_GROUP_FAMILIES = 50
"""The directive sets no size; this upper bound is this project's, to keep a group a group (and a request small)."""


# --- seed 001: six months' support after work capital or a loan ------------------------------------------------


def needs_loan_follow_up(kind: LoanKind) -> bool:
    """Tell whether a loan of ``kind`` is followed for six months (seed ``001_…``, «جهت ثبات شغل»): the employment
    facilities — employment loan, work capital, grant —, not a rent deposit (:data:`SIX_MONTH_FOLLOW_UP_LOANS`).
    An unknown kind raises :class:`RuleInputError` (field ``kind``)."""
    try:
        return LoanKind(kind) in SIX_MONTH_FOLLOW_UP_LOANS
    except ValueError:
        raise RuleInputError(f"Unknown loan kind {kind!r}.", f"نوع وام «{kind}» نامعتبر است.", "kind") from None


def loan_follow_up_due(granted_on: datetime.date) -> datetime.date:
    """Return the day the follow-up of a loan or work capital falls due: six Jalali months after ``granted_on``.

    Seed ``001_…``: «شش ماه حمایت پس از دریافت سرمایه کار یا وام جهت ثبات شغل ضروری می باشد». The partner supports
    the client through those six months; the follow-up recorded at their end says whether the job held. Counted
    in Jalali months (:func:`add_jalali_months`): granted 1402/03/10, due 1402/09/10; granted on the 31st of one of
    the first six months, whose counterpart six months on has only 30 (or 29) days, due the first of the month
    after: 1402/06/31 → 1403/01/01, 1402/05/31 → 1402/12/01.
    """
    return add_jalali_months(granted_on, LOAN_FOLLOW_UP_MONTHS)


def loan_follow_up_pending(granted_on: datetime.date, followed_up: bool, today: datetime.date) -> bool:
    """Tell whether a loan's six-month follow-up (seed ``001_…``) is waiting on ``today``: it has fallen due
    (:func:`loan_follow_up_due`, the due day included) and has not been recorded."""
    return not followed_up and today >= loan_follow_up_due(granted_on)


# --- Art. 6.7: following a file for up to a year after rehabilitation --------------------------------------------


def post_rehabilitation_window(exited_on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Return the first and last day a partner may keep following an exited file (Art. 6.7, «تا یکسال»).

    The year runs from the day the file left the support cycle (``exited_on``, which follows «پس از بازتوانی و قطع
    مستمری») to the day before its Jalali anniversary: exited 1402/06/15, last day 1403/06/14 (365 days in all, 366
    across a leap 30 Esfand). Whether a file needs it is level 1's proposal, not this rule's.
    """
    return exited_on, add_jalali_years(exited_on, 1) - _ONE_DAY


def in_post_rehabilitation(exited_on: datetime.date, today: datetime.date) -> bool:
    """Tell whether ``today`` falls in :func:`post_rehabilitation_window` of a file that exited on ``exited_on``."""
    first, last = post_rehabilitation_window(exited_on)
    return first <= today <= last


# --- records: append-only, save their author's corrections within 24 hours ------------------------------------


def editable_by_author(created_at: datetime.datetime, now: datetime.datetime) -> bool:
    """Tell whether a record made at ``created_at`` may still be corrected by its author at ``now``.

    Casework records are evidence for supervisors (Art. 7.3) and the partner's books (Art. 6.9), so they are
    append-only; their author alone may correct them for 24 hours. At exactly 24 hours the window has closed.
    The caller checks that the editor is the author. Both times must be timezone-aware (as the database returns
    them); they are compared as instants, whatever their offsets. A naive time raises ``ValueError``: it is a
    programming error, not a user's.
    """
    if created_at.utcoffset() is None or now.utcoffset() is None:
        raise ValueError("editable_by_author needs timezone-aware datetimes")
    return now.astimezone(datetime.UTC) - created_at.astimezone(datetime.UTC) < AUTHOR_EDIT_WINDOW


# --- the date a visit, interview or service is recorded for ----------------------------------------------------


def record_date_allowed(
    on: datetime.date, assignment_started_on: datetime.date, today: datetime.date, *, field: str
) -> datetime.date:
    """Return ``on`` if a partner may record a visit, interview or service as happening that day, else raise.

    Not in the future (after ``today``), and not before the file's assignment to this partner began
    (``assignment_started_on``; Art. 4.4–4.6: its work starts when the file is sent to it) — both days themselves
    are allowed. Raises :class:`RuleInputError` on ``field``, the input's own name (``visitedOn``,
    ``interviewedOn``, ``providedOn`` …); also when ``on`` is not a plain date (a ``datetime`` is refused).
    """
    if not isinstance(on, datetime.date) or isinstance(on, datetime.datetime):
        raise RuleInputError("Not a valid date.", "تاریخ معتبر نیست.", field)
    if on > today:
        raise RuleInputError(
            f"The date {on.isoformat()} is in the future; record only what has happened.",
            f"تاریخ {to_jalali(on)} در آینده است؛ فقط کاری را که انجام شده ثبت کنید.",
            field,
        )
    if on < assignment_started_on:
        raise RuleInputError(
            f"The date {on.isoformat()} is before the file was assigned to your organisation "
            f"({assignment_started_on.isoformat()}).",
            f"تاریخ {to_jalali(on)} پیش از واگذاری پرونده به مؤسسه شما ({to_jalali(assignment_started_on)}) است.",
            field,
        )
    return on
