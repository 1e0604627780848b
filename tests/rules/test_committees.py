"""Which committee decides what (Art. 1.8–1.10, Art. 4)."""

from __future__ import annotations

import pytest

from rules.committees import COMMITTEE_SUBJECTS, CommitteeSubject, Target


def test_every_subject_has_a_level_a_target_and_a_source():
    assert set(COMMITTEE_SUBJECTS) == set(CommitteeSubject)
    for rule in COMMITTEE_SUBJECTS.values():
        assert rule.levels and set(rule.levels) <= {1, 2, 3} and rule.label.fa and rule.label.source


@pytest.mark.parametrize(("subject", "levels", "target", "recorded_with"), [
    (CommitteeSubject.ADMISSION, (1,), Target.FAMILY, ""),
    (CommitteeSubject.AID_PLAN, (1,), Target.FAMILY, "decideAidPlan"),
    (CommitteeSubject.POST_REHABILITATION_FOLLOW_UP, (1,), Target.FAMILY_AND_PARTNER, "recordExit"),
    (CommitteeSubject.CLASSIFICATION, (2, 3), Target.FAMILY, "classifyFamily"),
    (CommitteeSubject.EXIT_AND_RETURN, (2,), Target.FAMILY, ""),
    (CommitteeSubject.BONUS_REVIEW, (2,), Target.FAMILY, ""),
    (CommitteeSubject.REPLACEMENT_CLIENT, (2,), Target.FAMILY_AND_PARTNER, ""),
    (CommitteeSubject.QUOTA, (3,), Target.PARTNER, ""),
    (CommitteeSubject.BONUS_APPROVAL, (3,), Target.PARTNER, ""),
    (CommitteeSubject.REDELEGATION, (3,), Target.PARTNER, ""),
])
def test_the_directive_names_the_level(subject, levels, target, recorded_with):
    rule = COMMITTEE_SUBJECTS[subject]
    assert (rule.levels, rule.target, rule.recorded_with) == (levels, target, recorded_with)
