"""The figures a subsidy statement is computed with (Art. 6), read from the policy table as they stood then.

Source: the 2014 delegation directive (seed ``004_…``), Art. 6.2–6.8; the figures are rows of the policy table
(rules/policy_values.py), each in force from its day, never overwritten — so a statement for a past year reads the
values in force in that year, not today's.

**Which day each figure is read on** (this project's reading; the directive names none):

- what a *file-month* is paid — the maximum rate per file kind (``SUBSIDY_RATE``), the grade shares
  (``GRADE_SHARE``) and the follow-up share (``FOLLOW_UP_SHARE``) — on **the month's first day**, as a month's
  pension is (rules/pension.py): a figure changed during a month counts from the next, so every file-month of a
  month is paid alike;
- what is judged for the *year* — the exit target (``EXIT_TARGET``), the shares of a missed year
  (``MISSED_EXIT_SHARE``), the missed year the files go back in (``FILES_RETURNED_AFTER_MISSED_YEARS``), the bonus
  bands (``BONUS_HALF_ABOVE``, ``BONUS_FULL_ABOVE``), the bonus per exit (``BONUS_PER_EXIT``) and the multiplier of
  note 7 (``NON_REHABILITABLE_BONUS_MULTIPLIER``) — on **the year's first day**: the terms the year began under
  (a figure is announced ahead for the coming year, rules/policy_values.effective_from_allowed), one for the whole
  year, since the year is judged once.

**Never guessed.** A figure not in force on its day — no rate set yet for a kind — refuses the statement
(``RuleViolation`` ``POLICY_VALUE_MISSING``, naming the key, its qualifier and the day), as the pension does; another
day's or another kind's value is never taken instead.

**An earlier year's exit check** (the run of missed years, note 6) reads that year's exit figures alone
(:func:`exit_policy`): its rates and bonus play no part. A year in which no exit target was in force yet — before
the directive's own figures (1393) — had no target to miss: it neither breaks nor extends the run (None).

**The bonus bands** (Art. 6.8): the policy sets the two thresholds; the shares — none up to the first, half up to
the second, the full bonus above — are the directive's own. Equal thresholds leave no half band; a first threshold
above the second is refused (``POLICY_VALUES_INCONSISTENT``): the bands would not rise.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from rules.errors import RuleViolation
from rules.jalali import to_jalali
from rules.pension import POLICY_VALUE_MISSING
from rules.policy_values import PolicyKey, PolicyRow, share, value_in_force
from rules.subsidy import FILE_KINDS, BonusTier, SubsidyPolicy

__all__ = ["POLICY_VALUES_INCONSISTENT", "ExitPolicy", "exit_policy", "exit_target", "subsidy_policy"]

POLICY_VALUES_INCONSISTENT = "POLICY_VALUES_INCONSISTENT"
"""The rule code of a refusal for figures that contradict each other (the bonus bands)."""

GRADES = {"GRADE_1": "1", "GRADE_2": "2", "GRADE_3": "3"}
"""Each grade of rules.subsidy and its ``GRADE_SHARE`` qualifier."""
MISSED_YEARS = ("1", "2")
"""The ``MISSED_EXIT_SHARE`` qualifiers: the first and second consecutive missed year (note 6)."""


@dataclass(frozen=True)
class ExitPolicy:
    """The figures of a year's exit check (rules.subsidy.ExitFigures): the target, the missed-year shares, the
    missed year the files go back in."""

    exit_target: Fraction
    missed_year_shares: tuple[Fraction, ...]
    files_returned_in_missed_year: int


def exit_target(rows: Iterable[PolicyRow], *, year_from: datetime.date) -> Fraction | None:
    """The exit target of the year beginning ``year_from`` (Art. 6.3): ``EXIT_TARGET`` in force on the year's first
    day, as a share; None when none was in force then (module docstring)."""
    target = value_in_force(rows, PolicyKey.EXIT_TARGET, "", year_from)
    return None if target is None else share(target)


def exit_policy(rows: Iterable[PolicyRow], *, year_from: datetime.date) -> ExitPolicy | None:
    """The exit check's figures in force on ``year_from``, the year's first day; None when no exit target was in
    force then (module docstring); RuleViolation ``POLICY_VALUE_MISSING`` for a target without its missed-year
    figures."""
    rows = list(rows)
    target = exit_target(rows, year_from=year_from)
    if target is None:
        return None
    return ExitPolicy(
        exit_target=target,
        missed_year_shares=tuple(share(_on(rows, PolicyKey.MISSED_EXIT_SHARE, n, year_from)) for n in MISSED_YEARS),
        files_returned_in_missed_year=_on(rows, PolicyKey.FILES_RETURNED_AFTER_MISSED_YEARS, "", year_from))


def _on(rows: list[PolicyRow], key: PolicyKey, qualifier: str, day: datetime.date) -> int:
    value = value_in_force(rows, key, qualifier, day)
    if value is None:
        raise _missing(key, qualifier, day)
    return value


def subsidy_policy(rows: Iterable[PolicyRow], *, month_from: datetime.date,
                   year_from: datetime.date) -> SubsidyPolicy:
    """The figures for the file-months of the month beginning ``month_from`` and for the year beginning
    ``year_from`` (module docstring), from the policy table ``rows``; RuleViolation ``POLICY_VALUE_MISSING`` naming
    the first figure not in force on its day."""
    rows = list(rows)

    def yearly(key: PolicyKey) -> int:
        return _on(rows, key, "", year_from)

    def monthly(key: PolicyKey, qualifier: str = "") -> int:
        return _on(rows, key, qualifier, month_from)

    exits = exit_policy(rows, year_from=year_from)
    if exits is None:
        raise _missing(PolicyKey.EXIT_TARGET, "", year_from)
    half, full = yearly(PolicyKey.BONUS_HALF_ABOVE), yearly(PolicyKey.BONUS_FULL_ABOVE)
    if half > full:
        raise RuleViolation(
            POLICY_VALUES_INCONSISTENT,
            f"The policy table's bonus thresholds do not rise ({PolicyKey.BONUS_HALF_ABOVE.value} {half} is above "
            f"{PolicyKey.BONUS_FULL_ABOVE.value} {full} on {year_from.isoformat()}); the statement is not computed "
            "until the national office corrects them (Art. 6.8).",
            f"آستانه‌های پاداش در جدول سیاست‌ها صعودی نیستند ({to_jalali(year_from)})؛ تا اصلاح آن‌ها توسط ستاد، "
            "صورت‌حساب محاسبه نمی‌شود (بند ۶-۸).")
    tiers = [BonusTier(share(half), Fraction(0))]
    if full > half:
        tiers.append(BonusTier(share(full), Fraction(1, 2)))
    tiers.append(BonusTier(None, Fraction(1)))
    return SubsidyPolicy(
        rate_rials={kind: monthly(PolicyKey.SUBSIDY_RATE, kind) for kind in FILE_KINDS},
        grade_share={grade: share(monthly(PolicyKey.GRADE_SHARE, qualifier)) for grade, qualifier in GRADES.items()},
        exit_target=exits.exit_target,
        missed_year_shares=exits.missed_year_shares,
        files_returned_in_missed_year=exits.files_returned_in_missed_year,
        follow_up_share=share(monthly(PolicyKey.FOLLOW_UP_SHARE)),
        bonus_tiers=tuple(tiers),
        bonus_per_exit_rials=yearly(PolicyKey.BONUS_PER_EXIT),
        non_rehabilitable_bonus_multiplier=Fraction(yearly(PolicyKey.NON_REHABILITABLE_BONUS_MULTIPLIER)),
    )


def _missing(key: PolicyKey, qualifier: str, day: datetime.date) -> RuleViolation:
    which = f"{key.value}{f' ({qualifier})' if qualifier else ''}"
    return RuleViolation(
        POLICY_VALUE_MISSING,
        f"The national office has not set {which} in force on {day.isoformat()}; the subsidy statement is not "
        "computed without it (Art. 6).",
        f"ستاد ملی مقدار {which} را برای {to_jalali(day)} تعیین نکرده است؛ صورت‌حساب یارانه بدون آن محاسبه "
        "نمی‌شود (ماده ۶).")
