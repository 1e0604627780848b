"""The figures the national office sets and may change: rates, shares, targets and tiers (issue 9: "rates and
percentages are data, not code").

Source: the 2014 delegation directive (seed ``004_…``), Art. 6, and the pension rule of seed ``002_…``
(docs/domain.md, "Money"). The directive fixes the *shape* of each rule — grade 1, 2, 3 pay a share of the
maximum rate (6.4), a partner must take out at least a share of its rehabilitable clients each year (6.3), a missed
year pays less (6.3 note 6), a follow-up after rehabilitation is paid at a share of the rate (6.7), a bonus by exit
rate (6.8), a pension by household size as a share of the minimum wage (seed 002) — and gives today's figures,
which the national office may change from a date. Each figure is therefore a row of the policy table
(models/money.PolicyValue): a key, a qualifier where the key has several values (a file kind, a grade, a household
size), the day it takes effect, and the value. A row is never overwritten: a change is a new row from a later day,
and a statement for a past year reads the values in force then (:func:`value_in_force`).

Units. Money is in whole rials (rules/money.py). A share is in basis points — hundredths of a percent, so 10 % is
1000 and 100 % is 10 000 — which is exact for every figure the directive names; a count is a whole number.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from rules.errors import RuleInputError
from rules.jalali import jalali_year, jalali_year_bounds, to_jalali
from rules.labels import Label

__all__ = [
    "BASIS_POINTS",
    "POLICY_KEYS",
    "PolicyKey",
    "PolicyRow",
    "Unit",
    "check_policy_value",
    "effective_from_allowed",
    "share",
    "value_in_force",
]

BASIS_POINTS = 10_000
"""A share of 100 %, in basis points."""


class Unit(StrEnum):
    RIALS = "RIALS"
    BASIS_POINTS = "BASIS_POINTS"
    COUNT = "COUNT"


class PolicyKey(StrEnum):
    SUBSIDY_RATE = "SUBSIDY_RATE"
    GRADE_SHARE = "GRADE_SHARE"
    EXIT_TARGET = "EXIT_TARGET"
    MISSED_EXIT_SHARE = "MISSED_EXIT_SHARE"
    FILES_RETURNED_AFTER_MISSED_YEARS = "FILES_RETURNED_AFTER_MISSED_YEARS"
    FOLLOW_UP_SHARE = "FOLLOW_UP_SHARE"
    BONUS_HALF_ABOVE = "BONUS_HALF_ABOVE"
    BONUS_FULL_ABOVE = "BONUS_FULL_ABOVE"
    BONUS_PER_EXIT = "BONUS_PER_EXIT"
    NON_REHABILITABLE_BONUS_MULTIPLIER = "NON_REHABILITABLE_BONUS_MULTIPLIER"
    MINIMUM_WAGE = "MINIMUM_WAGE"
    PENSION_SHARE = "PENSION_SHARE"


@dataclass(frozen=True)
class KeyRule:
    unit: Unit
    qualifiers: tuple[str, ...]  # () when the key has one value
    label: Label
    maximum: int | None = None  # the largest value that makes sense (a share above 100 % does not)


FILE_KINDS = ("REHABILITABLE", "NON_REHABILITABLE", "CHILD_FOLLOW_UP")
HOUSEHOLD_SIZES = ("1", "2", "3", "4", "5")  # "5": five persons or more (seed 002)

POLICY_KEYS: dict[PolicyKey, KeyRule] = {
    PolicyKey.SUBSIDY_RATE: KeyRule(Unit.RIALS, FILE_KINDS, Label(
        "سقف تعرفه یارانه هر پرونده در ماه", "the maximum approved subsidy per file and month, by file kind",
        "Art. 6.4")),
    PolicyKey.GRADE_SHARE: KeyRule(Unit.BASIS_POINTS, ("1", "2", "3"), Label(
        "درصد یارانه به تفکیک درجه", "the share of the maximum rate a clinic of each grade is paid", "Art. 6.4"),
        BASIS_POINTS),
    PolicyKey.EXIT_TARGET: KeyRule(Unit.BASIS_POINTS, (), Label(
        "حداقل خروج سالانه از چرخه حمایت", "the least share of its rehabilitable files a partner must take out of "
        "direct support each year", "Art. 6.3"), BASIS_POINTS),
    PolicyKey.MISSED_EXIT_SHARE: KeyRule(Unit.BASIS_POINTS, ("1", "2"), Label(
        "یارانه سال‌های عدم تحقق", "the share of the maximum rate paid in the first and second consecutive year the "
        "exit target is missed", "Art. 6.3 note 6"), BASIS_POINTS),
    PolicyKey.FILES_RETURNED_AFTER_MISSED_YEARS: KeyRule(Unit.COUNT, (), Label(
        "عودت پرونده‌ها پس از سال‌های عدم تحقق", "the consecutive missed year in which the files are returned for "
        "level 3 to re-delegate", "Art. 6.3 note 6"), 10),
    PolicyKey.FOLLOW_UP_SHARE: KeyRule(Unit.BASIS_POINTS, (), Label(
        "یارانه پیگیری پس از توانمندی", "the share of the rate paid per file followed after rehabilitation",
        "Art. 6.7"), BASIS_POINTS),
    PolicyKey.BONUS_HALF_ABOVE: KeyRule(Unit.BASIS_POINTS, (), Label(
        "آستانه نیم پاداش", "the exit rate above which half the rehabilitation bonus is paid", "Art. 6.8"),
        BASIS_POINTS),
    PolicyKey.BONUS_FULL_ABOVE: KeyRule(Unit.BASIS_POINTS, (), Label(
        "آستانه پاداش کامل", "the exit rate above which the full rehabilitation bonus is paid", "Art. 6.8"),
        BASIS_POINTS),
    PolicyKey.BONUS_PER_EXIT: KeyRule(Unit.RIALS, (), Label(
        "پاداش بازتوانی هر پرونده", "the full rehabilitation bonus per exited file", "Art. 6.8")),
    PolicyKey.NON_REHABILITABLE_BONUS_MULTIPLIER: KeyRule(Unit.COUNT, (), Label(
        "ضریب پاداش خروج خانوار غیرقابل بازتوان", "how many times the bonus the exit of a non-rehabilitable family "
        "earns, at most", "Art. 6.8 note 7"), 2),
    PolicyKey.MINIMUM_WAGE: KeyRule(Unit.RIALS, (), Label(
        "حداقل دستمزد ماهانه", "the year's monthly minimum wage, which pensions are a share of", "seed 002")),
    PolicyKey.PENSION_SHARE: KeyRule(Unit.BASIS_POINTS, HOUSEHOLD_SIZES, Label(
        "مستمری ماهانه به تفکیک بعد خانوار", "the monthly pension as a share of the minimum wage, by household "
        "size (5: five or more)", "seed 002"), BASIS_POINTS),
}
"""Every figure the office sets: its unit, its qualifiers, its label and article, and its upper bound."""

PENSION_SHARE_RANGE = (3000, 5000)
"""Seed 002: a pension is 30 % to 50 % of the minimum wage."""


def check_policy_value(key: PolicyKey, qualifier: str, value: int) -> int:
    """`value` for `key` and `qualifier`, if it is one the office may set; else RuleInputError on the field at
    fault. Shares are 0–100 % (a pension 30–50 %, seed 002), money and counts whole and not negative."""
    rule = POLICY_KEYS[key]
    if rule.qualifiers and qualifier not in rule.qualifiers:
        raise RuleInputError(f"{key.value} takes one of: {', '.join(rule.qualifiers)}.",
                             f"مقدار مجاز برای تفکیک: {'، '.join(rule.qualifiers)}.", "qualifier")
    if not rule.qualifiers and qualifier:
        raise RuleInputError(f"{key.value} takes no qualifier.", "این مورد تفکیک ندارد.", "qualifier")
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RuleInputError("A policy value is a whole number, not negative.", "مقدار باید عدد صحیح نامنفی باشد.",
                             "value")
    if rule.maximum is not None and value > rule.maximum:
        raise RuleInputError(f"{key.value} is at most {rule.maximum}.", f"بیشترین مقدار مجاز {rule.maximum} است.",
                             "value")
    if key is PolicyKey.PENSION_SHARE and not PENSION_SHARE_RANGE[0] <= value <= PENSION_SHARE_RANGE[1]:
        raise RuleInputError("A pension is 30–50 % of the minimum wage (3000–5000 basis points, seed 002).",
                             "مستمری بین ۳۰ تا ۵۰ درصد حداقل دستمزد است.", "value")
    return value


def effective_from_allowed(on: datetime.date, today: datetime.date, *, field: str = "effectiveFrom") -> datetime.date:
    """`on`, if a figure set `today` may take effect from it; else RuleInputError on `field`.

    - **Not before today.** A figure from a past day would change what the statements and pensions of days gone by
      were computed from — some of them approved and paid: a past year keeps the values it had.
    - **Not after the end of the next Jalali year.** A figure may be announced ahead, for the coming year; one far
      ahead is most likely a mistyped year, and since rows are never overwritten it could not be taken back.
    """
    if on < today:
        raise RuleInputError(
            f"A policy value takes effect from today ({today.isoformat()}) or later: the days gone by keep the "
            "values they had.", f"مقدار سیاستی از امروز ({to_jalali(today)}) یا پس از آن اثر دارد؛ روزهای گذشته "
            "همان مقادیر پیشین را نگه می‌دارند.", field)
    latest = jalali_year_bounds(jalali_year(today) + 1)[1]
    if on > latest:
        raise RuleInputError(
            f"A policy value is announced at most for the next Jalali year (until {latest.isoformat()}).",
            f"مقدار سیاستی حداکثر برای سال آینده (تا {to_jalali(latest)}) اعلام می‌شود.", field)
    return on


@dataclass(frozen=True)
class PolicyRow:
    key: PolicyKey
    qualifier: str
    effective_from: datetime.date
    value: int


def value_in_force(rows: Iterable[PolicyRow], key: PolicyKey, qualifier: str, on: datetime.date) -> int | None:
    """The value of `key`/`qualifier` on day `on`: the row with the latest `effective_from` not after it; None when
    none was in force yet (the caller refuses to compute rather than guess)."""
    best: PolicyRow | None = None
    for row in rows:
        if row.key is key and row.qualifier == qualifier and row.effective_from <= on and (
                best is None or row.effective_from > best.effective_from):
            best = row
    return None if best is None else best.value


def share(basis_points: int) -> Fraction:
    """A share in basis points as an exact fraction (1000 → 1/10)."""
    return Fraction(basis_points, BASIS_POINTS)
