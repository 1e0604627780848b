"""The empowerment scale (مقیاس سطوح توانمندی): eight domains, each scored 1–5, a total and a level.

Source: the 2014 delegation directive (seed ``004_…``), Art. 1.4 («مصادیق توانمندی»): the measurable,
ranked components of a person's abilities and resources «که به صورت یک مقیاس ارزیابی و درجه بندی شده در قلمروهای
ذیل در می آید: «قابلیت تصمیم گیری، تحرک و تعامل اجتماعی، تحصیل، مهارت های شغلی - حرفه ای، وضعیت شغلی، درآمد،
برخورداری از سرپناه و مسکن و بیمه مندی از انواع منابع بیمه ای»». Art. 5.2 asks partners to find clients'
strengths «بر اساس مقیاس تعیین سطوح توانمندی», and Art. 5, "other actions", to apply the scale «در ابتدای تحت
پوشش قرار گرفتن و تکرار سالیانه آن» (see :func:`rules.casework.assessment_overdue`).

What the seed does not say, and this module's reading of it:

- The seed names the eight domains and says the scale is graded («درجه بندی شده»), but gives neither the
  grades nor any levels: those are in a separate circular it cites (« مصادیق مولفه های توانمندی زنان سرپرست
  خانوار ابلاغی به شماره ۷۰۰/۹۱/۱۵۱۵۱۲», not among the seeds). So each domain is scored 1 (weakest) to 5
  (strongest), all eight are required, and the total runs from 8 to 40.
- The levels — LOW 8–18, MEDIUM 19–29, HIGH 30–40, three bands of eleven totals each — are **this
  project's reading**, kept in one table (:data:`EMPOWERMENT_LEVELS`) so the office can replace it with the
  circular's own bands. A level describes the family; it decides nothing (exits are the committees', Art. 4.14).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from rules.errors import RuleInputError
from rules.labels import Label

__all__ = [
    "DOMAIN_FIELDS",
    "EMPOWERMENT_DOMAINS",
    "EMPOWERMENT_LEVELS",
    "MAX_SCORE",
    "MAX_TOTAL",
    "MIN_SCORE",
    "MIN_TOTAL",
    "EmpowermentDomain",
    "EmpowermentLevel",
    "EmpowermentScores",
    "LevelBand",
    "check_score",
    "empowerment_level",
    "score_empowerment",
]

MIN_SCORE = 1
MAX_SCORE = 5


class EmpowermentDomain(StrEnum):
    """The eight domains of Art. 1.4, in the seed's order."""

    DECISION_MAKING = "DECISION_MAKING"
    SOCIAL_MOBILITY = "SOCIAL_MOBILITY"
    EDUCATION = "EDUCATION"
    JOB_SKILLS = "JOB_SKILLS"
    EMPLOYMENT_STATUS = "EMPLOYMENT_STATUS"
    INCOME = "INCOME"
    HOUSING = "HOUSING"
    INSURANCE = "INSURANCE"


EMPOWERMENT_DOMAINS: dict[EmpowermentDomain, Label] = {
    EmpowermentDomain.DECISION_MAKING: Label("قابلیت تصمیم‌گیری", "ability to make decisions"),
    EmpowermentDomain.SOCIAL_MOBILITY: Label("تحرک و تعامل اجتماعی", "social mobility and interaction"),
    EmpowermentDomain.EDUCATION: Label("تحصیل", "education"),
    EmpowermentDomain.JOB_SKILLS: Label("مهارت‌های شغلی - حرفه‌ای", "job and vocational skills"),
    EmpowermentDomain.EMPLOYMENT_STATUS: Label("وضعیت شغلی", "employment status"),
    EmpowermentDomain.INCOME: Label("درآمد", "income"),
    EmpowermentDomain.HOUSING: Label("برخورداری از سرپناه و مسکن", "shelter and housing"),
    EmpowermentDomain.INSURANCE: Label("بیمه‌مندی از انواع منابع بیمه‌ای", "insurance coverage"),
}
"""Art. 1.4, the eight domains in the seed's words (spaces before «های»/«ای» written as half-spaces)."""

MIN_TOTAL = MIN_SCORE * len(EmpowermentDomain)
MAX_TOTAL = MAX_SCORE * len(EmpowermentDomain)

DOMAIN_FIELDS: dict[EmpowermentDomain, str] = {
    domain: domain.name.split("_")[0].lower() + "".join(w.capitalize() for w in domain.name.split("_")[1:])
    for domain in EmpowermentDomain
}
"""The input field that carries each domain's score (camelCase, docs/api.md "Conventions"): ``decisionMaking`` …"""


class EmpowermentLevel(StrEnum):
    """A band of totals (this project's reading; the seed defines no levels)."""

    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


@dataclass(frozen=True)
class LevelBand:
    """The totals a level covers, both ends included, and its label."""

    lowest: int
    highest: int
    label: Label


EMPOWERMENT_LEVELS: dict[EmpowermentLevel, LevelBand] = {
    EmpowermentLevel.LOW: LevelBand(8, 18, Label("توانمندی پایین", "low: a total of 8 to 18")),
    EmpowermentLevel.MEDIUM: LevelBand(19, 29, Label("توانمندی متوسط", "medium: a total of 19 to 29")),
    EmpowermentLevel.HIGH: LevelBand(30, 40, Label("توانمندی بالا", "high: a total of 30 to 40")),
}
"""This project's banding of the total (8–40) into three equal bands; the seed names no levels (module docstring)."""


def _domain_label(domain: EmpowermentDomain) -> str:
    return EMPOWERMENT_DOMAINS[domain].fa


def check_score(value: object, field: str) -> int:
    """Return ``value`` if it is a whole number from 1 to 5, else raise :class:`RuleInputError` on ``field``.

    ``bool`` (an ``int`` to Python), ``float`` (even ``3.0``), 0 and 6 are refused.
    """
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_SCORE <= value <= MAX_SCORE:
        raise RuleInputError(
            f"A score on the empowerment scale must be a whole number from {MIN_SCORE} to {MAX_SCORE}.",
            f"امتیاز مقیاس سطوح توانمندی باید عددی صحیح از {MIN_SCORE} تا {MAX_SCORE} باشد.",
            field,
        )
    return value


def _domain(key: str) -> EmpowermentDomain:
    try:
        return EmpowermentDomain(key)
    except ValueError:
        raise RuleInputError(
            f"Unknown domain {key!r} of the empowerment scale; expected one of "
            f"{', '.join(d.value for d in EmpowermentDomain)}.",
            f"قلمرو «{key}» در مقیاس سطوح توانمندی وجود ندارد.",
            "scores",
        ) from None


def empowerment_level(total: int) -> EmpowermentLevel:
    """Return the level a total falls in (:data:`EMPOWERMENT_LEVELS`, this project's banding).

    Raises :class:`RuleInputError` (field ``total``) unless ``total`` is a whole number from 8 to 40.
    """
    if not isinstance(total, bool) and isinstance(total, int):
        for level, band in EMPOWERMENT_LEVELS.items():
            if band.lowest <= total <= band.highest:
                return level
    raise RuleInputError(
        f"The total of the empowerment scale must be a whole number from {MIN_TOTAL} to {MAX_TOTAL}.",
        f"جمع امتیاز مقیاس سطوح توانمندی باید عددی صحیح از {MIN_TOTAL} تا {MAX_TOTAL} باشد.",
        "total",
    )


@dataclass(frozen=True)
class EmpowermentScores:
    """A checked assessment: all eight domains of Art. 1.4, each scored 1–5 (build with :func:`score_empowerment`)."""

    scores: Mapping[EmpowermentDomain, int]

    @property
    def total(self) -> int:
        """The sum of the eight scores, 8–40."""
        return sum(self.scores.values())

    @property
    def level(self) -> EmpowermentLevel:
        """The band the total falls in (:func:`empowerment_level`)."""
        return empowerment_level(self.total)


def score_empowerment(scores: Mapping[str, object]) -> EmpowermentScores:
    """Check one assessment on the scale of Art. 1.4 and return it with its total and level.

    ``scores`` maps each domain (an :class:`EmpowermentDomain` or its name) to its score. Every one of the eight
    domains is required — the scale measures the person in all of them («در قلمروهای ذیل») — each a whole number
    from 1 to 5. Raises :class:`RuleInputError`: an unknown domain on ``scores``; a missing or bad score on the
    domain's own field (:data:`DOMAIN_FIELDS`, e.g. ``socialMobility``).
    """
    checked: dict[EmpowermentDomain, int] = {}
    for key, value in scores.items():
        domain = _domain(key)
        checked[domain] = check_score(value, DOMAIN_FIELDS[domain])
    for domain in EmpowermentDomain:
        if domain not in checked:
            raise RuleInputError(
                f"The empowerment scale needs a score for every domain; {domain.value} is missing.",
                f"امتیاز قلمرو «{_domain_label(domain)}» وارد نشده است؛ همه هشت قلمرو مقیاس لازم است.",
                DOMAIN_FIELDS[domain],
            )
    return EmpowermentScores({domain: checked[domain] for domain in EmpowermentDomain})
