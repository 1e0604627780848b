"""The register of committee decisions (rules/committees.py). Decisions without a record of their own the office
records here — levels 1 and 2 at the county office, level 3 at the province office (auth/policy.py, INPUT_VALUES on
`subject`) — about a household's file in its area, a partner in its area, or both (Art. 4.17: a replacement client
referred to a partner). Decisions recorded with what they decide — a classification, an aid plan, a
post-rehabilitation follow-up — are written to the same register by their own mutation (`register_decision`)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import strawberry
from tortoise import connections

from auth.roles import Viewer
from models.casework import CommitteeDecision as CommitteeDecisionRow
from models.families import Rehabilitability
from rules.committees import COMMITTEE_SUBJECTS, CommitteeSubject, Target
from schema.case_files import not_in_future
from schema.casework.records import CLIENT_ID_DESCRIPTION, REPORT_LENGTH, create_once
from schema.casework.types import CommitteeDecision
from schema.common import clean_text, find_scoped, viewer_of
from schema.context import Info
from schema.errors import BadUserInput
from schema.rowtypes import served_as


@strawberry.input(description="A committee decision without a record of its own (Art. 4). Give `familyId`, "
                              "`partnerId` or both, as the subject is about.")
class RecordCommitteeDecisionInput:
    subject: CommitteeSubject = strawberry.field(description="What the committee decided; its level follows.")
    decided_on: datetime.date = strawberry.field(description="When it decided. Jalali accepted.")
    minutes: str = strawberry.field(description="The committee's minutes.")
    family_id: strawberry.ID | None = strawberry.field(default=None, description="The household's file it is about.")
    partner_id: strawberry.ID | None = strawberry.field(default=None, description="The partner it is about.")
    client_id: uuid.UUID | None = strawberry.field(default=None, description=CLIENT_ID_DESCRIPTION)


@strawberry.type(description="The committee decision recorded.")
class CommitteeDecisionPayload:
    committee_decision: CommitteeDecision = strawberry.field(description="The decision.")


async def register_decision(viewer: Viewer, subject: CommitteeSubject, *, level: int, decided_on: datetime.date,
                            minutes: str, family_id: int | None, partner_id: int | None, province_id: int,
                            county_id: int, rehabilitability: Rehabilitability | None = None,
                            aid_plan_id: int | None = None) -> None:
    """Write a decision recorded by its own mutation to the register, as the caller. A plain INSERT: a partner's
    manager registers its committee's aid-plan decisions without reading the register back (the office's to read;
    row-level security, migration 0014)."""
    assert COMMITTEE_SUBJECTS[subject].recorded_with and level in COMMITTEE_SUBJECTS[subject].levels
    await connections.get("default").execute_query(
        "insert into committee_decision (level, subject, decided_on, minutes, family_id, partner_id, rehabilitability,"
        " aid_plan_id, province_id, county_id, author_id, author_username, client_digest, created_at)"
        " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, '', now())",
        [level, subject.value, decided_on, minutes, family_id, partner_id,
         None if rehabilitability is None else rehabilitability.value, aid_plan_id, province_id, county_id,
         viewer.user_id, viewer.username])


@strawberry.type
class CommitteeMutations:
    @strawberry.mutation(description="Record a committee decision that has no record of its own: admission (level "
                                     "1), exits and returns, bonus review, replacement clients (level 2, the county "
                                     "office), quotas, bonus approval, re-delegation (level 3, the province office).")
    async def record_committee_decision(self, info: Info, input: RecordCommitteeDecisionInput) -> \
            CommitteeDecisionPayload:
        rule = COMMITTEE_SUBJECTS[input.subject]
        if rule.recorded_with:
            raise BadUserInput(f"A decision on {input.subject.value} is recorded with {rule.recorded_with}, with what "
                               "it decides.", f"این تصمیم با {rule.recorded_with} ثبت می‌شود.", field="subject")
        wants_family = rule.target in (Target.FAMILY, Target.FAMILY_AND_PARTNER)
        wants_partner = rule.target in (Target.PARTNER, Target.FAMILY_AND_PARTNER)
        for field, value, wanted in (("familyId", input.family_id, wants_family),
                                     ("partnerId", input.partner_id, wants_partner)):
            if (value is not None) != wanted:
                raise BadUserInput(f"{input.subject.value} {'needs' if wanted else 'takes no'} {field}.",
                                   f"برای این موضوع {field} {'لازم است' if wanted else 'داده نمی‌شود'}.", field=field)
        family = await find_scoped(info, "Family", input.family_id, "familyId") if input.family_id else None
        partner = await find_scoped(info, "Partner", input.partner_id, "partnerId") if input.partner_id else None
        place = family if family is not None else partner
        assert place is not None  # every subject is about a file or a partner
        viewer = viewer_of(info)
        values: dict[str, Any] = {
            "level": rule.levels[0], "subject": input.subject,
            "decided_on": not_in_future(input.decided_on, "decidedOn"),
            "minutes": clean_text(input.minutes, "minutes", REPORT_LENGTH, required=True),
            "family_id": family.id if family is not None else None,
            "partner_id": partner.id if partner is not None else None}
        decision, _ = await create_once(viewer, CommitteeDecisionRow, input.client_id, values, place=place)
        return CommitteeDecisionPayload(committee_decision=served_as(CommitteeDecision, decision))
