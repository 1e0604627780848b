"""GraphQL types of a partner's yearly subsidy statement (Art. 6; rules/subsidy.py, rules/file_months.py): the
statement, its lines, and what changed since one was approved.

A statement is shown from :class:`StatementFigures` — the rules' :class:`rules.subsidy.Statement` and the counts it
was computed from —, computed live from the records (schema/money/statements.py) or thawed from the frozen copy the
province office approved; the two print alike.

**Fractions are strings.** A line's factor (its share of the base) and the year's exit rate are exact fractions,
written ``"9/10"``, ``"7/10"``, ``"1/2"``, ``"2"``, ``"1"``, ``"0"`` — lowest terms, as Python's ``Fraction`` prints
them —, so that a client can check ``amount = floor(count × base × factor)`` exactly and no rate is rounded at a
boundary (an exit rate of 2/57 has no exact percentage).
"""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Annotated

import strawberry

from rules.bonus_approval import paid_rials
from rules.file_months import FILE_KIND_LABELS, FileKind
from rules.labels import descriptions
from rules.subsidy import (
    BASIS_LABELS,
    CHILD_FOLLOW_UP,
    EXIT_OUTCOME_LABELS,
    Basis,
    ExitOutcome,
    Statement,
    StatementLine,
    YearExits,
)
from schema.context import Info
from schema.node import to_global_id
from schema.rowtypes import value_type
from schema.scalars import BigInt

if TYPE_CHECKING:
    from schema.organizations.types import Partner


def _enum(cls: type[Basis] | type[ExitOutcome] | type[FileKind], name: str, description: str,
          labels: dict[str, str]) -> None:
    """Register ``cls`` as the GraphQL enum ``name``, each value described by its Persian label (as
    schema/enums.described does, under a name that says it is the subsidy's)."""
    strawberry.enum(cls, name=name, description=description)
    for value in cls.__strawberry_definition__.values:  # type: ignore[union-attr]
        value.description = labels[value.name]


_enum(Basis, "SubsidyBasis", "Why a statement line pays what it pays, with the article it is paid under (Art. 6).",
      descriptions(BASIS_LABELS))
_enum(ExitOutcome, "ExitOutcome", "The year's exit check (Art. 6.3, note 6).", descriptions(EXIT_OUTCOME_LABELS))
_enum(FileKind, "SubsidyFileKind", "What a file-month is paid as: the kinds a rate per file and month is set for "
                                   "(Art. 6.2).", descriptions(FILE_KIND_LABELS))


@dataclass(frozen=True)
class StatementFigures:
    """A statement and what it was computed from: the year's exits, and the file-months left out because their family
    was unclassified (rules/file_months.py)."""

    statement: Statement
    exits: YearExits
    unclassified: int
    bonus_approved: bool = False
    """Whether level 3 approved the bonus (rules/bonus_approval.py): then the bonus lines are paid."""
    bonus_approved_on: datetime.date | None = None
    """The day of the level-3 decision; None when not approved, or approved before the decision was recorded."""
    bonus_decision_id: int | None = None
    """The register's decision (not shown: the register is the office's), so that it approves one year's bonus."""

    @property
    def paid_bonus_rials(self) -> int:
        return self.statement.proposed_bonus_rials if self.bonus_approved else 0

    @property
    def total_rials(self) -> int:
        """What the statement pays: the file-month lines, and the bonus lines once level 3 approved them."""
        return paid_rials(self.statement, self.bonus_approved)


@dataclass(frozen=True)
class Approval:
    """Who approved a statement, and when."""

    approved_on: datetime.date
    approved_by: str


@strawberry.type(name="JalaliMonth", description="A month of the Jalali calendar.")
class JalaliMonth:
    year: int = strawberry.field(description="The Jalali year.")
    month: int = strawberry.field(description="The month, 1 (Farvardin) to 12 (Esfand).")


@strawberry.type(description="One line of a subsidy statement: a file-month (one file in one month, count 1, base the "
                             "month's maximum rate for the file's kind) or a proposed bonus (count the exited files, "
                             "base the bonus per exit). amountRials = floor(count × baseRials × factor).")
class SubsidyStatementLine:
    basis: Basis = strawberry.field(description="Why the line pays what it pays (its Persian label in the enum).")
    article: str = strawberry.field(description="The article it is paid under, e.g. `Art. 6.3 note 6`.")
    file_id: strawberry.ID | None = strawberry.field(
        description="The Family or Child the file-month is for (a global ID; `node` shows it to whoever may see the "
                    "file); null for a bonus line.")
    month: JalaliMonth | None = strawberry.field(description="The month of a file-month; null for a bonus line.")
    kind: FileKind | None = strawberry.field(description="What the file-month is paid as; null for a bonus line.")
    count: int = strawberry.field(description="1 for a file-month; the exited files for a bonus line.")
    base_rials: BigInt = strawberry.field(description="The month's maximum rate for the kind, or the full bonus per "
                                                      "exit, in whole rials, as in force then.")
    factor: str = strawberry.field(description="The share of the base paid, as an exact fraction in lowest terms "
                                               "(`9/10`, `7/10`, `1/2`, `2`, `0`).")
    amount_rials: BigInt = strawberry.field(description="floor(count × baseRials × factor), in whole rials.")
    bonus_approved: bool | None = strawberry.field(
        description="For a bonus line (proposed by level 2, Art. 4.15): true once level 3 approved the bonus (Art. "
                    "4.16) — counted in totalRials and paid; false while it is proposed and not approved — listed, "
                    "and not paid. Null for a file-month line.")
    proposed: strawberry.Private[bool]


@strawberry.type(description="A line of an approved statement whose amount differs in today's computation from the "
                             "records, or that one of the two lacks. The approved statement itself never changes.")
class SubsidyStatementDifference:
    approved: SubsidyStatementLine | None = strawberry.field(description="The line as approved; null when today's "
                                                                         "computation has a line the approval had not.")
    now: SubsidyStatementLine | None = strawberry.field(description="The line as computed today; null when the "
                                                                    "approved line has none today.")
    difference_rials: BigInt = strawberry.field(description="Today's amount less the approved one, in whole rials.")


LiveFigures = Callable[[], Awaitable[StatementFigures]]


@value_type(description="A partner's subsidy statement for a Jalali year (Art. 6): a line per file-month it held "
                        "(see SubsidyFileKind; a file counts for a month for the partner that held it on the month's "
                        "last day), the year's exit check (Art. 6.3, note 6) and the proposed bonus (Art. 6.8, note "
                        "7), with the figures of the policy table in force then. Computed from the records until the "
                        "province office approves it; from then on the approved statement, frozen.")
class SubsidyStatement:
    jalali_year: int = strawberry.field(description="The Jalali year.")
    lines: list[SubsidyStatementLine] = strawberry.field(
        description="The file-months, by month, families before children, each by ID; then the proposed bonus lines.")
    rehabilitable_held: int = strawberry.field(
        description="Rehabilitable families it held on any day of the year, each once (the exit rate's "
                    "denominator, Art. 6.3).")
    rehabilitable_exited: int = strawberry.field(
        description="Of them, those that left the support cycle in the year with the exit credited to it.")
    non_rehabilitable_exited: int = strawberry.field(
        description="Non-rehabilitable families whose exit in the year is credited to it (Art. 6.8 note 7).")
    exit_rate: str | None = strawberry.field(
        description="rehabilitableExited / rehabilitableHeld as an exact fraction in lowest terms (`2/57`); null "
                    "when it held no rehabilitable files. For a year in progress, the year so far.")
    exit_outcome: ExitOutcome = strawberry.field(description="The year's exit check against the target (Art. 6.3).")
    missed_years: int = strawberry.field(
        description="Consecutive years the exit target was missed, this one included (note 6); 0 when met.")
    files_to_return: bool = strawberry.field(
        description="Missed again: its files go back for level 3 to decide on re-delegating them (note 6).")
    unclassified_file_months: int = strawberry.field(
        description="File-months of families it held while they were unclassified: left out, since no rate is set "
                    "for them (Art. 4.1 has files classified before they are delegated).")
    subsidy_rials: BigInt = strawberry.field(description="The file-month lines' sum, in whole rials.")
    proposed_bonus_rials: BigInt = strawberry.field(
        description="The bonus lines' sum, as proposed by level 2 (Art. 6.8, note 7; Art. 4.15).")
    bonus_approved: bool = strawberry.field(
        description="Whether level 3 approved the bonus (Art. 4.16): a level-3 BONUS_APPROVAL decision about the "
                    "partner in the committee register, decided in or after the statement's year and by the day of "
                    "approval (by today for a statement not yet approved), that approved no other year's. Without it "
                    "the bonus lines are listed as proposed, and not paid.")
    bonus_approved_on: datetime.date | None = strawberry.field(
        description="The day level 3 approved the bonus; null when it did not (or, for a statement approved before "
                    "the register was read for it, when no decision is named).")
    approved_bonus_rials: BigInt = strawberry.field(
        description="The bonus paid: proposedBonusRials once level 3 approved it, else 0.")
    total_rials: BigInt = strawberry.field(
        description="subsidyRials + approvedBonusRials: what approval pays (for a statement not yet approved, what it "
                    "would pay today).")
    approved: bool = strawberry.field(description="Whether the province office approved it: then it is frozen, and "
                                                  "its payment is a receipt in the partner's books.")
    approved_on: datetime.date | None = strawberry.field(description="The day it was approved; null until then.")
    approved_by: str | None = strawberry.field(description="Who approved it (username); null until then.")
    partner_id: strawberry.Private[int]
    live: strawberry.Private[LiveFigures | None]

    @strawberry.field(description="The partner.")
    async def partner(self, info: Info) -> Annotated[Partner, strawberry.lazy("schema.organizations.types")] | None:
        return await info.context.loaders.load("Partner", self.partner_id)

    @strawberry.field(description="For an approved statement, its lines whose amount today's computation from the "
                                  "records gives otherwise (a family reclassified since, or recorded late as having "
                                  "left the cycle during the year); empty when none; null for a statement not "
                                  "approved. Amounts only: a bonus level 3 approved after the statement was approved "
                                  "is not one.")
    async def differences(self) -> list[SubsidyStatementDifference] | None:
        if not self.approved or self.live is None:
            return None
        now = await self.live()
        return line_differences(self.lines, statement_lines(now.statement, now.bonus_approved))


def _fraction(value: Fraction | None) -> str | None:
    return None if value is None else str(value)


def statement_lines(statement: Statement, bonus_approved: bool) -> list[SubsidyStatementLine]:
    return [_line(line, bonus_approved) for line in statement.lines]


def _line(line: StatementLine, bonus_approved: bool) -> SubsidyStatementLine:
    file_id = None
    if line.file_id is not None:
        file_id = strawberry.ID(to_global_id("Child" if line.kind == CHILD_FOLLOW_UP else "Family", line.file_id))
    return SubsidyStatementLine(
        basis=line.basis, article=line.article, file_id=file_id,
        month=None if line.month is None else JalaliMonth(year=line.month[0], month=line.month[1]),
        kind=None if line.kind is None else FileKind(line.kind), count=line.count,
        base_rials=BigInt(line.base_rials), factor=str(line.factor), amount_rials=BigInt(line.amount_rials),
        bonus_approved=bonus_approved if line.proposed else None, proposed=line.proposed)


def shown(year: int, partner_id: int, figures: StatementFigures, approval: Approval | None,
          live: LiveFigures | None) -> SubsidyStatement:
    """The statement as GraphQL shows it; ``live`` recomputes it from the records, for the differences of an approved
    one (None: not for this reader)."""
    statement = figures.statement
    check = statement.exit_check
    return SubsidyStatement(
        jalali_year=year, lines=statement_lines(statement, figures.bonus_approved),
        rehabilitable_held=figures.exits.rehabilitable_held, rehabilitable_exited=figures.exits.rehabilitable_exited,
        non_rehabilitable_exited=figures.exits.non_rehabilitable_exited, exit_rate=_fraction(check.rate),
        exit_outcome=check.outcome, missed_years=check.missed_years, files_to_return=statement.files_to_return,
        unclassified_file_months=figures.unclassified, subsidy_rials=BigInt(statement.subsidy_rials),
        proposed_bonus_rials=BigInt(statement.proposed_bonus_rials), bonus_approved=figures.bonus_approved,
        bonus_approved_on=figures.bonus_approved_on, approved_bonus_rials=BigInt(figures.paid_bonus_rials),
        total_rials=BigInt(figures.total_rials),
        approved=approval is not None, approved_on=None if approval is None else approval.approved_on,
        approved_by=None if approval is None else approval.approved_by, partner_id=partner_id, live=live)


def _key(line: SubsidyStatementLine) -> tuple[object, ...]:
    """What a line is about: a file in a month, or a bonus (one line per basis)."""
    if line.proposed:
        return ("bonus", line.basis)
    month = None if line.month is None else (line.month.year, line.month.month)
    return ("file", line.file_id, month)


def line_differences(approved: list[SubsidyStatementLine],
                     now: list[SubsidyStatementLine]) -> list[SubsidyStatementDifference]:
    """The lines whose amount differs between the approved statement and today's computation, in the approved
    statement's order, then today's new lines."""
    current = {_key(line): line for line in now}
    kept = {_key(line) for line in approved}
    found: list[SubsidyStatementDifference] = []
    for line in approved:
        again = current.get(_key(line))
        if again is None or again.amount_rials != line.amount_rials:
            found.append(SubsidyStatementDifference(
                approved=line, now=again,
                difference_rials=BigInt((0 if again is None else again.amount_rials) - line.amount_rials)))
    found += [SubsidyStatementDifference(approved=None, now=line, difference_rials=line.amount_rials)
              for line in now if _key(line) not in kept]
    return found
