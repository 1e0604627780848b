"""Kindergartens (مهد کودک): the eight kinds, enrolment, and the license life cycle.

Source: seed ``002_…`` (Yazd province welfare office), «انواع مهدهای کودک»: eight kinds — مهد قرآنی («روزانه
به مدت 4 ساعت در نوبت صبح یا عصر»), مهد مساجد, آدینه مهد («در روزهای جمعه از ساعت 10 لغایت 14»), روستامهد («از
آغاز سه سالگی تا شش سالگی»), مهدکودک شرکت تعاونی, مهدکودک غیرانتفاعی, مهدکودک نیمه وقت («روزانه به مدت 4
ساعت»), مهدکودک واگذار شده (handed over under Art. 88). The same seed: «صدور موافقت اصولی و پروانه فعالیت
مهدهای کودک بر عهده سازمان بهزیستی می باشد» under the directive on founding, running and dissolving
(«تأسیس، اداره و انحلال») kindergartens. See also docs/domain.md, "Who takes part".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from rules.errors import RuleInputError, RuleViolation
from rules.numbers import is_whole_number

__all__ = [
    "KINDERGARTEN_KINDS",
    "LICENSE_STATUS_LABELS_FA",
    "LICENSE_TRANSITIONS",
    "MAX_CAPACITY",
    "KindInfo",
    "KindergartenKind",
    "LicenseStatus",
    "allowed_license_transition",
    "check_enrolment",
    "check_license_transition",
]

MAX_CAPACITY = 1000
LICENSE_RULE = "KINDERGARTEN_LICENSE"


class KindergartenKind(StrEnum):
    """The eight kinds of kindergarten of seed ``002_…`` (docs/api.md ``enum KindergartenKind``)."""

    QURANIC = "QURANIC"
    MOSQUE = "MOSQUE"
    FRIDAY = "FRIDAY"
    RURAL = "RURAL"
    COOPERATIVE = "COOPERATIVE"
    NON_PROFIT = "NON_PROFIT"
    PART_TIME = "PART_TIME"
    DELEGATED = "DELEGATED"


class LicenseStatus(StrEnum):
    """Where a kindergarten stands with the office (seed ``002_…``; docs/api.md ``enum LicenseStatus``)."""

    PRINCIPAL_APPROVAL = "PRINCIPAL_APPROVAL"
    LICENSED = "LICENSED"
    SUSPENDED = "SUSPENDED"
    DISSOLVED = "DISSOLVED"


@dataclass(frozen=True)
class KindInfo:
    """What seed ``002_…`` says about one kind; ``None`` where the seed says nothing.

    ``weekday`` follows :meth:`datetime.date.weekday` (Monday 0 … Friday 4).
    """

    label_fa: str
    daily_hours: int | None = None
    weekday: int | None = None
    opens: datetime.time | None = None
    closes: datetime.time | None = None
    min_age: int | None = None
    max_age: int | None = None


KINDERGARTEN_KINDS: dict[KindergartenKind, KindInfo] = {
    KindergartenKind.QURANIC: KindInfo("مهد قرآنی", daily_hours=4),
    KindergartenKind.MOSQUE: KindInfo("مهد مساجد"),
    KindergartenKind.FRIDAY: KindInfo(
        "آدینه مهد", daily_hours=4, weekday=4, opens=datetime.time(10), closes=datetime.time(14)
    ),
    KindergartenKind.RURAL: KindInfo("روستامهد", min_age=3, max_age=6),
    KindergartenKind.COOPERATIVE: KindInfo("مهدکودک شرکت تعاونی"),
    KindergartenKind.NON_PROFIT: KindInfo("مهدکودک غیرانتفاعی"),
    KindergartenKind.PART_TIME: KindInfo("مهدکودک نیمه وقت", daily_hours=4),
    KindergartenKind.DELEGATED: KindInfo("مهدکودک واگذار شده"),
}
"""Seed ``002_…``, «انواع مهدهای کودک», items 1–8."""

LICENSE_STATUS_LABELS_FA: dict[LicenseStatus, str] = {
    LicenseStatus.PRINCIPAL_APPROVAL: "موافقت اصولی",
    LicenseStatus.LICENSED: "پروانه فعالیت",
    LicenseStatus.SUSPENDED: "تعلیق",
    LicenseStatus.DISSOLVED: "منحل",
}

LICENSE_TRANSITIONS: dict[LicenseStatus, frozenset[LicenseStatus]] = {
    LicenseStatus.PRINCIPAL_APPROVAL: frozenset({LicenseStatus.LICENSED, LicenseStatus.DISSOLVED}),
    LicenseStatus.LICENSED: frozenset({LicenseStatus.SUSPENDED, LicenseStatus.DISSOLVED}),
    LicenseStatus.SUSPENDED: frozenset({LicenseStatus.LICENSED, LicenseStatus.DISSOLVED}),
    LicenseStatus.DISSOLVED: frozenset(),
}
"""Moves out of each status (staying put is always allowed): principal approval, then activity license, which
may be suspended and restored; any live status may end in dissolution, which is final."""


def check_enrolment(capacity: int, enrolment: int) -> None:
    """Raise :class:`RuleInputError` unless 1 ≤ capacity ≤ 1000 and 0 ≤ enrolment ≤ capacity.

    A licensed kindergarten (seed ``002_…``) cannot take more children than its licensed capacity.
    The field is ``capacity`` for a bad capacity, else ``enrolment``.
    """
    if not is_whole_number(capacity) or not 1 <= capacity <= MAX_CAPACITY:
        raise RuleInputError(
            f"Capacity must be a whole number from 1 to {MAX_CAPACITY}.",
            f"ظرفیت باید عددی صحیح از ۱ تا {MAX_CAPACITY} باشد.",
            "capacity",
        )
    if not is_whole_number(enrolment) or enrolment < 0:
        raise RuleInputError(
            "Enrolment must be a whole number, zero or more.",
            "تعداد کودکان ثبت‌نامی باید عددی صحیح و نامنفی باشد.",
            "enrolment",
        )
    if enrolment > capacity:
        raise RuleInputError(
            f"Enrolment ({enrolment}) exceeds the kindergarten's capacity ({capacity}).",
            f"تعداد کودکان ثبت‌نامی ({enrolment}) از ظرفیت مهد ({capacity}) بیشتر است.",
            "enrolment",
        )


def _status(value: object, field: str) -> LicenseStatus:
    if isinstance(value, str):
        try:
            return LicenseStatus(value)
        except ValueError:
            pass
    raise RuleInputError(
        f"Unknown license status {value!r}.",
        f"وضعیت مجوز «{value}» نامعتبر است.",
        field,
    )


def allowed_license_transition(old: LicenseStatus, new: LicenseStatus) -> bool:
    """Tell whether a kindergarten may move from license status ``old`` to ``new`` (seed ``002_…``).

    موافقت اصولی → پروانه فعالیت or منحل; پروانه فعالیت → تعلیق or منحل; تعلیق → پروانه فعالیت or منحل;
    منحل is final. Keeping the same status is allowed. Unknown statuses raise :class:`RuleInputError`
    (field ``licenseStatus``).
    """
    old_status = _status(old, "licenseStatus")
    new_status = _status(new, "licenseStatus")
    return new_status is old_status or new_status in LICENSE_TRANSITIONS[old_status]


def check_license_transition(old: LicenseStatus, new: LicenseStatus) -> None:
    """Raise :class:`RuleViolation` (rule ``KINDERGARTEN_LICENSE``) for a move :func:`allowed_license_transition`
    refuses (seed ``002_…``, licensing by the office: موافقت اصولی, پروانه فعالیت)."""
    if not allowed_license_transition(old, new):
        old_status, new_status = LicenseStatus(old), LicenseStatus(new)
        raise RuleViolation(
            LICENSE_RULE,
            f"A kindergarten's license cannot go from {old_status.value} to {new_status.value}.",
            f"وضعیت مجوز مهد کودک نمی‌تواند از «{LICENSE_STATUS_LABELS_FA[old_status]}» به "
            f"«{LICENSE_STATUS_LABELS_FA[new_status]}» تغییر کند.",
        )
