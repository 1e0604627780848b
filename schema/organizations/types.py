"""GraphQL types of the organisations area. Roots are ORM rows; `self` in a resolver is the row."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.geography import County as CountyRow
from models.geography import Province as ProvinceRow
from models.organizations import OFFICE_KINDS, PARTNER_KINDS, Organization
from models.organizations import StaffMember as StaffRow
from rules.jalali import jalali_year as jalali_year_of
from rules.jalali import jalali_year_bounds
from rules.staffing import StaffFacts, counts_for_caseload
from schema.common import jalali
from schema.delegation.caseload import Caseload, partner_caseload
from schema.enums import ClinicGrade, Degree, OfficeTier, OrganizationKind, PartnerKind, StaffPosition
from schema.node import Node, to_global_id
from schema.sources import scoped_rows

if TYPE_CHECKING:
    from schema.delegation.types import Agreement

_TIERS = {
    OrganizationKind.NATIONAL_OFFICE: OfficeTier.NATIONAL,
    OrganizationKind.PROVINCE_OFFICE: OfficeTier.PROVINCE,
    OrganizationKind.COUNTY_OFFICE: OfficeTier.COUNTY,
}


@strawberry.type(description="A province (استان) and its counties.")
class Province(Node):
    name: str = strawberry.field(description="Name in Persian.")
    code: str = strawberry.field(description="Short stable code.")

    @strawberry.field(description="Opaque global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Province", self.id))

    @strawberry.field(description="The province's counties, by name.")
    async def counties(self, info: strawberry.Info) -> list[County]:
        return await scoped_rows(info.context.viewer, "County").filter(province_id=self.id).order_by("name")

    @classmethod
    def is_type_of(cls, obj: object, _info: object) -> bool:
        return isinstance(obj, ProvinceRow)


@strawberry.type(description="A county (شهرستان) of one province.")
class County(Node):
    name: str = strawberry.field(description="Name in Persian.")
    code: str = strawberry.field(description="Short stable code.")

    @strawberry.field(description="Opaque global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("County", self.id))

    @strawberry.field(description="The province the county belongs to.")
    async def province(self, info: strawberry.Info) -> Province | None:
        return await info.context.loaders.load("Province", self.province_id)

    @classmethod
    def is_type_of(cls, obj: object, _info: object) -> bool:
        return isinstance(obj, CountyRow)


async def _province(root: Organization, info: strawberry.Info) -> ProvinceRow | None:
    return await info.context.loaders.load("Province", root.province_id)


async def _county(root: Organization, info: strawberry.Info) -> CountyRow | None:
    return await info.context.loaders.load("County", root.county_id)


@strawberry.type
class InArea:
    """The province and county of a row that carries them (kindergartens, families, children)."""

    @strawberry.field(description="The province it is in.")
    async def province(self, info: strawberry.Info) -> Province | None:
        return await _province(self, info)  # type: ignore[arg-type]

    @strawberry.field(description="The county it is in.")
    async def county(self, info: strawberry.Info) -> County | None:
        return await _county(self, info)  # type: ignore[arg-type]


@strawberry.interface(name="Organization",
                      description="An organisation a user belongs to: an office, a partner or an operator.")
class OrganizationInterface:
    name: str = strawberry.field(description="Name in Persian.")

    @strawberry.field(description="Opaque global ID.")
    def id(self) -> strawberry.ID:  # pragma: no cover - each implementation resolves its own
        raise NotImplementedError

    @strawberry.field(description="Province, where the organisation belongs to one.")
    async def province(self, info: strawberry.Info) -> Province | None:
        return await _province(self, info)  # type: ignore[arg-type]

    @strawberry.field(description="County, where the organisation belongs to one.")
    async def county(self, info: strawberry.Info) -> County | None:
        return await _county(self, info)  # type: ignore[arg-type]


@strawberry.type(description="An office of the welfare organisation: national, province or county tier.")
class Office(Node, OrganizationInterface):
    @strawberry.field(description="Opaque global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Office", self.id))

    @strawberry.field(description="The office's tier.")
    def tier(self) -> OfficeTier:
        return _TIERS[self.kind]

    @classmethod
    def is_type_of(cls, obj: object, _info: object) -> bool:
        return isinstance(obj, Organization) and obj.kind in OFFICE_KINDS


@strawberry.type(description="A staff member of a partner, with the facts Art. 2, note 1 turns on.")
class StaffMember(Node):
    full_name: str = strawberry.field(description="Full name.")
    national_id: str | None = strawberry.field(description="National ID (کد ملی).")
    position: StaffPosition = strawberry.field(description="Position at the partner.")
    degree: Degree = strawberry.field(description="Highest degree.")
    years_of_experience: int = strawberry.field(description="Years of related experience.")
    is_active: bool = strawberry.field(description="Still working at the partner.")

    @strawberry.field(description="Opaque global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("StaffMember", self.id))

    @strawberry.field(description="Whether this person carries a caseload (Art. 2, note 1).")
    def counts_for_caseload(self) -> bool:
        return self.is_active and counts_for_caseload(
            StaffFacts(degree=self.degree, years_of_experience=self.years_of_experience, position=self.position))

    @classmethod
    def is_type_of(cls, obj: object, _info: object) -> bool:
        return isinstance(obj, StaffRow)


@strawberry.type(description="A licensed partner: a social-work clinic, a charity, a service complex or an NGO child "
                             "home (Art. 1).")
class Partner(Node, OrganizationInterface):
    address: str = strawberry.field(description="Postal address.")
    phone: str = strawberry.field(description="Telephone.")
    license_number: str | None = strawberry.field(description="Licence number (Art. 26 licence).")
    license_valid_from: datetime.date | None = strawberry.field(description="Licence valid from.")
    license_valid_until: datetime.date | None = strawberry.field(description="Licence valid until.")
    first_graded_on: datetime.date | None = strawberry.field(
        description="When the clinic was first graded; a new clinic is paid as grade 2 for its first year (Art. 6, "
                    "note 4).")
    version: int = strawberry.field(description="Changes with every edit; send it back to update (CONFLICT if stale).")

    @strawberry.field(description="Opaque global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Partner", self.id))

    @strawberry.field(name="kind", description="The kind of partner.")
    def partner_kind(self) -> PartnerKind:
        return PartnerKind(self.kind.value)

    @strawberry.field(description="Clinic grade (Art. 6.4); null for other kinds.")
    def grade(self) -> ClinicGrade | None:
        return self.grade

    @strawberry.field(description="Licence start date, Jalali (YYYY/MM/DD).")
    def license_valid_from_jalali(self) -> str | None:
        return jalali(self.license_valid_from)

    @strawberry.field(description="Licence end date, Jalali (YYYY/MM/DD).")
    def license_valid_until_jalali(self) -> str | None:
        return jalali(self.license_valid_until)

    @strawberry.field(description="First grading date, Jalali (YYYY/MM/DD).")
    def first_graded_on_jalali(self) -> str | None:
        return jalali(self.first_graded_on)

    @strawberry.field(description="Whether the licence is valid today.")
    def license_valid(self) -> bool:
        today = datetime.date.today()
        start, end = self.license_valid_from, self.license_valid_until
        return self.license_number is not None and start is not None and end is not None and start <= today <= end

    @strawberry.field(description="Staff members, active first.")
    async def staff(self, info: strawberry.Info) -> list[StaffMember]:
        staff = scoped_rows(info.context.viewer, "StaffMember")
        return await staff.filter(organization_id=self.id).order_by("-is_active", "id")

    @strawberry.field(description="A clinic's caseload method (Art. 2.2: 1, 2 or 3), set by its agreement; null for "
                                  "other partners.")
    def caseload_method(self) -> int | None:
        return self.caseload_method

    @strawberry.field(description="Its yearly agreements (Art. 4.3, Art. 6.1), oldest year first.")
    async def agreements(
        self, info: strawberry.Info
    ) -> list[Annotated[Agreement, strawberry.lazy("schema.delegation.types")]]:
        return await info.context.loaders.grouped("Agreement", "partner_id", order_by="jalali_year").load(self.id)

    @strawberry.field(description="Quotas, capacity and live files (Art. 2–4) for a Jalali year; the current year by "
                                  "default.")
    async def caseload(self, info: strawberry.Info, jalali_year: int | None = None) -> Caseload | None:
        today = datetime.date.today()
        year = jalali_year_of(today) if jalali_year is None else jalali_year
        jalali_year_bounds(year)  # BAD_USER_INPUT (jalaliYear) outside 1200–1499
        return await partner_caseload(self, scoped_rows(info.context.viewer, "Agreement"), year, today)

    @classmethod
    def is_type_of(cls, obj: object, _info: object) -> bool:
        return isinstance(obj, Organization) and obj.kind in PARTNER_KINDS


@strawberry.type(description="A kindergarten operator (مؤسس مهد کودک): a person or body running kindergartens.")
class KindergartenOperator(Node, OrganizationInterface):
    phone: str = strawberry.field(description="Telephone.")

    @strawberry.field(description="Opaque global ID.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("KindergartenOperator", self.id))

    @classmethod
    def is_type_of(cls, obj: object, _info: object) -> bool:
        return isinstance(obj, Organization) and obj.kind is OrganizationKind.KINDERGARTEN_OPERATOR
