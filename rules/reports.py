"""A partner's periodic reports: the days a report covers, when it is due, and which periods may be asked for.

Sources:

- Art. 4.8 of the 2014 delegation directive (seed ``004_…``): «ارائه گزارش فصلی (سه ماهه) به اداره بهزیستی شهرستان
  مبتنی بر اقدامات انجام شده در راستای توانمندسازی» — a quarterly (three-month) report to the county office;
- Art. 7.6 (seed ``004_…``): «همکاری … در تهیه گزارش سالیانه جهت ارسال به دفتر توانمندسازی» — the office's yearly
  report to the national office, to which each partner's figures for the Jalali year go: the same counts as the
  quarterly report's, over the year;
- seed ``003_…`` (children in family care), step 10: «ارائه گزارش عملکرد در رابطه با خدمات ارائه شده به فرزندان
  بصورت ماهیانه توسط موسسه به بهزیستی شهرستان مربوطه» — a monthly report on the children followed.

**Periods are Jalali**, as the office dates its papers (rules/jalali.py; agreements run by the Jalali year, Art. 6.1):
the year starts on 1 Farvardin, quarter 1 is months 1–3 (Farvardin–Khordad), quarter 2 months 4–6, quarter 3 months
7–9 and quarter 4 months 10–12 (Dey–Esfand), which ends on 29 Esfand, or 30 Esfand in a leap year.

**Due date** (this project's reading: neither text sets one): a report is due :data:`DUE_DAYS` days after its period
ends — the period's last day plus 15 — and is late if not submitted by then.

**Which periods may be asked for.** A Jalali year from :data:`REPORT_YEARS` (1300–1499; a Gregorian year such as 2025
is refused with a hint, since a Jalali one is meant), a quarter 1–4 or a month 1–12, not before the partner existed
and not a period that has not started yet. The partner exists from the earlier of its license's start and its first
agreement's signing — the same two dates that start a clinic's first year (:func:`rules.grading.first_year_start`);
a partner with neither date known is checked on the rest only. Each refusal is a :class:`RuleInputError` naming the
argument (``jalaliYear``, ``quarter`` or ``month``), in English and Persian.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

import jdatetime

from rules.errors import RuleInputError
from rules.grading import first_year_start
from rules.jalali import GREGORIAN_YEARS, jalali_year, jalali_year_bounds
from rules.services import ChildFollowUpKind, ExitRoute, ServiceKind

E = TypeVar("E", bound=StrEnum)

__all__ = [
    "DUE_DAYS",
    "MONTHS",
    "QUARTERS",
    "REPORT_YEARS",
    "ReportPeriod",
    "due_on",
    "monthly_period",
    "month_bounds",
    "partner_since",
    "quarter_bounds",
    "quarterly_period",
    "late_periods",
    "month_figures",
    "quarter_figures",
    "yearly_period",
]

REPORT_YEARS = range(1300, 1500)
"""Jalali years a report may be asked for: 1300–1499. Narrower than the dates' 1200–1499 (rules/jalali.py): the
directive is of 1393 (2014), so no partner reports for the 1200s."""
QUARTERS = range(1, 5)
MONTHS = range(1, 13)
DUE_DAYS = 15
"""A report is due this many days after its period ends (this project's reading; see the module docstring)."""

_EXAMPLE = "1404"


@dataclass(frozen=True)
class ReportPeriod:
    """The Gregorian first and last day of a report's period, and the day the report is due."""

    starts_on: datetime.date
    ends_on: datetime.date
    due_on: datetime.date


def _gregorian(year: int, month: int, day: int) -> datetime.date:
    d: datetime.date = jdatetime.date(year, month, day).togregorian()
    return d


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """The Gregorian first and last day of Jalali ``month`` of ``year`` (the last: the day before the next month's
    first, so 29 or 30 Esfand as the year is leap or not). Arguments are not checked here: see
    :func:`monthly_period`."""
    first = _gregorian(year, month, 1)
    following = _gregorian(year + 1, 1, 1) if month == 12 else _gregorian(year, month + 1, 1)
    return first, following - datetime.timedelta(days=1)


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """The Gregorian first and last day of Jalali ``quarter`` (1–4) of ``year``: its first month's first day and its
    third month's last (Art. 4.8, «فصلی (سه ماهه)»). Arguments are not checked here: see :func:`quarterly_period`."""
    first_month = 3 * (quarter - 1) + 1
    return month_bounds(year, first_month)[0], month_bounds(year, first_month + 2)[1]


def due_on(ends_on: datetime.date) -> datetime.date:
    """The day a report whose period ends on ``ends_on`` is due: :data:`DUE_DAYS` days later."""
    return ends_on + datetime.timedelta(days=DUE_DAYS)


def partner_since(licensed_from: datetime.date | None,
                  first_agreement_on: datetime.date | None) -> datetime.date | None:
    """The first day a partner is known to have existed: the earlier of its license's start and its first
    agreement's signing (:func:`rules.grading.first_year_start`); None when neither is known."""
    return first_year_start(licensed_from, first_agreement_on)


def _check_year(year: int) -> None:
    if isinstance(year, bool) or not isinstance(year, int):
        raise RuleInputError(f"The year must be a whole Jalali year such as {_EXAMPLE}.",
                             f"سال باید یک سال شمسی مانند {_EXAMPLE} باشد.", "jalaliYear")
    if year in GREGORIAN_YEARS:
        raise RuleInputError(
            f"{year} looks like a Gregorian year: give a Jalali year such as {_EXAMPLE}.",
            f"{year} سال میلادی است: سال شمسی را وارد کنید، مانند {_EXAMPLE}.", "jalaliYear")
    if year not in REPORT_YEARS:
        raise RuleInputError(
            f"The year must be a Jalali year from {REPORT_YEARS.start} to {REPORT_YEARS.stop - 1}, such as "
            f"{_EXAMPLE}.",
            f"سال باید یک سال شمسی از {REPORT_YEARS.start} تا {REPORT_YEARS.stop - 1} باشد، مانند {_EXAMPLE}.",
            "jalaliYear")


def _check_in(value: int, allowed: range, field: str, en: str, fa: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
        raise RuleInputError(f"The {en} must be a whole number from {allowed.start} to {allowed.stop - 1}.",
                             f"{fa} باید عددی صحیح از {allowed.start} تا {allowed.stop - 1} باشد.", field)


def _period(year: int, bounds: tuple[datetime.date, datetime.date], field: str, since: datetime.date | None,
            today: datetime.date) -> ReportPeriod:
    """The period of ``bounds`` once the year is known valid: refused before the partner existed or before it
    starts."""
    if since is not None and year < jalali_year(since):
        first = jalali_year(since)
        raise RuleInputError(
            f"The partner did not exist in {year}: its license or first agreement dates from {first}.",
            f"مؤسسه در سال {year} وجود نداشت: مجوز یا نخستین تفاهم‌نامه آن از سال {first} است.", "jalaliYear")
    starts_on, ends_on = bounds
    if starts_on > today:
        raise RuleInputError(
            "This period has not started yet: a report covers a period that has begun.",
            "این دوره هنوز آغاز نشده است: گزارش فقط برای دوره‌ای که آغاز شده تهیه می‌شود.",
            "jalaliYear" if _gregorian(year, 1, 1) > today else field)
    return ReportPeriod(starts_on, ends_on, due_on(ends_on))


def quarterly_period(year: int, quarter: int, *, since: datetime.date | None,
                     today: datetime.date) -> ReportPeriod:
    """The period of the quarterly report (Art. 4.8) for Jalali ``quarter`` of ``year``, for a partner that exists
    ``since`` (:func:`partner_since`; None: unknown), asked on ``today``. Refusals: see the module docstring."""
    _check_year(year)
    _check_in(quarter, QUARTERS, "quarter", "quarter", "فصل")
    return _period(year, quarter_bounds(year, quarter), "quarter", since, today)


def monthly_period(year: int, month: int, *, since: datetime.date | None,
                   today: datetime.date) -> ReportPeriod:
    """The period of the children's monthly report (seed 003) for Jalali ``month`` of ``year``; as
    :func:`quarterly_period`."""
    _check_year(year)
    _check_in(month, MONTHS, "month", "month", "ماه")
    return _period(year, month_bounds(year, month), "month", since, today)


def yearly_period(year: int, *, since: datetime.date | None, today: datetime.date) -> ReportPeriod:
    """The period of a partner's yearly figures (Art. 7.6) for Jalali ``year``; as :func:`quarterly_period`."""
    _check_year(year)
    return _period(year, jalali_year_bounds(year), "jalaliYear", since, today)


PERIODS_PER_YEAR = {"QUARTERLY": 4, "CHILD_MONTHLY": 12, "YEARLY": 1}
"""How many periods of each kind of report a year has (the kinds of models/reports.ReportKind)."""


def late_periods(kind: str, *, years: set[int], today: datetime.date,
                 submitted: set[tuple[int, int]]) -> list[tuple[int, int, ReportPeriod]]:
    """The periods of a report of ``kind`` (QUARTERLY, CHILD_MONTHLY, YEARLY) that are late on ``today``: in a Jalali
    year of ``years`` — those the partner had an agreement for, since the reports are owed under it (Art. 4.3, 4.8) —
    due before ``today``, and not among ``submitted`` ((year, period) pairs; period 0 for a yearly report). Oldest
    first, as (year, period, its days)."""
    late = []
    for year in sorted(years):
        for number in range(1, PERIODS_PER_YEAR[kind] + 1):
            if kind == "QUARTERLY":
                bounds = quarter_bounds(year, number)
            elif kind == "CHILD_MONTHLY":
                bounds = month_bounds(year, number)
            else:
                bounds = jalali_year_bounds(year)
            period = ReportPeriod(bounds[0], bounds[1], due_on(bounds[1]))
            key = (year, 0 if kind == "YEARLY" else number)
            if period.due_on < today and key not in submitted:
                late.append((key[0], key[1], period))
    return late


def _by(enum: type[E], counts: Mapping[str, Any]) -> dict[E, int]:
    """Every value of ``enum`` with its count (0 where none)."""
    return {member: int(counts.get(member.value, 0)) for member in enum}


def quarter_figures(counts: Mapping[str, Any]) -> dict[str, int]:
    """The counts of the database's ``partner_quarter_counts`` (migration 0014) as the report's figures, by GraphQL
    field name, a kind's count as ``field.KIND`` — the shape a submitted report is frozen in. Employment: module
    docstring of schema/organizations/reports.py (families given the job-finding service, in a peer group or not)."""
    grouped = int(counts["employed_in_groups"])
    exits = _by(ExitRoute, counts["exits_by_route"])
    return {
        "interviews": int(counts["interviews"]), "homeVisits": int(counts["home_visits"]),
        "individualEmployment": int(counts["employed_families"]) - grouped, "groupEmployment": grouped,
        "peerGroupsFormed": int(counts["peer_groups_formed"]), "groupSessions": int(counts["group_sessions"]),
        "trainings": int(counts["trainings"]), "exits": sum(exits.values()),
        **{f"exitsByRoute.{route.value}": n for route, n in exits.items()},
        "filesHeld": int(counts["files_held"]), "assessments": int(counts["assessments"]),
        **{f"servicesByKind.{kind.value}": n for kind, n in _by(ServiceKind, counts["services_by_kind"]).items()},
    }


def month_figures(counts: Mapping[str, Any]) -> dict[str, int]:
    """The counts of ``partner_month_child_counts`` as the children's report's figures (see :func:`quarter_figures`);
    how concerns were handled is the office's and is not part of what the partner submits."""
    kinds = _by(ChildFollowUpKind, counts["by_kind"])
    return {"childrenFollowed": int(counts["children_followed"]), "followUps": sum(kinds.values()),
            **{f"followUpsByKind.{kind.value}": n for kind, n in kinds.items()},
            "abuseConcerns": int(counts["abuse_concerns"])}
