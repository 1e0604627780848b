"""Scalars: `Date` (ISO out; ISO or Jalali in) and `DateTime` (ISO-8601 with offset)."""

from __future__ import annotations

import datetime

import strawberry
from strawberry.types.scalar import ScalarDefinition

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

# Keyed by `object`: strawberry.Schema takes a Mapping, whose key type is invariant.
SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {datetime.date: Date}
