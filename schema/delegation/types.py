"""GraphQL types of the delegation area (read side)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.delegation import Agreement as AgreementRow
from models.delegation import AgreementStatus, EndReason, Transition
from models.delegation import Assignment as AssignmentRow
from models.delegation import AssignmentEvent as EventRow
from schema.context import Info
from schema.enums import described
from schema.node import Node
from schema.organizations.types import Partner, StaffMember
from schema.rowtypes import row_type

if TYPE_CHECKING:
    from schema.children.types import Child
    from schema.families.types import Family

described(AgreementStatus, "Where a yearly agreement stands.", {
    "ACTIVE": "«فعال» — in force for its year.",
    "ENDED": "«خاتمه‌یافته» — ended; no new files under it.",
})
described(EndReason, "Why an assignment ended.", {
    "RETURNED": "«بازگشت به اداره» — the office took the file back.",
    "REASSIGNED": "«واگذاری مجدد» — the file went to another partner.",
    "EXITED": "«خروج از چرخه حمایت» — the client left the support cycle.",
})
described(Transition, "A step in a file's delegation history.", {
    "ASSIGNED": "«واگذاری» — delegated to a partner.",
    "WORKER_ASSIGNED": "«تعیین مددکار» — the partner named its worker.",
    "RETURNED": "«بازگشت» — returned to the office.",
    "REASSIGNED": "«واگذاری مجدد» — moved to another partner.",
})


@row_type(AgreementRow,
          description="The yearly agreement (تفاهم‌نامه) between the province or county office and a partner "
                      "(Art. 4.3, Art. 6.1), with its quotas.")
class Agreement(Node):
    jalali_year: int = strawberry.field(description="The Jalali year it covers.")
    quota_rehabilitable: int = strawberry.field(description="Rehabilitable family files it may hold (Art. 4.2).")
    quota_non_rehabilitable: int = strawberry.field(description="Non-rehabilitable family files it may hold.")
    quota_children: int = strawberry.field(description="Children's follow-up files it may hold (seed 003).")
    no_clinic_applicant: bool = strawberry.field(
        description="Charities and complexes: the office stated that no one has applied to found a clinic in the "
                    "county, so rehabilitable files may go to the partner while no clinic is licensed there (Art. 3 "
                    "note 3). Always false for other partners.")
    signed_on: datetime.date = strawberry.field(description="When it was signed.")
    status: AgreementStatus = strawberry.field(description="In force or ended.")
    version: int = strawberry.field(description="Changes with every edit.")

    @strawberry.field(description="The partner.")
    async def partner(root: AgreementRow, info: Info) -> Partner | None:
        return await info.context.loaders.load("Partner", root.partner_id)


@strawberry.type(description="A transition of an assignment (office only).")
class AssignmentEvent:
    transition: Transition = strawberry.field(description="What happened.")
    reason: str = strawberry.field(description="Why, where given.")
    at: datetime.datetime = strawberry.field(description="When.")

    @strawberry.field(description="The worker named, for WORKER_ASSIGNED.")
    async def worker_name(root: EventRow, info: Info) -> str | None:
        worker = await info.context.loaders.load("StaffMember", root.worker_id)
        return worker.full_name if worker else None

    @strawberry.field(description="Who did it.")
    def by_username(root: EventRow) -> str:
        return root.by_username


@row_type(AssignmentRow,
          description="One delegation of a file to a partner (and its worker); live while not ended.")
class Assignment(Node):
    assigned_on: datetime.date = strawberry.field(description="When the file was delegated.")
    ended_on: datetime.date | None = strawberry.field(description="When it ended; null while live.")
    end_reason: EndReason | None = strawberry.field(description="Why it ended; null while live.")

    @strawberry.field(description="The partner serving the file.")
    def partner(root: AssignmentRow, info: Info) -> Partner | None:
        loaders = info.context.loaders
        return loaders.now_or_later(loaders.by_id("Partner"), root.partner_id)

    @strawberry.field(description="The partner's worker for the file; null until the manager names one.")
    def worker(root: AssignmentRow, info: Info) -> StaffMember | None:
        loaders = info.context.loaders
        return None if root.worker_id is None else loaders.now_or_later(loaders.by_id("StaffMember"), root.worker_id)

    @strawberry.field(description="The family, for a family file.")
    async def family(
        root: AssignmentRow, info: Info
    ) -> Annotated[Family, strawberry.lazy("schema.families.types")] | None:
        return await info.context.loaders.load("Family", root.family_id)

    @strawberry.field(description="The child, for a child's file.")
    async def child(
        root: AssignmentRow, info: Info
    ) -> Annotated[Child, strawberry.lazy("schema.children.types")] | None:
        return await info.context.loaders.load("Child", root.child_id)

    @strawberry.field(description="Its transitions, oldest first (office only).")
    async def events(root: AssignmentRow, info: Info) -> list[AssignmentEvent]:
        return await info.context.loaders.grouped("AssignmentEvent", "assignment_id").load(root.id)
