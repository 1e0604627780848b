"""`approveSubsidyStatement`: the province office approves a partner's statement for a Jalali year that has ended
and pays it (Art. 6.4: «اداره کل بهزیستی استان موظف است یارانه کلینیک ها را ... پرداخت نماید»; Art. 6.8: the
province office pays the bonus; docs/access.md: PROVINCE_OFFICER "payments to partners";
auth/policy.STATEMENT_APPROVERS).

- **What is approved** is the statement computed now from the records of the approver's area
  (schema/money/statements.py), stored frozen (`subsidy_statement`: its lines and total as computed, the approver
  and the day): what `Partner.subsidyStatement` shows from then on, whatever changes in the records later.
- **The payment** is one receipt of the total in the partner's books (schema/money/ledger.post_receipt, Art. 6.9),
  dated the day of approval and naming the statement, in the same transaction: both or neither. The total is the
  file-month lines, and the bonus lines (Art. 6.8, note 7) only when level 3 approved the bonus level 2 proposed
  (Art. 4.15–4.16): a level-3 BONUS_APPROVAL decision about the partner in the committee register, decided in or
  after the statement's year and by the day of approval, that approved no other year's (rules/bonus_approval.py).
  Without it the statement is approved and paid without its bonus lines, which it keeps listed as proposed and not
  approved — for good: the approved statement never changes. A statement totalling nothing is approved and stored
  (its exit check counts for next year's) without a receipt: the books take no sum of zero (rules/ledger.py).
- **Only a year that has ended** (RULE_VIOLATION `STATEMENT_YEAR_NOT_ENDED`): its months and exits are not all known
  before. The day of approval is after the year's end and not in the future (BAD_USER_INPUT on `approvedOn`).
- **Once per partner and year.** A second approval is a CONFLICT; the database's unique index settles two that race.
- **Once per clientId** (schema/casework/records.once_per_client_id): the same user sending the same approval
  (partner, year, day) again under its clientId gets the statement its first sending stored, and nothing is paid
  twice; anything else under that clientId is a CONFLICT.
"""

from __future__ import annotations

import datetime
import uuid

import strawberry
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from auth.policy import STATEMENT_ROWS
from auth.roles import Viewer
from auth.scope import within_scope
from models.money import SubsidyStatement as SubsidyStatementRow
from models.organizations import Organization
from rules.errors import RuleInputError, RuleViolation
from rules.jalali import jalali_year_bounds, to_jalali
from schema.casework.records import CLIENT_ID_DESCRIPTION, content_digest, once_per_client_id
from schema.common import find_scoped, viewer_of
from schema.context import Info
from schema.errors import Conflict, NotFound
from schema.money.ledger import post_receipt
from schema.money.statement_types import SubsidyStatement
from schema.money.statements import (
    approved_statement,
    first_agreement_on,
    frozen,
    live_figures,
    statement_year,
)
from schema.sources import scoped_rows

YEAR_NOT_ENDED = "STATEMENT_YEAR_NOT_ENDED"


@strawberry.input(description="Approve a partner's subsidy statement for a Jalali year that has ended, and pay it "
                              "(Art. 6).")
class ApproveSubsidyStatementInput:
    partner_id: strawberry.ID = strawberry.field(description="The partner, in your province.")
    jalali_year: int = strawberry.field(description="The Jalali year, e.g. 1404: one that has ended.")
    approved_on: datetime.date = strawberry.field(description="The day of approval, which the receipt is dated: after "
                                                              "the year's end, not in the future. Jalali accepted.")
    client_id: uuid.UUID | None = strawberry.field(default=None, description=CLIENT_ID_DESCRIPTION)


@strawberry.type(description="The statement approved (or, for a resending, the one its first sending approved).")
class SubsidyStatementPayload:
    subsidy_statement: SubsidyStatement = strawberry.field(description="The approved statement, frozen.")


@strawberry.type
class StatementMutations:
    @strawberry.mutation(description="Approve a partner's subsidy statement for a Jalali year that has ended (province "
                                     "office): the statement computed now is stored frozen and its total paid as one "
                                     "receipt in the partner's books (Art. 6, 6.9) — its bonus lines only when level 3 "
                                     "approved the bonus (Art. 4.16, `bonusApproved`). RULE_VIOLATION "
                                     "STATEMENT_YEAR_NOT_ENDED for a year not over; CONFLICT when the year's statement "
                                     "was approved already.")
    async def approve_subsidy_statement(self, info: Info, input: ApproveSubsidyStatementInput) -> \
            SubsidyStatementPayload:
        viewer = viewer_of(info)
        partner = await find_scoped(info, "Partner", input.partner_id, "partnerId")
        today = datetime.date.today()
        first_agreement = await first_agreement_on(viewer, partner)
        statement_year(partner, input.jalali_year, first_agreement, today)
        ends = jalali_year_bounds(input.jalali_year)[1]
        if ends >= today:
            raise RuleViolation(
                YEAR_NOT_ENDED, f"The year {input.jalali_year} has not ended: its statement is approved once it is "
                "over (until then its months and exits are not all known).",
                f"سال {input.jalali_year} هنوز به پایان نرسیده است؛ صورت‌حساب آن پس از پایان سال تأیید می‌شود.")
        digest = content_digest({"partner": partner.id, "jalaliYear": input.jalali_year,
                                 "approvedOn": input.approved_on})

        async def approve() -> SubsidyStatementRow:
            existing = await _approved(viewer, partner, input.jalali_year)
            if existing is not None:
                raise _approved_already(existing)
            approved_on = _approval_day(input.approved_on, ends, today)
            figures = await live_figures(info, partner, input.jalali_year, first_agreement, approved_on=approved_on)
            row = SubsidyStatementRow(
                partner_id=partner.id, province_id=partner.province_id, county_id=partner.county_id,
                jalali_year=input.jalali_year, lines=frozen(figures), total_rials=figures.total_rials,
                approved_on=approved_on, approved_by_id=viewer.user_id, approved_by_username=viewer.username,
                client_id=input.client_id, client_digest=digest)
            if not within_scope(viewer, STATEMENT_ROWS, row):
                raise NotFound(field="partnerId")
            try:
                async with in_transaction():  # a savepoint: a raced approval leaves the request usable for the look-up
                    await row.save()
            except IntegrityError:
                raced = await _approved(viewer, partner, input.jalali_year)
                if raced is None or (input.client_id is not None and raced.client_id == input.client_id):
                    raise  # no approval raced in, or this sending's own: once_per_client_id answers it
                raise _approved_already(raced) from None
            if row.total_rials:
                await post_receipt(viewer, partner, amount_rials=row.total_rials, entered_on=approved_on,
                                   description=f"پرداخت صورت‌حساب یارانه سال {input.jalali_year} (ماده ۶ دستورالعمل)",
                                   statement_id=row.id)
            return row

        row, _ = await once_per_client_id(SubsidyStatementRow, input.client_id, digest, viewer.user_id, approve)
        return SubsidyStatementPayload(subsidy_statement=approved_statement(row))


async def _approved(viewer: Viewer, partner: Organization, year: int) -> SubsidyStatementRow | None:
    found: SubsidyStatementRow | None = await scoped_rows(viewer, "SubsidyStatement").get_or_none(
        partner_id=partner.id, jalali_year=year)
    return found


def _approved_already(existing: SubsidyStatementRow) -> Conflict:
    """CONFLICT: a year's statement is approved once."""
    return Conflict(
        f"The statement for {existing.jalali_year} was approved already, on {existing.approved_on.isoformat()} by "
        f"{existing.approved_by_username}; an approved statement never changes.",
        f"صورت‌حساب سال {existing.jalali_year} پیش‌تر در {to_jalali(existing.approved_on)} تأیید شده است و تغییر "
        "نمی‌کند.", field="jalaliYear")


def _approval_day(on: datetime.date, year_ends: datetime.date, today: datetime.date) -> datetime.date:
    if on > today:
        raise RuleInputError("The day of approval cannot be in the future.", "تاریخ تأیید نمی‌تواند در آینده باشد.",
                             "approvedOn")
    if on <= year_ends:
        raise RuleInputError(f"A statement is approved after its year has ended ({to_jalali(year_ends)}).",
                             f"صورت‌حساب پس از پایان سال ({to_jalali(year_ends)}) تأیید می‌شود.", "approvedOn")
    return on
