"""Who may work in a clinic, and who carries a caseload.

Source: the 2014 delegation directive (seed ``004_…``), Art. 2, note 1 (تبصره ۱): «علاوه بر مسئول فنی و مددکار
اجتماعی با مدرک کارشناسی، کلینیک می تواند از یک نفر نیروی کاردان مددکاری اجتماعی با حداقل ۲ سال سابقه کار مرتبط
نیز استفاده نماید و مطابق با بندهای فوق به این نیرو نیز پرونده واگذار نماید.» — besides the technical manager
and bachelor-degree social workers, a clinic may use ONE associate-degree social-work worker with at least two
years' related experience, and assign files to that worker too. See also docs/domain.md, "Who takes part".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Protocol, TypeVar

from rules.caseload import check_partner_kind
from rules.errors import RuleInputError, RuleViolation

__all__ = [
    "ASSOCIATE_MIN_YEARS",
    "MAX_ASSOCIATE_WORKERS",
    "MAX_YEARS_OF_EXPERIENCE",
    "Degree",
    "StaffFacts",
    "StaffPosition",
    "check_clinic_staff",
    "check_partner_staff",
    "check_years_of_experience",
    "counts_for_caseload",
]

RULE = "ART_2_NOTE_1"
ASSOCIATE_MIN_YEARS = 2
"""Art. 2 note 1: «با حداقل ۲ سال سابقه کار مرتبط»."""
MAX_ASSOCIATE_WORKERS = 1
"""Art. 2 note 1: «یک نفر نیروی کاردان»."""
MAX_YEARS_OF_EXPERIENCE = 60


class Degree(StrEnum):
    """Highest academic degree of a staff member."""

    ASSOCIATE = "ASSOCIATE"  # کاردانی
    BACHELOR = "BACHELOR"  # کارشناسی
    MASTER = "MASTER"  # کارشناسی ارشد
    DOCTORATE = "DOCTORATE"  # دکتری


class StaffPosition(StrEnum):
    """A partner staff member's position."""

    TECHNICAL_MANAGER = "TECHNICAL_MANAGER"  # مسئول فنی
    SOCIAL_WORKER = "SOCIAL_WORKER"  # مددکار اجتماعی
    PSYCHOLOGIST = "PSYCHOLOGIST"  # روانشناس


_AT_LEAST_BACHELOR = frozenset({Degree.BACHELOR, Degree.MASTER, Degree.DOCTORATE})


def check_years_of_experience(years: int) -> int:
    """Return ``years`` if it is a whole number from 0 to 60, else raise (field ``yearsOfExperience``).

    Experience is what Art. 2 note 1 measures the associate-degree worker by («حداقل ۲ سال سابقه کار مرتبط»).
    """
    if isinstance(years, bool) or not isinstance(years, int) or not 0 <= years <= MAX_YEARS_OF_EXPERIENCE:
        raise RuleInputError(
            f"Years of experience must be a whole number from 0 to {MAX_YEARS_OF_EXPERIENCE}.",
            f"سابقه کار باید عددی صحیح از ۰ تا {MAX_YEARS_OF_EXPERIENCE} سال باشد.",
            "yearsOfExperience",
        )
    return years


_E = TypeVar("_E", bound=Enum)


def _coerce(enum: type[_E], value: object, field: str) -> _E:
    try:
        return enum(value)
    except ValueError:
        raise RuleInputError(
            f"Unknown {field} {value!r}; expected one of {', '.join(m.value for m in enum)}.",
            f"مقدار «{value}» برای {field} نامعتبر است.",
            field,
        ) from None


class HasStaffFacts(Protocol):
    """A staff member as the database or an input holds it (read-only: a row's enum or an input's string)."""

    @property
    def degree(self) -> Degree | str: ...

    @property
    def years_of_experience(self) -> int: ...

    @property
    def position(self) -> StaffPosition | str: ...


@dataclass(frozen=True)
class StaffFacts:
    """The facts about one staff member that Art. 2 note 1 looks at.

    Plain strings are accepted for ``degree`` and ``position`` and turned into the enums; bad values and
    experience outside 0–60 years raise :class:`RuleInputError` on construction.
    """

    degree: Degree
    years_of_experience: int
    position: StaffPosition

    @classmethod
    def of(cls, person: HasStaffFacts) -> StaffFacts:
        """The facts of a staff member's row, or of an input describing one (anything with the three fields)."""
        return cls(degree=_coerce(Degree, person.degree, "degree"), years_of_experience=person.years_of_experience,
                   position=_coerce(StaffPosition, person.position, "position"))

    def __post_init__(self) -> None:
        object.__setattr__(self, "degree", _coerce(Degree, self.degree, "degree"))
        object.__setattr__(self, "position", _coerce(StaffPosition, self.position, "position"))
        check_years_of_experience(self.years_of_experience)


def check_clinic_staff(staff: Sequence[StaffFacts]) -> None:
    """Raise :class:`RuleViolation` (rule ``ART_2_NOTE_1``) if a clinic's staff break Art. 2 note 1.

    The note lets a clinic use, beyond its technical manager and bachelor-level social workers, «یک نفر
    نیروی کاردان مددکاری اجتماعی با حداقل ۲ سال سابقه کار مرتبط». So: at most one staff member with an
    associate degree (whatever the position, since the note admits no other), and that one with at least
    two years' experience.
    """
    associates = [s for s in staff if s.degree is Degree.ASSOCIATE]
    for s in staff:
        check_years_of_experience(s.years_of_experience)
    if (count := len(associates)) > MAX_ASSOCIATE_WORKERS:
        raise RuleViolation(
            RULE,
            f"A clinic may have only one associate-degree worker (directive Art. 2 note 1); found {count}.",
            f"کلینیک فقط می‌تواند یک نیروی کاردان داشته باشد (تبصره ۱ ماده ۲ دستورالعمل)؛ {count} نفر ثبت شده است.",
        )
    if any(s.years_of_experience < ASSOCIATE_MIN_YEARS for s in associates):
        raise RuleViolation(
            RULE,
            "A clinic's associate-degree worker needs at least 2 years' related experience (directive Art. 2 note 1).",
            "نیروی کاردان کلینیک باید حداقل ۲ سال سابقه کار مرتبط داشته باشد (تبصره ۱ ماده ۲ دستورالعمل).",
        )


def check_partner_staff(kind: str, staff: Sequence[StaffFacts]) -> None:
    """Apply Art. 2 note 1 (:func:`check_clinic_staff`) when ``kind`` is ``CLINIC``; other kinds pass.

    The note is in Art. 2, which covers clinics only; Art. 3 (charities, service complexes) sets no such
    limit. ``kind`` must be one of CLINIC, CHARITY, SERVICE_COMPLEX, CHILD_HOME (field ``kind``).
    Experience is still checked for every kind.
    """
    if check_partner_kind(kind) == "CLINIC":
        check_clinic_staff(staff)
        return
    for s in staff:
        check_years_of_experience(s.years_of_experience)


def counts_for_caseload(s: StaffFacts, kind: str) -> bool:
    """Tell whether a staff member of a partner of ``kind`` may be assigned files, i.e. counts as an eligible worker
    under the caseload norms (Art. 2.2, note 1; Art. 3.1, note 3).

    At a clinic, Art. 2.2 counts files «به ازای هر نیروی مددکار اجتماعی» and note 1 adds the one associate-degree
    worker with at least two years: a SOCIAL_WORKER with a bachelor's degree or higher, or an ASSOCIATE-degree
    SOCIAL_WORKER with ≥ 2 years. At a charity or service complex, Art. 3.1 counts «هر کارشناس مرتبط» and note 3
    «کارشناس مددکار اجتماعی»: a bachelor-level (کارشناس) SOCIAL_WORKER or higher only — note 1 is a clinic's allowance.
    The directive names no staff norm for child homes; the narrower, charity reading is taken. Technical managers and
    psychologists carry no caseload. ``kind`` must be a partner kind (field ``kind``).
    """
    is_clinic = check_partner_kind(kind) == "CLINIC"
    if s.position is not StaffPosition.SOCIAL_WORKER:
        return False
    if s.degree in _AT_LEAST_BACHELOR:
        return True
    return is_clinic and s.degree is Degree.ASSOCIATE and s.years_of_experience >= ASSOCIATE_MIN_YEARS
