"""GraphQL types of the supervision area (Art. 4.10–4.13, Art. 7). Each is a row type (schema/rowtypes.py); who reads
it is its policy row (auth/policy.py): visits, their action plans and the decisions about a partner go to the office
of its area and the partner's own manager, complaints and violation reports stay with the office. A family named in a
visit or a complaint is loaded through the viewer's scope, so one outside the slice is simply not shown."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.supervision import ActionPlan as ActionPlanRow
from models.supervision import Complaint as ComplaintRow
from models.supervision import PartnerDecision as PartnerDecisionRow
from models.supervision import SupervisionVisit as VisitRow
from models.supervision import ViolationReport as ViolationRow
from rules.supervision import TERMINAL_COMPLAINT_STATUSES, ComplaintStatus
from schema.context import Info
from schema.enums import described
from schema.node import Node
from schema.rowtypes import row_type

if TYPE_CHECKING:
    from schema.families.types import Family
    from schema.organizations.types import Partner

described(ComplaintStatus, "Where a complaint stands with the office (Art. 7.4).", {
    "OPEN": "«باز» — received, not yet taken up.",
    "IN_PROGRESS": "«در دست رسیدگی» — being handled by the supervising expert.",
    "UPHELD": "«وارد» — found justified; final, with its outcome.",
    "DISMISSED": "«رد شده» — found unjustified; final, with its outcome.",
})

PartnerField = Annotated["Partner", strawberry.lazy("schema.organizations.types")]
FamilyField = Annotated["Family", strawberry.lazy("schema.families.types")]


async def _partner(info: Info, partner_id: int | None) -> Partner | None:
    found: Partner | None = await info.context.loaders.load("Partner", partner_id)
    return found


@row_type(VisitRow, description="A supervising expert's visit to a partner (Art. 4.11, Art. 7.2: at least every six "
                                "months): the files sampled, what was found and what is suggested, which the partner "
                                "answers with an action plan (Art. 4.13).")
class SupervisionVisit(Node):
    visited_on: datetime.date = strawberry.field(description="When the partner was visited.")
    findings: str = strawberry.field(description="What the visit found.")
    suggestions: str = strawberry.field(description="What the monitors suggest; the partner answers with an action "
                                                    "plan (Art. 4.13).")

    @strawberry.field(description="The partner visited.")
    async def partner(root: VisitRow, info: Info) -> PartnerField | None:
        return await _partner(info, root.partner_id)

    @strawberry.field(description="The files sampled on the visit, in the order named; only those you may see now "
                                  "(a file since returned or moved drops out of a partner's view).")
    async def sampled_files(root: VisitRow, info: Info) -> list[FamilyField]:
        loaders = info.context.loaders
        samples = await loaders.grouped("SupervisionSample", "visit_id").load(root.id)
        families = await loaders.by_id("Family").load_many([sample.family_id for sample in samples])
        return [family for family in families if family is not None]

    @strawberry.field(description="Who recorded it (username).")
    def recorded_by(root: VisitRow) -> str:
        return root.author_username

    @strawberry.field(description="When it was recorded.")
    def recorded_at(root: VisitRow) -> datetime.datetime:
        return root.created_at

    @strawberry.field(description="The partner's action plan in answer to it; null until submitted.")
    async def action_plan(root: VisitRow, info: Info) -> ActionPlan | None:
        plans = await info.context.loaders.grouped("ActionPlan", "visit_id").load(root.id)
        return plans[0] if plans else None


@row_type(ActionPlanRow, description="A partner's action plan to carry out a visit's suggestions (Art. 4.13), one "
                                     "per visit, closed by the supervising expert once carried out.")
class ActionPlan(Node):
    actions: str = strawberry.field(description="What the partner will do.")
    due_on: datetime.date = strawberry.field(description="By when.")
    closed_at: datetime.datetime | None = strawberry.field(description="When it was closed; null while open.")
    closing_notes: str = strawberry.field(description="The supervising expert's notes on closing it.")
    version: int = strawberry.field(description="Changes with every edit; send it back to close (CONFLICT if "
                                                "stale).")

    @strawberry.field(description="The visit it answers.")
    async def visit(root: ActionPlanRow, info: Info) -> SupervisionVisit | None:
        found: SupervisionVisit | None = await info.context.loaders.load("SupervisionVisit", root.visit_id)
        return found

    @strawberry.field(description="Who submitted it (username): the partner's manager.")
    def submitted_by(root: ActionPlanRow) -> str:
        return root.author_username

    @strawberry.field(description="When it was submitted.")
    def submitted_at(root: ActionPlanRow) -> datetime.datetime:
        return root.created_at

    @strawberry.field(description="Who closed it (username); null while open.")
    def closed_by(root: ActionPlanRow) -> str | None:
        return root.closed_by_username or None

    @strawberry.field(description="It has been closed.")
    def is_closed(root: ActionPlanRow) -> bool:
        return root.closed_at is not None


@row_type(ComplaintRow, description="A complaint the county office received on a client's behalf (Art. 7.4), about a "
                                    "partner, a household's file or both, handled by the supervising expert (office "
                                    "only: a client's complaint about a partner is not the partner's to read).")
class Complaint(Node):
    received_on: datetime.date = strawberry.field(description="When the office received it.")
    summary: str = strawberry.field(description="What the client complains of.")
    status: ComplaintStatus = strawberry.field(description="Open, in progress, upheld or dismissed.")
    outcome: str = strawberry.field(description="What the handling found and did; required once upheld or "
                                                "dismissed.")
    version: int = strawberry.field(description="Changes with every edit; send it back to update (CONFLICT if "
                                                "stale).")

    @strawberry.field(description="The household's file it concerns; null when none is named or it is outside your "
                                  "slice.")
    async def family(root: ComplaintRow, info: Info) -> FamilyField | None:
        found: Family | None = await info.context.loaders.load("Family", root.family_id)
        return found

    @strawberry.field(description="The partner complained of; null when none is named.")
    async def partner(root: ComplaintRow, info: Info) -> PartnerField | None:
        return await _partner(info, root.partner_id)

    @strawberry.field(description="Not yet upheld or dismissed.")
    def is_open(root: ComplaintRow) -> bool:
        return ComplaintStatus(root.status) not in TERMINAL_COMPLAINT_STATUSES

    @strawberry.field(description="The supervising expert handling it (username); null until named.")
    def handled_by(root: ComplaintRow) -> str | None:
        return root.handler_username or None

    @strawberry.field(description="Who filed it for the client (username).")
    def filed_by(root: ComplaintRow) -> str:
        return root.author_username

    @strawberry.field(description="When it was filed here.")
    def filed_at(root: ComplaintRow) -> datetime.datetime:
        return root.created_at


@row_type(ViolationRow, description="A partner's violation reported to the Article 26 commission (Art. 7.7), and the "
                                    "commission's outcome once known (office only).")
class ViolationReport(Node):
    reported_on: datetime.date = strawberry.field(description="When it was reported.")
    description: str = strawberry.field(description="What the partner did.")
    outcome: str = strawberry.field(description="What the commission decided; empty until recorded.")
    outcome_on: datetime.date | None = strawberry.field(description="When the commission decided; null until then.")
    version: int = strawberry.field(description="Changes with every edit; send it back to record the outcome "
                                                "(CONFLICT if stale).")

    @strawberry.field(description="The partner reported.")
    async def partner(root: ViolationRow, info: Info) -> PartnerField | None:
        return await _partner(info, root.partner_id)

    @strawberry.field(description="Who reported it (username).")
    def reported_by(root: ViolationRow) -> str:
        return root.author_username

    @strawberry.field(description="When it was recorded here.")
    def recorded_at(root: ViolationRow) -> datetime.datetime:
        return root.created_at


@row_type(PartnerDecisionRow, description="The province office's decision, on the partner's performance and its "
                                          "supervision, to continue or to stop working with it (Art. 4.12). A stop "
                                          "ends its agreements from the decision's Jalali year and blocks new files "
                                          "until a later decision to continue.")
class PartnerDecision(Node):
    decided_on: datetime.date = strawberry.field(description="When it was decided.")
    continues: bool = strawberry.field(description="True: work with the partner continues; false: it stops.")
    reasons: str = strawberry.field(description="Why.")

    @strawberry.field(description="The partner it is about.")
    async def partner(root: PartnerDecisionRow, info: Info) -> PartnerField | None:
        return await _partner(info, root.partner_id)

    @strawberry.field(description="Who recorded it (username).")
    def decided_by(root: PartnerDecisionRow) -> str:
        return root.author_username

    @strawberry.field(description="When it was recorded.")
    def recorded_at(root: PartnerDecisionRow) -> datetime.datetime:
        return root.created_at
