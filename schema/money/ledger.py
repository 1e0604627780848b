"""Entries in a partner's books (Art. 6.9, rules/ledger.py): `recordLedgerEntry`, `reverseLedgerEntry`, and
`post_receipt` for the office's own postings.

- **Who.** The books are the partner's: Art. 6.9 has the partner («بخش غیر دولتی») enter every sum it receives and
  pays. So only the partner's manager enters receipts and payments and reverses them (auth/policy.py,
  LEDGER_KEEPERS), on its own books — another partner's answers NOT_FOUND, like one that does not exist. The office
  does not write in a partner's books through the API: what it pays reaches them when the province office approves
  a subsidy statement, which posts the receipt itself (`post_receipt`, called inside that mutation's transaction).
  This is the narrower reading: the directive does not give the office a pen in the partner's books.
- **A payment** names the client paid: a family the partner serves now — delegated to it, or in the year of
  post-rehabilitation follow-up in which it still gives services and money (Art. 6.7). Any other family — never
  delegated, returned, reassigned, out of the cycle otherwise — answers NOT_FOUND. It is dated from the day the file
  came to the partner (from the exit, during the follow-up year), as a service record is.
- **Nothing is changed or deleted** (the API's database role may neither update nor delete ledger rows): a mistake
  is put right by a reversing entry of the same kind and amount (`reverses_id`), made at most once per entry — the
  database's unique index settles two reversals that race.
- **Once per clientId**, as every record an app may send twice (schema/casework/records.py).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import strawberry
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from auth.roles import Viewer
from models.money import LedgerEntry as LedgerEntryRow
from models.money import LedgerKind
from models.organizations import Organization
from rules.ledger import already_reversed_violation, check_counterparty, check_reversible, entry_amount, entry_date
from schema.casework.records import CLIENT_ID_DESCRIPTION as _CLIENT_ID
from schema.casework.records import TEXT_LENGTH, content_digest, once_per_client_id, record_target
from schema.common import clean_text, find_scoped, viewer_of
from schema.context import Info
from schema.errors import NotFound
from schema.money.ledger_types import LedgerEntry
from schema.rowtypes import served_as
from schema.scalars import BigInt
from schema.sources import scoped_rows

# The unique index that lets an entry be reversed once (migration 0013): its name is in the error of a raced reversal.
REVERSES_ONCE = "ledger_entry_reverses_id_key"


@strawberry.input(description="A sum your organisation received from the office, or paid to a client (Art. 6.9).")
class RecordLedgerEntryInput:
    partner_id: strawberry.ID = strawberry.field(description="Whose books: your own organisation.")
    kind: LedgerKind = strawberry.field(description="A receipt from the office or a payment to a client.")
    amount_rials: BigInt = strawberry.field(description="The sum in whole rials, above zero.")
    entered_on: datetime.date = strawberry.field(description="The day it was received or paid; not in the future, and "
                                                             "for a payment not before the client's file came to "
                                                             "you. Jalali accepted.")
    description: str = strawberry.field(description="What it was for (a receipt: which period or statement; a "
                                                    "payment: which service).")
    family_id: strawberry.ID | None = strawberry.field(
        default=None, description="The client paid: required for a payment, a family delegated to you now; none for "
                                  "a receipt.")
    client_id: uuid.UUID | None = strawberry.field(default=None, description=_CLIENT_ID)


@strawberry.input(description="Put a wrong entry right: a reversing entry of the same kind and amount that cancels it.")
class ReverseLedgerEntryInput:
    id: strawberry.ID = strawberry.field(description="The entry to reverse: one that is itself no reversal and has not "
                                                     "been reversed.")
    reason: str = strawberry.field(description="Why it is reversed (kept as the reversal's description).")
    client_id: uuid.UUID | None = strawberry.field(default=None, description=_CLIENT_ID)


@strawberry.type(description="The entry made (or the one an earlier sending of the same clientId made).")
class LedgerEntryPayload:
    ledger_entry: LedgerEntry = strawberry.field(description="The entry.")


@strawberry.type
class LedgerMutations:
    @strawberry.mutation(description="Enter a sum received from the office or a payment to a client in your books "
                                     "(Art. 6.9). Entries are never changed: put a mistake right with "
                                     "reverseLedgerEntry.")
    async def record_ledger_entry(self, info: Info, input: RecordLedgerEntryInput) -> LedgerEntryPayload:
        viewer = viewer_of(info)
        partner = await find_scoped(info, "Partner", input.partner_id, "partnerId")
        amount = entry_amount(input.amount_rials, "amountRials")
        check_counterparty(input.kind, input.family_id is not None, "familyId")
        family_id, earliest = None, datetime.date.min
        if input.family_id is not None:
            family_id, earliest = await _client_delegated_now(info, partner, input.family_id)
        values: dict[str, Any] = {
            "kind": input.kind, "amount_rials": amount, "family_id": family_id,
            "entered_on": entry_date(input.entered_on, datetime.date.today(), earliest=earliest, field="enteredOn"),
            "description": clean_text(input.description, "description", TEXT_LENGTH, required=True)}
        digest = content_digest({"partner": partner.id, **values})
        entry, _ = await once_per_client_id(LedgerEntryRow, input.client_id, digest, viewer.user_id,
                                            lambda: _enter(viewer, _books(partner), values, input.client_id, digest))
        return LedgerEntryPayload(ledger_entry=served_as(LedgerEntry, entry))

    @strawberry.mutation(description="Reverse an entry of your books: a new entry of the same kind and amount, dated "
                                     "today, that cancels it in the balance (Art. 6.9). RULE_VIOLATION for a reversal, "
                                     "an entry already reversed (LEDGER_ALREADY_REVERSED) and a receipt that pays an "
                                     "approved subsidy statement.")
    async def reverse_ledger_entry(self, info: Info, input: ReverseLedgerEntryInput) -> LedgerEntryPayload:
        viewer = viewer_of(info)
        entry = await find_scoped(info, "LedgerEntry", input.id, "id")
        values: dict[str, Any] = {
            "kind": entry.kind, "amount_rials": entry.amount_rials, "family_id": entry.family_id,
            "entered_on": datetime.date.today(), "reverses_id": entry.id,
            "description": clean_text(input.reason, "reason", TEXT_LENGTH, required=True)}
        digest = content_digest({"reverses": entry.id, "reason": values["description"]})

        async def reverse() -> LedgerEntryRow:
            # Checked here, after a repeated clientId has returned its reversal: a second sending is no second
            # reversal.
            reversed_already = await scoped_rows(viewer, "LedgerEntry").filter(reverses_id=entry.id).exists()
            check_reversible(is_reversal=entry.reverses_id is not None, already_reversed=reversed_already,
                             pays_statement=entry.statement_id is not None)
            try:
                async with in_transaction():  # a savepoint, so that a raced reversal leaves the request usable
                    return await _enter(viewer, _books_of(entry), values, input.client_id, digest)
            except IntegrityError as error:
                if REVERSES_ONCE not in str(error):
                    raise
                raise already_reversed_violation() from None

        reversal, _ = await once_per_client_id(LedgerEntryRow, input.client_id, digest, viewer.user_id, reverse)
        return LedgerEntryPayload(ledger_entry=served_as(LedgerEntry, reversal))


async def post_receipt(viewer: Viewer, partner: Organization, *, amount_rials: int, entered_on: datetime.date,
                       description: str, statement_id: int | None = None) -> LedgerEntryRow:
    """Post a sum the office paid a partner as a receipt in the partner's books, inside the caller's transaction: for
    the approval of a subsidy statement (`statement_id`), which the partner then does not reverse (rules/ledger.py).

    The caller has found `partner` through its own scope and decided that `viewer` may pay it (the mutation's policy);
    row-level security still refuses a row outside the viewer's area. Raises RuleInputError (BAD_USER_INPUT) on
    `amountRials` or `enteredOn` for an amount that is not whole rials above zero or a day in the future."""
    values: dict[str, Any] = {
        "kind": LedgerKind.RECEIPT, "amount_rials": entry_amount(amount_rials, "amountRials"),
        "entered_on": entry_date(entered_on, datetime.date.today(), field="enteredOn"),
        "description": clean_text(description, "description", TEXT_LENGTH), "statement_id": statement_id}
    return await _enter(viewer, _books(partner), values, None, "")


def _books(partner: Organization) -> dict[str, Any]:
    """Whose books an entry goes in: the partner, and its area (what the row scope and row-level security read)."""
    return {"partner_id": partner.id, "province_id": partner.province_id, "county_id": partner.county_id}


def _books_of(entry: LedgerEntryRow) -> dict[str, Any]:
    """The books `entry` is in, for its reversal."""
    return {"partner_id": entry.partner_id, "province_id": entry.province_id, "county_id": entry.county_id}


async def _enter(viewer: Viewer, books: dict[str, Any], values: dict[str, Any], client_id: uuid.UUID | None,
                 digest: str) -> LedgerEntryRow:
    """Write an entry in the `books` (`_books`, `_books_of`) by `viewer`."""
    return await LedgerEntryRow.create(**values, **books, author_id=viewer.user_id, author_username=viewer.username,
                                       client_id=client_id, client_digest=digest)


async def _client_delegated_now(info: Info, partner: Organization, family_global_id: str) -> tuple[int, datetime.date]:
    """The family a payment names, if `partner` serves it now — a live delegation, or the follow-up year after
    rehabilitation, during which the partner still gives services and money (Art. 6.7) — and the first day a payment
    may be for; else NOT_FOUND, alike for a family outside the caller's slice and one in it the partner does not serve
    (module docstring). The same reach as a service record's (schema/casework/records.record_target)."""
    target = await record_target(info, "Family", family_global_id, "familyId", after_exit=True)
    if target.partner_id != partner.id:
        raise NotFound(field="familyId")
    return target.row.id, target.started_on
