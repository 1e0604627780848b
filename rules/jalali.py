"""Dates: ISO-8601 or Jalali (Solar Hijri) in, ISO-8601 out, Jalali for display.

Source: docs/api.md, "Conventions" — "Dates are ISO-8601 (2019-12-09) in and out; every Date input
also accepts a Jalali date (1398-09-18, 1398/9/18, Persian or Latin digits — years 1200–1499 are Jalali),
and every date field has a …Jalali companion string for display." Agreements are signed "from the start of
each year" (Art. 6.1 of the 2014 directive, seed ``004_…``), i.e. by Jalali year. Seed ``000_…`` is dated
«دوشنبه ۱۸ آذر ۱۳۹۸ | ۹ دسامبر ۲۰۱۹», the test vector used here.
"""

from __future__ import annotations

import datetime
import re

import jdatetime

from rules.errors import RuleInputError
from rules.persian import to_latin_digits

__all__ = [
    "GREGORIAN_YEARS",
    "JALALI_YEARS",
    "jalali_year",
    "jalali_year_bounds",
    "parse_date",
    "to_jalali",
]

JALALI_YEARS = range(1200, 1500)
"""Years read as Jalali (docs/api.md "Conventions": "years 1200–1499 are Jalali")."""

GREGORIAN_YEARS = range(1500, 3000)
"""Years read as Gregorian; any other year is refused."""

# Same separator both times: 1398-09-18, 1398/9/18 — not 1398-9/18.
_DATE = re.compile(r"([0-9]{4})([-/])([0-9]{1,2})\2([0-9]{1,2})")


def _bad_date(field: str | None) -> RuleInputError:
    return RuleInputError(
        "Not a valid date: use YYYY-MM-DD (Gregorian, e.g. 2019-12-09) or a Jalali date (e.g. 1398-09-18).",
        "تاریخ معتبر نیست: به شکل YYYY-MM-DD میلادی (مثلاً 2019-12-09) یا شمسی (مثلاً ۱۳۹۸/۰۹/۱۸) وارد کنید.",
        field,
    )


def parse_date(text: str, field: str | None = None) -> datetime.date:
    """Parse an input date (docs/api.md "Conventions", Dates): ISO-8601 Gregorian or Jalali.

    Accepts ``YYYY-MM-DD`` or ``YYYY/MM/DD`` with one- or two-digit month and day, Persian, Arabic-Indic or
    Latin digits, and surrounding spaces. Years 1200–1499 are Jalali and converted to Gregorian; years
    1500–2999 are Gregorian. A non-existent day (1398/12/30 — 1398 is not leap —, month 13, 2019-02-29),
    any other year, or anything unparsable raises :class:`RuleInputError` with ``field``.
    """
    if not isinstance(text, str):
        raise _bad_date(field)
    match = _DATE.fullmatch(to_latin_digits(text).strip())
    if match is None:
        raise _bad_date(field)
    year, month, day = int(match[1]), int(match[3]), int(match[4])
    try:
        if year in JALALI_YEARS:
            return jdatetime.date(year, month, day).togregorian()
        if year in GREGORIAN_YEARS:
            return datetime.date(year, month, day)
    except ValueError:
        raise _bad_date(field) from None
    raise RuleInputError(
        f"Year {year} is out of range: Jalali years are 1200–1499 and Gregorian years 1500–2999.",
        f"سال {year} خارج از محدوده است: سال شمسی باید ۱۲۰۰ تا ۱۴۹۹ و سال میلادی ۱۵۰۰ تا ۲۹۹۹ باشد.",
        field,
    )


def _jalali(d: datetime.date) -> jdatetime.date:
    return jdatetime.date.fromgregorian(year=d.year, month=d.month, day=d.day)


def to_jalali(d: datetime.date) -> str:
    """Return the display form ``YYYY/MM/DD`` of a date in the Jalali calendar, Latin digits, zero-padded.

    Implements the "…Jalali companion string" of docs/api.md "Conventions"; ``date(2019, 12, 9)`` gives
    ``"1398/09/18"`` (seed ``000_…``).
    """
    j = _jalali(d)
    return f"{j.year:04d}/{j.month:02d}/{j.day:02d}"


def jalali_year(d: datetime.date) -> int:
    """Return the Jalali year a date falls in — the agreement year of Art. 6.1 (seed ``004_…``)."""
    return _jalali(d).year


def jalali_year_bounds(jalali_year: int) -> tuple[datetime.date, datetime.date]:
    """Return the first and last Gregorian day of a Jalali year (1 Farvardin to the last day of Esfand).

    Agreements are yearly, signed "from the start of each year" (Art. 6.1 of the 2014 directive, seed
    ``004_…``). Years outside 1200–1499 raise :class:`RuleInputError` (field ``jalaliYear``).
    """
    if isinstance(jalali_year, bool) or not isinstance(jalali_year, int) or jalali_year not in JALALI_YEARS:
        raise RuleInputError(
            "The Jalali year must be a whole number from 1200 to 1499.",
            "سال شمسی باید عددی صحیح از ۱۲۰۰ تا ۱۴۹۹ باشد.",
            "jalaliYear",
        )
    first = jdatetime.date(jalali_year, 1, 1).togregorian()
    last = jdatetime.date(jalali_year + 1, 1, 1).togregorian() - datetime.timedelta(days=1)
    return first, last
