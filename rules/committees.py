"""The empowerment committees' decisions that have no record of their own (Art. 1.8–1.10, Art. 4): which level
decides each subject, and what it decides about — a household's file or a partner.

Level 1 sits at a state centre or a partner, level 2 at the county office, level 3 at the province office
(Art. 1.8–1.10). Every decision is kept in one register (models/casework.CommitteeDecision), but three subjects are
recorded with what they decide, by their own mutation (`recorded_with`): a classification (levels 2 and 3, Art. 4.1)
with `classifyFamily`, an aid plan (level 1, Art. 4.7) with `decideAidPlan`, and a post-rehabilitation follow-up
(level 1, Art. 6.7) with the exit it follows (`recordExit`).
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
    AID_PLAN = "AID_PLAN"
    POST_REHABILITATION_FOLLOW_UP = "POST_REHABILITATION_FOLLOW_UP"
    CLASSIFICATION = "CLASSIFICATION"
    EXIT_AND_RETURN = "EXIT_AND_RETURN"
    BONUS_REVIEW = "BONUS_REVIEW"
    REPLACEMENT_CLIENT = "REPLACEMENT_CLIENT"
    QUOTA = "QUOTA"
    BONUS_APPROVAL = "BONUS_APPROVAL"
    REDELEGATION = "REDELEGATION"


@dataclass(frozen=True)
class SubjectRule:
    levels: tuple[int, ...]  # the committees that decide it (classification: 2 or 3)
    target: Target
    label: Label
    recorded_with: str = ""  # the mutation that records it with what it decides; "" for recordCommitteeDecision


COMMITTEE_SUBJECTS: dict[CommitteeSubject, SubjectRule] = {
    CommitteeSubject.ADMISSION: SubjectRule((1,), Target.FAMILY, Label(
        "پذیرش", "admission: the need confirmed and the file opened", "seed 001")),
    CommitteeSubject.AID_PLAN: SubjectRule((1,), Target.FAMILY, Label(
        "برنامه توانمندسازی", "an aid plan approved or rejected", "Art. 4.7"), "decideAidPlan"),
    CommitteeSubject.POST_REHABILITATION_FOLLOW_UP: SubjectRule((1,), Target.FAMILY_AND_PARTNER, Label(
        "پیگیری پس از توانمندی", "the partner that held an exited file keeps following it for up to a year",
        "Art. 6.7"), "recordExit"),
    CommitteeSubject.CLASSIFICATION: SubjectRule((2, 3), Target.FAMILY, Label(
        "طبقه‌بندی", "the file classified as rehabilitable or not", "Art. 4.1"), "classifyFamily"),
    CommitteeSubject.EXIT_AND_RETURN: SubjectRule((2,), Target.FAMILY, Label(
        "خروج و عودت پرونده", "the file of a client who left direct support returned to the county office",
        "Art. 4.14")),
    CommitteeSubject.BONUS_REVIEW: SubjectRule((2,), Target.FAMILY, Label(
        "بررسی پاداش بازتوانی", "an exited file reviewed for the rehabilitation bonus", "Art. 4.15")),
    CommitteeSubject.REPLACEMENT_CLIENT: SubjectRule((2,), Target.FAMILY_AND_PARTNER, Label(
        "ارجاع مددجوی جایگزین", "a new client referred to a partner in place of one who left", "Art. 4.17")),
    CommitteeSubject.QUOTA: SubjectRule((3,), Target.PARTNER, Label(
        "تعیین سهمیه", "a partner's quota set from the national quota", "Art. 4.2")),
    CommitteeSubject.BONUS_APPROVAL: SubjectRule((3,), Target.PARTNER, Label(
        "موافقت با پاداش", "the rehabilitation bonus approved for a partner", "Art. 4.16")),
    CommitteeSubject.REDELEGATION: SubjectRule((3,), Target.PARTNER, Label(
        "واگذاری مجدد", "returned files re-delegated after a third missed year", "Art. 6.3 note 6")),
}
"""Each subject's levels, what it is about, its label, and the mutation that records it when not
`recordCommitteeDecision`; level 3 decides at the province office, level 2 at the county office, level 1 at a partner
or, for a file the office serves, the county office."""
