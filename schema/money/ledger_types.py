"""GraphQL types of the partner's books (Art. 6.9: rules/ledger.py): an entry, and the two fields a partner shows its
books by — `Partner.ledger`, the entries oldest first, and `Partner.ledgerBalance`, what they add up to.

Who reads the books is auth/policy.py's (LEDGER_READERS: the partner's manager, the offices of its area and their
supervisors — «هنگام بازدید ناظرین سازمان، در اختیار ایشان قرار دهند»); which rows, the `LedgerEntry` row scope and,
behind it, row-level security (migration 0013). An entry's client is loaded through the reader's own scope of
families, so a client whose file the reader may not see (returned by the partner since) shows as null.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types.field import StrawberryField
from tortoise.expressions import RawSQL

from models.money import LedgerEntry as LedgerEntryRow
from models.money import LedgerKind
from models.organizations import Organization
from rules.ledger import signed_amount
from schema.context import Info
from schema.enums import described
from schema.node import Node
from schema.pagination import DEFAULT_PAGE, MAX_PAGE, Connection, paginate
from schema.rowtypes import row_type
from schema.scalars import BigInt
from schema.sources import scoped_rows

if TYPE_CHECKING:
    from schema.families.types import Family

described(LedgerKind, "What an entry in a partner's books records (Art. 6.9).", {
    "RECEIPT": "«دریافت از سازمان» — a sum received from the welfare office; counts + in the balance.",
    "PAYMENT": "«پرداخت به مددجو» — a payment made to a client; counts − in the balance.",
})

SIGNED_AMOUNT_SQL = ("case when kind = 'RECEIPT' then amount_rials else -amount_rials end"
                     " * case when reverses_id is null then 1 else -1 end")
"""An entry's signed amount in SQL, as rules.ledger.signed_amount defines it: a receipt +, a payment −, a reversal
the opposite (tests/api/test_ledger.py checks the two agree on the demo books)."""
BALANCE_SQL = f"coalesce(sum({SIGNED_AMOUNT_SQL}), 0)"
"""The books' balance, rules.ledger.ledger_balance in one SUM (numeric in PostgreSQL: no overflow of the sum)."""


@row_type(LedgerEntryRow, description="An entry in a partner's books (Art. 6.9, «دفتر استناد مالی»): a sum received "
                                      "from the office or a payment made to a client, in whole rials. Entries are "
                                      "never changed or deleted; a mistake is put right by a reversing entry.")
class LedgerEntry(Node):
    kind: LedgerKind = strawberry.field(description="A receipt from the office or a payment to a client.")
    amount_rials: BigInt = strawberry.field(description="The sum, in whole rials, above zero; the same for a "
                                                        "reversal as for the entry it reverses.")
    entered_on: datetime.date = strawberry.field(description="The day the sum was received or paid (a reversal: "
                                                             "the day it was entered).")
    description: str = strawberry.field(description="What the sum was for; for a reversal, why it was made.")

    @strawberry.field(description="What the entry adds to the balance: a receipt +amountRials, a payment "
                                  "−amountRials, a reversal the opposite of the entry it reverses.")
    def signed_amount_rials(root: LedgerEntryRow) -> BigInt:
        return BigInt(signed_amount(root.kind, root.amount_rials, is_reversal=root.reverses_id is not None))

    @strawberry.field(description="The client paid, for a payment; null for a receipt, and when the client's file is "
                                  "not one you may see (it left the partner since).")
    async def family(root: LedgerEntryRow, info: Info) -> Annotated[
            Family, strawberry.lazy("schema.families.types")] | None:
        return await info.context.loaders.load("Family", root.family_id)

    @strawberry.field(description="The entry this one reverses; null when it reverses none.")
    async def reverses(root: LedgerEntryRow, info: Info) -> LedgerEntry | None:
        return await info.context.loaders.load("LedgerEntry", root.reverses_id)

    @strawberry.field(description="The entry that reversed this one; null while it stands (an entry is reversed at "
                                  "most once).")
    async def reversed_by(root: LedgerEntryRow, info: Info) -> LedgerEntry | None:
        reversals = await info.context.loaders.grouped("LedgerEntry", "reverses_id").load(root.id)
        return reversals[0] if reversals else None

    @strawberry.field(description="Who entered it (username).")
    def recorded_by(root: LedgerEntryRow) -> str:
        return root.author_username

    @strawberry.field(description="When it was entered.")
    def recorded_at(root: LedgerEntryRow) -> datetime.datetime:
        return root.created_at


_FIRST = strawberry.argument(description=f"Page size from the start or `after` (default {DEFAULT_PAGE}, at most "
                                         f"{MAX_PAGE}; more is an error).")
_AFTER = strawberry.argument(description="Entries after this cursor (an `endCursor` you were given): later ones.")


def ledger_field() -> StrawberryField:
    """`Partner.ledger(first, after)`: the partner's entries in the order they were entered (oldest first, by ID —
    the order of a book, which keyset pages follow; `enteredOn` may be earlier than an older entry's)."""

    async def resolve(root: Organization, info: Info, first: Annotated[int | None, _FIRST] = None,
                      after: Annotated[str | None, _AFTER] = None) -> Connection[LedgerEntry]:
        return await paginate(scoped_rows(info.context.viewer, "LedgerEntry").filter(partner_id=root.id), first,
                              after)

    return strawberry.field(resolve, description="Its books (Art. 6.9): every sum received from the office and every "
                                                 "payment to a client, oldest first (in the order entered), reversals "
                                                 "included.")


def ledger_balance_field() -> StrawberryField:
    """`Partner.ledgerBalance`: one SUM in the database over the partner's entries the reader reaches (all of them, for
    every reader the policy lets in: the books carry the partner and its area), never a sum over rows in Python."""

    async def resolve(root: Organization, info: Info) -> BigInt:
        async def balances(partner_ids: list[int]) -> list[BigInt]:  # a page of partners in one statement
            entries = scoped_rows(info.context.viewer, "LedgerEntry").filter(partner_id__in=partner_ids)
            found: list[dict[str, Any]] = await entries.annotate(balance=RawSQL(BALANCE_SQL)).group_by(
                "partner_id").values("partner_id", "balance")
            sums = {row["partner_id"]: int(row["balance"]) for row in found}
            return [BigInt(sums.get(partner_id, 0)) for partner_id in partner_ids]  # no entries: a balance of 0

        loader: DataLoader[int, BigInt] = info.context.loaders.batched("Partner.ledgerBalance", balances)
        return await loader.load(root.id)

    return strawberry.field(resolve, description="What its books add up to, in whole rials: receipts from the office "
                                                 "less payments to clients, each reversal counted against the entry it "
                                                 "reverses (Art. 6.9). Negative when it paid out more than it "
                                                 "received.")
