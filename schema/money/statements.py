"""A partner's yearly subsidy statement, `Partner.subsidyStatement(jalaliYear)` (Art. 6; issue 9): computed from its
records with the figures in force then, until the province office approves it; from then on the approved statement,
frozen — nothing approved ever changes —, with the lines today's computation gives otherwise (`differences`).

**What it is computed from.** Which file-months and exits count is rules/file_months.py's (a file counts for a month
for the partner that held it on the month's last day); what each pays, the exit check and the bonus are
rules/subsidy.py's; which figures, on which day, rules/subsidy_policy.py's (a month's on its first day, the year's on
the year's first day); whether the bonus is paid, rules/bonus_approval.py's (Art. 4.16: once level 3 approved it).
The records are read in a fixed handful of statements, none per file: the facts of who held which file when
(`partner_statement_facts`, below: the partner's assignments since its first year — the exit checks of earlier years
need them —, the families they name or whose exit is credited to it, the level-3 bonus approvals about it), its
grading history, its first agreement, its approved statements, and the policy table once per request. Months and
years are expanded in Python.

**The run of missed years** before the year (note 6) is counted from the partner's first year — the earlier of its
license's start and its first agreement (rules/reports.partner_since) —, year by year: the run an approved statement
stored where there is one (what was approved stands), else that year's check computed the same way from the records
and that year's exit figures (rules/subsidy.missed_years_before, rules/subsidy_policy.exit_policy).

**Which years.** A Jalali year from 1300 to 1499 (2025 is refused with a hint: a Jalali year such as 1404), not
before the partner existed, not one that has not begun — rules/reports.py's checks, reused (the year is its first
quarter's). A year in progress counts the months that have ended and the exits so far.

**Who reads it** (auth/policy.py, STATEMENT_READERS): the offices of the partner's area and their supervisor, and the
partner's own manager (docs/access.md: "its own … books and payment statements"), each the live statement, the approved
one and what changed since (`differences`); workers read none. **The same statement for every reader**: a manager no
longer reaches a file it returned or one that left the cycle, and a county office not a file of another county
delegated to the partner — yet their months and exits are the partner's work. So the files' facts are read through
the database function `partner_statement_facts` (migration 0015), as the tables' owner, like a report's counts
(schema/organizations/reports.py): facts only — which file (by number), held when, its classification, its exit and
follow-up days, the bonus decisions' days —, no name, and only for a caller whose scope reaches the partner (NOT_FOUND
otherwise, as for any row outside the slice). The rest — grades, agreements, approved statements — every reader of
the statement reaches for the partner.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Annotated, Any

import strawberry
from strawberry.types.field import StrawberryField
from tortoise import connections
from tortoise.expressions import RawSQL

from auth.roles import Viewer
from models.money import SubsidyStatement as SubsidyStatementRow
from models.organizations import Organization
from rules.bonus_approval import BonusDecision, approving_decision
from rules.file_months import FamilyFile, Holding, clinic_standing, month_files, year_exits
from rules.jalali import jalali_year, jalali_year_bounds
from rules.policy_values import PolicyRow
from rules.reports import ReportPeriod, month_bounds, partner_since, quarterly_period
from rules.subsidy import (
    Basis,
    ExitCheck,
    ExitOutcome,
    FileMonth,
    JalaliMonth,
    Statement,
    StatementLine,
    SubsidyPolicy,
    YearExits,
    exit_check,
    exit_rate,
    missed_years_before,
    statement,
)
from rules.subsidy_policy import exit_policy, subsidy_policy
from schema.common import viewer_of
from schema.context import Info
from schema.errors import NotFound
from schema.money.policy import policy_rows
from schema.money.statement_types import Approval, LiveFigures, StatementFigures, SubsidyStatement, shown
from schema.sources import scoped_rows

# The run of missed years an approved statement stored, and the level-3 decision its bonus was paid under: its first
# element is the statement's header (`frozen`).
STORED_RUN_SQL = "(lines -> 0 ->> 'missedYears')::int"
STORED_BONUS_DECISION_SQL = "(lines -> 0 ->> 'bonusDecisionId')::int"


@dataclass(frozen=True)
class PartnerRecords:
    """What a statement is computed from, as the reader reaches it (module docstring)."""

    holdings: tuple[Holding, ...]
    families: dict[int, FamilyFile]
    grades: tuple[tuple[datetime.date, str], ...]
    first_agreement_on: datetime.date | None
    approved_runs: dict[int, int]
    bonus_decisions: tuple[BonusDecision, ...] = ()
    """The level-3 BONUS_APPROVAL decisions about the partner since its first year (rules/bonus_approval.py)."""
    used_bonus_decisions: frozenset[int] = frozenset()
    """Those other years' approved statements were paid under: they approve no other year's bonus."""


async def first_agreement_on(viewer: Viewer | None, partner: Organization) -> datetime.date | None:
    found: list[Any] = await scoped_rows(viewer, "Agreement").filter(partner_id=partner.id).order_by(
        "signed_on").limit(1).values_list("signed_on", flat=True)
    return found[0] if found else None


def statement_year(partner: Organization, year: int, first_agreement: datetime.date | None,
                   today: datetime.date) -> ReportPeriod:
    """The checks of the year asked for (module docstring, Which years): BAD_USER_INPUT on ``jalaliYear``."""
    return quarterly_period(year, 1, since=partner_since(partner.license_valid_from, first_agreement), today=today)


def _day(value: datetime.datetime | None) -> datetime.date | None:
    """The day an assignment ended, as Assignment.ended_on reads it (the UTC date of `ended_at`)."""
    if value is None:
        return None
    return (value.astimezone(datetime.UTC) if value.tzinfo else value).date()


HOLDING_COLUMNS = ("family_id", "child_id", "assigned_on", "ended_at")
"""The assignment columns a :class:`Holding` is read from (`holding`)."""
FAMILY_FILE_COLUMNS = ("id", "rehabilitability", "exited_on", "exit_partner_id", "access_until")
"""The family columns a :class:`FamilyFile` is read from (`family_file`)."""


def holding(row: dict[str, Any]) -> Holding:
    """An assignment's row (HOLDING_COLUMNS) as the rules read it, for the office dashboard (a statement reads the
    same facts through `partner_statement_facts`)."""
    return Holding(file_id=row["child_id"] if row["family_id"] is None else row["family_id"],
                   is_child=row["family_id"] is None, assigned_on=row["assigned_on"], ended_on=_day(row["ended_at"]))


def family_file(row: dict[str, Any]) -> FamilyFile:
    """A family's row (FAMILY_FILE_COLUMNS) as the rules read it."""
    return FamilyFile(id=row["id"], rehabilitability=str(row["rehabilitability"]), exited_on=row["exited_on"],
                      exit_partner_id=row["exit_partner_id"], access_until=row["access_until"])


async def statement_facts(partner_id: int, starts: datetime.date, ends: datetime.date) -> dict[str, Any]:
    """`partner_statement_facts` (migration 0015, module docstring) for the days ``starts`` to ``ends``; NOT_FOUND
    when the caller's scope does not reach the partner."""
    rows = await connections.get("default").execute_query_dict(
        "select partner_statement_facts($1, $2, $3) as facts", [partner_id, starts, ends])
    facts = rows[0]["facts"]
    if facts is None:  # the first wall let through what the second would not: answer as for a row outside the slice
        raise NotFound()
    found: dict[str, Any] = json.loads(facts) if isinstance(facts, str) else facts
    return found


def _date(value: str | None) -> datetime.date | None:
    return None if value is None else datetime.date.fromisoformat(value)


def _facts_holding(fact: dict[str, Any]) -> Holding:
    day = _date(fact["from"])
    assert day is not None  # an assignment has its first day
    is_child = fact["child"] is not None
    return Holding(file_id=fact["child"] if is_child else fact["family"], is_child=is_child, assigned_on=day,
                   ended_on=_date(fact["until"]))


def _facts_family(fact: dict[str, Any], partner_id: int) -> FamilyFile:
    """A family as the facts give it: whether its exit is the partner's, not to whom else (the rules ask no more)."""
    return FamilyFile(id=fact["id"], rehabilitability=fact["rehabilitability"], exited_on=_date(fact["exited_on"]),
                      exit_partner_id=partner_id if fact["exit_credited"] else None,
                      access_until=_date(fact["access_until"]))


def _first_year(partner: Organization, year: int, first_agreement: datetime.date | None) -> int:
    """The partner's first Jalali year (rules/reports.partner_since), the run of missed years' start; ``year`` when
    nothing says when it began."""
    since = partner_since(partner.license_valid_from, first_agreement)
    return jalali_year(since) if since is not None else year


async def partner_records(viewer: Viewer | None, partner: Organization, year: int,
                          first_agreement: datetime.date | None) -> PartnerRecords:
    p = partner.id
    facts = await statement_facts(p, jalali_year_bounds(_first_year(partner, year, first_agreement))[0],
                                  jalali_year_bounds(year)[1])
    grades = await scoped_rows(viewer, "PartnerGrade").filter(partner_id=p).order_by("graded_on", "id").values_list(
        "graded_on", "grade")
    approved = await scoped_rows(viewer, "SubsidyStatement").filter(partner_id=p).exclude(jalali_year=year).annotate(
        run=RawSQL(STORED_RUN_SQL), bonus=RawSQL(STORED_BONUS_DECISION_SQL)).values("jalali_year", "run", "bonus")
    if not grades and partner.grade is not None and partner.first_graded_on is not None:
        grades = [(partner.first_graded_on, partner.grade)]  # a grade recorded before the history was kept
    return PartnerRecords(
        holdings=tuple(_facts_holding(fact) for fact in facts["holdings"]),
        families={fact["id"]: _facts_family(fact, p) for fact in facts["families"]},
        grades=tuple((day, str(grade)) for day, grade in grades),
        first_agreement_on=first_agreement,
        approved_runs={int(row["jalali_year"]): int(row["run"]) for row in approved if row["jalali_year"] < year},
        bonus_decisions=tuple(BonusDecision(id=fact["id"], level=fact["level"], decided_on=datetime.date.fromisoformat(
            fact["decided_on"])) for fact in facts["bonus_approvals"]),
        used_bonus_decisions=frozenset(int(row["bonus"]) for row in approved if row["bonus"] is not None))


def _months(year: int, today: datetime.date) -> list[tuple[JalaliMonth, datetime.date, datetime.date]]:
    """The months of ``year`` that have ended by ``today``, with their first and last days."""
    found = []
    for month in range(1, 13):
        first, last = month_bounds(year, month)
        if last >= today:
            break
        found.append(((year, month), first, last))
    return found


def compute_statement(partner: Organization, year: int, records: PartnerRecords, rows: Sequence[PolicyRow],
                      today: datetime.date, *, approved_on: datetime.date | None = None) -> StatementFigures:
    """The statement of ``partner`` for Jalali ``year`` from its ``records`` and the policy table ``rows`` (module
    docstring), its bonus approved as level 3 had approved it by ``approved_on`` (by ``today`` when None);
    RULE_VIOLATION `POLICY_VALUE_MISSING` for a figure not in force on its day."""
    kind = partner.kind.value
    first, last = jalali_year_bounds(year)

    def exits_of(of_year: int) -> YearExits:
        starts, ends = jalali_year_bounds(of_year)
        return year_exits(starts, ends, partner.id, records.holdings, records.families)

    def earlier_run(of_year: int, run_before: int) -> int:
        figures = exit_policy(rows, year_from=jalali_year_bounds(of_year)[0])
        if figures is None:  # no target in force that year: nothing to miss (rules/subsidy_policy.py)
            return run_before
        exits = exits_of(of_year)
        return exit_check(exit_rate(exits.rehabilitable_exited, exits.rehabilitable_held), run_before,
                          figures).missed_years

    policy = subsidy_policy(rows, month_from=first, year_from=first)
    file_months: list[FileMonth] = []
    monthly: dict[JalaliMonth, SubsidyPolicy] = {}
    unclassified = 0
    for month, month_first, month_last in _months(year, today):
        standing = clinic_standing(kind, records.grades, licensed_from=partner.license_valid_from,
                                   first_agreement_on=records.first_agreement_on,
                                   first_graded_on=partner.first_graded_on, on=month_last)
        found = month_files(month, month_last, partner.id, records.holdings, records.families, standing)
        if found.file_months:
            monthly[month] = subsidy_policy(rows, month_from=month_first, year_from=first)
        file_months += found.file_months
        unclassified += found.unclassified
    before = missed_years_before(year, _first_year(partner, year, records.first_agreement_on), records.approved_runs,
                                 earlier_run)
    exits = exits_of(year)
    bonus = approving_decision(records.bonus_decisions, year_starts=first, by=approved_on or today,
                               used=records.used_bonus_decisions)
    return StatementFigures(statement(year, kind, file_months, exits, missed_years_before=before, policy=policy,
                                      monthly=monthly), exits, unclassified, bonus_approved=bonus is not None,
                            bonus_approved_on=None if bonus is None else bonus.decided_on,
                            bonus_decision_id=None if bonus is None else bonus.id)


async def live_figures(info: Info, partner: Organization, year: int, first_agreement: datetime.date | None, *,
                       approved_on: datetime.date | None = None) -> StatementFigures:
    """The statement computed now from the records, the same for every reader (module docstring); its bonus as
    approved by ``approved_on`` (by today when None)."""
    records = await partner_records(info.context.viewer, partner, year, first_agreement)
    return compute_statement(partner, year, records, await policy_rows(info), datetime.date.today(),
                             approved_on=approved_on)


async def subsidy_statement(info: Info, partner: Organization, year: int) -> SubsidyStatement | None:
    """`Partner.subsidyStatement`: the approved statement, else the live one (module docstring)."""
    viewer = viewer_of(info)
    first_agreement = await first_agreement_on(viewer, partner)
    statement_year(partner, year, first_agreement, datetime.date.today())

    async def live() -> StatementFigures:
        return await live_figures(info, partner, year, first_agreement)

    row = await scoped_rows(viewer, "SubsidyStatement").get_or_none(partner_id=partner.id, jalali_year=year)
    if row is not None:
        return approved_statement(row, live)
    return shown(year, partner.id, await live(), None, None)


def approved_statement(row: SubsidyStatementRow, live: LiveFigures | None = None) -> SubsidyStatement:
    return shown(row.jalali_year, row.partner_id, thawed(row.jalali_year, row.lines),
                 Approval(approved_on=row.approved_on, approved_by=row.approved_by_username), live)


def subsidy_statement_field() -> StrawberryField:
    """`Partner.subsidyStatement(jalaliYear)`."""

    async def resolve(root: Organization, info: Info, jalali_year: Annotated[int, strawberry.argument(
            description="The Jalali year, e.g. 1404: from 1300, not before the partner existed, begun.")],
    ) -> SubsidyStatement | None:
        return await subsidy_statement(info, root, jalali_year)

    return strawberry.field(resolve, description=(
        "Its subsidy statement for a Jalali year (Art. 6): once the province office approved it, the approved "
        "statement, frozen; until then computed from its records with the figures in force that year, the same for "
        "the office and the partner's manager. BAD_USER_INPUT for a "
        "Gregorian year, a year before the partner existed or one not yet begun; RULE_VIOLATION "
        "POLICY_VALUE_MISSING when a figure it needs was not set."))


# --- the frozen copy of an approved statement (models/money.SubsidyStatement.lines): a header, then the lines

def _text(value: Fraction | None) -> str | None:
    return None if value is None else str(value)


def _fraction(value: str | None) -> Fraction | None:
    return None if value is None else Fraction(value)


def frozen(figures: StatementFigures) -> list[dict[str, Any]]:
    """The statement as stored when approved: a header (the exit check and the counts), then one entry per line."""
    found = figures.statement
    check = found.exit_check
    header: dict[str, Any] = {
        "part": "statement", "partnerKind": found.partner_kind, "exitRate": _text(check.rate),
        "exitOutcome": check.outcome.value, "exitShare": _text(check.share), "missedYears": check.missed_years,
        "exitArticle": check.article, "rehabilitableHeld": figures.exits.rehabilitable_held,
        "rehabilitableExited": figures.exits.rehabilitable_exited,
        "nonRehabilitableExited": figures.exits.non_rehabilitable_exited,
        "unclassifiedFileMonths": figures.unclassified, "subsidyRials": found.subsidy_rials,
        "proposedBonusRials": found.proposed_bonus_rials, "bonusApproved": figures.bonus_approved,
        "bonusApprovedOn": None if figures.bonus_approved_on is None else figures.bonus_approved_on.isoformat(),
        "bonusDecisionId": figures.bonus_decision_id, "totalRials": figures.total_rials}
    return [header, *({"part": "line", "basis": line.basis.value, "amountRials": line.amount_rials,
                       "baseRials": line.base_rials, "factor": str(line.factor), "count": line.count,
                       "fileId": line.file_id, "month": None if line.month is None else list(line.month),
                       "kind": line.kind} for line in found.lines)]


def thawed(year: int, stored: list[dict[str, Any]]) -> StatementFigures:
    """The statement `frozen` stored."""
    header, *lines = stored
    check = ExitCheck(_fraction(header["exitRate"]), ExitOutcome(header["exitOutcome"]),
                      _fraction(header["exitShare"]), header["missedYears"], header["exitArticle"])
    return StatementFigures(
        Statement(year, header["partnerKind"], check, tuple(
            StatementLine(Basis(line["basis"]), line["amountRials"], line["baseRials"], Fraction(line["factor"]),
                          line["count"], line["fileId"], None if line["month"] is None else (
                              line["month"][0], line["month"][1]), line["kind"]) for line in lines)),
        YearExits(header["rehabilitableHeld"], header["rehabilitableExited"], header["nonRehabilitableExited"]),
        header["unclassifiedFileMonths"], bonus_approved=header["bonusApproved"],
        bonus_approved_on=_date(header.get("bonusApprovedOn")), bonus_decision_id=header.get("bonusDecisionId"))
