"""GraphQL types of the families area: household case files, their members and committee decisions."""

from __future__ import annotations

import datetime

import strawberry

from models.families import Family as FamilyRow
from models.families import FamilyCategory, Rehabilitability, Relation
from models.families import Member as MemberRow
from rules.household import household_size_on
from schema.case_files import live_assignments_of, members_of
from schema.casework.types import (
    AidPlan,
    Assessment,
    CommitteeDecision,
    HomeVisit,
    HouseholdChange,
    Interview,
    Loan,
    PeerGroup,
    Referral,
    Service,
    household_changes_of,
    peer_groups_of,
)
from schema.context import Info
from schema.delegation.types import Assignment
from schema.enums import ExitRoute, FileStatus, Sex, described
from schema.history import ChangeRecord
from schema.loaders import then
from schema.money import pension as money_pension
from schema.money.types import Pension
from schema.node import Node
from schema.organizations.types import InArea, Partner
from schema.pagination import nested_connection_field
from schema.rowtypes import row_type

described(FamilyCategory, "Why a household is admitted for support (seed 001).", {
    "WOMAN_HEADED": "«زن سرپرست خانوار» — woman-headed household.",
    "NEEDY_FAMILY": "«خانواده نیازمند» — needy family.",
    "ELDERLY_DISABLED": "«سالمند/معلول» — household of elderly or disabled people.",
    "ORPHANS": "«ایتام» — orphans.",
})
described(Relation, "A member's relation to the head of the household.", {
    "HEAD": "«سرپرست» — the head of the household.",
    "SPOUSE": "«همسر» — spouse.",
    "CHILD": "«فرزند» — child.",
    "PARENT": "«پدر/مادر» — parent.",
    "SIBLING": "«خواهر/برادر» — sibling.",
    "GRANDCHILD": "«نوه» — grandchild.",
    "OTHER": "«سایر» — another relation.",
})


@row_type(MemberRow,
          description="A member of a household (عضو خانوار). National IDs are shown only to those who may see "
                      "the family (docs/access.md rule 2).")
class Member(Node):
    national_id: str = strawberry.field(description="National ID (کد ملی), 10 digits.")
    first_name: str = strawberry.field(description="First name.")
    last_name: str = strawberry.field(description="Last name.")
    birth_date: datetime.date = strawberry.field(description="Birth date.")
    sex: Sex = strawberry.field(description="Sex.")
    relation: Relation = strawberry.field(description="Relation to the head of the household.")
    is_head: bool = strawberry.field(description="Whether this member is the head of the household.")
    education: str = strawberry.field(description="Education.")
    job: str = strawberry.field(description="Job.")
    health: str = strawberry.field(description="Health and disability.")
    insurance: str = strawberry.field(description="Insurance.")
    removed_on: datetime.date | None = strawberry.field(
        description="The day the member left the household (death, marriage, leaving); null while a member. A member "
                    "who left is no longer among the family's `members`; `householdHistory` names them.")
    version: int = strawberry.field(description="Changes with every edit; send it back to update (CONFLICT if stale).")


@row_type(FamilyRow, case_file=True,
          description="A household case file (پرونده خانوار) admitted for support. Partners see it only while "
                      "it is delegated to them, and only the case summary (docs/access.md rules 1–2).")
class Family(Node, InArea):
    file_number: str = strawberry.field(description="File number: `<county code>-<Jalali year>-<sequence>`.")
    category: FamilyCategory = strawberry.field(description="Why the household is supported.")
    status: FileStatus = strawberry.field(description="In the support cycle or left it.")
    rehabilitability: Rehabilitability = strawberry.field(description="The latest committee classification.")
    household_size: int = strawberry.field(description="Number of members; drives the monthly pension.")
    address: str = strawberry.field(description="Postal address.")
    location_sketch: str = strawberry.field(description="How to find the home in an emergency (Art. 5).")
    support_started_on: datetime.date | None = strawberry.field(description="When support started.")
    exit_route: ExitRoute | None = strawberry.field(description="How the household left the cycle; null while in.")
    exited_on: datetime.date | None = strawberry.field(description="When it left the cycle; null while in.")
    access_until: datetime.date | None = strawberry.field(
        name="postRehabilitationUntil",
        description="For a file that left the cycle with a post-rehabilitation follow-up: the last day its partner "
                    "follows it (Art. 6.7); null otherwise.")
    abuse_flag: bool = strawberry.field(description="A child-abuse concern is recorded (the assigned worker, their "
                                                    "manager and the office see it).")
    office_notes: str = strawberry.field(description="The office's internal notes (office only).")
    version: int = strawberry.field(description="Changes with every edit; send it back to update (CONFLICT if stale).")

    @strawberry.field(description="The head of the household. Never null: a household is admitted with exactly one "
                                  "head, the head's relation does not change and the head is never removed.")
    def head(root: FamilyRow, info: Info) -> Member:
        # registerFamily admits exactly one HEAD, updateMember keeps the head the head and removeMember refuses it,
        # so every family has one member who is its head, and whoever sees the family sees its members.
        head: Member = then(members_of(info, root.id), lambda members: next(m for m in members if m.is_head))
        return head

    @strawberry.field(description="The members, head included, in the order they were registered; one who left the "
                                  "household (removeMember) is no longer listed.")
    def members(root: FamilyRow, info: Info) -> list[Member]:
        return members_of(info, root.id)

    @strawberry.field(description="The live delegation to a partner; null while the office serves the file itself.")
    def current_assignment(root: FamilyRow, info: Info) -> Assignment | None:
        return then(live_assignments_of(info, "family_id", root.id), lambda found: found[0] if found else None)

    interviews = nested_connection_field(Interview, "family_id", description="Interviews, newest first (Art. 4.6).")
    home_visits = nested_connection_field(HomeVisit, "family_id", description="Home visits, newest first (Art. 4.6).")
    assessments = nested_connection_field(Assessment, "family_id", description="Assessments on the empowerment "
                                                                               "scale, newest first (Art. 1.4).")
    aid_plans = nested_connection_field(AidPlan, "family_id", description="Aid plans, newest first (Art. 4.7).")
    services = nested_connection_field(Service, "family_id", description="Services given, newest first (Art. 5).")
    referrals = nested_connection_field(Referral, "family_id", description="Referrals, newest first.")
    loans = nested_connection_field(Loan, "family_id", description="Loans and grants, newest first (seed 001).")
    committee_decisions = nested_connection_field(
        CommitteeDecision, "family_id", description="Every committee decision about the file — admission, aid plans, "
                                                    "post-rehabilitation follow-up (level 1), classification (levels "
                                                    "2 and 3), exit and return, bonus review, replacement — newest "
                                                    "first (office only).")

    @strawberry.field(description="Members who joined or left (birth, death, marriage, leaving) and the household's "
                                  "size from each change on, in the order they took effect.")
    async def household_history(root: FamilyRow, info: Info) -> list[HouseholdChange]:
        return await household_changes_of(info, root.id)

    @strawberry.field(description="The household's size on a day (ISO or Jalali), which the monthly pension of its "
                                  "month follows; before the first recorded change, the size the file had then.")
    async def household_size_on(root: FamilyRow, info: Info, date: datetime.date) -> int:
        return household_size_on(await household_changes_of(info, root.id), root.household_size, date)

    @strawberry.field(description="Its monthly pension (seed 002) for a Jalali month: the share for its size of the "
                                  "minimum wage, as the national office set them (schema/money). Null for a month the "
                                  "file was not in the support cycle; RULE_VIOLATION POLICY_VALUE_MISSING when the "
                                  "office had not set a figure for it; BAD_USER_INPUT for a month not yet begun.")
    async def monthly_pension(root: FamilyRow, info: Info, jalali_year: int, month: int) -> Pension | None:
        return await money_pension.monthly_pension(info, root, jalali_year, month)

    @strawberry.field(description="The peer groups the household belongs to that you may see, oldest first (Art. 4.8).")
    async def peer_groups(root: FamilyRow, info: Info) -> list[PeerGroup]:
        return await peer_groups_of(info, root.id)

    @strawberry.field(description="The partner that held the file when it left the support cycle: the exit counts "
                                  "for it (Art. 6.3, Art. 6.8); null while in the cycle or when the office served it "
                                  "(office only).")
    async def exit_partner(root: FamilyRow, info: Info) -> Partner | None:
        return await info.context.loaders.load("Partner", root.exit_partner_id)

    @strawberry.field(description="Every delegation of the file, oldest first (office only).")
    async def assignments(root: FamilyRow, info: Info) -> list[Assignment]:
        return await info.context.loaders.grouped("Assignment", "family_id").load(root.id)

    @strawberry.field(description="Every change to the file and its members, oldest first (office only).")
    async def history(root: FamilyRow, info: Info) -> list[ChangeRecord]:
        return await info.context.loaders.grouped("ChangeRecord", "family_id").load(root.id)
