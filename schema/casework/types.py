"""GraphQL types of the casework area. Each record is a row type (schema/rowtypes.py): its columns, its Jalali
companions, its global ID; who reads it follows its file (auth/policy.py, FAMILY_RECORD_ROWS)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.casework import AidPlan as AidPlanRow
from models.casework import AidPlanStatus
from models.casework import Alert as AlertRow
from models.casework import Assessment as AssessmentRow
from models.casework import FollowUp as FollowUpRow
from models.casework import HomeVisit as HomeVisitRow
from models.casework import Interview as InterviewRow
from models.casework import Loan as LoanRow
from models.casework import Referral as ReferralRow
from models.casework import ServiceRecord as ServiceRow
from rules.casework import loan_follow_up_pending
from rules.empowerment import EMPOWERMENT_DOMAINS, EMPOWERMENT_LEVELS, EmpowermentDomain, EmpowermentLevel
from rules.labels import descriptions
from rules.services import CHILD_FOLLOW_UP_KINDS, LOAN_KINDS, SERVICE_KINDS, ChildFollowUpKind, LoanKind, ServiceKind
from schema.context import Info
from schema.enums import described
from schema.node import Node
from schema.rowtypes import row_type

if TYPE_CHECKING:
    from schema.children.types import Child

described(ServiceKind, "The 14 kinds of service a partner may give (Art. 5).", descriptions(SERVICE_KINDS))
described(ChildFollowUpKind, "What a follow-up of a child in family care looks at (seed 003).",
          descriptions(CHILD_FOLLOW_UP_KINDS))
described(LoanKind, "Loans and grants (seed 001).", descriptions(LOAN_KINDS))
described(EmpowermentDomain, "The eight domains of the empowerment scale (Art. 1.4).",
          descriptions(EMPOWERMENT_DOMAINS))
described(EmpowermentLevel, "A band of the scale's total, 8–40 (this project's reading: the directive names none).",
          {level.name: band.label.description for level, band in EMPOWERMENT_LEVELS.items()})
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
    def recorded_by(self) -> str:
        return self.author_username  # type: ignore[attr-defined, no-any-return]

    @strawberry.field(description="When it was recorded.")
    def recorded_at(self) -> datetime.datetime:
        return self.created_at  # type: ignore[attr-defined, no-any-return]


@row_type(InterviewRow, description="An interview with the family and the social-work report written from it "
                                    "(Art. 4.6).")
class Interview(Node, RecordFields):
    held_on: datetime.date = strawberry.field(description="When it was held.")
    present: str = strawberry.field(description="Who was present.")
    findings: str = strawberry.field(description="What was found.")
    report: str = strawberry.field(description="The social-work report.")


@row_type(HomeVisitRow, description="A visit to the family's home and the social-work report written from it "
                                    "(Art. 4.6).")
class HomeVisit(Node, RecordFields):
    visited_on: datetime.date = strawberry.field(description="When the home was visited.")
    present: str = strawberry.field(description="Who was present.")
    findings: str = strawberry.field(description="What was found.")
    report: str = strawberry.field(description="The social-work report.")


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
    def scores(self) -> list[DomainScore]:
        stored: dict[str, int] = self.scores  # type: ignore[assignment]
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
    def planned_services(self) -> list[ServiceKind]:
        return [ServiceKind(kind) for kind in self.planned_services]  # type: ignore[attr-defined]

    @strawberry.field(description="Who recorded the committee's decision (username); null until decided.")
    def decided_by(self) -> str | None:
        return self.decided_by_username or None  # type: ignore[attr-defined]


@row_type(ServiceRow, name="Service", description="A service given (Art. 5), with the money given where any.")
class Service(Node, RecordFields):
    kind: ServiceKind = strawberry.field(description="Which of the 14 kinds.")
    given_on: datetime.date = strawberry.field(description="When it was given.")
    description: str = strawberry.field(description="What was given.")
    amount_rials: int | None = strawberry.field(description="Money given, in whole rials; null when none.")


@row_type(ReferralRow, description="A referral to another body: to whom, why, and what came of it.")
class Referral(Node, RecordFields):
    referred_on: datetime.date = strawberry.field(description="When the client was referred.")
    referred_to: str = strawberry.field(description="To whom (a clinic, a bank, a court …).")
    reason: str = strawberry.field(description="Why.")
    outcome: str = strawberry.field(description="What came of it, once known.")


@row_type(LoanRow, description="A loan or grant (seed 001), with its six-month follow-up.")
class Loan(Node, RecordFields):
    kind: LoanKind = strawberry.field(description="Which kind.")
    amount_rials: int = strawberry.field(description="The amount, in whole rials.")
    lender: str = strawberry.field(description="Who lent or granted it.")
    granted_on: datetime.date = strawberry.field(description="When it was granted.")
    follow_up_due_on: datetime.date | None = strawberry.field(
        description="When its six-month follow-up falls due (seed 001); null for kinds not followed.")
    followed_up_on: datetime.date | None = strawberry.field(description="When it was followed up; null until then.")
    follow_up_notes: str = strawberry.field(description="What the follow-up found.")

    @strawberry.field(description="Its follow-up is due and not yet recorded.")
    def follow_up_pending(self) -> bool:
        if self.follow_up_due_on is None:
            return False
        return loan_follow_up_pending(self.granted_on, self.followed_up_on is not None, datetime.date.today())


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
    def is_open(self) -> bool:
        return self.handled_at is None

    @strawberry.field(description="Who handled it (username); null while open.")
    def handled_by(self) -> str | None:
        return self.handled_by_username or None  # type: ignore[attr-defined]

    @strawberry.field(description="The child the concern is about; null if outside your slice.")
    async def child(self, info: Info) -> Annotated[Child, strawberry.lazy("schema.children.types")] | None:
        return await info.context.loaders.load("Child", self.child_id)  # type: ignore[attr-defined]

    @strawberry.field(description="The follow-up that raised it.")
    async def follow_up(self, info: Info) -> FollowUp | None:
        return await info.context.loaders.load("FollowUp", self.follow_up_id)  # type: ignore[attr-defined]
