"""The empowerment committees' decisions that have no record of their own (Art. 1.8–1.10, Art. 4): which level
decides each subject, and what it decides about — a household's file or a partner.

Level 1 sits at a state centre or a partner, level 2 at the county office, level 3 at the province office
(Art. 1.8–1.10). Classification (levels 2 and 3, Art. 4.1) and aid plans (level 1, Art. 4.7) are recorded by their
own mutations; a post-rehabilitation follow-up (level 1, Art. 6.7) with the exit it follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rules.labels import Label

__all__ = ["COMMITTEE_SUBJECTS", "CommitteeSubject", "SubjectRule", "Target"]


class Target(StrEnum):
    """What a decision is about."""

    FAMILY = "FAMILY"
    PARTNER = "PARTNER"
    FAMILY_AND_PARTNER = "FAMILY_AND_PARTNER"


class CommitteeSubject(StrEnum):
    ADMISSION = "ADMISSION"
    EXIT_AND_RETURN = "EXIT_AND_RETURN"
    BONUS_REVIEW = "BONUS_REVIEW"
    REPLACEMENT_CLIENT = "REPLACEMENT_CLIENT"
    QUOTA = "QUOTA"
    BONUS_APPROVAL = "BONUS_APPROVAL"
    REDELEGATION = "REDELEGATION"


@dataclass(frozen=True)
class SubjectRule:
    level: int
    target: Target
    label: Label


COMMITTEE_SUBJECTS: dict[CommitteeSubject, SubjectRule] = {
    CommitteeSubject.ADMISSION: SubjectRule(1, Target.FAMILY, Label(
        "پذیرش", "admission: the need confirmed and the file opened", "seed 001")),
    CommitteeSubject.EXIT_AND_RETURN: SubjectRule(2, Target.FAMILY, Label(
        "خروج و عودت پرونده", "the file of a client who left direct support returned to the county office",
        "Art. 4.14")),
    CommitteeSubject.BONUS_REVIEW: SubjectRule(2, Target.FAMILY, Label(
        "بررسی پاداش بازتوانی", "an exited file reviewed for the rehabilitation bonus", "Art. 4.15")),
    CommitteeSubject.REPLACEMENT_CLIENT: SubjectRule(2, Target.FAMILY_AND_PARTNER, Label(
        "ارجاع مددجوی جایگزین", "a new client referred to a partner in place of one who left", "Art. 4.17")),
    CommitteeSubject.QUOTA: SubjectRule(3, Target.PARTNER, Label(
        "تعیین سهمیه", "a partner's quota set from the national quota", "Art. 4.2")),
    CommitteeSubject.BONUS_APPROVAL: SubjectRule(3, Target.PARTNER, Label(
        "موافقت با پاداش", "the rehabilitation bonus approved for a partner", "Art. 4.16")),
    CommitteeSubject.REDELEGATION: SubjectRule(3, Target.PARTNER, Label(
        "واگذاری مجدد", "returned files re-delegated after a third missed year", "Art. 6.3 note 6")),
}
"""Each subject's level, what it is about, and its label; level 3 decides at the province office, levels 1 and 2
here at the county office."""
