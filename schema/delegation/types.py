"""GraphQL types of the delegation area (read side)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.delegation import Agreement as AgreementRow
from models.delegation import AgreementStatus, EndReason, Transition
from models.delegation import Assignment as AssignmentRow
from schema.common import jalali
from schema.enums import described
from schema.node import Node, to_global_id
from schema.organizations.types import Partner, StaffMember
from schema.sources import scoped_rows

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


@strawberry.type(description="The yearly agreement (تفاهم‌نامه) between the province office and a partner "
                             "(Art. 4.3, Art. 6.1), with its quotas.")
class Agreement(Node):
    jalali_year: int = strawberry.field(description="The Jalali year it covers.")
    quota_rehabilitable: int = strawberry.field(description="Rehabilitable family files it may hold (Art. 4.2).")
    quota_non_rehabilitable: int = strawberry.field(description="Non-rehabilitable family files it may hold.")
    quota_children: int = strawberry.field(description="Children's follow-up files it may hold (seed 003).")
    signed_on: datetime.date = strawberry.field(description="When it was signed.")
    status: AgreementStatus = strawberry.field(description="In force or ended.")
    version: int = strawberry.field(description="Changes with every edit.")

    @strawberry.field(description="Opaque global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Agreement", self.id))

    @strawberry.field(description="Signing date, Jalali (YYYY/MM/DD).")
    def signed_on_jalali(self) -> str | None:
        return jalali(self.signed_on)

    @strawberry.field(description="The partner.")
    async def partner(self, info: strawberry.Info) -> Partner | None:
        return await info.context.loaders.load("Partner", self.partner_id)

    @classmethod
    def is_type_of(cls, obj: object, _info: object) -> bool:
        return isinstance(obj, AgreementRow)


@strawberry.type(description="A transition of an assignment (office only).")
class AssignmentEvent:
    transition: Transition = strawberry.field(description="What happened.")
    reason: str = strawberry.field(description="Why, where given.")
    at: datetime.datetime = strawberry.field(description="When.")

    @strawberry.field(description="The worker named, for WORKER_ASSIGNED.")
    async def worker_name(self, info: strawberry.Info) -> str | None:
        worker = await info.context.loaders.load("StaffMember", self.worker_id)
        return worker.full_name if worker else None

    @strawberry.field(description="Who did it.")
    def by_username(self) -> str:
        return self.by_username


@strawberry.type(description="One delegation of a file to a partner (and its worker); live while not ended.")
class Assignment(Node):
    end_reason: EndReason | None = strawberry.field(description="Why it ended; null while live.")

    @strawberry.field(description="Opaque global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Assignment", self.id))

    @strawberry.field(description="The partner serving the file.")
    def partner(self, info: strawberry.Info) -> Partner | None:
        loaders = info.context.loaders
        return loaders.now_or_later(loaders.by_id("Partner"), self.partner_id)

    @strawberry.field(description="The partner's worker for the file; null until the manager names one.")
    def worker(self, info: strawberry.Info) -> StaffMember | None:
        loaders = info.context.loaders
        return None if self.worker_id is None else loaders.now_or_later(loaders.by_id("StaffMember"), self.worker_id)

    @strawberry.field(description="When the file was delegated.")
    def assigned_on(self) -> datetime.date:
        return self.assigned_on

    @strawberry.field(description="Delegation date, Jalali (YYYY/MM/DD).")
    def assigned_on_jalali(self) -> str | None:
        return jalali(self.assigned_on)

    @strawberry.field(description="When it ended; null while live.")
    def ended_on(self) -> datetime.date | None:
        return self.ended_at.date() if self.ended_at else None

    @strawberry.field(description="End date, Jalali (YYYY/MM/DD).")
    def ended_on_jalali(self) -> str | None:
        return jalali(self.ended_at.date()) if self.ended_at else None

    @strawberry.field(description="The family, for a family file.")
    async def family(
        self, info: strawberry.Info
    ) -> Annotated[Family, strawberry.lazy("schema.families.types")] | None:
        return await info.context.loaders.load("Family", self.family_id)

    @strawberry.field(description="The child, for a child's file.")
    async def child(self, info: strawberry.Info) -> Annotated[Child, strawberry.lazy("schema.children.types")] | None:
        return await info.context.loaders.load("Child", self.child_id)

    @strawberry.field(description="Its transitions, oldest first (office only).")
    async def events(self, info: strawberry.Info) -> list[AssignmentEvent]:
        return await scoped_rows(info.context.viewer, "AssignmentEvent").filter(assignment_id=self.id).order_by("id")

    @classmethod
    def is_type_of(cls, obj: object, _info: object) -> bool:
        return isinstance(obj, AssignmentRow)
