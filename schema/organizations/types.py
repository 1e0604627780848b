"""GraphQL types of the organisations area. Roots are ORM rows; a resolver reads its row as `root`."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated, Protocol

import strawberry
from strawberry.dataloader import DataLoader

from models.geography import County as CountyRow
from models.geography import Province as ProvinceRow
from models.organizations import OFFICE_KINDS, PARTNER_KINDS, Organization
from models.organizations import StaffMember as StaffRow
from rules.jalali import jalali_year as jalali_year_of
from rules.jalali import jalali_year_bounds
from rules.staffing import StaffFacts, counts_for_caseload
from schema.context import Info
from schema.delegation.caseload import Caseload, partner_caseloads
from schema.enums import ClinicGrade, Degree, OfficeTier, OrganizationKind, PartnerKind, StaffPosition
from schema.money.ledger_types import ledger_balance_field, ledger_field
from schema.money.statements import subsidy_statement_field
from schema.node import Node
from schema.organizations import reports
from schema.organizations.reports import ActivityReport, ChildFollowUpReport, LateReport
from schema.rowtypes import row_type
from schema.sources import scoped_rows
from schema.supervision.partner import PartnerSupervision

if TYPE_CHECKING:
    from schema.casework.types import CommitteeDecision
    from schema.delegation.types import Agreement
    from schema.organizations.grading import PartnerGrade

_TIERS = {
    OrganizationKind.NATIONAL_OFFICE: OfficeTier.NATIONAL,
    OrganizationKind.PROVINCE_OFFICE: OfficeTier.PROVINCE,
    OrganizationKind.COUNTY_OFFICE: OfficeTier.COUNTY,
}


@row_type(ProvinceRow, description="A province (استان) and its counties.")
class Province(Node):
    name: str = strawberry.field(description="Name in Persian.")
    code: str = strawberry.field(description="Short stable code.")

    @strawberry.field(description="The province's counties, by name.")
    async def counties(root: ProvinceRow, info: Info) -> list[County]:
        return await info.context.loaders.grouped("County", "province_id", order_by="name").load(root.id)


@row_type(CountyRow, description="A county (شهرستان) of one province.")
class County(Node):
    name: str = strawberry.field(description="Name in Persian.")
    code: str = strawberry.field(description="Short stable code.")

    @strawberry.field(description="The province the county belongs to.")
    async def province(root: CountyRow, info: Info) -> Province | None:
        return await info.context.loaders.load("Province", root.province_id)


class AreaRow(Protocol):
    """A row that carries its province and county (organisations, kindergartens, families, children)."""

    @property
    def province_id(self) -> int | None: ...

    @property
    def county_id(self) -> int | None: ...


async def _province(root: AreaRow, info: Info) -> Province | None:
    return await info.context.loaders.load("Province", root.province_id)


async def _county(root: AreaRow, info: Info) -> County | None:
    return await info.context.loaders.load("County", root.county_id)


@strawberry.type
class InArea:
    """The province and county of a row that carries them (kindergartens, families, children)."""

    @strawberry.field(description="The province it is in.")
    async def province(root: AreaRow, info: Info) -> Province | None:
        return await _province(root, info)

    @strawberry.field(description="The county it is in.")
    async def county(root: AreaRow, info: Info) -> County | None:
        return await _county(root, info)


@strawberry.interface(name="Organization",
                      description="An organisation a user belongs to: an office, a partner or an operator.")
class OrganizationInterface:
    name: str = strawberry.field(description="Name in Persian.")

    id: strawberry.ID = strawberry.field(description="Opaque global ID; `node(id:)` fetches the object by it.")

    @strawberry.field(description="Province, where the organisation belongs to one.")
    async def province(root: Organization, info: Info) -> Province | None:
        return await _province(root, info)

    @strawberry.field(description="County, where the organisation belongs to one.")
    async def county(root: Organization, info: Info) -> County | None:
        return await _county(root, info)


@row_type(Organization, where=lambda row: row.kind in OFFICE_KINDS,
          description="An office of the welfare organisation: national, province or county tier.")
class Office(Node, OrganizationInterface):

    @strawberry.field(description="The office's tier.")
    def tier(root: Organization) -> OfficeTier:
        return _TIERS[root.kind]


@row_type(StaffRow, description="A staff member of a partner, with the facts Art. 2, note 1 turns on.")
class StaffMember(Node):
    full_name: str = strawberry.field(description="Full name.")
    national_id: str | None = strawberry.field(description="National ID (کد ملی).")
    position: StaffPosition = strawberry.field(description="Position at the partner.")
    degree: Degree = strawberry.field(description="Highest degree.")
    years_of_experience: int = strawberry.field(description="Years of related experience.")
    is_active: bool = strawberry.field(description="Still working at the partner.")

    @strawberry.field(description="Whether this person carries a caseload: at a clinic a social worker, the one "
                                  "associate-degree worker with two years included (Art. 2, note 1); at a charity or "
                                  "complex a bachelor-level expert (Art. 3.1).")
    async def counts_for_caseload(root: StaffRow, info: Info) -> bool:
        partner = await info.context.loaders.load("Partner", root.organization_id)
        return root.is_active and partner is not None and counts_for_caseload(StaffFacts.of(root), partner.kind.value)


@row_type(Organization, where=lambda row: row.kind in PARTNER_KINDS,
          description="A licensed partner: a social-work clinic, a charity, a service complex or an NGO child "
                      "home (Art. 1).")
class Partner(Node, OrganizationInterface, PartnerSupervision):
    address: str = strawberry.field(description="Postal address.")
    phone: str = strawberry.field(description="Telephone.")
    license_number: str | None = strawberry.field(description="License number (Art. 26 license).")
    license_valid_from: datetime.date | None = strawberry.field(description="License valid from.")
    license_valid_until: datetime.date | None = strawberry.field(description="License valid until.")
    first_graded_on: datetime.date | None = strawberry.field(
        description="When the clinic was first graded; a new clinic is paid as grade 2 for its first year (Art. 6, "
                    "note 4).")
    version: int = strawberry.field(description="Changes with every edit; send it back to update (CONFLICT if stale).")

    @strawberry.field(name="kind", description="The kind of partner.")
    def partner_kind(root: Organization) -> PartnerKind:
        return PartnerKind(root.kind.value)

    @strawberry.field(description="Clinic grade (Art. 6.4), set by the province office (gradePartner); null for other "
                                  "kinds. An UNGRADED clinic gets no files once past its first year (Art. 6.4.4, "
                                  "note 4).")
    def grade(root: Organization) -> ClinicGrade | None:
        return root.grade

    @strawberry.field(description="Whether the license is valid today.")
    def license_valid(root: Organization) -> bool:
        today = datetime.date.today()
        start, end = root.license_valid_from, root.license_valid_until
        return root.license_number is not None and start is not None and end is not None and start <= today <= end

    @strawberry.field(description="Staff members, active first.")
    async def staff(root: Organization, info: Info) -> list[StaffMember]:
        staff = await info.context.loaders.grouped("StaffMember", "organization_id").load(root.id)
        return sorted(staff, key=lambda member: not member.is_active)  # stable: by ID within each

    @strawberry.field(description="A clinic's caseload method (Art. 2.2: 1, 2 or 3), set by its agreement; null for "
                                  "other partners.")
    def caseload_method(root: Organization) -> int | None:
        method: int | None = root.caseload_method  # a SmallIntField: tortoise types its value as Any
        return method

    @strawberry.field(description="Its yearly agreements (Art. 4.3, Art. 6.1), oldest year first.")
    async def agreements(
        root: Organization, info: Info
    ) -> list[Annotated[Agreement, strawberry.lazy("schema.delegation.types")]]:
        return await info.context.loaders.grouped("Agreement", "partner_id", order_by="jalali_year").load(root.id)

    @strawberry.field(description="Its grading decisions (Art. 6.4), oldest first; the last is the grade in force. "
                                  "Empty for partners other than clinics.")
    async def grades(
        root: Organization, info: Info
    ) -> list[Annotated[PartnerGrade, strawberry.lazy("schema.organizations.grading")]]:
        return await info.context.loaders.grouped("PartnerGrade", "partner_id").load(root.id)

    @strawberry.field(description="Committee decisions about the partner that have no record of their own (quotas, "
                                  "bonus approval, re-delegation, replacement clients), newest first (office only).")
    async def committee_decisions(
        root: Organization, info: Info
    ) -> list[Annotated[CommitteeDecision, strawberry.lazy("schema.casework.types")]]:
        loader = info.context.loaders.grouped("CommitteeDecision", "partner_id", order_by="-id")
        return await loader.load(root.id)

    @strawberry.field(description="Quotas, what the caseload norms say of its staff (a clinic's minimum load, a "
                                  "charity's cap) and its live files (Art. 2–4) for a Jalali year; the current year by "
                                  "default.")
    async def caseload(root: Organization, info: Info, jalali_year: int | None = None) -> Caseload | None:
        today = datetime.date.today()
        year = jalali_year_of(today) if jalali_year is None else jalali_year
        jalali_year_bounds(year)  # BAD_USER_INPUT (jalaliYear) outside 1200–1499
        agreements = scoped_rows(info.context.viewer, "Agreement")
        loader: DataLoader[Organization, Caseload] = info.context.loaders.batched(  # a page's partners at once
            ("Partner.caseload", year, today), lambda partners: partner_caseloads(partners, agreements, year, today))
        return await loader.load(root)  # issue 8 item 6

    @strawberry.field(description="Its quarterly report to the county office (Art. 4.8) for a Jalali quarter (1–4: "
                                  "1 is Farvardin to Khordad), computed from its records; BAD_USER_INPUT for a "
                                  "Gregorian year, a quarter outside 1–4, a year before the partner existed or a "
                                  "quarter not yet begun.")
    async def quarterly_report(root: Organization, info: Info, jalali_year: int,
                               quarter: int) -> ActivityReport | None:
        return await reports.quarterly_report(info, root, jalali_year, quarter)

    @strawberry.field(description="Its figures for a Jalali year (Art. 7.6: the office's yearly report to the national "
                                  "office), counted as the quarterly report's; BAD_USER_INPUT as for quarterlyReport.")
    async def yearly_report(root: Organization, info: Info, jalali_year: int) -> ActivityReport | None:
        return await reports.yearly_report(info, root, jalali_year)

    @strawberry.field(description="The reports it owes that are due (15 days after their period) and not submitted, "
                                  "oldest first: quarterly and yearly, and monthly on children for a child home.")
    async def late_reports(root: Organization, info: Info) -> list[LateReport]:
        return await reports.late_reports(info, root)

    @strawberry.field(description="Its monthly report on the children in family care it follows (seed 003) for a "
                                  "Jalali month (1–12), computed from its follow-ups; BAD_USER_INPUT as for "
                                  "quarterlyReport.")
    async def child_follow_up_report(root: Organization, info: Info, jalali_year: int,
                                     month: int) -> ChildFollowUpReport | None:
        return await reports.child_follow_up_report(info, root, jalali_year, month)

    ledger = ledger_field()
    ledger_balance = ledger_balance_field()
    subsidy_statement = subsidy_statement_field()


@row_type(Organization, where=lambda row: row.kind is OrganizationKind.KINDERGARTEN_OPERATOR,
          description="A kindergarten operator (مؤسس مهد کودک): a person or body running kindergartens.")
class KindergartenOperator(Node, OrganizationInterface):
    phone: str = strawberry.field(description="Telephone.")
