"""GraphQL types of the casework area. Each record is a row type (schema/rowtypes.py): its columns, its Jalali
companions, its global ID; who reads it follows its file (auth/policy.py, FAMILY_RECORD_ROWS) — or, for peer groups
and their sessions, the group (PEER_GROUP_ROWS). Families named inside a group or a session are loaded through the
viewer's scope, so a family outside the slice is simply not listed."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from models.casework import AidPlan as AidPlanRow
from models.casework import AidPlanStatus, CaseRecord
from models.casework import Alert as AlertRow
from models.casework import Assessment as AssessmentRow
from models.casework import CommitteeDecision as CommitteeDecisionRow
from models.casework import FollowUp as FollowUpRow
from models.casework import GroupSession as GroupSessionRow
from models.casework import HomeVisit as HomeVisitRow
from models.casework import HouseholdChange as HouseholdChangeRow
from models.casework import Interview as InterviewRow
from models.casework import Loan as LoanRow
from models.casework import PeerGroup as PeerGroupRow
from models.casework import Referral as ReferralRow
from models.casework import ServiceRecord as ServiceRow
from rules.casework import loan_follow_up_pending
from rules.committees import COMMITTEE_SUBJECTS, CommitteeSubject
from rules.empowerment import EMPOWERMENT_DOMAINS, EMPOWERMENT_LEVELS, EmpowermentDomain, EmpowermentLevel
from rules.labels import descriptions
from rules.services import (
    CHILD_FOLLOW_UP_KINDS,
    HOUSEHOLD_CHANGE_REASONS,
    LOAN_KINDS,
    SERVICE_KINDS,
    ChildFollowUpKind,
    HouseholdChangeReason,
    LoanKind,
    ServiceKind,
)
from schema.context import Info
from schema.enums import Rehabilitability, described
from schema.history import ChangeRecord, changes_of
from schema.node import Node
from schema.pagination import nested_connection_field
from schema.rowtypes import row_type, served_as
from schema.scalars import BigInt

if TYPE_CHECKING:
    from schema.children.types import Child
    from schema.families.types import Family, Member
    from schema.organizations.types import Partner

described(ServiceKind, "The 14 kinds of service a partner may give (Art. 5).", descriptions(SERVICE_KINDS))
described(ChildFollowUpKind, "What a follow-up of a child in family care looks at (seed 003).",
          descriptions(CHILD_FOLLOW_UP_KINDS))
described(LoanKind, "Loans and grants (seed 001).", descriptions(LOAN_KINDS))
described(EmpowermentDomain, "The eight domains of the empowerment scale (Art. 1.4).",
          descriptions(EMPOWERMENT_DOMAINS))
described(EmpowermentLevel, "A band of the scale's total, 8–40 (this project's reading: the directive names none).",
          {level.name: band.label.description for level, band in EMPOWERMENT_LEVELS.items()})
described(HouseholdChangeReason, "Why a member joined or left a household; the pension follows its size.",
          descriptions(HOUSEHOLD_CHANGE_REASONS))
described(CommitteeSubject, "What a committee decided, where no record of its own holds it (Art. 4).",
          {subject.name: rule.label.description for subject, rule in COMMITTEE_SUBJECTS.items()})
described(AidPlanStatus, "Where an aid plan stands with its level-1 committee (Art. 4.7).", {
    "SUBMITTED": "«ارسال‌شده» — submitted, awaiting the committee.",
    "APPROVED": "«تصویب‌شده» — approved: its services count as planned.",
    "REJECTED": "«ردشده» — rejected: the decision is kept; a new plan may be submitted.",
})


@strawberry.type
class RecordFields:
    """What every casework record shows besides its own fields."""

    version: int = strawberry.field(description="Changes with every edit.")

    @strawberry.field(description="Who recorded it (username).")
    def recorded_by(root: CaseRecord) -> str:
        return root.author_username

    @strawberry.field(description="When it was recorded.")
    def recorded_at(root: CaseRecord) -> datetime.datetime:
        return root.created_at


@strawberry.type
class ContactFields(RecordFields):
    """What an interview and a home visit both record: a meeting with the family and its report (Art. 4.6)."""

    present: str = strawberry.field(description="Who was present.")
    findings: str = strawberry.field(description="What was found.")
    report: str = strawberry.field(description="The social-work report.")


@row_type(InterviewRow, description="An interview with the family and the social-work report written from it "
                                    "(Art. 4.6).")
class Interview(Node, ContactFields):
    held_on: datetime.date = strawberry.field(description="When it was held.")


@row_type(HomeVisitRow, description="A visit to the family's home and the social-work report written from it "
                                    "(Art. 4.6).")
class HomeVisit(Node, ContactFields):
    visited_on: datetime.date = strawberry.field(description="When the home was visited.")


@strawberry.type(description="One domain's score on the empowerment scale.")
class DomainScore:
    domain: EmpowermentDomain = strawberry.field(description="The domain.")
    score: int = strawberry.field(description="1 (weakest) to 5 (strongest).")


@row_type(AssessmentRow, description="The empowerment scale (Art. 1.4): eight domains scored 1–5, at intake and "
                                     "yearly (Art. 5).")
class Assessment(Node, RecordFields):
    assessed_on: datetime.date = strawberry.field(description="When the family was assessed.")
    total: int = strawberry.field(description="The sum of the eight scores, 8–40.")
    level: EmpowermentLevel = strawberry.field(description="The band the total falls in.")
    notes: str = strawberry.field(description="The assessor's notes.")

    @strawberry.field(description="The eight scores, in the scale's order.")
    def scores(root: AssessmentRow) -> list[DomainScore]:
        stored = root.scores
        return [DomainScore(domain=domain, score=stored[domain.value]) for domain in EmpowermentDomain]


@row_type(AidPlanRow, description="An empowering aid plan (Art. 4.7): goals, planned services, resources and a "
                                  "target date, approved or rejected by a level-1 committee — the partner's for a "
                                  "delegated file, the county office's for a file it serves.")
class AidPlan(Node, RecordFields):
    submitted_on: datetime.date = strawberry.field(description="When it was submitted.")
    goals: str = strawberry.field(description="What the plan aims at.")
    resources: str = strawberry.field(description="The resources it draws on.")
    target_date: datetime.date = strawberry.field(description="When its goals should be reached.")
    status: AidPlanStatus = strawberry.field(description="Submitted, approved or rejected.")
    decided_on: datetime.date | None = strawberry.field(description="When the committee decided; null until then.")
    decision_minutes: str = strawberry.field(description="The committee's minutes.")

    @strawberry.field(description="The services it plans (Art. 5); they count as planned only once approved.")
    def planned_services(root: AidPlanRow) -> list[ServiceKind]:
        return [ServiceKind(kind) for kind in root.planned_services]

    @strawberry.field(description="Who recorded the committee's decision (username); null until decided.")
    def decided_by(root: AidPlanRow) -> str | None:
        return root.decided_by_username or None


@row_type(ServiceRow, name="Service", description="A service given (Art. 5), with the money given where any.")
class Service(Node, RecordFields):
    kind: ServiceKind = strawberry.field(description="Which of the 14 kinds.")
    given_on: datetime.date = strawberry.field(description="When it was given.")
    description: str = strawberry.field(description="What was given.")
    amount_rials: BigInt | None = strawberry.field(description="Money given, in whole rials; null when none.")


@row_type(ReferralRow, description="A referral to another body: to whom, why, and what came of it.")
class Referral(Node, RecordFields):
    referred_on: datetime.date = strawberry.field(description="When the client was referred.")
    referred_to: str = strawberry.field(description="To whom (a clinic, a bank, a court …).")
    reason: str = strawberry.field(description="Why.")
    outcome: str = strawberry.field(description="What came of it, once known.")


@row_type(LoanRow, description="A loan or grant (seed 001), with its six-month follow-up.")
class Loan(Node, RecordFields):
    kind: LoanKind = strawberry.field(description="Which kind.")
    amount_rials: BigInt = strawberry.field(description="The amount, in whole rials.")
    lender: str = strawberry.field(description="Who lent or granted it.")
    granted_on: datetime.date = strawberry.field(description="When it was granted.")
    follow_up_due_on: datetime.date | None = strawberry.field(
        description="When its six-month follow-up falls due (seed 001); null for kinds not followed.")
    followed_up_on: datetime.date | None = strawberry.field(description="When it was followed up; null until then.")
    follow_up_notes: str = strawberry.field(description="What the follow-up found.")

    @strawberry.field(description="Its follow-up is due and not yet recorded.")
    def follow_up_pending(root: LoanRow) -> bool:
        if root.follow_up_due_on is None:
            return False
        return loan_follow_up_pending(root.granted_on, root.followed_up_on is not None, datetime.date.today())


@row_type(FollowUpRow, description="A follow-up of a child in family care (seed 003); an abuse concern opens an "
                                   "alert for the county office.")
class FollowUp(Node, RecordFields):
    kind: ChildFollowUpKind = strawberry.field(description="What was followed up.")
    followed_up_on: datetime.date = strawberry.field(description="When.")
    notes: str = strawberry.field(description="What was found.")
    abuse_concern: bool = strawberry.field(description="A concern of child abuse was raised (seed 003).")


@row_type(AlertRow, description="An abuse concern raised in a child's follow-up, open until the office records how "
                                "it was handled (seed 003).")
class Alert(Node):
    opened_at: datetime.datetime = strawberry.field(description="When it was raised.")
    handled_at: datetime.datetime | None = strawberry.field(description="When it was handled; null while open.")
    handling: str = strawberry.field(description="How it was handled.")
    version: int = strawberry.field(description="Changes with every edit; send it back to handle (CONFLICT if stale).")

    @strawberry.field(description="Still waiting to be handled.")
    def is_open(root: AlertRow) -> bool:
        return root.handled_at is None

    @strawberry.field(description="Who handled it (username); null while open.")
    def handled_by(root: AlertRow) -> str | None:
        return root.handled_by_username or None

    @strawberry.field(description="The child the concern is about; null if outside your slice.")
    async def child(root: AlertRow, info: Info) -> Annotated[Child, strawberry.lazy("schema.children.types")] | None:
        return await info.context.loaders.load("Child", root.child_id)

    @strawberry.field(description="The follow-up that raised it.")
    async def follow_up(root: AlertRow, info: Info) -> FollowUp | None:
        return await info.context.loaders.load("FollowUp", root.follow_up_id)


@row_type(CommitteeDecisionRow,
          description="A committee decision (Art. 1.8–1.10, Art. 4): what it decided about a household's file or a "
                      "partner, and its minutes (office only: committee minutes stay with the office). A "
                      "classification names the rehabilitability decided, an aid plan's decision the plan.")
class CommitteeDecision(Node):
    level: int = strawberry.field(description="1 (a centre or a partner), 2 (the county office) or 3 (the province "
                                              "office), Art. 1.8–1.10.")
    subject: CommitteeSubject = strawberry.field(description="What it decided.")
    decided_on: datetime.date = strawberry.field(description="When the committee decided.")
    minutes: str = strawberry.field(description="The committee's minutes.")

    @strawberry.field(description="Who recorded it (username).")
    def recorded_by(root: CommitteeDecisionRow) -> str:
        return root.author_username

    @strawberry.field(description="When it was recorded.")
    def recorded_at(root: CommitteeDecisionRow) -> datetime.datetime:
        return root.created_at

    @strawberry.field(description="The household's file it is about; null when it is about a partner alone.")
    async def family(root: CommitteeDecisionRow, info: Info) -> Annotated[
            Family, strawberry.lazy("schema.families.types")] | None:
        return await info.context.loaders.load("Family", root.family_id)

    @strawberry.field(description="The partner it is about; null when it is about a household's file alone.")
    async def partner(root: CommitteeDecisionRow, info: Info) -> Annotated[
            Partner, strawberry.lazy("schema.organizations.types")] | None:
        return await info.context.loaders.load("Partner", root.partner_id)

    rehabilitability: Rehabilitability | None = strawberry.field(
        description="A classification's decision (Art. 4.1); null for other subjects.")

    @strawberry.field(description="The aid plan decided (Art. 4.7); null for other subjects.")
    async def aid_plan(root: CommitteeDecisionRow, info: Info) -> AidPlan | None:
        return await info.context.loaders.load("AidPlan", root.aid_plan_id)


@row_type(HouseholdChangeRow, global_id=True,
          description="A member joined or left the household, and its size from that day until the next change: the "
                      "monthly pension follows the size («بر اساس بعد خانوار», seeds 001 and 002).")
class HouseholdChange(RecordFields):
    effective_on: datetime.date = strawberry.field(description="The day the change took effect.")
    reason: HouseholdChangeReason = strawberry.field(description="Why.")
    household_size: int = strawberry.field(description="The household's size from that day until the next change.")

    @strawberry.field(description="The member joined (true) or left (false).")
    def joined(root: HouseholdChangeRow) -> bool:
        delta: int = root.delta  # a SmallIntField: tortoise types its value as Any
        return delta > 0

    @strawberry.field(description="The member who joined or left.")
    async def member(
        root: HouseholdChangeRow, info: Info
    ) -> Annotated[Member, strawberry.lazy("schema.families.types")] | None:
        return await info.context.loaders.load("Member", root.member_id)


async def household_changes_of(info: Info, family_id: int) -> list[Any]:
    """A household's changes in the order they apply: by effective day, then as they were recorded."""
    changes = await info.context.loaders.grouped("HouseholdChange", "family_id").load(family_id)
    return sorted(changes, key=lambda change: (change.effective_on, change.id))


async def families_through(info: Info, links_type: str, column: str, key: int) -> list[Any]:
    """The families a group (or a session) names through its link rows, those the viewer may see, in link order."""
    links = await info.context.loaders.grouped(links_type, column).load(key)
    families = await info.context.loaders.by_id("Family").load_many([link.family_id for link in links])
    return [family for family in families if family is not None]


async def peer_groups_of(info: Info, family_id: int) -> list[Any]:
    """The peer groups a family belongs to that the viewer may see, oldest first."""
    links = await info.context.loaders.grouped("PeerGroupFamily", "family_id").load(family_id)
    groups = await info.context.loaders.by_id("PeerGroup").load_many([link.group_id for link in links])
    return [group for group in groups if group is not None]


@row_type(GroupSessionRow, description="A session of a peer group (Art. 4.8, «جلسات گروهی»), or a training held for "
                                       "it («آموزش‌های برگزار شده»).")
class GroupSession(Node, RecordFields):
    held_on: datetime.date = strawberry.field(description="When it was held.")
    topic: str = strawberry.field(description="What it was about.")
    is_training: bool = strawberry.field(description="It was a training (Art. 4.8 counts trainings apart).")
    notes: str = strawberry.field(description="The facilitator's notes.")

    @strawberry.field(description="The group's families that attended, those you may see.")
    async def attendees(
        root: GroupSessionRow, info: Info
    ) -> list[Annotated[Family, strawberry.lazy("schema.families.types")]]:
        return await families_through(info, "GroupSessionAttendee", "session_id", root.id)

    @strawberry.field(description="The group it was held for.")
    async def group(root: GroupSessionRow, info: Info) -> PeerGroup | None:
        return await info.context.loaders.load("PeerGroup", root.group_id)

    @strawberry.field(description="Its corrections, oldest first (office only): a session is on no file, so its "
                                  "history is its own.")
    async def history(root: GroupSessionRow, info: Info) -> list[ChangeRecord]:
        return served_as(ChangeRecord, await changes_of(info, "GroupSession", root.id))


@row_type(PeerGroupRow, description="A peer group (گروه همیار, Art. 4.8; seed 002) a partner formed of families "
                                    "delegated to it, for shared economic, social and cultural activity; its partner's "
                                    "quarterly report counts the groups formed, their sessions and trainings.")
class PeerGroup(Node, RecordFields):
    name: str = strawberry.field(description="The group's name.")
    formed_on: datetime.date = strawberry.field(description="When it was formed.")

    @strawberry.field(description="The partner whose group it is.")
    async def partner(
        root: PeerGroupRow, info: Info
    ) -> Annotated[Partner, strawberry.lazy("schema.organizations.types")] | None:
        return await info.context.loaders.load("Partner", root.partner_id)

    @strawberry.field(description="Its families that you may see, in the order they joined. A family whose file has "
                                  "left the partner stays a member but is no longer shown to the partner.")
    async def families(
        root: PeerGroupRow, info: Info
    ) -> list[Annotated[Family, strawberry.lazy("schema.families.types")]]:
        return await families_through(info, "PeerGroupFamily", "group_id", root.id)

    sessions = nested_connection_field(GroupSession, "group_id", description="Its sessions and trainings, newest "
                                                                             "first.")
