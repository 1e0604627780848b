"""Supervision of the partners: when a visit is overdue, what the dates of visits, action plans, complaints and
violation reports may be, how a complaint moves, and what a decision to stop working with a partner blocks.

Sources (seed ``004_…``, the 2014 delegation directive):

- Art. 4.11: «انجام بازدیدهای منظم توسط کارشناس ناظر شهرستان و نظارت مستمر بر روند انجام کار توسط بخش غیر دولتی»,
  and Art. 7.2: «بازدید مستمر از فعالیت های بخش غیر دولتی همکار حداقل هر شش ماه یکبار» — a visit at least once
  every six months (:func:`supervision_overdue`), counted in Jalali months (:mod:`rules.periods`);
- Art. 4.13: «برنامه ریزی جهت اجرایی نمودن پیشنهادات پایشگران توسط بخش غیر دولتی» — the partner answers a visit's
  suggestions with an action plan, which the supervisor closes once carried out (:func:`check_plan_open`);
- Art. 7.4: «رسیدگی به شکایات مطروحه» — complaints are handled, OPEN → IN_PROGRESS → UPHELD or DISMISSED
  (:data:`COMPLAINT_TRANSITIONS`);
- Art. 7.7: «همکاری در تهیه و ارائه گزارش تخلفات صورت گرفته از سوی بخش غیر دولتی به کمیسیون ماده ۲۶» — a violation
  reported to the Article 26 commission, whose outcome is recorded once (:func:`check_violation_outcome`);
- Art. 4.12: «تصمیم گیری بر اساس عملکرد و نظارت های انجام شده در خصوص ادامه کار یا توقف همکاری با بخش غیر دولتی» —
  the office decides to continue or stop; a stop ends the partner's agreements from the decision's Jalali year on
  and the partner receives no new files while it stands (:func:`check_partner_not_stopped`).

**Readings of this project** (the directive is silent): a visit is overdue the day *after* its six months — on the
day six Jalali months after the last visit the partner is exactly six months unvisited, not more, as the yearly
assessment is not overdue on its anniversary (:func:`rules.casework.assessment_overdue`). A partner never visited
owes its first visit six months after it began to work under the directive: its first yearly agreement's signing
(Art. 4.3, Art. 6.1), since supervision is of «فعالیت های واگذار شده» (Art. 1.11) and nothing is delegated before an
agreement; a partner with no agreement owes none. The decision in force is the latest one; a later decision to
continue lifts a stop, but the agreements the stop ended stay ended.
"""

from __future__ import annotations

import datetime
from enum import StrEnum

from rules.errors import RuleInputError, RuleViolation
from rules.jalali import jalali_year
from rules.periods import add_jalali_months

__all__ = [
    "ALREADY_STOPPED_RULE",
    "COMPLAINT_RULE",
    "COMPLAINT_TRANSITIONS",
    "PLAN_CLOSED_RULE",
    "STOPPED_RULE",
    "TERMINAL_COMPLAINT_STATUSES",
    "VIOLATION_OUTCOME_RULE",
    "VISIT_INTERVAL_MONTHS",
    "ComplaintStatus",
    "check_complaint_update",
    "check_decision",
    "check_due_on",
    "check_not_in_future",
    "check_partner_not_stopped",
    "check_plan_open",
    "check_violation_outcome",
    "first_year_ended_by_stop",
    "next_visit_due",
    "supervision_overdue",
    "visits_in_force_from",
]

VISIT_INTERVAL_MONTHS = 6
"""Art. 7.2: «حداقل هر شش ماه یکبار», counted in Jalali months."""

PLAN_CLOSED_RULE = "ART_4_13_PLAN_CLOSED"
COMPLAINT_RULE = "ART_7_4_COMPLAINT_STATUS"
VIOLATION_OUTCOME_RULE = "ART_7_7_OUTCOME_RECORDED"
STOPPED_RULE = "ART_4_12_STOPPED"
ALREADY_STOPPED_RULE = "ART_4_12_ALREADY_STOPPED"

_ONE_DAY = datetime.timedelta(days=1)


# --- Art. 4.11, Art. 7.2: a visit at least every six months --------------------------------------------------------


def next_visit_due(last_visited_on: datetime.date | None, first_agreement_on: datetime.date | None) -> \
        datetime.date | None:
    """The last day the partner's next visit may be made without being overdue: six Jalali months after its last
    visit, or, never visited, after its first agreement was signed; None when it has neither (no delegated work, so
    no visit owed). 1404/03/10 → 1404/09/10; the 31st of a month whose counterpart has 30 days → the first of the
    month after (1404/06/31 → 1405/01/01, Esfand 1404 having no 31st)."""
    start = last_visited_on if last_visited_on is not None else first_agreement_on
    return None if start is None else add_jalali_months(start, VISIT_INTERVAL_MONTHS)


def supervision_overdue(last_visited_on: datetime.date | None, first_agreement_on: datetime.date | None,
                        today: datetime.date) -> bool:
    """Whether the partner's visit is overdue on ``today`` (Art. 7.2): ``today`` is after :func:`next_visit_due`.
    The due day itself is not overdue."""
    due = next_visit_due(last_visited_on, first_agreement_on)
    return due is not None and today > due


def visits_in_force_from(today: datetime.date) -> datetime.date:
    """What :func:`supervision_overdue` means for a list of partners, as one date to compare columns with: the
    earliest visit (or, never visited, first agreement) that still covers ``today``. A partner is overdue today
    exactly when its last visit — or, never visited, its first agreement — is before this day.

    Six Jalali months are at most 186 days, so the search starts 187 days back and walks forward to the first day
    whose six months are not yet past (``add_jalali_months`` never decreases as its start moves on)."""
    day = today - datetime.timedelta(days=187)
    while add_jalali_months(day, VISIT_INTERVAL_MONTHS) < today:
        day += _ONE_DAY
    return day


# --- the days the records carry ------------------------------------------------------------------------------------


def check_not_in_future(on: datetime.date, today: datetime.date, field: str) -> datetime.date:
    """A day something happened (a visit, a complaint received, a report, a decision): not after ``today``;
    RuleInputError on ``field`` otherwise."""
    if on > today:
        raise RuleInputError(f"{field} cannot be in the future.", f"{field} نمی‌تواند در آینده باشد.", field)
    return on


def check_due_on(due_on: datetime.date, today: datetime.date) -> datetime.date:
    """An action plan's due day (Art. 4.13): today or later — a plan due in the past answers nothing. RuleInputError
    on ``dueOn`` otherwise."""
    if due_on < today:
        raise RuleInputError("An action plan cannot be due in the past.",
                             "مهلت اجرای برنامه اقدام نمی‌تواند در گذشته باشد.", "dueOn")
    return due_on


def check_plan_open(closed: bool) -> None:
    """An action plan is closed once (Art. 4.13): RuleViolation ``ART_4_13_PLAN_CLOSED`` for a closed one."""
    if closed:
        raise RuleViolation(PLAN_CLOSED_RULE, "The action plan is already closed.",
                            "این برنامه اقدام پیش‌تر بسته شده است.")


# --- Art. 7.4: complaints ------------------------------------------------------------------------------------------


class ComplaintStatus(StrEnum):
    """Where a complaint stands (Art. 7.4); the `complaint` table's status column (models/supervision.py) holds it."""

    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    UPHELD = "UPHELD"
    DISMISSED = "DISMISSED"


COMPLAINT_TRANSITIONS: dict[ComplaintStatus, frozenset[ComplaintStatus]] = {
    ComplaintStatus.OPEN: frozenset({ComplaintStatus.IN_PROGRESS}),
    ComplaintStatus.IN_PROGRESS: frozenset({ComplaintStatus.IN_PROGRESS, ComplaintStatus.UPHELD,
                                            ComplaintStatus.DISMISSED}),
    ComplaintStatus.UPHELD: frozenset(),
    ComplaintStatus.DISMISSED: frozenset(),
}
"""Moves out of each status: a complaint is taken up (OPEN → IN_PROGRESS), may be updated while handled (its
handler, its notes), and ends upheld or dismissed, for good."""

TERMINAL_COMPLAINT_STATUSES = frozenset({ComplaintStatus.UPHELD, ComplaintStatus.DISMISSED})

_COMPLAINT_LABELS_FA = {ComplaintStatus.OPEN: "باز", ComplaintStatus.IN_PROGRESS: "در دست رسیدگی",
                        ComplaintStatus.UPHELD: "وارد", ComplaintStatus.DISMISSED: "رد شده"}


def _complaint_status(value: object) -> ComplaintStatus:
    try:
        return ComplaintStatus(str(getattr(value, "value", value)))
    except ValueError:
        raise RuleInputError(f"Unknown complaint status {value!r}.", "وضعیت شکایت نامعتبر است.", "status") from None


def check_complaint_update(old: object, new: object, outcome: str) -> ComplaintStatus:
    """The status a complaint moves to (Art. 7.4), if :data:`COMPLAINT_TRANSITIONS` allows the move: RuleViolation
    ``ART_7_4_COMPLAINT_STATUS`` otherwise (an upheld or dismissed complaint is final). A complaint that ends needs
    its outcome: RuleInputError on ``outcome`` when it is empty."""
    old_status, new_status = _complaint_status(old), _complaint_status(new)
    if new_status not in COMPLAINT_TRANSITIONS[old_status]:
        raise RuleViolation(
            COMPLAINT_RULE,
            f"A complaint cannot go from {old_status.value} to {new_status.value}: it is taken up first, and an "
            "upheld or dismissed complaint is final.",
            f"وضعیت شکایت نمی‌تواند از «{_COMPLAINT_LABELS_FA[old_status]}» به «{_COMPLAINT_LABELS_FA[new_status]}» "
            "تغییر کند.")
    if new_status in TERMINAL_COMPLAINT_STATUSES and not outcome.strip():
        raise RuleInputError("A complaint upheld or dismissed needs its outcome.",
                             "برای شکایتِ واردشده یا ردشده نتیجه رسیدگی را بنویسید.", "outcome")
    return new_status


# --- Art. 7.7: violations reported to the Article 26 commission ------------------------------------------------------


def check_violation_outcome(reported_on: datetime.date, outcome_on: datetime.date, today: datetime.date, *,
                            recorded: bool) -> datetime.date:
    """The day of the commission's outcome on a violation report (Art. 7.7): not in the future, not before the report
    (RuleInputError on ``outcomeOn``); recorded once — RuleViolation ``ART_7_7_OUTCOME_RECORDED`` when ``recorded``."""
    if recorded:
        raise RuleViolation(VIOLATION_OUTCOME_RULE, "The outcome of this violation report is already recorded.",
                            "نتیجه این گزارش تخلف پیش‌تر ثبت شده است.")
    check_not_in_future(outcome_on, today, "outcomeOn")
    if outcome_on < reported_on:
        raise RuleInputError("The outcome cannot be before the violation was reported.",
                             "تاریخ نتیجه نمی‌تواند پیش از تاریخ گزارش تخلف باشد.", "outcomeOn")
    return outcome_on


# --- Art. 4.12: continue or stop ------------------------------------------------------------------------------------


def check_decision(decided_on: datetime.date, today: datetime.date, *, continues: bool,
                   latest_decided_on: datetime.date | None, stopped: bool) -> datetime.date:
    """The day of a decision to continue or stop working with a partner (Art. 4.12): not in the future, not before
    the partner's latest decision (RuleInputError on ``decidedOn``), so the latest is the one in force. A stop while
    a stop stands: RuleViolation ``ART_4_12_ALREADY_STOPPED``."""
    check_not_in_future(decided_on, today, "decidedOn")
    if latest_decided_on is not None and decided_on < latest_decided_on:
        raise RuleInputError("A decision cannot be dated before the partner's latest decision.",
                             "تاریخ تصمیم نمی‌تواند پیش از آخرین تصمیم درباره این همکار باشد.", "decidedOn")
    if stopped and not continues:
        raise RuleViolation(ALREADY_STOPPED_RULE, "Work with this partner is already stopped (Art. 4.12).",
                            "همکاری با این مؤسسه پیش‌تر متوقف شده است (بند ۱۲ ماده ۴).")
    return decided_on


def first_year_ended_by_stop(decided_on: datetime.date) -> int:
    """The first Jalali year whose agreement a stop decided on ``decided_on`` ends: that of the decision; the
    agreements of that year and of any later year already signed end with it, earlier years' stay as they ran."""
    return jalali_year(decided_on)


def check_partner_not_stopped(stopped: bool) -> None:
    """RuleViolation ``ART_4_12_STOPPED`` when the office's decision in force is to stop working with the partner
    (Art. 4.12): it receives no new files (its live ones are to be returned)."""
    if stopped:
        raise RuleViolation(
            STOPPED_RULE,
            "The office decided to stop working with this partner (Art. 4.12); it receives no new files.",
            "اداره تصمیم به توقف همکاری با این مؤسسه گرفته است (بند ۱۲ ماده ۴)؛ پرونده تازه‌ای به آن واگذار نمی‌شود.")
