"""The partner's books: what an entry counts for, what the books add up to, and which entries may be reversed.

Source: Art. 6.9 of the 2014 directive (seed ``004_…``): «ضروری است بخش غیر دولتی تمامی مبالغ دریافتی از سازمان
بهزیستی و پرداخت ها به مددجویان را در دفتر استناد مالی معتبر ثبت نموده و مستندات مربوطه را حفظ و نگهداری نمایند و
هنگام بازدید ناظرین سازمان، در اختیار ایشان قرار دهند» — the partner enters every sum it receives from the office
(a **receipt**, «دریافت از سازمان») and every payment it makes to a client (a **payment**, «پرداخت به مددجو») in its
books, keeps the evidence, and shows both to the office's supervisors when they visit.

- **Amounts** are whole rials above zero (:func:`entry_amount`): an entry of nothing records nothing, and a sum going
  the other way is an entry of the other kind, never a negative amount (rules/money.py).
- **The sign** (:func:`signed_amount`): a receipt counts +, a payment −. A mistake is never edited or deleted — the
  books are evidence — but put right by a **reversal**: a new entry of the same kind and amount that names the entry
  it reverses and counts the other way, so that the two cancel.
- **The balance** (:func:`ledger_balance`) is the sum of the signed amounts: what the partner received from the
  office and has not (yet) paid to its clients. The API computes it in SQL with one ``SUM`` of the same sign
  (schema/money/ledger_types.py, ``SIGNED_AMOUNT_SQL``); this function is its definition and the tests' yardstick.
- **Reversals** (:func:`check_reversible`): an entry is reversed at most once, and a reversal is not reversed (to
  undo a wrong reversal, enter the original again). A receipt that pays an approved subsidy statement is the
  office's record of its payment (Art. 6): the partner does not reverse it — this project's reading, the narrower
  one, as the directive says nothing of mistakes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Protocol

from rules.errors import RuleInputError, RuleViolation
from rules.money import rial_amount

__all__ = ["PAYMENT", "RECEIPT", "Entry", "already_reversed_violation", "check_counterparty", "check_reversible",
           "entry_amount", "entry_date", "ledger_balance", "signed_amount"]

RECEIPT = "RECEIPT"
"""A sum received from the office («مبالغ دریافتی از سازمان بهزیستی»)."""
PAYMENT = "PAYMENT"
"""A payment made to a client («پرداخت ها به مددجویان»)."""

_SIGNS = {RECEIPT: 1, PAYMENT: -1}


class Entry(Protocol):
    """What the balance reads of an entry (models/money.LedgerEntry has these columns)."""

    @property
    def kind(self) -> str: ...

    @property
    def amount_rials(self) -> int: ...

    @property
    def reverses_id(self) -> int | None: ...


def signed_amount(kind: str, amount_rials: int, *, is_reversal: bool) -> int:
    """What an entry adds to the balance: a receipt +amount, a payment −amount; a reversal the opposite of the entry
    it reverses (which is of the same kind and amount), so that the two add up to nothing."""
    sign = _SIGNS.get(kind)
    if sign is None:
        raise ValueError(f"not a kind of ledger entry: {kind!r}")
    return -sign * amount_rials if is_reversal else sign * amount_rials


def ledger_balance(entries: Iterable[Entry]) -> int:
    """Receipts less payments, reversals counted against what they reverse: the sum of the signed amounts."""
    return sum(signed_amount(entry.kind, entry.amount_rials, is_reversal=entry.reverses_id is not None)
               for entry in entries)


def entry_amount(value: object, field: str) -> int:
    """An entry's amount: whole rials above zero (rules.money.rial_amount, and not 0); else :class:`RuleInputError`
    on ``field``."""
    amount = rial_amount(value, field)
    if amount == 0:
        raise RuleInputError("An entry in the books is of more than 0 rials.",
                             "مبلغ ثبت در دفتر مالی باید بیش از صفر ریال باشد.", field)
    return amount


def entry_date(on: datetime.date, today: datetime.date, *, earliest: datetime.date = datetime.date.min,
               field: str) -> datetime.date:
    """The day an entry is for: not in the future (the books record what happened), and not before ``earliest``
    (a payment to a client: the day the client's file came to the partner, Art. 4.4–4.6)."""
    if on > today:
        raise RuleInputError(f"The date {on.isoformat()} is in the future; enter only what has happened.",
                             "تاریخ در آینده است؛ فقط دریافت یا پرداختی را که انجام شده ثبت کنید.", field)
    if on < earliest:
        raise RuleInputError(f"The date {on.isoformat()} is before the client's file came to your organisation "
                             f"({earliest.isoformat()}).",
                             "تاریخ پیش از واگذاری پرونده مددجو به مؤسسه شما است.", field)
    return on


def check_counterparty(kind: str, names_client: bool, field: str) -> None:
    """A payment names the client paid; a receipt, a sum from the office, names none (RuleInputError on ``field``)."""
    if kind == PAYMENT and not names_client:
        raise RuleInputError("A payment names the client it was paid to.",
                             "پرداخت به مددجو باید پرونده مددجوی دریافت‌کننده را مشخص کند.", field)
    if kind == RECEIPT and names_client:
        raise RuleInputError("A receipt from the office names no client.",
                             "دریافت از سازمان پرونده مددجو ندارد.", field)


def already_reversed_violation() -> RuleViolation:
    """The refusal of a second reversal of one entry (also when two race and the database settles it)."""
    return RuleViolation("LEDGER_ALREADY_REVERSED", "This entry has been reversed already (Art. 6.9).",
                         "این ثبت پیش‌تر برگشت خورده است (بند ۶-۹).")


def check_reversible(*, is_reversal: bool, already_reversed: bool, pays_statement: bool) -> None:
    """Raise :class:`RuleViolation` unless the entry may be reversed now (module docstring, "Reversals")."""
    if is_reversal:
        raise RuleViolation("LEDGER_REVERSAL_NOT_REVERSIBLE",
                            "A reversal is not reversed; enter the original entry again instead (Art. 6.9).",
                            "ثبت اصلاحی (برگشتی) برگشت‌پذیر نیست؛ به جای آن ثبت اصلی را دوباره وارد کنید (بند ۶-۹).")
    if already_reversed:
        raise already_reversed_violation()
    if pays_statement:
        raise RuleViolation("LEDGER_STATEMENT_RECEIPT",
                            "This receipt pays an approved subsidy statement; it is the office's record and is not "
                            "reversed in the partner's books.",
                            "این دریافت بابت صورت‌وضعیت تأییدشده یارانه است و ثبت سازمان است؛ در دفتر مؤسسه برگشت "
                            "نمی‌خورد.")
