"""Sums of money, in whole rials.

Source: Art. 6.9 of the 2014 directive (seed ``004_…``): «ضروری است بخش غیر دولتی تمامی مبالغ دریافتی از سازمان
بهزیستی و پرداخت ها به مددجویان را در دفتر استناد مالی معتبر ثبت نموده» — every sum a partner receives from the
office and pays to clients goes into its books; loans and grants (seed ``001_…``: «سرمایه کار، بلاعوض و یا وام
اشتغال») and ad-hoc aid (seed ``002_…``) are such sums. The rial has no subunit in use, so an amount is a whole
number; no payment or loan is negative (a refund is its own record, not a negative amount).
"""

from __future__ import annotations

from rules.errors import RuleInputError

__all__ = ["MAX_RIALS", "rial_amount"]

MAX_RIALS = 2**63 - 1
"""The largest amount stored: PostgreSQL's ``bigint``. Anything larger is a typing error, not a sum of money."""


def rial_amount(value: object, field: str) -> int:
    """Return ``value`` if it is a whole number of rials from 0 to :data:`MAX_RIALS`, else raise.

    ``bool`` (an ``int`` to Python), ``float`` (even ``5.0``), ``Decimal``, strings and negative numbers raise
    :class:`RuleInputError` on ``field`` (e.g. ``amount``, ``amountRials``).
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleInputError(
            "An amount must be a whole number of rials.",
            "مبلغ باید عددی صحیح به ریال باشد.",
            field,
        )
    if not 0 <= value <= MAX_RIALS:
        raise RuleInputError(
            f"An amount must be from 0 to {MAX_RIALS} rials.",
            f"مبلغ باید از ۰ تا {MAX_RIALS} ریال باشد.",
            field,
        )
    return value
