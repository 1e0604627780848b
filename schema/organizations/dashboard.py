"""The office dashboard, `officeDashboard` (issue 9): one row per partner in the caller's area — the files it holds
now, its Jalali year's exits against the target (Art. 6.3), overdue assessments (Art. 5) and supervision (Art. 7.2),
open abuse alerts (seed 003), late reports (Art. 4.8) and the subsidy paid into its books this year (Art. 6.9).

**A fixed number of statements, however many partners.** Each figure is read for all the partners at once — one
grouped statement (GROUP BY partner), or one narrow load that a rule then reads partner by partner —, never one
statement per partner: the partners (as the `partners` list reaches them); live files by kind; the year's assignments
and the families they name or whose exit is credited in the year; overdue assessments; overdue supervision; the last
visits; open alerts; the years of the agreements and the submitted reports; the year's receipts; and the policy table,
once per request.

**No rule restated.** What each figure means is where the rest of the API reads it: the year's exits are
rules/file_months.year_exits, as Partner.subsidyStatement counts them, its rate rules/subsidy.exit_rate and
exit_target_met, the target rules/subsidy_policy.exit_target; an overdue assessment is the
condition of `families(filter: {assessmentOverdue: true})` and overdue supervision that of `partners(filter:
{supervisionOverdue: true})`, both used here as they are; a late report is rules/reports.late_periods (through
schema/organizations/reports.late_of); the receipts are summed with the books' own signed-amount SQL.

**The reader's slice.** Every statement starts from `scoped_rows`, behind row-level security, so each number is the
partner's within the caller's area: a county office counts the files of its county, a province office those of its
province. (A statement, which the partner is paid by, counts all its files whoever reads it: for a partner holding a
file of another county, the county office's dashboard and the statement differ by that file.) Who may read which
field is auth/policy.py's (open alerts are the office's, not the supervisor's).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import strawberry
from tortoise.expressions import Q, RawSQL, Subquery
from tortoise.functions import Count, Max
from tortoise.queryset import QuerySet

from auth.roles import Viewer
from models.delegation import FileLoad
from models.money import LedgerKind
from models.organizations import Organization
from rules.delegation import NON_REHABILITABLE, REHABILITABLE
from rules.file_months import Holding, year_exits
from rules.jalali import jalali_year, jalali_year_bounds
from rules.subsidy import YearExits, exit_rate, exit_target_met
from rules.subsidy_policy import exit_target
from schema.common import viewer_of
from schema.context import Info
from schema.families.queries import assessment_overdue
from schema.money.ledger_types import BALANCE_SQL
from schema.money.policy import policy_rows
from schema.money.statements import FAMILY_FILE_COLUMNS, HOLDING_COLUMNS, family_file, holding
from schema.organizations.reports import late_of
from schema.organizations.types import Partner
from schema.rowtypes import served_as, value_type
from schema.scalars import BigInt
from schema.sources import scoped_rows
from schema.supervision.queries import supervision_overdue

CHILD = "CHILD"
"""The kind of a child's live file in the counts of `_files_held` (a family's is its classification)."""


@value_type(description="One partner's row of the office dashboard: the files it holds now, this Jalali year's exits "
                        "against the target, and what needs the office's attention. Every count is of the records "
                        "in your area.")
class PartnerDashboardRow:
    rehabilitable_files: int = strawberry.field(
        description="Rehabilitable families delegated to it now (live assignments; the family's classification, "
                    "Art. 4.1).")
    non_rehabilitable_files: int = strawberry.field(
        description="Non-rehabilitable families delegated to it now.")
    unclassified_files: int = strawberry.field(
        description="Families delegated to it now while unclassified (a file is classified before it is delegated, "
                    "Art. 4.1): normally 0.")
    child_files: int = strawberry.field(description="Children's files delegated to it now (seed 003).")
    rehabilitable_held: int = strawberry.field(
        description="Rehabilitable families it held on any day of this Jalali year, each once (the exit rate's "
                    "denominator, Art. 6.3), counted as `subsidyStatement` counts them, within your area.")
    rehabilitable_exited: int = strawberry.field(
        description="Of them, those that left the support cycle this year with the exit credited to it.")
    non_rehabilitable_exited: int = strawberry.field(
        description="Non-rehabilitable families whose exit this year is credited to it (Art. 6.8 note 7).")
    exit_rate: str | None = strawberry.field(
        description="rehabilitableExited / rehabilitableHeld, the year so far, as an exact fraction in lowest terms "
                    "(`2/57`), as `subsidyStatement.exitRate`; null when it held no rehabilitable files.")
    exit_target: str | None = strawberry.field(
        description="The exit target in force for the year (Art. 6.3: the policy table's EXIT_TARGET on the year's "
                    "first day), as an exact fraction (`1/10`); null when none is set.")
    exit_target_met: bool | None = strawberry.field(
        description="Whether exitRate reaches exitTarget so far (met at the target itself); null when there is "
                    "nothing to judge (no rehabilitable files held, or no target).")
    overdue_assessments: int = strawberry.field(
        description="Its files whose yearly assessment is overdue: those `families(filter: {assessmentOverdue: "
                    "true})` lists among the files delegated to it now (Art. 5).")
    supervision_overdue: bool = strawberry.field(
        description="Whether its supervision visit is overdue, as `partners(filter: {supervisionOverdue: true})` "
                    "says (Art. 7.2: at least every six Jalali months).")
    last_supervised_on: datetime.date | None = strawberry.field(
        description="The day of its latest supervision visit; null when never visited.")
    open_alerts: int = strawberry.field(
        description="Open abuse alerts on the children's files delegated to it now (seed 003; office only).")
    late_reports: int = strawberry.field(
        description="Reports it owes that are late (as `Partner.lateReports`): due 15 days after their period and "
                    "not submitted.")
    subsidy_paid_rials: BigInt = strawberry.field(
        description="What the office paid it this Jalali year: the receipts in its books entered this year, less "
                    "their reversals (Art. 6.9), in whole rials.")
    row: strawberry.Private[Organization]

    @strawberry.field(description="The partner.")
    def partner(self) -> Partner:
        return served_as(Partner, self.row)


@value_type(description="The office's view of its partners (issue 9): a row per partner in your area, by name.")
class OfficeDashboard:
    jalali_year: int = strawberry.field(description="The Jalali year the year's figures are of: the current one.")
    as_of: datetime.date = strawberry.field(description="The day the figures are counted on (today).")
    partners: list[PartnerDashboardRow] = strawberry.field(description="A row per partner in your area, by name.")


@dataclass(frozen=True)
class _Year:
    """The Jalali year the figures are of: its number, its first and last day."""

    number: int
    first: datetime.date
    last: datetime.date


async def office_dashboard(info: Info) -> OfficeDashboard:
    """`officeDashboard`: the partners the caller reaches, each figure loaded for all of them at once."""
    viewer = viewer_of(info)
    today = datetime.date.today()
    number = jalali_year(today)
    year = _Year(number, *jalali_year_bounds(number))
    partners: list[Organization] = await scoped_rows(viewer, "Partner").order_by("name", "id")
    if not partners:
        return OfficeDashboard(jalali_year=year.number, as_of=today, partners=[])
    files = await _files_held(viewer)
    exits = await _year_exits(viewer, year, [p.id for p in partners])
    assessments = await _counted(scoped_rows(viewer, "Family").filter(
        assessment_overdue(viewer), assigned_partner_id__isnull=False), "assigned_partner_id")
    unsupervised = {int(row["id"]) for row in await scoped_rows(viewer, "Partner").filter(
        supervision_overdue(viewer)).values("id")}
    visits = await _last_visits(viewer)
    alerts = await _counted(scoped_rows(viewer, "Alert").filter(
        handled_at__isnull=True, child__assigned_partner_id__isnull=False), "child__assigned_partner_id")
    late = await _late_reports(viewer, partners, today)
    paid = await _receipts(viewer, year)
    target = exit_target(await policy_rows(info), year_from=year.first)
    rows = []
    for partner in partners:
        held, exited = files.get(partner.id, Counter()), exits[partner.id]
        rate = exit_rate(exited.rehabilitable_exited, exited.rehabilitable_held)
        rows.append(PartnerDashboardRow(
            rehabilitable_files=held[REHABILITABLE], non_rehabilitable_files=held[NON_REHABILITABLE],
            unclassified_files=sum(n for kind, n in held.items() if kind not in (REHABILITABLE, NON_REHABILITABLE,
                                                                                 CHILD)),
            child_files=held[CHILD], rehabilitable_held=exited.rehabilitable_held,
            rehabilitable_exited=exited.rehabilitable_exited, non_rehabilitable_exited=exited.non_rehabilitable_exited,
            exit_rate=_fraction(rate), exit_target=_fraction(target), exit_target_met=exit_target_met(rate, target),
            overdue_assessments=assessments.get(partner.id, 0), supervision_overdue=partner.id in unsupervised,
            last_supervised_on=visits.get(partner.id), open_alerts=alerts.get(partner.id, 0),
            late_reports=late[partner.id], subsidy_paid_rials=BigInt(paid.get(partner.id, 0)), row=partner))
    return OfficeDashboard(jalali_year=year.number, as_of=today, partners=rows)


def _fraction(value: Fraction | None) -> str | None:
    """An exact fraction as `subsidyStatement` writes one (`2/57`, `1/10`, `0`, `1`)."""
    return None if value is None else str(value)


async def _counted(rows: QuerySet[Any], partner_column: str) -> dict[int, int]:
    """How many of ``rows`` each partner (``partner_column``) has: one grouped statement."""
    found = await rows.annotate(n=Count("id")).group_by(partner_column).values(partner_column, "n")
    return {int(row[partner_column]): int(row["n"]) for row in found}


async def _files_held(viewer: Viewer) -> dict[int, Counter[str]]:
    """Live files per partner by kind: a family's classification, or CHILD (one grouped statement)."""
    found = await scoped_rows(viewer, "Assignment").filter(ended_at__isnull=True).annotate(n=Count("id")).group_by(
        "partner_id", "load", "family__rehabilitability").values("partner_id", "load", "family__rehabilitability", "n")
    held: dict[int, Counter[str]] = defaultdict(Counter)
    for row in found:
        kind = CHILD if row["load"] == FileLoad.CHILD else str(row["family__rehabilitability"])
        held[int(row["partner_id"])][kind] += int(row["n"])
    return held


async def _year_exits(viewer: Viewer, year: _Year, partner_ids: Sequence[int]) -> dict[int, YearExits]:
    """Each partner's exits of the year (rules/file_months.year_exits), from two statements: the family assignments
    that overlap the year (ended on its first day or later: Holding.held_between), and the families they name or
    whose exit in the year is credited to a partner — the records year_exits reads, for this year alone, in the
    reader's slice."""
    ended_in_or_after = datetime.datetime.combine(year.first, datetime.time(), tzinfo=datetime.UTC)
    in_year = scoped_rows(viewer, "Assignment").filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=ended_in_or_after), family_id__isnull=False,
        assigned_on__lte=year.last)
    spans = await in_year.values("partner_id", *HOLDING_COLUMNS)
    families = {row["id"]: family_file(row) for row in await scoped_rows(viewer, "Family").filter(
        Q(id__in=Subquery(in_year.values("family_id")))
        | Q(exit_partner_id__isnull=False, exited_on__gte=year.first, exited_on__lte=year.last)
    ).values(*FAMILY_FILE_COLUMNS)}
    holdings: dict[int, list[Holding]] = defaultdict(list)
    named: dict[int, set[int]] = defaultdict(set)
    for row in spans:
        holdings[row["partner_id"]].append(holding(row))
        named[row["partner_id"]].add(row["family_id"])
    for family in families.values():
        if family.exit_partner_id is not None:
            named[family.exit_partner_id].add(family.id)
    return {p: year_exits(year.first, year.last, p, holdings[p], {f: families[f] for f in named[p] if f in families})
            for p in partner_ids}


async def _last_visits(viewer: Viewer) -> dict[int, datetime.date]:
    """The day of each partner's latest supervision visit (one grouped statement)."""
    found = await scoped_rows(viewer, "SupervisionVisit").annotate(last=Max("visited_on")).group_by(
        "partner_id").values("partner_id", "last")
    return {int(row["partner_id"]): row["last"] for row in found}


async def _late_reports(viewer: Viewer, partners: Sequence[Organization], today: datetime.date) -> dict[int, int]:
    """How many reports each partner owes late (schema/organizations/reports.late_of), from two statements: the
    years of its agreements and its submitted reports."""
    years: dict[int, set[int]] = defaultdict(set)
    for partner_id, agreed_year in await scoped_rows(viewer, "Agreement").values_list("partner_id", "jalali_year"):
        years[partner_id].add(int(agreed_year))
    submitted: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
    for partner_id, kind, report_year, period in await scoped_rows(viewer, "ReportSubmission").values_list(
            "partner_id", "kind", "jalali_year", "period"):
        submitted[partner_id].append((kind, report_year, period))
    return {p.id: len(late_of(p, years[p.id], submitted[p.id], today)) for p in partners}


async def _receipts(viewer: Viewer, year: _Year) -> dict[int, int]:
    """The receipts each partner's books hold, entered in the year, less their reversals (one grouped statement:
    the books' balance SQL over its receipts alone)."""
    found = await scoped_rows(viewer, "LedgerEntry").filter(
        kind=LedgerKind.RECEIPT, entered_on__gte=year.first, entered_on__lte=year.last).annotate(
        paid=RawSQL(BALANCE_SQL)).group_by("partner_id").values("partner_id", "paid")
    return {int(row["partner_id"]): int(row["paid"]) for row in found}


@strawberry.type
class DashboardQueries:
    @strawberry.field(description="The office dashboard: a row per partner in your area with its files, this Jalali "
                                  "year's exits against the target, overdue assessments and supervision, open abuse "
                                  "alerts, late reports and the subsidy paid this year. Offices and their "
                                  "supervisors only.")
    async def office_dashboard(self, info: Info) -> OfficeDashboard:
        return await office_dashboard(info)
