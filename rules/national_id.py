"""Iranian national ID (کد ملی).

Source: docs/domain.md, "Who is served" — household members carry a "national ID (کد ملی, 10 digits with a
check digit)". The check digit is the standard one of the National Organisation for Civil Registration:
with ``s = sum(d[i] * (10 - i) for i in 0..8)`` and ``r = s % 11``, the tenth digit is ``r`` when ``r < 2``
and ``11 - r`` otherwise. Numbers made of one repeated digit pass that sum but are never issued.
"""

from __future__ import annotations

import re

from rules.errors import RuleInputError
from rules.persian import to_latin_digits

__all__ = ["check_digit", "is_valid_national_id", "make_national_id", "national_id_digits", "validate_national_id"]

# Whitespace (including NBSP and ZWNJ) and the dash family people type between digit groups.
_SEPARATORS = re.compile("[\\s\u200c\u200d\\-\u2010\u2011\u2012\u2013\u2014\u2212]+")
_TEN_DIGITS = re.compile("[0-9]{10}")
_NINE_DIGITS = re.compile("[0-9]{9}")


def national_id_digits(raw: str) -> str:
    """The digits of a national ID as typed: Persian or Arabic-Indic digits made Latin, spaces, ZWNJ and the dash
    family dropped. Registration validates this form and search compares it, so both clean alike."""
    return _SEPARATORS.sub("", to_latin_digits(raw))


def check_digit(first_nine: str) -> int:
    """Return the check digit for nine Latin digits (docs/domain.md "Who is served": "10 digits with a check digit").

    The caller guarantees ``first_nine`` is exactly nine characters 0–9.
    """
    r = sum(int(first_nine[i]) * (10 - i) for i in range(9)) % 11
    return r if r < 2 else 11 - r


def validate_national_id(raw: str, field: str = "nationalId") -> str:
    """Return the canonical 10-digit form of a national ID, or raise :class:`RuleInputError`.

    Implements docs/domain.md "Who is served" (کد ملی, 10 digits with a check digit). Persian and Arabic-Indic
    digits are accepted, spaces and dashes are ignored. Three distinct failures, each with ``field``:
    not exactly ten digits; one digit repeated ten times; a wrong check digit.
    """
    if not isinstance(raw, str):
        raise RuleInputError(
            "The national ID must be given as text of 10 digits.",
            "کد ملی باید به صورت متنی ۱۰ رقمی وارد شود.",
            field,
        )
    digits = national_id_digits(raw)
    if not _TEN_DIGITS.fullmatch(digits):
        raise RuleInputError(
            "The national ID must be exactly 10 digits.",
            "کد ملی باید دقیقاً ۱۰ رقم باشد.",
            field,
        )
    if len(set(digits)) == 1:
        raise RuleInputError(
            "The national ID cannot be one digit repeated ten times.",
            "کد ملی نمی‌تواند از تکرار یک رقم تشکیل شده باشد.",
            field,
        )
    if int(digits[9]) != check_digit(digits[:9]):
        raise RuleInputError(
            "The national ID's check digit is wrong; please check the number.",
            "رقم کنترل کد ملی نادرست است؛ لطفاً شماره را بررسی کنید.",
            field,
        )
    return digits


def is_valid_national_id(raw: str) -> bool:
    """Tell whether :func:`validate_national_id` would accept ``raw`` (docs/domain.md "Who is served", کد ملی)."""
    try:
        validate_national_id(raw)
    except RuleInputError:
        return False
    return True


def make_national_id(first_nine: str) -> str:
    """Append the correct check digit to nine digits (docs/domain.md "Who is served", کد ملی); for demo data and tests.

    Raises :class:`RuleInputError` (field ``firstNine``) unless given exactly nine digits, or when the
    result would be one repeated digit, which is never a valid national ID.
    """
    digits = national_id_digits(first_nine) if isinstance(first_nine, str) else ""
    if not _NINE_DIGITS.fullmatch(digits):
        raise RuleInputError(
            "Exactly nine digits are needed to make a national ID.",
            "برای ساختن کد ملی دقیقاً ۹ رقم لازم است.",
            "firstNine",
        )
    national_id = digits + str(check_digit(digits))
    if len(set(national_id)) == 1:
        raise RuleInputError(
            "These nine digits give a national ID of one repeated digit, which is never valid.",
            "این ۹ رقم به کد ملی با ارقام تکراری می‌رسد که هرگز معتبر نیست.",
            "firstNine",
        )
    return national_id
