"""A partner's yearly subsidy statement (Art. 6): what each file-month earns, the exit check, the proposed bonus.

Source: the 2014 delegation directive (seed ``004_…``), Art. 6 and its notes (docs/domain.md, "Money (Art. 6), as
policy data"). The directive fixes the *shape* of each rule; every rate and share is a policy value the caller reads
from the policy table and passes in as a :class:`SubsidyPolicy` — none is written here.

- Art. 6.2 — the subsidy is paid «بر اساس آخرين دستورالعمل جامع حمایتهای مالی سازمان»: a rate per file-month, by
  file kind (``SubsidyPolicy.rate_rials``). Only clinics are graded (6.4), so a charity, complex or child home is
  paid the rate as approved.
- Art. 6.4.1–6.4.3 — a clinic of grade 1, 2, 3 is paid «۱۰۰٪ / ۹۰٪ / ۸۰٪ از حداکثر یارانه مصوب» (``grade_share``).
- Art. 6.4.4 — «به کلینیک فاقد درجه تا زمان اخذ درجه پرونده تعلق نخواهد گرفت»: an ungraded clinic gets no files, so
  a month it is ungraded and past its first year pays nothing; the line says so.
- Note 4 — «مبلغ یارانه پرداختی به کلینیک های جدید التاسیس به مدت یکسال، برابر تعرفه یارانه کلینیک های درجه دو
  محاسبه می گردد»: an ungraded clinic's month in its first year is paid at grade 2's share. The caller says per
  month whether it falls in the first year (as :func:`rules.grading.grade_in_force` reads it, from
  :func:`rules.grading.first_year_ends`); a clinic's own grade, once it has one, wins, as in ``grade_in_force``.
- Note 5 — «یارانه مؤسسه یا مجتمعی که … پرونده های خدمت گیرندگان قابل بازتوان را دریافت داشته اند معادل کلینیک درجه
  ۳ محاسبه می گردد»: it is the *institution's* subsidy that is computed as grade 3, so every file-month of a charity
  or complex that held rehabilitable files in the year is paid at grade 3's share, not only the rehabilitable ones
  (the less generous reading).
- Art. 6.3 — a partner must take «سالیانه حداقل ۱۰٪» of its rehabilitable clients out of direct support
  (``exit_target``). The exit rate is exited / held over the year's rehabilitable files, an exact
  :class:`~fractions.Fraction`; the target is met at the target itself (``≥``).
- Note 6 — missing it, «سال اول عدم تحقق وظیفه، به میزان ۷۰٪ حداکثر یارانه مصوب … محاسبه و پرداخت می گردد»; the
  second year «۰.۵٪», an OCR slip for 50 %; «در سال سوم … پرونده ها عودت و به بخش دیگری منتقل گردد و موضوع واگذاری
  مجدد پرونده در کمیته سطح ۳ بررسی و تصمیم گیری شود». The n-th consecutive missed year pays
  ``missed_year_shares[n-1]`` *of the maximum rate* in place of the grade share — never more than the month would
  pay otherwise, so an ungraded month stays at nothing.
- Art. 6.7 — «با پیشنهاد کمیته سطح یک و پس از بازتوانی و قطع مستمری … به میزان ۱۰٪ یارانه مصوب … به هر پرونده تا
  یکسال قابل پرداخت است»: a file followed after its exit is paid ``follow_up_share`` of the rate, for the twelve
  Jalali months after the month it exited (the exit month itself is an ordinary month). The level-1 proposal is
  the caller's to check: only approved follow-ups are passed in.
- Art. 6.8 — the rehabilitation bonus by exit rate: «تا ۱۰٪ … بدون پاداش»، «از ۱۱٪ تا ۱۵٪ … نصف مبلغ پاداش»، «از ۱۶٪
  به بالا … کل مبلغ پاداش». The seed's bands leave gaps (10–11 %, 15–16 %); the policy's :class:`BonusTier` rows
  close them with inclusive upper bounds: ≤ 10 % none, ≤ 15 % half, above full. It is ``bonus_per_exit_rials``
  per exited rehabilitable file times the band's share.
- Note 7 — a non-rehabilitable family that exits earns «تا سقف دو برابر کل مبلغ پاداش … به ازای هر پرونده»: "up to"
  twice sets a ceiling, and the figure within it is the office's, so the policy gives the multiplier
  (``non_rehabilitable_bonus_multiplier``, today 2). It does not depend on the exit rate's band.
- Art. 4.15–4.16 — level 2 proposes the bonus and level 3 approves it: the statement's bonus lines are the
  *proposed* bonus; approval is recorded elsewhere.

**Readings of what the seed leaves open** (where unclear, the less generous one):

- *The third missed year.* The seed names a payment for the first two missed years and, for the third, only the
  return of the files. Nothing says the third year's work goes unpaid, and nothing lifts the second year's cut, so
  the third (and any later) missed year pays the last named share (50 %) and the statement flags the files for
  return and for level 3 to decide on re-delegating (``ExitOutcome.RETURN_FILES``). The year it starts from is a
  policy value (``files_returned_in_missed_year``, today 3).
- *No rehabilitable files held.* The exit rate is undefined (None): there was nothing to take out, so no obligation
  can be checked — no note-6 penalty, since nothing was required, and no bonus, since nothing was achieved. Such a
  year neither breaks nor extends a run of missed years (``ExitCheck.missed_years`` carries the run unchanged), so
  a partner cannot reset its run by holding no rehabilitable files for a year.
- *Children in family care* (kind ``CHILD_FOLLOW_UP``) are paid «بر اساس ضوابط تعیین شده در قرارداد» (seed
  ``003_…``, step 11) — under the same yearly agreement, so like family files: the grade share and note 6 apply to
  them too. Art. 6.7's follow-up after exit is for families only.

**Figures that change during the year.** :func:`statement` takes the year's figures (``policy``: the exit check and
its missed-year share, the bonus) and, where they changed, each month's own for that month's file-month lines
(``monthly``: the rate, the grade shares, the follow-up share); which day each is read on is
rules/subsidy_policy.py's. Which file-months there are is rules/file_months.py's.

**Money.** Amounts are whole rials. A line's amount is ``count × base × factor`` computed exactly and rounded down
(floor, the payer's conservative choice) once, for the line as a whole — never per file or per intermediate step.
The total is the sum of the lines.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Protocol

from rules.caseload import CHARITY_KINDS, check_partner_kind
from rules.delegation import NON_REHABILITABLE, REHABILITABLE
from rules.errors import RuleInputError
from rules.grading import FIRST_YEAR_GRADE, GRADES, UNGRADED
from rules.labels import Label
from rules.money import rial_amount
from rules.numbers import is_whole_number, whole_number

__all__ = [
    "BASIS_LABELS",
    "CHILD_FOLLOW_UP",
    "EXIT_OUTCOME_LABELS",
    "FILE_KINDS",
    "FOLLOW_UP_MONTHS",
    "Basis",
    "BonusTier",
    "ExitCheck",
    "ExitFigures",
    "ExitOutcome",
    "FileMonth",
    "JalaliMonth",
    "Statement",
    "StatementLine",
    "SubsidyPolicy",
    "YearExits",
    "bonus_share",
    "exit_check",
    "exit_rate",
    "exit_target_met",
    "missed_years_before",
    "statement",
]

CHILD_FOLLOW_UP = "CHILD_FOLLOW_UP"
FILE_KINDS = (REHABILITABLE, NON_REHABILITABLE, CHILD_FOLLOW_UP)
"""The kinds a rate per file-month is set for: the two family loads (Art. 4.1) and a child's follow-up (seed 003)."""
FOLLOW_UP_MONTHS = 12
"""Art. 6.7, «تا یکسال»: the Jalali months after the exit month in which a follow-up is paid."""
NOTE_5_GRADE = "GRADE_3"
"""Note 5: a charity or complex holding rehabilitable files is paid as a grade-3 clinic."""
CLINIC = "CLINIC"

JalaliMonth = tuple[int, int]
"""A Jalali (year, month), month 1–12."""


class Basis(StrEnum):
    """Why a line pays what it pays; :data:`BASIS_LABELS` gives each its words and article."""

    GRADE = "GRADE"
    FIRST_YEAR = "FIRST_YEAR"
    NOTE_5_GRADE_3 = "NOTE_5_GRADE_3"
    APPROVED_RATE = "APPROVED_RATE"
    UNGRADED_NO_FILES = "UNGRADED_NO_FILES"
    EXIT_TARGET_MISSED = "EXIT_TARGET_MISSED"
    FOLLOW_UP = "FOLLOW_UP"
    FOLLOW_UP_ENDED = "FOLLOW_UP_ENDED"
    REHABILITATION_BONUS = "REHABILITATION_BONUS"
    NON_REHABILITABLE_EXIT_BONUS = "NON_REHABILITABLE_EXIT_BONUS"


BASIS_LABELS: dict[Basis, Label] = {
    Basis.GRADE: Label("یارانه بر اساس درجه کلینیک", "the clinic's grade share of the maximum rate", "Art. 6.4"),
    Basis.FIRST_YEAR: Label("کلینیک جدیدالتأسیس، برابر درجه دو", "a new clinic's first year, paid as grade 2",
                            "Art. 6.4 note 4"),
    Basis.NOTE_5_GRADE_3: Label("مؤسسه یا مجتمع دارای پرونده قابل بازتوان، معادل درجه ۳",
                                "a charity or complex holding rehabilitable files, paid as grade 3", "Art. 6.4 note 5"),
    Basis.APPROVED_RATE: Label("یارانه مصوب", "the approved rate; only clinics are graded", "Art. 6.2"),
    Basis.UNGRADED_NO_FILES: Label("کلینیک فاقد درجه؛ پرونده تعلق نمی‌گیرد",
                                   "an ungraded clinic past its first year gets no files: nothing is paid",
                                   "Art. 6.4.4"),
    Basis.EXIT_TARGET_MISSED: Label("عدم تحقق حداقل خروج از چرخه حمایت",
                                    "the exit target missed: a share of the maximum rate replaces the grade share",
                                    "Art. 6.3 note 6"),
    Basis.FOLLOW_UP: Label("پیگیری پس از بازتوانی", "follow-up after rehabilitation, for up to a year", "Art. 6.7"),
    Basis.FOLLOW_UP_ENDED: Label("پایان یکسال پیگیری پس از بازتوانی",
                                 "more than a year after the exit: the follow-up is no longer paid", "Art. 6.7"),
    Basis.REHABILITATION_BONUS: Label("پاداش بازتوانی (پیشنهادی)",
                                      "the rehabilitation bonus, as proposed by level 2 for level 3 to approve",
                                      "Art. 6.8"),
    Basis.NON_REHABILITABLE_EXIT_BONUS: Label("پاداش خروج خانوار غیرقابل بازتوان (پیشنهادی)",
                                              "the bonus for exited non-rehabilitable families, as proposed",
                                              "Art. 6.8 note 7"),
}

_BONUSES = (Basis.REHABILITATION_BONUS, Basis.NON_REHABILITABLE_EXIT_BONUS)


def _fraction(value: object, field: str, *, at_most_one: bool = True) -> Fraction:
    """``value`` as an exact Fraction (an int or a Fraction, never a float or a bool), from 0 (to 1 for a share)."""
    if isinstance(value, bool) or not isinstance(value, int | Fraction):
        raise RuleInputError("A share must be exact: a whole number or a fraction, not a decimal.",
                             "سهم باید عدد دقیق (صحیح یا کسری) باشد.", field)
    if value < 0 or (at_most_one and value > 1):
        raise RuleInputError("A share must be from 0 to 100 %.", "سهم باید بین ۰ تا ۱۰۰ درصد باشد.", field)
    return Fraction(value)


def _month(value: object, field: str) -> JalaliMonth:
    if (isinstance(value, tuple) and len(value) == 2 and all(is_whole_number(v) for v in value)
            and value[0] > 0 and 1 <= value[1] <= 12):
        return (value[0], value[1])
    raise RuleInputError("A month is a Jalali (year, month), month 1 to 12.", "ماه باید (سال، ماه) شمسی باشد.", field)


@dataclass(frozen=True)
class BonusTier:
    """A band of the exit rate (Art. 6.8): rates up to ``up_to`` inclusive earn ``share`` of the bonus; the last
    band has no bound (``up_to`` None)."""

    up_to: Fraction | None
    share: Fraction


@dataclass(frozen=True)
class SubsidyPolicy:
    """The policy values in force for the year, read by the caller from the policy table. Shares are Fractions of
    the maximum rate (basis points ``b`` → ``Fraction(b, 10000)``); money is whole rials."""

    rate_rials: Mapping[str, int]
    """The maximum approved rate per file-month, for each of :data:`FILE_KINDS` (Art. 6.2)."""
    grade_share: Mapping[str, Fraction]
    """``GRADE_1`` / ``GRADE_2`` / ``GRADE_3`` → its share of the maximum rate (Art. 6.4.1–6.4.3: 1, 9/10, 8/10)."""
    exit_target: Fraction
    """The least exit rate a partner must reach in the year (Art. 6.3: 1/10)."""
    missed_year_shares: tuple[Fraction, ...]
    """The share of the maximum rate for the 1st, 2nd, … consecutive missed year (note 6: 7/10, 1/2); a later
    missed year pays the last."""
    files_returned_in_missed_year: int
    """The consecutive missed year from which the files are flagged for return to level 3 (note 6: 3)."""
    follow_up_share: Fraction
    """The share of the rate per file-month followed after exit (Art. 6.7: 1/10)."""
    bonus_tiers: tuple[BonusTier, ...]
    """The exit-rate bands of the bonus, ascending (Art. 6.8: ≤ 1/10 → 0, ≤ 15/100 → 1/2, above → 1)."""
    bonus_per_exit_rials: int
    """The full rehabilitation bonus per exited file (Art. 6.8)."""
    non_rehabilitable_bonus_multiplier: Fraction
    """How many times the full bonus a non-rehabilitable family's exit earns (note 7: «تا سقف دو برابر», today 2)."""

    def __post_init__(self) -> None:
        if set(self.rate_rials) != set(FILE_KINDS):
            raise RuleInputError(f"A rate is set for each of {', '.join(FILE_KINDS)}.",
                                 "برای هر نوع پرونده باید تعرفه تعیین شود.", "rateRials")
        for rate in self.rate_rials.values():
            rial_amount(rate, "rateRials")
        if set(self.grade_share) != set(GRADES):
            raise RuleInputError(f"A share is set for each of {', '.join(GRADES)}.",
                                 "برای هر درجه باید سهم تعیین شود.", "gradeShare")
        for value in self.grade_share.values():
            _fraction(value, "gradeShare")
        _fraction(self.exit_target, "exitTarget")
        if not self.missed_year_shares:
            raise RuleInputError("At least one missed-year share is set.", "سهم سال عدم تحقق تعیین نشده است.",
                                 "missedYearShares")
        for value in self.missed_year_shares:
            _fraction(value, "missedYearShares")
        if whole_number(self.files_returned_in_missed_year, "filesReturnedInMissedYear", "The missed year",
                        "سال عدم تحقق") < 1:
            raise RuleInputError("The files are returned in the first missed year or later.",
                                 "سال عودت پرونده‌ها باید یک یا بیشتر باشد.", "filesReturnedInMissedYear")
        _fraction(self.follow_up_share, "followUpShare")
        self._check_tiers()
        rial_amount(self.bonus_per_exit_rials, "bonusPerExitRials")
        _fraction(self.non_rehabilitable_bonus_multiplier, "nonRehabilitableBonusMultiplier", at_most_one=False)

    def _check_tiers(self) -> None:
        bounds = [tier.up_to for tier in self.bonus_tiers]
        if not bounds or bounds[-1] is not None or None in bounds[:-1]:
            raise RuleInputError("The bonus bands end with one band without an upper bound.",
                                 "آخرین بازه پاداش باید بدون سقف باشد.", "bonusTiers")
        closed = [_fraction(b, "bonusTiers") for b in bounds[:-1] if b is not None]
        if closed != sorted(set(closed)):
            raise RuleInputError("The bonus bands' bounds must rise.", "سقف بازه‌های پاداش باید صعودی باشد.",
                                 "bonusTiers")
        for tier in self.bonus_tiers:
            _fraction(tier.share, "bonusTiers")


@dataclass(frozen=True)
class FileMonth:
    """One file served by the partner in one Jalali month of the statement's year.

    ``grade`` is the clinic's own grade in force that month (``GRADE_1``–``GRADE_3``; ``UNGRADED`` or None when it
    has none; None for other partners) and ``first_year`` whether the month falls in the clinic's first year (note
    4) — the caller reads both from the grade history, as :func:`rules.grading.grade_in_force` does. ``exited`` is
    the month a family file left direct support, for a month it is followed after its exit (Art. 6.7); else None.
    """

    file_id: int
    kind: str
    month: JalaliMonth
    grade: str | None = None
    first_year: bool = False
    exited: JalaliMonth | None = None

    def __post_init__(self) -> None:
        if str(self.kind) not in FILE_KINDS:
            raise RuleInputError(f"Unknown file kind {self.kind!r}; expected one of {', '.join(FILE_KINDS)}.",
                                 "نوع پرونده نامعتبر است.", "kind")
        _month(self.month, "month")
        if self.grade not in (*GRADES, UNGRADED, None):
            raise RuleInputError(f"Unknown clinic grade {self.grade!r}.", "درجه کلینیک نامعتبر است.", "grade")
        if self.exited is None:
            return
        if self.kind == CHILD_FOLLOW_UP:
            raise RuleInputError("Art. 6.7's follow-up after exit is for family files, not a child's.",
                                 "پیگیری پس از بازتوانی (بند ۷ ماده ۶) ویژه پرونده خانوار است.", "exited")
        if _month(self.exited, "exited") >= self.month:
            raise RuleInputError("A follow-up month comes after the month of exit; the exit month is an ordinary one.",
                                 "ماه پیگیری باید پس از ماه خروج باشد.", "exited")

    @property
    def months_since_exit(self) -> int | None:
        """How many Jalali months after the exit month this one is (1 = the next month); None if not a follow-up."""
        if self.exited is None:
            return None
        return (self.month[0] - self.exited[0]) * 12 + self.month[1] - self.exited[1]


@dataclass(frozen=True)
class YearExits:
    """The year's rehabilitable files held (each counted once) and exited, and non-rehabilitable families exited."""

    rehabilitable_held: int
    rehabilitable_exited: int
    non_rehabilitable_exited: int = 0

    def __post_init__(self) -> None:
        exit_rate(self.rehabilitable_exited, self.rehabilitable_held)
        whole_number(self.non_rehabilitable_exited, "nonRehabilitableExited", "A number of files", "تعداد پرونده")


class ExitOutcome(StrEnum):
    """The year's exit check (Art. 6.3, note 6)."""

    NOT_APPLICABLE = "NOT_APPLICABLE"
    """No rehabilitable files held: nothing to check."""
    MET = "MET"
    MISSED = "MISSED"
    """Missed: the year is paid at a missed-year share of the maximum rate."""
    RETURN_FILES = "RETURN_FILES"
    """Missed again: paid as :attr:`MISSED`, and the files go back for level 3 to re-delegate."""


EXIT_OUTCOME_LABELS: dict[ExitOutcome, Label] = {
    ExitOutcome.NOT_APPLICABLE: Label("بدون پرونده قابل بازتوان", "no rehabilitable files held: nothing to check",
                                      "Art. 6.3"),
    ExitOutcome.MET: Label("تحقق حداقل خروج از چرخه حمایت", "the exit target met", "Art. 6.3"),
    ExitOutcome.MISSED: Label("عدم تحقق حداقل خروج از چرخه حمایت",
                              "the exit target missed: a share of the maximum rate replaces the grade share",
                              "Art. 6.3 note 6"),
    ExitOutcome.RETURN_FILES: Label("عودت پرونده‌ها پس از سال‌های عدم تحقق",
                                    "missed again: paid as missed, and the files go back for level 3 to re-delegate",
                                    "Art. 6.3 note 6"),
}


@dataclass(frozen=True)
class ExitCheck:
    """The exit check's result: the rate (None: no rehabilitable files), the outcome, the share of the maximum rate
    that replaces the grade share (None unless missed), the run of consecutive missed years counting this one (to
    store for next year), and the article."""

    rate: Fraction | None
    outcome: ExitOutcome
    share: Fraction | None
    missed_years: int
    article: str


def exit_rate(exited: int, held: int) -> Fraction | None:
    """The share of its rehabilitable files a partner took out of direct support in the year (Art. 6.3), exactly:
    ``Fraction(exited, held)``; None when it held none. RuleInputError if either is not a whole number ≥ 0 or more
    exited than were held."""
    held = whole_number(held, "rehabilitableHeld", "A number of files", "تعداد پرونده")
    exited = whole_number(exited, "rehabilitableExited", "A number of files", "تعداد پرونده")
    if exited > held:
        raise RuleInputError("More files exited than were held.", "تعداد خروج از تعداد پرونده‌ها بیشتر است.",
                             "rehabilitableExited")
    return Fraction(exited, held) if held else None


def exit_target_met(rate: Fraction | None, target: Fraction | None) -> bool | None:
    """Whether the exit rate reaches the target (Art. 6.3, «حداقل ۱۰٪»): met at the target itself (``≥``). None when
    there is nothing to judge — no rehabilitable files held (``rate`` None) or no target in force (``target`` None);
    for a year in progress, the year so far."""
    if rate is None or target is None:
        return None
    return rate >= target


class ExitFigures(Protocol):
    """What the exit check reads of the year's figures: a :class:`SubsidyPolicy` has them all."""

    @property
    def exit_target(self) -> Fraction: ...

    @property
    def missed_year_shares(self) -> tuple[Fraction, ...]: ...

    @property
    def files_returned_in_missed_year(self) -> int: ...


def exit_check(rate: Fraction | None, missed_years_before: int, policy: ExitFigures) -> ExitCheck:
    """Check the year's exit rate against the target (Art. 6.3; note 6). ``missed_years_before`` is the run of
    consecutive missed years just before this one (the previous statement's ``missed_years``); ``policy`` the year's
    figures (a :class:`SubsidyPolicy`, or the exit figures alone)."""
    before = whole_number(missed_years_before, "missedYearsBefore", "A number of years", "تعداد سال")
    if rate is None:
        return ExitCheck(None, ExitOutcome.NOT_APPLICABLE, None, before, "Art. 6.3")
    if exit_target_met(rate, policy.exit_target):
        return ExitCheck(rate, ExitOutcome.MET, None, 0, "Art. 6.3")
    missed = before + 1
    shares = policy.missed_year_shares
    outcome = ExitOutcome.RETURN_FILES if missed >= policy.files_returned_in_missed_year else ExitOutcome.MISSED
    return ExitCheck(rate, outcome, Fraction(shares[min(missed, len(shares)) - 1]), missed, "Art. 6.3 note 6")


def bonus_share(rate: Fraction | None, policy: SubsidyPolicy) -> Fraction:
    """The share of the full bonus the year's exit rate earns (Art. 6.8): that of the first band whose bound the
    rate does not pass; 0 when no rehabilitable files were held."""
    if rate is None:
        return Fraction(0)
    for tier in policy.bonus_tiers:
        if tier.up_to is None or rate <= tier.up_to:
            return Fraction(tier.share)
    raise AssertionError("the last band has no bound")  # SubsidyPolicy checks it


@dataclass(frozen=True)
class StatementLine:
    """One line: ``amount_rials`` = floor(``count`` × ``base_rials`` × ``factor``). A file-month line names its file,
    month and kind (count 1, base the rate); a bonus line counts exited files (base the bonus per exit)."""

    basis: Basis
    amount_rials: int
    base_rials: int
    factor: Fraction
    count: int = 1
    file_id: int | None = None
    month: JalaliMonth | None = None
    kind: str | None = None

    @property
    def article(self) -> str:
        """The article the line is paid under, e.g. ``Art. 6.3 note 6``."""
        return BASIS_LABELS[self.basis].source

    @property
    def proposed(self) -> bool:
        """A bonus line: proposed by level 2, for level 3 to approve (Art. 4.15–4.16)."""
        return self.basis in _BONUSES


def _line(basis: Basis, base_rials: int, factor: Fraction, count: int = 1,
          month: FileMonth | None = None) -> StatementLine:
    amount = math.floor(count * base_rials * factor)  # once per line: the payer's floor (module docstring)
    if month is None:
        return StatementLine(basis, amount, base_rials, factor, count)
    return StatementLine(basis, amount, base_rials, factor, count, month.file_id, month.month, month.kind)


@dataclass(frozen=True)
class Statement:
    """A partner's subsidy statement for a Jalali year: the exit check and the lines; the total is their sum."""

    year: int
    partner_kind: str
    exit_check: ExitCheck
    lines: tuple[StatementLine, ...]

    @property
    def total_rials(self) -> int:
        return sum(line.amount_rials for line in self.lines)

    @property
    def subsidy_rials(self) -> int:
        """The file-month lines."""
        return sum(line.amount_rials for line in self.lines if not line.proposed)

    @property
    def proposed_bonus_rials(self) -> int:
        """The bonus lines, as proposed (Art. 6.8, note 7)."""
        return sum(line.amount_rials for line in self.lines if line.proposed)

    @property
    def files_to_return(self) -> bool:
        """Note 6: the files go back for level 3 to decide on re-delegating them."""
        return self.exit_check.outcome is ExitOutcome.RETURN_FILES


def _standing(partner_kind: str, month: FileMonth, holds_rehabilitable: bool,
              policy: SubsidyPolicy) -> tuple[Basis, Fraction]:
    """What the partner's month pays before note 6 and Art. 6.7: its grade's share, or why not."""
    if partner_kind == CLINIC:
        if month.grade is not None and month.grade in GRADES:
            return Basis.GRADE, Fraction(policy.grade_share[month.grade])
        if month.first_year:
            return Basis.FIRST_YEAR, Fraction(policy.grade_share[FIRST_YEAR_GRADE])
        return Basis.UNGRADED_NO_FILES, Fraction(0)
    if month.grade not in (None, UNGRADED):
        raise RuleInputError("Only clinics are graded (directive Art. 6.4).",
                             "فقط کلینیک‌ها درجه‌بندی می‌شوند (بند ۴ ماده ۶ دستورالعمل).", "grade")
    if partner_kind in CHARITY_KINDS and holds_rehabilitable:
        return Basis.NOTE_5_GRADE_3, Fraction(policy.grade_share[NOTE_5_GRADE])
    return Basis.APPROVED_RATE, Fraction(1)


def _file_month_line(partner_kind: str, month: FileMonth, check: ExitCheck, holds_rehabilitable: bool,
                     policy: SubsidyPolicy) -> StatementLine:
    basis, share = _standing(partner_kind, month, holds_rehabilitable, policy)
    if share and check.share is not None and check.share < share:
        basis, share = Basis.EXIT_TARGET_MISSED, check.share
    since_exit = month.months_since_exit
    if share and since_exit is not None:
        if since_exit > FOLLOW_UP_MONTHS:
            basis, share = Basis.FOLLOW_UP_ENDED, Fraction(0)
        else:  # 6.7's share of the rate, never more than the month would pay otherwise
            basis, share = Basis.FOLLOW_UP, min(Fraction(policy.follow_up_share), share)
    return _line(basis, policy.rate_rials[month.kind], share, month=month)


def _of_month(month: JalaliMonth, policy: SubsidyPolicy,
              monthly: Mapping[JalaliMonth, SubsidyPolicy] | None) -> SubsidyPolicy:
    if monthly is None:
        return policy
    if month not in monthly:
        raise RuleInputError(f"No figures are given for {month[0]}/{month[1]}.", "ارقام این ماه داده نشده است.",
                             "monthly")
    return monthly[month]


def statement(year: int, partner_kind: str, file_months: Iterable[FileMonth], exits: YearExits, *,
              missed_years_before: int, policy: SubsidyPolicy,
              monthly: Mapping[JalaliMonth, SubsidyPolicy] | None = None) -> Statement:
    """A partner's subsidy statement for Jalali ``year`` (Art. 6): a line per file-month, then the proposed bonus
    lines — Art. 6.8 when it held rehabilitable files, note 7 when non-rehabilitable families exited.

    ``partner_kind`` is a docs/api.md ``PartnerKind``; ``missed_years_before`` the run of consecutive missed years
    before this one (:attr:`ExitCheck.missed_years` of last year's statement). ``policy`` gives the year's figures:
    the exit check and its missed-year share, the bonus. ``monthly``, when the figures changed during the year, gives
    each month's own for its file-month lines (the rate, the grade shares, the follow-up share); every month with a
    file-month must be in it. RuleInputError on a month outside the year, a file-month given twice, or a month
    ``monthly`` lacks.
    """
    kind = check_partner_kind(partner_kind)
    months = tuple(file_months)
    seen: set[tuple[bool, int, JalaliMonth]] = set()
    for m in months:
        if m.month[0] != year:
            raise RuleInputError(f"The month {m.month[0]}/{m.month[1]} is not in the statement's year {year}.",
                                 "ماه خارج از سال صورت‌حساب است.", "month")
        key = (m.kind == CHILD_FOLLOW_UP, m.file_id, m.month)  # children and families are numbered apart
        if key in seen:
            raise RuleInputError(f"File {m.file_id} is listed twice for {m.month[0]}/{m.month[1]}.",
                                 "یک پرونده دو بار برای یک ماه آمده است.", "fileMonths")
        seen.add(key)
    rate = exit_rate(exits.rehabilitable_exited, exits.rehabilitable_held)
    check = exit_check(rate, missed_years_before, policy)
    holds_rehabilitable = exits.rehabilitable_held > 0 or any(m.kind == REHABILITABLE for m in months)
    lines = [_file_month_line(kind, m, check, holds_rehabilitable, _of_month(m.month, policy, monthly))
             for m in months]
    if rate is not None:
        lines.append(_line(Basis.REHABILITATION_BONUS, policy.bonus_per_exit_rials, bonus_share(rate, policy),
                           exits.rehabilitable_exited))
    if exits.non_rehabilitable_exited:
        lines.append(_line(Basis.NON_REHABILITABLE_EXIT_BONUS, policy.bonus_per_exit_rials,
                           Fraction(policy.non_rehabilitable_bonus_multiplier), exits.non_rehabilitable_exited))
    return Statement(year, kind, check, tuple(lines))


def missed_years_before(year: int, first_year: int, approved: Mapping[int, int],
                        year_check: Callable[[int, int], int]) -> int:
    """The run of consecutive missed years just before Jalali ``year`` (note 6), counted from the partner's
    ``first_year`` (the year it began; none before): year by year, the run an approved statement stored
    (``approved``: year → its :attr:`ExitCheck.missed_years`) where the office approved one — what was approved
    stands —, else ``year_check(y, run_before)``: the run after that year's check computed from its records
    (:attr:`ExitCheck.missed_years`)."""
    run = 0
    for earlier in range(first_year, year):
        run = approved[earlier] if earlier in approved else year_check(earlier, run)
    return run
