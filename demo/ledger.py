"""The demo partners' books (issue 9, Art. 6.9): a Jalali year of what each partner received from the office and paid
to its clients, with one mistake put right by a reversal.

Like demo/casework.py, two halves: :func:`build_ledger` makes the entries in memory from the demo casework, a seeded
generator (``random.Random(1409)``) and the date it is given; :func:`write_ledger` writes them inside the demo seed's
transaction, once the partners, their managers and the files exist. For each demo partner, over the year up to
yesterday (demo.casework.year_before):

- **Payments to clients**: one for every service with money the partner gave (demo/casework.py, Art. 5: a food basket,
  a deposit for housing, the cost of treatment …), to that service's family, on the day it was given and for its
  amount — the families were delegated to the partner then, as recordLedgerEntry requires.
- **Receipts from the office**: an advance at the start of each three Jalali months of the year, a little above what
  the partner then paid out (rounded up to 10 million rials); the child home, which pays no family here, receives its
  advance all the same.
- **One reversal**: a payment entered twice by mistake (for the child home its first receipt) and the duplicate
  reversed a few days later, as reverseLedgerEntry would.

Each entry is entered by the partner's manager (only the manager keeps the books, auth/policy.LEDGER_KEEPERS), the
same day as what it records, and entries are written in the order they were entered, so the books' ID order is theirs.
Every amount passes the rule the API applies (rules/ledger.entry_amount).
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from demo.cases import CaseRefs
from demo.casework import DemoCasework, year_before
from models.casework import ServiceRecord
from models.families import Family
from models.money import LedgerEntry, LedgerKind
from rules.jalali import to_jalali
from rules.ledger import entry_amount, signed_amount
from rules.periods import add_jalali_months
from rules.persian import normalise_text

__all__ = ["EntryPlan", "build_ledger", "write_ledger"]

SEED = 1409
"""The books' own generator: the casework keeps its seed, so adding the books changes none of it."""

ADVANCE_MONTHS = 3
"""The office pays its advance every three Jalali months."""
ADVANCE_ROUNDING = 10_000_000
"""An advance is a round sum: a multiple of 10 million rials (a million tomans)."""
CHILD_HOME_ADVANCE = (120_000_000, 180_000_000)
"""The advance of a partner that pays no family in the demo (the child home), in rials."""

_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class EntryPlan:
    """One entry: whose books (partner key), what, for which day, to whom (a file number for a payment), when it was
    entered, and for a reversal the entry it reverses."""

    partner: str
    kind: LedgerKind
    amount_rials: int
    entered_on: datetime.date
    description: str
    file_number: str | None
    recorded_at: datetime.datetime
    reverses: EntryPlan | None = None


def build_ledger(today: datetime.date, casework: DemoCasework, partners: Iterable[str]) -> tuple[EntryPlan, ...]:
    """The demo books as of `today`, every partner's, in the order they were entered."""
    rng = random.Random(SEED)
    yesterday = today - _DAY
    since = year_before(today)
    entries: list[EntryPlan] = []
    for partner in sorted(partners):
        payments = [_payment(partner, record.desk.file_number, record.values, record.recorded_at)
                    for record in casework.records
                    if record.model is ServiceRecord and record.desk.partner == partner
                    and record.values.get("amount_rials")]
        receipts = _advances(rng, partner, payments, since, yesterday)
        entries += payments + receipts + _one_mistake(rng, payments or receipts, yesterday)
    # A reversal is entered days after its entry, so this order puts every entry before its reversal.
    return tuple(sorted(entries, key=lambda entry: (entry.recorded_at, entry.partner)))


def _payment(partner: str, file_number: str, service: Mapping[str, Any],
             recorded_at: datetime.datetime) -> EntryPlan:
    """The payment of a service with money (a record's columns), entered in the books an hour after the service."""
    return EntryPlan(partner=partner, kind=LedgerKind.PAYMENT,
                     amount_rials=entry_amount(service["amount_rials"], "amountRials"), entered_on=service["given_on"],
                     description=normalise_text(service["description"]), file_number=file_number,
                     recorded_at=recorded_at + datetime.timedelta(hours=1))


def _advances(rng: random.Random, partner: str, payments: list[EntryPlan], since: datetime.date,
              yesterday: datetime.date) -> list[EntryPlan]:
    """An advance at the start of each three months from `since` up to yesterday: what the partner paid in those
    months and a tenth more, rounded up; a partner that paid nothing gets the child home's advance."""
    receipts = []
    start = since
    while start <= yesterday:
        end = add_jalali_months(start, ADVANCE_MONTHS)
        paid = sum(p.amount_rials for p in payments if start <= p.entered_on < end)
        if paid:
            amount = math.ceil(paid * 11 / 10 / ADVANCE_ROUNDING) * ADVANCE_ROUNDING
        else:
            low, high = CHILD_HOME_ADVANCE
            amount = rng.randint(low // ADVANCE_ROUNDING, high // ADVANCE_ROUNDING) * ADVANCE_ROUNDING
        last = min(end - _DAY, yesterday)
        receipts.append(EntryPlan(
            partner=partner, kind=LedgerKind.RECEIPT, amount_rials=entry_amount(amount, "amountRials"),
            entered_on=start, file_number=None, recorded_at=_morning(start, rng),
            description=normalise_text(f"پیش‌پرداخت یارانه از اداره بهزیستی، دوره {to_jalali(start)} تا "
                                       f"{to_jalali(last)}")))
        start = end
    return receipts


def _one_mistake(rng: random.Random, entries: list[EntryPlan], yesterday: datetime.date) -> list[EntryPlan]:
    """One of `entries` entered a second time by mistake, and the duplicate's reversal: dated the day it was
    entered, a few days on (never after yesterday, and never the morning before the duplicate)."""
    original = rng.choice([entry for entry in entries if entry.entered_on < yesterday])
    duplicate = replace(original, recorded_at=original.recorded_at + datetime.timedelta(minutes=7))
    reversed_on = min(original.entered_on + rng.randint(1, 5) * _DAY, yesterday)
    reversal = replace(
        original, entered_on=reversed_on, reverses=duplicate, file_number=original.file_number,
        recorded_at=max(_morning(reversed_on, rng), duplicate.recorded_at + datetime.timedelta(hours=1)),
        description=normalise_text(f"برگشت ثبت تکراری «{original.description}» مورخ {to_jalali(original.entered_on)}"))
    return [duplicate, reversal]


def _morning(on: datetime.date, rng: random.Random) -> datetime.datetime:
    """A working-day moment of `on` (08:00–11:00 Tehran time, UTC+3:30)."""
    minutes = rng.randint(4 * 60 + 30, 7 * 60 + 30)
    return datetime.datetime.combine(on, datetime.time(minutes // 60, minutes % 60), datetime.UTC)


async def write_ledger(conn: BaseDBAsyncClient, entries: tuple[EntryPlan, ...], refs: CaseRefs) -> dict[str, int]:
    """Write the books in the order they were entered (one insert each, so that a reversal knows its entry's ID)."""
    family_ids = dict(await Family.all().using_db(conn).values_list("file_number", "id"))
    made: dict[EntryPlan, int] = {}
    for entry in entries:
        author = refs.partner_managers[entry.partner]
        row = await LedgerEntry.create(
            using_db=conn, partner_id=refs.partners[entry.partner], province_id=refs.province_id,
            county_id=refs.counties[refs.partner_counties[entry.partner]], kind=entry.kind,
            amount_rials=entry.amount_rials, entered_on=entry.entered_on, description=entry.description,
            family_id=None if entry.file_number is None else family_ids[entry.file_number],
            reverses_id=None if entry.reverses is None else made[entry.reverses], author_id=author,
            author_username=refs.usernames[author], created_at=entry.recorded_at)
        made[entry] = row.id
    for partner in refs.partners:  # the office advanced more than each partner paid out
        assert sum(signed_amount(e.kind, e.amount_rials, is_reversal=e.reverses is not None)
                   for e in entries if e.partner == partner) > 0, partner
    return {"ledger_entry": len(made)}
