"""Scalars: `Date` (ISO out; ISO or Jalali in), `DateTime` (ISO-8601 with offset) and `BigInt` (a 64-bit whole number:
GraphQL's `Int` stops at 2^31 − 1, about 2.1 billion rials)."""

from __future__ import annotations

import dataclasses
import datetime
from typing import NewType

import strawberry
from strawberry.schema.types.base_scalars import DateTimeDefinition
from strawberry.types.scalar import ScalarDefinition

from rules.errors import RuleInputError
from rules.jalali import parse_date


def _parse_date(value: object) -> datetime.date:
    if not isinstance(value, str):
        from rules.errors import RuleInputError

        raise RuleInputError("A date must be a string such as 2019-12-09 or 1398-09-18.",
                             "تاریخ باید رشته‌ای مانند ۱۳۹۸-۰۹-۱۸ یا 2019-12-09 باشد.")
    return parse_date(value)


Date = strawberry.scalar(
    name="Date",
    description=(
        "A calendar date. Out: ISO-8601 (2019-12-09). In: ISO-8601, or a Jalali date (1398-09-18, 1398/9/18, "
        "Persian or Latin digits); years 1200–1499 are read as Jalali. Each date field has a …Jalali companion."
    ),
    serialize=lambda d: d.isoformat(),
    parse_value=_parse_date,
)

BigInt = NewType("BigInt", int)
"""The annotation of a 64-bit field or argument (`amount: BigInt`), shown as the scalar `BigInt`."""

BIG_INT_RANGE = range(-(2**63), 2**63)  # PostgreSQL's bigint


def _parse_big_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in BIG_INT_RANGE:
        raise RuleInputError("A BigInt is a whole number within 64 bits, written as a JSON number.",
                             "مقدار BigInt باید عددی صحیح در محدوده ۶۴ بیتی باشد.")
    return value


BIG_INT = strawberry.scalar(
    name="BigInt",
    description=(
        "A whole number within 64 bits (−2^63 to 2^63 − 1), as a JSON number: sums of money in whole rials, which "
        "outgrow `Int` (32 bits, about 2.1 billion). Clients whose numbers are doubles (JavaScript) read it exactly "
        "up to 2^53."
    ),
    serialize=int,
    parse_value=_parse_big_int,
)

# The instants a DateTime input may name: those whose UTC time Python and the database both hold whatever the offset
# (a day inside Python's years 1–9999). Beyond them the database call failed the request (INTERNAL, issue #8).
EARLIEST_DATETIME = datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)
LATEST_DATETIME = datetime.datetime(9999, 12, 30, tzinfo=datetime.UTC)


def _parse_datetime(value: object) -> datetime.datetime:
    parse_iso = DateTimeDefinition.parse_value  # ISO-8601, read as strawberry reads it
    assert parse_iso is not None
    parsed: datetime.datetime = parse_iso(value)
    try:
        instant = parsed.astimezone(datetime.UTC) if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)
        within = EARLIEST_DATETIME <= instant <= LATEST_DATETIME
    except OverflowError:
        within = False
    if not within:
        raise RuleInputError("A DateTime must lie between 0001-01-02 and 9999-12-30 (UTC).",
                             "زمان باید میان 0001-01-02 و 9999-12-30 (UTC) باشد.")
    return parsed


# Strawberry's DateTime, its input bounded to the instants above.
DATE_TIME = dataclasses.replace(DateTimeDefinition, parse_value=_parse_datetime)

# Keyed by `object`: strawberry.Schema takes a Mapping, whose key type is invariant.
SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {datetime.date: Date, BigInt: BIG_INT, datetime.datetime: DATE_TIME}
