"""GraphQL types of the children area: children in family care (seed 002, seed 003)."""

from __future__ import annotations

import datetime

import strawberry

from models.children import Child as ChildRow
from models.children import CustodyReason, Placement
from schema.case_files import live_assignments_of
from schema.casework.types import FollowUp
from schema.context import Info
from schema.delegation.types import Assignment
from schema.enums import ExitRoute, FileStatus, Sex, described
from schema.families.types import Family
from schema.history import ChangeRecord
from schema.loaders import then
from schema.node import Node
from schema.organizations.types import InArea
from schema.pagination import nested_connection_field
from schema.rowtypes import row_type

described(CustodyReason, "Why a court gave the child's custody to the organisation (seed 002).", {
    "PARENTS_UNKNOWN": "«والدین و اجداد نامعلوم» — parents and grandparents unknown.",
    "PARENTS_DECEASED": "«فوت والدین و اجداد» — no parent or grandparent alive.",
    "PARENTS_UNFIT": "«عدم صلاحیت والدین به حکم دادگاه» — parents found unfit by a court.",
    "GUARDIAN_IMPRISONED": "«زندانی بودن سرپرست» — the guardian is imprisoned.",
    "GUARDIAN_MISSING": "«مفقود بودن سرپرست» — the guardian is missing.",
})
described(Placement, "Where a child discharged from a child home lives (seed 002).", {
    "OWN_FAMILY": "«خانواده خود» — with their own family.",
    "RELATIVES": "«بستگان» — with relatives.",
    "INDEPENDENT_LIVING": "«زندگی مستقل» — independently.",
})


@row_type(ChildRow, case_file=True,
          description="A child under 18 in family care (فرزند تحت سرپرستی) whose custody a court gave to the "
                      "organisation. Partners see it only while its follow-up is delegated to them, and never "
                             "the court papers (docs/access.md rules 1–2).")
class Child(Node, InArea):
    file_number: str = strawberry.field(description="File number: `<county code>-C-<Jalali year>-<sequence>`.")
    national_id: str = strawberry.field(description="National ID (کد ملی), 10 digits.")
    first_name: str = strawberry.field(description="First name.")
    last_name: str = strawberry.field(description="Last name.")
    birth_date: datetime.date = strawberry.field(description="Birth date.")
    sex: Sex = strawberry.field(description="Sex.")
    placement: Placement = strawberry.field(description="Where the child lives.")
    discharged_on: datetime.date | None = strawberry.field(
        description="When the child was discharged (ترخیص) from a child home; follow-up may be delegated a year "
                    "after (seed 003).")
    priority: bool = strawberry.field(description="Problems needing faster attention: goes first (seed 003).")
    status: FileStatus = strawberry.field(description="In care or left it.")
    exit_route: ExitRoute | None = strawberry.field(description="How the child left care; null while in.")
    exited_on: datetime.date | None = strawberry.field(description="When the child left care; null while in.")
    abuse_flag: bool = strawberry.field(description="A child-abuse concern is recorded (the assigned worker, their "
                                                    "manager and the office see it).")
    custody_reason: CustodyReason = strawberry.field(description="Why the court gave custody (office only).")
    court_order_reference: str = strawberry.field(description="The court order's reference (office only).")
    office_notes: str = strawberry.field(description="The office's internal notes (office only).")
    version: int = strawberry.field(description="Changes with every edit; send it back to update (CONFLICT if stale).")

    @strawberry.field(description="The household the child lives with, where it has a file; null when none or "
                                  "outside your slice.")
    async def guardian_family(root: ChildRow, info: Info) -> Family | None:
        return await info.context.loaders.load("Family", root.guardian_family_id)

    @strawberry.field(description="The live delegation of the child's follow-up; null while the office serves it.")
    def current_assignment(root: ChildRow, info: Info) -> Assignment | None:
        return then(live_assignments_of(info, "child_id", root.id), lambda found: found[0] if found else None)

    follow_ups = nested_connection_field(FollowUp, "child_id", description="Follow-ups of the child, newest first "
                                                                           "(seed 003).")

    @strawberry.field(description="Every delegation of the file, oldest first (office only).")
    async def assignments(root: ChildRow, info: Info) -> list[Assignment]:
        return await info.context.loaders.grouped("Assignment", "child_id").load(root.id)

    @strawberry.field(description="Every change to the file, oldest first (office only).")
    async def history(root: ChildRow, info: Info) -> list[ChangeRecord]:
        return await info.context.loaders.grouped("ChangeRecord", "child_id").load(root.id)
