"""The partner's books (Art. 6.9, rules/ledger.py): the sign of an entry, the balance, amounts, days, and which
entries may be reversed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from rules.errors import RuleInputError, RuleViolation
from rules.ledger import (
    PAYMENT,
    RECEIPT,
    check_counterparty,
    check_reversible,
    entry_amount,
    entry_date,
    ledger_balance,
    signed_amount,
)
from rules.money import MAX_RIALS


@dataclass(frozen=True)
class Row:
    kind: str
    amount_rials: int
    reverses_id: int | None = None


@pytest.mark.parametrize(("kind", "amount", "is_reversal", "signed"), [
    (RECEIPT, 1_000, False, 1_000),
    (PAYMENT, 1_000, False, -1_000),
    (RECEIPT, 1_000, True, -1_000),   # the reversal of a receipt takes it back out
    (PAYMENT, 1_000, True, 1_000),    # the reversal of a payment puts it back
    (RECEIPT, MAX_RIALS, False, MAX_RIALS),
])
def test_the_sign_of_an_entry(kind: str, amount: int, is_reversal: bool, signed: int) -> None:
    assert signed_amount(kind, amount, is_reversal=is_reversal) == signed


def test_an_unknown_kind_has_no_sign() -> None:
    with pytest.raises(ValueError):
        signed_amount("GIFT", 1, is_reversal=False)


@pytest.mark.parametrize(("entries", "balance"), [
    ([], 0),
    ([Row(RECEIPT, 500)], 500),
    ([Row(RECEIPT, 500), Row(PAYMENT, 200)], 300),
    ([Row(RECEIPT, 500), Row(PAYMENT, 800)], -300),  # paid out more than received
    ([Row(RECEIPT, 500), Row(PAYMENT, 200), Row(PAYMENT, 200, reverses_id=2)], 500),  # a reversal brings it back
    ([Row(RECEIPT, 500), Row(RECEIPT, 500), Row(RECEIPT, 500, reverses_id=2)], 500),  # a duplicate undone
    ([Row(RECEIPT, MAX_RIALS), Row(RECEIPT, MAX_RIALS)], 2 * MAX_RIALS),  # Python's ints, PostgreSQL's numeric sum
])
def test_the_balance_is_receipts_less_payments_reversals_against_what_they_reverse(entries: list[Row],
                                                                                    balance: int) -> None:
    assert ledger_balance(entries) == balance


@pytest.mark.parametrize("value", [1, 5_000_000_000, MAX_RIALS])
def test_an_amount_is_whole_rials_above_zero(value: int) -> None:
    assert entry_amount(value, "amountRials") == value


@pytest.mark.parametrize("value", [0, -5, 1.5, 5.0, True, "100", None, MAX_RIALS + 1])
def test_any_other_amount_is_refused_on_its_field(value: object) -> None:
    with pytest.raises(RuleInputError) as refused:
        entry_amount(value, "amountRials")
    assert refused.value.field == "amountRials"
    assert refused.value.message_fa


TODAY = datetime.date(2026, 6, 1)
DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(("on", "earliest", "allowed"), [
    (TODAY, datetime.date.min, True),
    (TODAY - 400 * DAY, datetime.date.min, True),
    (TODAY + DAY, datetime.date.min, False),    # the books record what happened
    (TODAY - 10 * DAY, TODAY - 10 * DAY, True),  # a payment on the day the file came
    (TODAY - 11 * DAY, TODAY - 10 * DAY, False),  # … not before
])
def test_the_day_of_an_entry(on: datetime.date, earliest: datetime.date, allowed: bool) -> None:
    if allowed:
        assert entry_date(on, TODAY, earliest=earliest, field="enteredOn") == on
    else:
        with pytest.raises(RuleInputError) as refused:
            entry_date(on, TODAY, earliest=earliest, field="enteredOn")
        assert refused.value.field == "enteredOn"


@pytest.mark.parametrize(("kind", "names_client", "allowed"), [
    (PAYMENT, True, True), (PAYMENT, False, False), (RECEIPT, False, True), (RECEIPT, True, False),
])
def test_a_payment_names_its_client_and_a_receipt_none(kind: str, names_client: bool, allowed: bool) -> None:
    if allowed:
        check_counterparty(kind, names_client, "familyId")
    else:
        with pytest.raises(RuleInputError) as refused:
            check_counterparty(kind, names_client, "familyId")
        assert refused.value.field == "familyId"


@pytest.mark.parametrize(("is_reversal", "already_reversed", "pays_statement", "rule"), [
    (False, False, False, None),
    (True, False, False, "LEDGER_REVERSAL_NOT_REVERSIBLE"),
    (False, True, False, "LEDGER_ALREADY_REVERSED"),
    (False, False, True, "LEDGER_STATEMENT_RECEIPT"),
    (True, True, True, "LEDGER_REVERSAL_NOT_REVERSIBLE"),
])
def test_which_entries_may_be_reversed(is_reversal: bool, already_reversed: bool, pays_statement: bool,
                                       rule: str | None) -> None:
    if rule is None:
        check_reversible(is_reversal=is_reversal, already_reversed=already_reversed, pays_statement=pays_statement)
        return
    with pytest.raises(RuleViolation) as refused:
        check_reversible(is_reversal=is_reversal, already_reversed=already_reversed, pays_statement=pays_statement)
    assert refused.value.rule == rule
    assert refused.value.message_fa
