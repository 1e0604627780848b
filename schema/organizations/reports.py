"""A partner's periodic reports, computed from its records whenever read (issue 9; submission is a later slice).

- The **quarterly report** of Art. 4.8 (seed ``004_…``): «ارائه گزارش فصلی (سه ماهه) به اداره بهزیستی شهرستان مبتنی
  بر اقدامات انجام شده در راستای توانمندسازی (تعداد مصاحبه انجام شده، بازدید منزل، اشتغال فردی، گروهی، تعداد گروه همیار
  تشکیل شده، تعداد جلسات گروهی، آموزشهای برگزار شده، تعداد افراد خارج شده از چرخه حمایت و ...)».
- The **children's monthly report** of seed ``003_…``, step 10: «ارائه گزارش عملکرد در رابطه با خدمات ارائه شده به
  فرزندان بصورت ماهیانه».

Which days a period covers, when it is due and which periods may be asked for are rules/reports.py's. Here only the
counting, in one statement per report: the database functions ``partner_quarter_counts`` and
``partner_month_child_counts`` (migration 0014). A record counts for the partner it was recorded under
(``partner_id``: the partner whose live assignment the file was under then), dated in the period by its own date
(held, visited, assessed, given, formed, followed up on).

**The same figures for every reader.** A report is the partner's account of its work: its manager submits it and the
office acknowledges it, so both must read the same numbers. Row-level security would give the manager fewer — it no
longer reaches the records of files since returned, reassigned or taken out of the cycle — so the counting runs as
the tables' owner and returns counts only (no row, no name), and only when the caller's scope reaches the partner (the
office in its area, the partner itself); the policy table has already let the caller read the report.

**Employment** (Art. 4.8 «اشتغال فردی، گروهی»). No record says "employed"; the work a partner does for it is the job-
finding service of Art. 5.3 (``JOB_AND_RESOURCE_FINDING``, «شناسایی و به‌کارگیری منابع موجود و فرصت‌های شغلی»). A
family given that service in the quarter counts once, as **group** employment when it belongs to a peer group the
partner formed by the quarter's end — seed ``002_…``: «افراد در قالب گروه به فعالیت های اقتصادی، اجتماعی و فرهنگی
مشترک می پردازند» —, else as **individual** employment. The families that left the cycle *through* a job are
the exits by route (``INDIVIDUAL_JOB``, ``GROUP_JOB``, ``JOB_PLACEMENT``: the process chart's «افراد خارج شده (اشتغال
فردی، گروهی، کاریابی و...)»).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

import strawberry
from tortoise import connections

import schema.casework.types  # noqa: F401 - registers ServiceKind and ChildFollowUpKind as GraphQL enums
from auth.roles import Viewer
from models.organizations import Organization, OrganizationKind
from models.reports import ReportKind
from models.reports import ReportSubmission as SubmissionRow
from rules.errors import RuleViolation
from rules.reports import (
    ReportPeriod,
    late_periods,
    month_figures,
    monthly_period,
    partner_since,
    quarter_figures,
    quarterly_period,
    yearly_period,
)
from rules.services import ChildFollowUpKind, ExitRoute, ServiceKind
from schema.common import check_version, find_scoped, update_versioned, viewer_of
from schema.context import Info
from schema.enums import described
from schema.errors import Conflict, NotFound
from schema.node import Node
from schema.rowtypes import row_type, served_as, value_type
from schema.sources import scoped_rows

E = TypeVar("E", bound=StrEnum)



@strawberry.type(description="How many services of one kind the partner gave in the period (Art. 5).")
class ServiceKindCount:
    kind: ServiceKind = strawberry.field(description="The kind of service (Art. 5.1–5.14).")
    count: int = strawberry.field(description="Services of that kind given in the period.")


@strawberry.type(description="How many families left the support cycle by one route in the period (Art. 4.8).")
class ExitRouteCount:
    route: ExitRoute = strawberry.field(description="The route out of the cycle.")
    count: int = strawberry.field(description="Families whose exit by that route is credited to the partner.")


@strawberry.type(description="How many follow-ups of one kind the partner made in the month (seed 003).")
class FollowUpKindCount:
    kind: ChildFollowUpKind = strawberry.field(description="What was followed up (seed 003, items الف–د).")
    count: int = strawberry.field(description="Follow-ups of that kind in the month.")


@strawberry.type(description="A figure of a submitted report that today's records count differently.")
class ReportDifference:
    figure: str = strawberry.field(description="The report's field, e.g. `homeVisits`; a kind's count as "
                                               "`servicesByKind.TRAINING`.")
    submitted: int = strawberry.field(description="The figure as submitted (what the report shows).")
    now: int = strawberry.field(description="The figure counted today.")


described(ReportKind, "Which report (Art. 4.8, Art. 7.6, seed 003).", {
    "QUARTERLY": "«گزارش فصلی» — the quarterly report to the county office (Art. 4.8).",
    "CHILD_MONTHLY": "«گزارش ماهانه فرزندان» — the monthly report on the children followed (seed 003).",
    "YEARLY": "«گزارش سالیانه» — the partner's figures for the Jalali year, for the office's yearly report (Art. "
              "7.6).",
})


@row_type(SubmissionRow, description="A report the partner's manager submitted, freezing its figures, and the county "
                                     "office's acknowledgement.")
class ReportSubmission(Node):
    kind: ReportKind = strawberry.field(description="Which report.")
    jalali_year: int = strawberry.field(description="The Jalali year.")
    period: int = strawberry.field(description="The quarter (1–4) or month (1–12); 0 for a yearly report.")
    submitted_at: datetime.datetime = strawberry.field(description="When it was submitted.")
    submitted_by_username: str = strawberry.field(description="Who submitted it.")
    acknowledged_at: datetime.datetime | None = strawberry.field(description="When the county office acknowledged "
                                                                             "it; null until then.")
    acknowledged_by_username: str = strawberry.field(description="Who acknowledged it; empty until then.")
    version: int = strawberry.field(description="Changes when acknowledged; send it back to acknowledge.")


@value_type(description="A report that is late: due (15 days after its period ended) and not submitted.")
class LateReport:
    kind: ReportKind = strawberry.field(description="Which report.")
    jalali_year: int = strawberry.field(description="The Jalali year.")
    period: int = strawberry.field(description="The quarter or month; 0 for a yearly report.")
    ends_on: datetime.date = strawberry.field(description="The period's last day.")
    due_on: datetime.date = strawberry.field(description="The day it was due.")


@value_type(description="A partner's quarterly report to the county office (Art. 4.8: «گزارش فصلی (سه ماهه)»), "
                        "computed from its records dated in the quarter; the same figures for the partner and the "
                        "office, whichever files each may still see.")
class ActivityReport:
    jalali_year: int = strawberry.field(description="The Jalali year.")
    quarter: int | None = strawberry.field(description="The quarter, 1–4: quarter 1 is Farvardin to Khordad; "
                                                       "null for a year's figures (Art. 7.6).")
    starts_on: datetime.date = strawberry.field(description="The quarter's first day.")
    ends_on: datetime.date = strawberry.field(description="The quarter's last day.")
    due_on: datetime.date = strawberry.field(
        description="The day the report is due, 15 days after the quarter ends; not submitted by then, it is late.")
    interviews: int = strawberry.field(
        description="Interviews held (Art. 4.8 «تعداد مصاحبه انجام شده»; Art. 4.6).")
    home_visits: int = strawberry.field(description="Home visits made (Art. 4.8 «بازدید منزل»; Art. 4.6).")
    individual_employment: int = strawberry.field(
        description="Individual employment (Art. 4.8 «اشتغال فردی»): families given the job-finding service (Art. "
                    "5.3) in the quarter that belong to none of the partner's peer groups.")
    group_employment: int = strawberry.field(
        description="Group employment (Art. 4.8 «اشتغال گروهی»): families given the job-finding service (Art. 5.3) in "
                    "the quarter that belong to a peer group the partner formed by the quarter's end (seed 002: "
                    "members work together «در قالب گروه»).")
    peer_groups_formed: int = strawberry.field(
        description="Peer groups formed (Art. 4.8 «تعداد گروه همیار تشکیل شده»; seed 002).")
    group_sessions: int = strawberry.field(
        description="Sessions of the partner's peer groups held, trainings included (Art. 4.8 «تعداد جلسات گروهی»).")
    trainings: int = strawberry.field(
        description="Group sessions that were trainings (Art. 4.8 «آموزشهای برگزار شده»; Art. 5.11).")
    exits: int = strawberry.field(
        description="Families that left the support cycle with the exit credited to the partner (Art. 4.8 «تعداد "
                    "افراد خارج شده از چرخه حمایت»; Art. 6.3).")
    exits_by_route: list[ExitRouteCount] = strawberry.field(
        description="`exits` by route, every route listed (Art. 4.8 and the process chart: «اشتغال فردی، گروهی، "
                    "کاریابی و...»).")
    files_held: int = strawberry.field(
        description="Files (families and children) delegated to the partner on the quarter's last day (Art. 4.8 «و "
                    "...»; the caseload of Art. 2–4).")
    assessments: int = strawberry.field(
        description="Empowerment-scale assessments done (Art. 4.8 «و ...»; Art. 5, other actions: at intake and "
                    "yearly; Art. 1.4).")
    services_by_kind: list[ServiceKindCount] = strawberry.field(
        description="Services given by kind, every kind listed (Art. 4.8 «و ...»; Art. 5.1–5.14).")
    submission: ReportSubmission | None = strawberry.field(
        description="The submission that froze these figures; null while not submitted (the figures are today's).")
    differences: list[ReportDifference] = strawberry.field(
        description="Where today's count differs from the submitted one (records changed since); empty while not "
                    "submitted.")


@value_type(description="A partner's monthly report on the children in family care it follows (seed 003, step 10: "
                        "«گزارش عملکرد … بصورت ماهیانه»), computed from its follow-ups dated in the month; not yet "
                        "submitted.")
class ChildFollowUpReport:
    jalali_year: int = strawberry.field(description="The Jalali year.")
    month: int = strawberry.field(description="The Jalali month, 1–12: 1 is Farvardin.")
    starts_on: datetime.date = strawberry.field(description="The month's first day.")
    ends_on: datetime.date = strawberry.field(description="The month's last day.")
    due_on: datetime.date = strawberry.field(
        description="The day the report is due, 15 days after the month ends; not submitted by then, it is late.")
    children_followed: int = strawberry.field(
        description="Children followed up at least once in the month (seed 003, step 10 and item الف).")
    follow_ups: int = strawberry.field(description="Follow-ups made in the month (seed 003, items الف–د).")
    follow_ups_by_kind: list[FollowUpKindCount] = strawberry.field(
        description="`followUps` by kind, every kind listed (seed 003, items الف–د).")
    abuse_concerns: int = strawberry.field(
        description="Follow-ups that raised an abuse concern, each opening an alert for the county office (seed 003, "
                    "item الف: «توجه دقیق به مواردی چون (کودک آزاری)»).")
    submission: ReportSubmission | None = strawberry.field(
        description="The submission that froze these figures; null while not submitted (the figures are today's).")
    differences: list[ReportDifference] = strawberry.field(
        description="Where today's count differs from the submitted one; empty while not submitted.")
    handled: strawberry.Private[int]

    @strawberry.field(description="Of `abuseConcerns`, those whose alert the office has recorded as handled so far "
                                  "(seed 003, item الف). Alerts are the office's: only the office reads this.")
    def abuse_concerns_handled(self) -> int:
        return self.handled


async def _partner_since(viewer: Viewer | None, partner: Organization) -> datetime.date | None:
    """When the partner began (rules.reports.partner_since): its license's start or its first agreement's signing."""
    first_agreement = await scoped_rows(viewer, "Agreement").filter(partner_id=partner.id).order_by("signed_on").first()
    return partner_since(partner.license_valid_from, first_agreement.signed_on if first_agreement else None)


async def _counts(function: str, partner_id: int, period: ReportPeriod) -> dict[str, Any]:
    """One of the report-counting functions of migration 0014, for ``partner_id`` over ``period``."""
    rows = await connections.get("default").execute_query_dict(
        f"select {function}($1, $2, $3) as counts", [partner_id, period.starts_on, period.ends_on])
    counts = rows[0]["counts"]
    if counts is None:  # the caller's scope does not reach the partner: the first wall let through what the second
        raise NotFound()  # would not — answer as for any row outside the slice
    found: dict[str, Any] = json.loads(counts) if isinstance(counts, str) else counts
    return found


@dataclass(frozen=True)
class _Figures:
    """A report's figures — as submitted if it was, else today's — with its submission and the differences."""

    shown: dict[str, int]
    submission: SubmissionRow | None
    differences: list[ReportDifference]


async def _figures(info: Info, partner: Organization, kind: ReportKind, jalali_year: int, number: int,
                   today: dict[str, int]) -> _Figures:
    submission = await scoped_rows(info.context.viewer, "ReportSubmission").filter(
        partner_id=partner.id, kind=kind, jalali_year=jalali_year, period=number).first()
    if submission is None:
        return _Figures(today, None, [])
    frozen = {name: int(value) for name, value in submission.numbers.items()}
    differences = [ReportDifference(figure=name, submitted=frozen.get(name, 0), now=today.get(name, 0))
                   for name in sorted(frozen.keys() | today.keys()) if frozen.get(name, 0) != today.get(name, 0)]
    return _Figures(frozen, submission, differences)


def _listed(enum: type[E], figures: Mapping[str, int], field: str) -> list[tuple[E, int]]:
    return [(member, figures.get(f"{field}.{member.value}", 0)) for member in enum]


def _activity_report(period: ReportPeriod, jalali_year: int, quarter: int | None, found: _Figures) -> ActivityReport:
    f = found.shown
    return ActivityReport(
        jalali_year=jalali_year, quarter=quarter, starts_on=period.starts_on, ends_on=period.ends_on,
        due_on=period.due_on, interviews=f["interviews"], home_visits=f["homeVisits"],
        individual_employment=f["individualEmployment"], group_employment=f["groupEmployment"],
        peer_groups_formed=f["peerGroupsFormed"], group_sessions=f["groupSessions"], trainings=f["trainings"],
        exits=f["exits"],
        exits_by_route=[ExitRouteCount(route=r, count=n) for r, n in _listed(ExitRoute, f, "exitsByRoute")],
        files_held=f["filesHeld"], assessments=f["assessments"],
        services_by_kind=[ServiceKindCount(kind=k, count=n) for k, n in _listed(ServiceKind, f, "servicesByKind")],
        submission=served_as(ReportSubmission, found.submission), differences=found.differences)


async def _period(info: Info, partner: Organization, kind: ReportKind, jalali_year: int,
                  number: int) -> ReportPeriod:
    """The period a report of `kind` covers (rules/reports.py refuses the periods that may not be asked for)."""
    since, today = await _partner_since(info.context.viewer, partner), datetime.date.today()
    if kind is ReportKind.QUARTERLY:
        return quarterly_period(jalali_year, number, since=since, today=today)
    if kind is ReportKind.CHILD_MONTHLY:
        return monthly_period(jalali_year, number, since=since, today=today)
    return yearly_period(jalali_year, since=since, today=today)


async def today_figures(partner: Organization, kind: ReportKind, period: ReportPeriod) -> dict[str, int]:
    """A report's figures counted today from the partner's records (the functions of migration 0014)."""
    if kind is ReportKind.CHILD_MONTHLY:
        return month_figures(await _counts("partner_month_child_counts", partner.id, period))
    return quarter_figures(await _counts("partner_quarter_counts", partner.id, period))


async def quarterly_report(info: Info, partner: Organization, jalali_year: int, quarter: int) -> ActivityReport:
    """The quarterly report of ``partner`` for Jalali ``quarter`` of ``jalali_year`` (Art. 4.8), as submitted if it
    was; BAD_USER_INPUT for a period rules/reports.py refuses."""
    kind = ReportKind.QUARTERLY
    period = await _period(info, partner, kind, jalali_year, quarter)
    found = await _figures(info, partner, kind, jalali_year, quarter, await today_figures(partner, kind, period))
    return _activity_report(period, jalali_year, quarter, found)


async def yearly_report(info: Info, partner: Organization, jalali_year: int) -> ActivityReport:
    """The partner's figures for Jalali ``jalali_year`` (Art. 7.6): the quarterly report's counts over the year."""
    kind = ReportKind.YEARLY
    period = await _period(info, partner, kind, jalali_year, 0)
    found = await _figures(info, partner, kind, jalali_year, 0, await today_figures(partner, kind, period))
    return _activity_report(period, jalali_year, None, found)


async def child_follow_up_report(info: Info, partner: Organization, jalali_year: int,
                                 month: int) -> ChildFollowUpReport:
    """The children's monthly report of ``partner`` for Jalali ``month`` of ``jalali_year`` (seed 003), as submitted
    if it was; BAD_USER_INPUT for a period rules/reports.py refuses."""
    kind = ReportKind.CHILD_MONTHLY
    period = await _period(info, partner, kind, jalali_year, month)
    counts = await _counts("partner_month_child_counts", partner.id, period)
    found = await _figures(info, partner, kind, jalali_year, month, month_figures(counts))
    f = found.shown
    return ChildFollowUpReport(
        jalali_year=jalali_year, month=month, starts_on=period.starts_on, ends_on=period.ends_on,
        due_on=period.due_on, children_followed=f["childrenFollowed"], follow_ups=f["followUps"],
        follow_ups_by_kind=[FollowUpKindCount(kind=k, count=n)
                            for k, n in _listed(ChildFollowUpKind, f, "followUpsByKind")],
        abuse_concerns=f["abuseConcerns"], handled=int(counts["abuse_concerns_handled"]),
        submission=served_as(ReportSubmission, found.submission), differences=found.differences)


# Which reports a partner owes: every partner the quarterly and yearly ones; a partner that follows children in family
# care (a child home, seed 003) the monthly one too.
def reports_owed(partner: Organization) -> tuple[ReportKind, ...]:
    owed = (ReportKind.QUARTERLY, ReportKind.YEARLY)
    return (*owed, ReportKind.CHILD_MONTHLY) if partner.kind is OrganizationKind.CHILD_HOME else owed


async def late_reports(info: Info, partner: Organization) -> list[LateReport]:
    """The reports the partner owes that are due and not submitted (rules/reports.late_periods), oldest first: owed
    for each Jalali year it had an agreement for."""
    viewer = info.context.viewer
    years = {int(year) for (year,) in await scoped_rows(viewer, "Agreement").filter(
        partner_id=partner.id).values_list("jalali_year")}
    submitted = await scoped_rows(viewer, "ReportSubmission").filter(partner_id=partner.id).values_list(
        "kind", "jalali_year", "period")
    return late_of(partner, years, submitted, datetime.date.today())


def late_of(partner: Organization, years: set[int], submitted: Iterable[tuple[str, int, int]],
            today: datetime.date) -> list[LateReport]:
    """The reports ``partner`` owes that are late on ``today`` (rules/reports.late_periods), oldest first, given the
    Jalali ``years`` it had an agreement for and its ``submitted`` reports as (kind, year, period); for
    `late_reports` and the office dashboard, which loads these for all its partners at once."""
    submitted = list(submitted)
    late = []
    for kind in reports_owed(partner):
        done = {(year, number) for k, year, number in submitted if k == kind}
        late += [LateReport(kind=kind, jalali_year=year, period=number, ends_on=p.ends_on, due_on=p.due_on)
                 for year, number, p in late_periods(kind.value, years=years, today=today, submitted=done)]
    return sorted(late, key=lambda r: r.due_on)


@strawberry.input(description="Submit a report, freezing its figures (Art. 4.8, Art. 7.6, seed 003).")
class SubmitReportInput:
    partner_id: strawberry.ID = strawberry.field(description="Your partner.")
    kind: ReportKind = strawberry.field(description="Which report.")
    jalali_year: int = strawberry.field(description="The Jalali year.")
    period: int = strawberry.field(default=0, description="The quarter (1–4) or month (1–12); 0 for a yearly report.")


@strawberry.input(description="The county office acknowledges a submitted report.")
class AcknowledgeReportInput:
    id: strawberry.ID = strawberry.field(description="The submission.")
    version: int = strawberry.field(description="The version you read (CONFLICT if it changed since).")


@strawberry.type(description="The report submitted or acknowledged.")
class ReportSubmissionPayload:
    submission: ReportSubmission = strawberry.field(description="The submission.")


@strawberry.type
class ReportMutations:
    @strawberry.mutation(description="Submit your partner's report for a period that has ended: its figures are "
                                     "frozen as counted now, and a later change to the records shows as a difference, "
                                     "never as a changed report. Once per period (CONFLICT after).")
    async def submit_report(self, info: Info, input: SubmitReportInput) -> ReportSubmissionPayload:
        viewer = viewer_of(info)
        partner = await find_scoped(info, "Partner", input.partner_id, "partnerId")
        number = 0 if input.kind is ReportKind.YEARLY else input.period
        period = await _period(info, partner, input.kind, input.jalali_year, number)
        if period.ends_on >= datetime.date.today():
            raise RuleViolation("REPORT_PERIOD_OPEN", "A report is submitted once its period has ended.",
                                "گزارش پس از پایان دوره آن ارسال می‌شود.")
        if input.kind not in reports_owed(partner):
            raise RuleViolation("REPORT_NOT_OWED", "Only a partner that follows children in family care reports on "
                                "them monthly (seed 003).", "گزارش ماهانه فرزندان فقط برای مؤسسه‌ای است که فرزندان "
                                "را پیگیری می‌کند (مستند ۰۰۳).")
        if await scoped_rows(viewer, "ReportSubmission").filter(
                partner_id=partner.id, kind=input.kind, jalali_year=input.jalali_year, period=number).exists():
            raise Conflict("This report has been submitted already.", "این گزارش پیش‌تر ارسال شده است.",
                           field="period")
        submission = await SubmissionRow.create(
            partner_id=partner.id, province_id=partner.province_id, county_id=partner.county_id, kind=input.kind,
            jalali_year=input.jalali_year, period=number, numbers=await today_figures(partner, input.kind, period),
            submitted_by_id=viewer.user_id, submitted_by_username=viewer.username)
        return ReportSubmissionPayload(submission=served_as(ReportSubmission, submission))

    @strawberry.mutation(description="Acknowledge a report a partner of your county submitted.")
    async def acknowledge_report(self, info: Info, input: AcknowledgeReportInput) -> ReportSubmissionPayload:
        viewer = viewer_of(info)
        submission = await find_scoped(info, "ReportSubmission", input.id, "id")
        check_version(submission, input.version)
        if submission.acknowledged_at is not None:
            raise Conflict("This report has been acknowledged already.", "دریافت این گزارش پیش‌تر تأیید شده است.",
                           field="id")
        done = await update_versioned(viewer, "ReportSubmission", submission, input.version,
                                      acknowledged_at=datetime.datetime.now(datetime.UTC),
                                      acknowledged_by_id=viewer.user_id, acknowledged_by_username=viewer.username)
        return ReportSubmissionPayload(submission=served_as(ReportSubmission, done))
